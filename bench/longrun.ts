/**
 * `npm run bench:longrun [-- logs|stats]`: bounded memory over a long run,
 * RSS of tcrictl at start (after 2 s), end, and the largest sample between:
 *   logs -f following a log a writer grows at 10 MB/s, rotated at 50 MB as
 *     the kubelet rotates (rename, new file), lines written vs printed;
 *   stats -w -s 1 against the fake server with 200 containers.
 * LONGRUN_SECONDS (default 60) shortens it for a quick check; LOG_MBPS
 * changes the writer's rate. RSS that grows may be garbage V8 has not yet
 * collected (it defers full GCs while the heap is small): LONGRUN_HEAP_MIB
 * runs tcrictl with --max-old-space-size, so a live set that grows ends in
 * an out-of-memory crash (an exit other than 130) instead. Not part of `npm test` (and not in bench/cases:
 * the interleaved runner of bench/run.ts times commands that end).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { binPath, cliEnv } from '../test/fake/cli';
import { startFakeCri } from '../test/fake/fake-cri';
import { loggingTo, statsOverride } from '../test/support/long-running';

const SECONDS = Number(process.env.LONGRUN_SECONDS ?? 60);
const MBPS = Number(process.env.LOG_MBPS ?? 10);
const HEAP = process.env.LONGRUN_HEAP_MIB ? [`--max-old-space-size=${Number(process.env.LONGRUN_HEAP_MIB)}`] : [];
const heapNote = HEAP.length ? ` (old space capped at ${process.env.LONGRUN_HEAP_MIB} MiB)` : '';

function rss(pid: number): { rss: number; hwm: number } {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN);
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

const mib = (k: number) => `${(k / 1024).toFixed(1)} MiB`;

/** Samples the child's RSS every second for SECONDS, runs `beforeStop`, then SIGINTs it; the summary line. */
async function watch(child: ChildProcess, seconds: number, beforeStop?: () => Promise<void>): Promise<{ line: string; code: number | null }> {
  const closed = new Promise<number | null>((r) => child.once('close', (c) => r(c)));
  await new Promise((r) => setTimeout(r, 2000));
  const start = rss(child.pid!).rss;
  let max = start;
  for (let s = 2; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    max = Math.max(max, rss(child.pid!).rss);
  }
  await beforeStop?.();
  const end = rss(child.pid!);
  child.kill('SIGINT');
  const code = await closed;
  return { line: `RSS start ${mib(start)}, end ${mib(end.rss)}, max sampled ${mib(max)}, peak (VmHWM) ${mib(end.hwm)}`, code };
}

/** The writer, in its own process so its pace does not depend on this one: CRI lines at MBPS, rotated at 50 MB. */
const WRITER = `
const fs = require('fs');
const [file, mbps] = [process.argv[1], Number(process.argv[2])];
const ROTATE = 50e6;
let seq = 0, size = 0, total = 0;
const pad = 'x'.repeat(60);
setInterval(() => {
  let chunk = '';
  const want = mbps * 1e6 / 100;
  while (chunk.length < want) chunk += '2024-01-01T00:00:00.000000000Z stdout F ' + (seq++) + ' ' + pad + '\\n';
  fs.appendFileSync(file, chunk);
  size += chunk.length; total += chunk.length;
  if (size >= ROTATE) { fs.renameSync(file, file + '.1'); fs.writeFileSync(file, ''); size = 0; }
}, 10);
process.on('SIGTERM', () => { process.stdout.write(JSON.stringify({ lines: seq, bytes: total })); process.exit(0); });
`;

async function logsBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcbench-longrun-'));
  const file = path.join(dir, '0.log');
  fs.writeFileSync(file, '');
  const fake = await startFakeCri({ overrides: loggingTo(file) });
  const writer = spawn(process.execPath, ['-e', WRITER, file, String(MBPS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let written = '';
  writer.stdout.on('data', (c: Buffer) => (written += c.toString()));
  try {
    const child = spawn(process.execPath, [...HEAP, binPath(), '-r', fake.endpoint, 'logs', '-f', 'app'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    let lines = 0;
    child.stdout!.on('data', (c: Buffer) => {
      bytes += c.length;
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
    });
    // Stop the writer first and give the follower time to catch up: then printed = written means nothing was lost.
    const { line, code } = await watch(child, SECONDS, async () => {
      writer.kill('SIGTERM');
      await new Promise((r) => writer.once('close', r));
      await new Promise((r) => setTimeout(r, 3000));
    });
    const w = JSON.parse(written || '{"lines":0,"bytes":0}') as { lines: number; bytes: number };
    console.log(`logs -f ${SECONDS} s${heapNote}, writer ${MBPS} MB/s (rotating at 50 MB): ${line}`);
    console.log(`  written ${w.lines} lines (${(w.bytes / 1e6).toFixed(0)} MB, ${(w.bytes / 1e6 / SECONDS).toFixed(1)} MB/s); printed ${lines} lines (${(bytes / 1e6).toFixed(0)} MB); exit ${code} on Ctrl-C`);
  } finally {
    writer.kill('SIGKILL');
    await fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function statsBench(): Promise<void> {
  const fake = await startFakeCri({ overrides: statsOverride(200) });
  try {
    const child = spawn(process.execPath, [...HEAP, binPath(), '-r', fake.endpoint, 'stats', '-w', '-s', '1'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let frames = 0;
    child.stdout!.on('data', (c: Buffer) => (frames += c.toString().split('CONTAINER ').length - 1));
    const { line, code } = await watch(child, SECONDS);
    console.log(`stats -w ${SECONDS} s${heapNote}, 200 containers: ${line}`);
    console.log(`  ${frames} frames printed, ${fake.calls.filter((c) => c === 'ListContainerStats').length} ListContainerStats calls; exit ${code} on Ctrl-C`);
  } finally {
    await fake.stop();
  }
}

(async () => {
  const only = process.argv[2];
  console.log(`tcrictl long-run bench: node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
  if (!only || only === 'logs') await logsBench();
  if (!only || only === 'stats') await statsBench();
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
