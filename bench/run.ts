/**
 * `npm run bench [-- --only NAME[,NAME…]] [--runs N] [--list]`
 *
 * Runs every case in bench/cases/ side by side with `node -e 0`: for each
 * case, N rounds that alternate which of the two goes first, so both see the
 * same machine state. Prints medians, the ratio to the baseline, peak RSS and
 * the case's target with PASS/FAIL. Exit code 1 if a case fails or errors.
 * Never part of `npm test`: timings are for this report, not assertions.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HAVE_TIME, measure, median, type BenchCase, type BenchContext, type RunResult, type Target } from './lib';
import { binPath, cliEnv, makeHostRoot } from '../test/fake/cli';

interface Options {
  only: string[];
  runs: number;
  list: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { only: [], runs: 15, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only' || a.startsWith('--only=')) o.only.push(...value().split(',').filter(Boolean));
    else if (a === '--runs' || a.startsWith('--runs=')) o.runs = Number(value());
    else if (a === '--list') o.list = true;
    else throw new Error(`unknown argument ${a} (use --only NAME[,NAME], --runs N, --list)`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs must be a positive whole number');
  return o;
}

/** Every case in bench/cases/*.js: a default export that is a case or an array of cases. */
function loadCases(): BenchCase[] {
  const dir = path.join(__dirname, 'cases');
  const out: BenchCase[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { default?: BenchCase | BenchCase[] };
    const found = mod.default === undefined ? [] : Array.isArray(mod.default) ? mod.default : [mod.default];
    out.push(...found);
  }
  const names = new Set<string>();
  for (const c of out) {
    if (names.has(c.name)) throw new Error(`two bench cases are named ${c.name}`);
    names.add(c.name);
  }
  return out;
}

interface OtherRow {
  name: string;
  medianMs?: number;
  rssMiB?: number;
}

interface Row {
  c: BenchCase;
  others: OtherRow[];
  medianMs?: number;
  baseMs?: number;
  rssMiB?: number;
  baseRssMiB?: number;
  failures: string[];
  error?: string;
}

const mib = (kib: number | undefined) => (kib === undefined ? undefined : kib / 1024);
const maxOf = (xs: Array<number | undefined>) => (xs.some((x) => x === undefined) ? undefined : Math.max(...(xs as number[])));

function ensureOk(r: RunResult, what: string): void {
  if (r.code !== 0) {
    const err = r.stderr.trim().split('\n').slice(0, 3).join(' | ');
    throw new Error(`${what} exited ${r.code ?? r.signal}: ${err}`);
  }
}

function judge(t: Target, row: Row): string[] {
  const fails: string[] = [];
  const ratio = row.medianMs! / row.baseMs!;
  if (t.maxRatio !== undefined && !(ratio <= t.maxRatio)) fails.push(`ratio ${ratio.toFixed(2)}× > ${t.maxRatio}×`);
  if (t.maxMedianMs !== undefined && !(row.medianMs! <= t.maxMedianMs)) fails.push(`median ${Math.round(row.medianMs!)} ms > ${t.maxMedianMs} ms`);
  if (t.maxRatioTo !== undefined) {
    const o = row.others.find((x) => x.name === t.maxRatioTo!.name);
    const r = o?.medianMs ? row.medianMs! / o.medianMs : undefined;
    if (r === undefined) fails.push(`no ${t.maxRatioTo.name} to compare with`);
    else if (!(r <= t.maxRatioTo.ratio)) fails.push(`ratio to ${t.maxRatioTo.name} ${r.toFixed(2)}× > ${t.maxRatioTo.ratio}×`);
  }
  if (t.maxRssMiB !== undefined) {
    if (row.rssMiB === undefined) fails.push('peak RSS unknown (no /usr/bin/time)');
    else if (!(row.rssMiB <= t.maxRssMiB)) fails.push(`peak RSS ${row.rssMiB.toFixed(0)} MiB > ${t.maxRssMiB} MiB`);
  }
  return fails;
}

async function runCase(c: BenchCase, ctx: BenchContext, runs: number, hostRoot: string): Promise<Row> {
  const row: Row = { c, others: [], failures: [] };
  const prepared = await c.setup(ctx);
  try {
    const env = cliEnv({ hostRoot, env: prepared.env });
    const cmd = [...(prepared.command ?? [process.execPath, binPath()]), ...prepared.args];
    const crictl = process.env.CRICTL_BIN && prepared.crictlArgs ? [{ name: 'crictl', command: [process.env.CRICTL_BIN, ...prepared.crictlArgs] }] : [];
    // Index 0: node -e 0, 1: tcrictl, then the others.
    const programs = [
      { name: 'node -e 0', command: [process.execPath, '-e', '0'], discard: false },
      { name: `tcrictl ${prepared.args.join(' ')}`, command: cmd, discard: !!prepared.discardOutput },
      ...[...(prepared.others ?? []), ...crictl].map((o) => ({ ...o, discard: !!prepared.discardOutput })),
    ];
    // Warm-up, not counted: page cache, code caches, the fake's encoded answer.
    for (const [i, p] of programs.entries()) {
      const first = await measure(p.command, env, p.discard);
      ensureOk(first, p.name);
      if (i === 1) prepared.check?.(first);
    }
    const times = programs.map(() => [] as number[]);
    const rss = programs.map(() => [] as Array<number | undefined>);
    for (let i = 0; i < (c.runs ?? runs); i++) {
      // Rotate the order so no program always runs right after another.
      for (let k = 0; k < programs.length; k++) {
        const j = (i + k) % programs.length;
        const r = await measure(programs[j].command, env, programs[j].discard);
        ensureOk(r, programs[j].name);
        times[j].push(r.wallMs);
        rss[j].push(r.rssKiB);
      }
    }
    row.baseMs = median(times[0]);
    row.baseRssMiB = mib(maxOf(rss[0]));
    row.medianMs = median(times[1]);
    row.rssMiB = mib(maxOf(rss[1]));
    row.others = programs.slice(2).map((p, k) => ({ name: p.name, medianMs: median(times[k + 2]), rssMiB: mib(maxOf(rss[k + 2])) }));
    row.failures = judge(c.target, row);
  } finally {
    await prepared.teardown?.();
  }
  return row;
}

