/**
 * `stats` and `statsp` tables as current crictl prints them, from two samples
 * of ListContainerStats / ListPodSandboxStats, and the frames of `--watch`.
 */
import { CliError, EXIT_INTERRUPTED, UsageError } from '../cli/cli-error';
import { humanSize, truncateId } from './format';
import { renderTable } from './table';

export interface UInt64Value {
  value: string;
}

export interface CpuUsage {
  timestamp: string;
  usageCoreNanoSeconds: UInt64Value | null;
  usageNanoCores: UInt64Value | null;
}

export interface MemoryUsage {
  workingSetBytes: UInt64Value | null;
}

export interface Attributes {
  id: string;
  metadata: { name: string } | null;
}

export interface ContainerStats {
  attributes: Attributes | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writableLayer: { usedBytes: UInt64Value | null; inodesUsed: UInt64Value | null } | null;
  swap: { swapUsageBytes: UInt64Value | null } | null;
}

export interface PodSandboxStats {
  attributes: Attributes | null;
  linux: { cpu: CpuUsage | null; memory: MemoryUsage | null } | null;
  windows: { cpu: CpuUsage | null; memory: MemoryUsage | null } | null;
}

export const CONTAINER_STATS_HEADER = ['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES', 'SWAP'];
export const POD_STATS_HEADER = ['POD', 'POD ID', 'CPU %', 'MEM'];

const big = (v: UInt64Value | null | undefined): bigint => BigInt(v?.value || '0');
const num = (v: UInt64Value | null | undefined): number => Number(v?.value || '0');

/**
 * CPU % over the interval between two samples: the difference of the
 * cumulative usageCoreNanoSeconds divided by the difference of the sample
 * timestamps (crictl's formula; 100 = one core). Where the runtime gives no
 * cumulative counter or the timestamps did not move, the runtime's own
 * usageNanoCores of the newer sample is used instead.
 */
export function cpuPercent(old: CpuUsage | null | undefined, cur: CpuUsage | null | undefined): number {
  if (!cur) return 0;
  if (old?.usageCoreNanoSeconds && cur.usageCoreNanoSeconds) {
    const dt = BigInt(cur.timestamp || '0') - BigInt(old.timestamp || '0');
    const used = big(cur.usageCoreNanoSeconds) - big(old.usageCoreNanoSeconds);
    if (dt > 0n && used >= 0n) return (Number(used) / Number(dt)) * 100;
  }
  if (cur.usageNanoCores) return num(cur.usageNanoCores) / 1e7;
  return 0;
}

function byId<T extends { attributes: Attributes | null }>(list: T[]): Map<string, T> {
  return new Map(list.map((s) => [s.attributes?.id ?? '', s]));
}

export function sortById<T extends { attributes: Attributes | null }>(list: T[]): T[] {
  return [...list].sort((a, b) => ((a.attributes?.id ?? '') < (b.attributes?.id ?? '') ? -1 : (a.attributes?.id ?? '') > (b.attributes?.id ?? '') ? 1 : 0));
}

/** Rows of `stats`: without `all`, containers that use neither CPU nor memory (not running) are left out, as crictl does. */
export function containerStatsRows(previous: ContainerStats[], current: ContainerStats[], all: boolean): string[][] {
  const before = byId(previous);
  const rows: string[][] = [];
  for (const s of sortById(current)) {
    const id = s.attributes?.id ?? '';
    const old = before.get(id);
    if (!old) continue; // appeared between the samples: no interval to measure
    const cpuUsed = num(s.cpu?.usageCoreNanoSeconds) + num(s.cpu?.usageNanoCores);
    const mem = num(s.memory?.workingSetBytes);
    if (!all && cpuUsed === 0 && mem === 0) continue;
    rows.push([
      truncateId(id),
      s.attributes?.metadata?.name ?? '',
      cpuPercent(old.cpu, s.cpu).toFixed(2),
      humanSize(mem, 4),
      humanSize(num(s.writableLayer?.usedBytes), 4),
      String(big(s.writableLayer?.inodesUsed)),
      humanSize(num(s.swap?.swapUsageBytes), 4),
    ]);
  }
  return rows;
}

