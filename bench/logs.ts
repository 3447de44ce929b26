/**
 * `logs` on a ~1 GiB CRI log file (bench/cases/logs.ts loads these cases):
 *
 *   logs-tail   `logs --tail 100`: must cost about what `tcrictl version` costs
 *               (median ≤ 1.3× the median of `tcrictl version`, measured in setup),
 *               i.e. independent of the file's size.
 *   logs-dump   the whole file to /dev/null: ≥ 200 MB/s, peak RSS ≤ 100 MiB.
 *
 * The file is containerd's own log path of an exited container, overwritten
 * with generated lines: mostly stdout, a stderr line in a thousand, and every
 * 5000th line longer than 16 KiB split into P records the way containerd does.
 * `generateCriLog` is exported for anyone who wants the same file.
 */
import * as fs from 'node:fs';
import { measure, median, type BenchCase, type BenchContext } from './lib';
import { binPath, cliEnv } from '../test/fake/cli';
import { criCall, runContainer, runPod, waitForState } from '../test/harness/cri-fixture';

export const LOG_BYTES = 1 << 30;
const MAX_LINE = 16 * 1024;
const DUMP_MB_PER_S = 200;

/** Writes `bytes` (about) of CRI-format log to `file`; returns the exact size. */
export function generateCriLog(file: string, bytes = LOG_BYTES): number {
  const fd = fs.openSync(file, 'w');
  const start = Date.UTC(2024, 4, 1);
  const long = 'L'.repeat(3 * MAX_LINE + 100);
  let written = 0;
  let n = 0;
  try {
    while (written < bytes) {
      const parts: string[] = [];
      for (let k = 0; k < 20_000; k++, n++) {
        // RFC3339Nano as containerd writes it: trailing zeros of the fraction dropped.
        const ns = String((n * 7919) % 1_000_000_000).padStart(9, '0').replace(/0+$/, '');
        const t = `${new Date(start + Math.floor(n / 1000) * 1000).toISOString().slice(0, 19)}${ns ? `.${ns}` : ''}Z`;
        if (n % 5000 === 4999) {
          for (let p = 0; p < long.length; p += MAX_LINE) {
            const end = Math.min(p + MAX_LINE, long.length);
            parts.push(`${t} stdout ${end < long.length ? 'P' : 'F'} ${long.slice(p, end)}\n`);
          }
        } else {
          const stream = n % 1000 === 0 ? 'stderr' : 'stdout';
          parts.push(`${t} ${stream} F ${n} GET /api/v1/namespaces/default/pods/web-${n % 97} 200 ${n % 991}ms user-agent="kubelet/v1.28" bytes=${(n * 31) % 65536}\n`);
        }
      }
      written += fs.writeSync(fd, parts.join(''));
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** One exited container whose log file is the generated 1 GiB, shared by both cases. */
let shared: Promise<{ endpoint: string; id: string; size: number }> | undefined;

function bigLog(ctx: BenchContext) {
  shared ??= (async () => {
    const ctd = await ctx.containerd();
    const podId = await runPod(ctd, { name: 'bench-logs' });
    const id = await runContainer(ctd, podId, { name: 'biglog', command: ['/bin/sh', '-c', 'echo start'] });
    await waitForState(ctd, id, 'CONTAINER_EXITED');
    const logPath: string = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: id })).status.logPath;
    ctx.log(`writing a ${(LOG_BYTES / 2 ** 30).toFixed(0)} GiB CRI log at ${logPath}…`);
    const size = generateCriLog(logPath);
    ctx.onCleanup(() => fs.rmSync(logPath, { force: true }));
    return { endpoint: ctd.endpoint, id, size };
  })();
  return shared;
}

const tail: BenchCase = {
  name: 'logs-tail',
  description: 'tcrictl logs --tail 100 <1 GiB log> vs tcrictl version',
  // Set in setup: 1.3 × the ratio of `tcrictl version` to `node -e 0`. The
  // runner measures this case against `node -e 0` too, so both sides are
  // normalised the same way and a loaded machine slows both alike.
  target: {},
  async setup(ctx) {
    const { endpoint, id } = await bigLog(ctx);
    const env = cliEnv();
    const version = [process.execPath, binPath(), 'version', '-r', endpoint];
    const base = [process.execPath, '-e', '0'];
    await measure(version, env);
    const v: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 11; i++) {
      for (const which of i % 2 ? [version, base] : [base, version]) (which === version ? v : b).push((await measure(which, env)).wallMs);
    }
    const versionRatio = median(v) / median(b);
    tail.target.maxRatio = Math.round(versionRatio * 1.3 * 100) / 100;
    tail.description = `tcrictl logs --tail 100 <1 GiB log> (≤ 1.3× tcrictl version, whose ratio is ${versionRatio.toFixed(2)}×)`;
    return {
      args: ['logs', '--tail', '100', id, '-r', endpoint],
      check: (r) => {
        const count = (text: string) => text.split('\n').length - 1;
        const lines = count(r.stdout.toString()) + count(r.stderr);
        if (lines !== 100) throw new Error(`expected 100 lines on stdout and stderr together, got ${lines}`);
      },
    };
  },
};

const dump: BenchCase = {
  name: 'logs-dump',
  description: `tcrictl logs <1 GiB log> > /dev/null (≥ ${DUMP_MB_PER_S} MB/s)`,
  target: { maxRssMiB: 100 },
  runs: 5,
  async setup(ctx) {
    const { endpoint, id, size } = await bigLog(ctx);
    dump.target.maxMedianMs = Math.round((size / (DUMP_MB_PER_S * 1e6)) * 1000);
    dump.description = `tcrictl logs <${(size / 2 ** 30).toFixed(2)} GiB log> > /dev/null (≥ ${DUMP_MB_PER_S} MB/s = ≤ ${dump.target.maxMedianMs} ms)`;
    return { args: ['logs', id, '-r', endpoint], discardOutput: true };
  },
};

export const cases: BenchCase[] = [tail, dump];
export default cases;
