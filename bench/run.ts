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

interface Row {
  c: BenchCase;
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
  if (t.maxRssMiB !== undefined) {
    if (row.rssMiB === undefined) fails.push('peak RSS unknown (no /usr/bin/time)');
    else if (!(row.rssMiB <= t.maxRssMiB)) fails.push(`peak RSS ${row.rssMiB.toFixed(0)} MiB > ${t.maxRssMiB} MiB`);
  }
  return fails;
}

async function runCase(c: BenchCase, ctx: BenchContext, runs: number, hostRoot: string): Promise<Row> {
  const row: Row = { c, failures: [] };
  const prepared = await c.setup(ctx);
  try {
    const env = cliEnv({ hostRoot, env: prepared.env });
    const cmd = [...(prepared.command ?? [process.execPath, binPath()]), ...prepared.args];
    const base = [process.execPath, '-e', '0'];
    // Warm-up, not counted: page cache, tcrictl's code cache, the fake's encoded answer.
    ensureOk(await measure(base, env), 'node -e 0');
    const first = await measure(cmd, env, prepared.discardOutput);
    ensureOk(first, `tcrictl ${prepared.args.join(' ')}`);
    prepared.check?.(first);
    const times: number[] = [];
    const baseTimes: number[] = [];
    const rss: Array<number | undefined> = [];
    const baseRss: Array<number | undefined> = [];
    for (let i = 0; i < (c.runs ?? runs); i++) {
      // Alternate the order so neither side always runs right after the other.
      const order = i % 2 === 0 ? (['base', 'cmd'] as const) : (['cmd', 'base'] as const);
      for (const which of order) {
        const r = await measure(which === 'base' ? base : cmd, env, which === 'cmd' && prepared.discardOutput);
        ensureOk(r, which === 'base' ? 'node -e 0' : `tcrictl ${prepared.args.join(' ')}`);
        (which === 'base' ? baseTimes : times).push(r.wallMs);
        (which === 'base' ? baseRss : rss).push(r.rssKiB);
      }
    }
    row.medianMs = median(times);
    row.baseMs = median(baseTimes);
    row.rssMiB = mib(maxOf(rss));
    row.baseRssMiB = mib(maxOf(baseRss));
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
  return parts.join(', ');
}

function printTable(rows: Row[], runs: number): void {
  const header = ['case', 'command', 'median', 'node -e 0', 'ratio', 'peak RSS', 'target', 'result'];
  const body = rows.map((r) => {
    const ms = (x?: number) => (x === undefined ? '-' : `${Math.round(x)} ms`);
    const rss = r.rssMiB === undefined ? '-' : `${r.rssMiB.toFixed(0)} MiB`;
    const ratio = r.medianMs !== undefined && r.baseMs ? `${(r.medianMs / r.baseMs).toFixed(2)}×` : '-';
    const result = r.error ? 'ERROR' : r.failures.length ? 'FAIL' : 'PASS';
    return [r.c.name, r.c.description, ms(r.medianMs), ms(r.baseMs), ratio, rss, targetText(r.c.target), result];
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
        rows.push({ c, failures: [], error: (err as Error).message });
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