function podUsage(s: PodSandboxStats): { cpu: CpuUsage | null; memory: MemoryUsage | null } | null {
  return s.linux ?? s.windows ?? null;
}

/** Rows of `statsp`; pods without data (cpu and memory both 0) are left out, as crictl does. */
export function podStatsRows(previous: PodSandboxStats[], current: PodSandboxStats[]): string[][] {
  const before = byId(previous);
  const rows: string[][] = [];
  for (const s of sortById(current)) {
    const id = s.attributes?.id ?? '';
    const old = before.get(id);
    const now = podUsage(s);
    if (!old || !now) continue;
    const cpuUsed = num(now.cpu?.usageCoreNanoSeconds) + num(now.cpu?.usageNanoCores);
    const mem = num(now.memory?.workingSetBytes);
    if (cpuUsed === 0 && mem === 0) continue;
    rows.push([s.attributes?.metadata?.name ?? '', truncateId(id), cpuPercent(podUsage(old)?.cpu, now.cpu).toFixed(2), humanSize(mem, 4)]);
  }
  return rows;
}

export function statsTable(header: string[], rows: string[][]): string {
  return renderTable(header, rows);
}

const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const HOME = '\x1b[H';
const CLEAR_TO_EOL = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

/**
 * One `--watch` frame. On a terminal the screen is redrawn in place (home,
 * each line cleared to its end, the rest of the screen cleared), which does
 * not flicker; elsewhere each frame is a plain block followed by a blank line.
 */
export function watchFrame(text: string, tty: boolean, first: boolean): string {
  if (!tty) return `${text.endsWith('\n') ? text : `${text}\n`}\n`;
  const body = text.replace(/\n$/, '').split('\n').map((l) => `${l}${CLEAR_TO_EOL}`).join('\n');
  return `${first ? CLEAR_SCREEN : HOME}${body}\n${CLEAR_BELOW}`;
}

/** `--label k=v` values as a label selector; crictl's message for a bad one. */
export function parseLabels(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`incorrectly specified label: ${v}`, 'use --label key=value');
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

export interface StatsLoopOptions<T> {
  sample: () => Promise<T[]>;
  /** The table for the interval between two samples. */
  table: (previous: T[], current: T[]) => string;
  /** -o json|yaml: one document per sample instead of a table. */
  document?: (current: T[]) => string;
  intervalMs: number;
  watch: boolean;
  tty: boolean;
  signal: AbortSignal;
  /** Raw output: the loop supplies the newlines. */
  write: (text: string) => void;
}

/** Sleeps; false if aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve(!signal.aborted);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The sampling loop of stats/statsp. Without --watch: two samples one
 * interval apart, one table (or one document of the first sample, as crictl).
 * With --watch: a new frame every interval, each measured against the
 * previous sample, until Ctrl-C, which ends it normally.
 */
export async function statsLoop<T>(o: StatsLoopOptions<T>): Promise<void> {
  const interrupted = () => {
    if (!o.watch) throw new CliError('interrupted', { exitCode: EXIT_INTERRUPTED });
  };
  try {
    let previous = await o.sample();
    if (o.document) {
      for (;;) {
        const doc = o.document(previous);
        o.write(doc.endsWith('\n') ? doc : `${doc}\n`);
        if (!o.watch) return;
        if (!(await sleep(o.intervalMs, o.signal))) return;
        previous = await o.sample();
      }
    }
    for (let first = true; ; first = false) {
      if (!(await sleep(o.intervalMs, o.signal))) return interrupted();
      const current = await o.sample();
      const text = o.table(previous, current);
      o.write(o.watch ? watchFrame(text, o.tty, first) : text);
      if (!o.watch) return;
      previous = current;
    }
  } catch (err) {
    // A call cut short by Ctrl-C (or a closed stdout) ends --watch cleanly.
    if (o.signal.aborted) return interrupted();
    throw err;
  }
}