function targetText(t: Target): string {
  const parts: string[] = [];
  if (t.maxRatio !== undefined) parts.push(`≤ ${t.maxRatio.toFixed(1)}×`);
  if (t.maxMedianMs !== undefined) parts.push(`≤ ${t.maxMedianMs >= 1000 ? `${t.maxMedianMs / 1000} s` : `${t.maxMedianMs} ms`}`);
  if (t.maxRssMiB !== undefined) parts.push(`≤ ${t.maxRssMiB} MiB`);
  if (t.maxRatioTo !== undefined) parts.push(`≤ ${t.maxRatioTo.ratio}× ${t.maxRatioTo.name}`);
  return parts.join(', ');
}

function printTable(rows: Row[], runs: number): void {
  const header = ['case', 'command', 'median', 'node -e 0', 'ratio', 'peak RSS', 'target', 'result'];
  const ms = (x?: number) => (x === undefined ? '-' : `${Math.round(x)} ms`);
  const mibText = (x?: number) => (x === undefined ? '-' : `${x.toFixed(0)} MiB`);
  const ratioOf = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : '-');
  const body = rows.flatMap((r) => {
    const result = r.error ? 'ERROR' : r.failures.length ? 'FAIL' : 'PASS';
    // The others under their case: their ratio to node -e 0, then tcrictl's ratio to them.
    return [
      [r.c.name, r.c.description, ms(r.medianMs), ms(r.baseMs), ratioOf(r.medianMs, r.baseMs), mibText(r.rssMiB), targetText(r.c.target), result],
      ...r.others.map((o) => [`  ${o.name}`, `(tcrictl ${ratioOf(r.medianMs, o.medianMs)} of it)`, ms(o.medianMs), ms(r.baseMs), ratioOf(o.medianMs, r.baseMs), mibText(o.rssMiB), '', '']),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  const baseRss = rows.find((r) => r.baseRssMiB !== undefined)?.baseRssMiB;
  const out = [
    `tcrictl bench: node ${process.version}, ${os.cpus().length} CPUs, ${runs} interleaved runs per case (medians; ratio = median / median of \`node -e 0\` in the same case)`,
    HAVE_TIME ? `peak RSS (from /usr/bin/time) of \`node -e 0\`: ${baseRss?.toFixed(0) ?? '-'} MiB` : 'peak RSS: /usr/bin/time not found, not measured',
    '',
    line(header),
    ...body.map(line),
  ];
  for (const r of rows) {
    if (r.error) out.push(`  ${r.c.name}: ERROR ${r.error}`);
    for (const f of r.failures) out.push(`  ${r.c.name}: FAIL ${f}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  let cases = loadCases();
  if (opts.list) {
    for (const c of cases) process.stdout.write(`${c.name.padEnd(24)} ${c.description}  [${targetText(c.target)}]\n`);
    return;
  }
  if (opts.only.length) {
    const unknown = opts.only.filter((n) => !cases.some((c) => c.name === n));
    if (unknown.length) throw new Error(`no bench case named ${unknown.join(', ')}; cases: ${cases.map((c) => c.name).join(', ')}`);
    cases = cases.filter((c) => opts.only.includes(c.name));
  }

  const cleanups: Array<() => Promise<void> | void> = [];
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  let containerd: Promise<import('../test/harness/containerd').Containerd> | undefined;
  const ctx: BenchContext = {
    containerd() {
      containerd ??= (async () => {
        log('starting a private containerd (test harness)…');
        // Loaded only when a case needs it: the harness pulls in child processes and mounts.
        const { startContainerd } = await import('../test/harness/containerd');
        const ctd = await startContainerd();
        cleanups.push(() => ctd.stop());
        return ctd;
      })();
      return containerd;
    },
    async fake(fakeOpts) {
      const { startFakeCri } = await import('../test/fake/fake-cri');
      const f = await startFakeCri(fakeOpts);
      cleanups.push(() => f.stop());
      return f;
    },
    onCleanup: (fn) => cleanups.push(fn),
    log,
  };

  const hostRoot = makeHostRoot();
  cleanups.push(() => fs.rmSync(hostRoot, { recursive: true, force: true }));
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      log(`${c.name}: ${c.description}`);
      try {
        rows.push(await runCase(c, ctx, opts.runs, hostRoot));
      } catch (err) {
        rows.push({ c, others: [], failures: [], error: (err as Error).message });
      }
    }
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`cleanup: ${(err as Error).message}`);
      }
    }
  }
  printTable(rows, opts.runs);
  if (rows.some((r) => r.error || r.failures.length)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
