/**
 * The benchmark's vocabulary: a case says what to run and what it must beat;
 * the runner measures it side by side with `node -e 0` in the same run.
 *
 * Adding a case: create bench/cases/<name>.ts that default-exports a BenchCase
 * (or an array of them). Example:
 *
 *   const helpCase: BenchCase = {
 *     name: 'help',
 *     description: 'tcrictl --help',
 *     target: { maxRatio: 2.0 },
 *     setup: async () => ({ args: ['--help'] }),
 *   };
 *   export default helpCase;
 *
 * `ctx.containerd()` gives the shared real containerd (started once, stopped at
 * the end), `ctx.fake(opts)` an in-process fake CRI server.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Containerd } from '../test/harness/containerd';
import type { FakeCri, FakeCriOptions } from '../test/fake/fake-cri';

/** What a case must achieve; every bound that is set must hold. */
export interface Target {
  /** Median wall time ≤ maxRatio × the median of `node -e 0`, measured interleaved. */
  maxRatio?: number;
  /** Median wall time, absolute. */
  maxMedianMs?: number;
  /** Peak RSS (the largest of all runs). */
  maxRssMiB?: number;
  /** Median ≤ ratio × the median of the case's other command of that name (Prepared.others). */
  maxRatioTo?: { name: string; ratio: number };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Peak RSS in KiB from /usr/bin/time, when available. */
  rssKiB?: number;
  stdout: Buffer;
  stderr: string;
}

export interface Prepared {
  /** tcrictl's arguments (the runner adds `node bin/run.js`, or `command`). */
  args: string[];
  /** The program to run instead of `node bin/run.js`, e.g. the single executable dist/tcrictl. */
  command?: string[];
  /** Extra environment; TCRICTL_HOST_ROOT is an empty temp dir unless set here. */
  env?: Record<string, string>;
  /** Send the command's stdout and stderr to /dev/null instead of collecting them (big outputs). */
  discardOutput?: boolean;
  /** Other programs measured in the same interleaved rounds (e.g. a floor to compare with). */
  others?: Array<{ name: string; command: string[] }>;
  /** crictl's arguments for the same work: with CRICTL_BIN set, crictl runs side by side. */
  crictlArgs?: string[];
  /** Throws if a run's output is wrong (checked on the first measured run). */
  check?: (r: RunResult) => void;
  teardown?: () => Promise<void>;
}

export interface BenchContext {
  /** The shared real containerd (with the harness images), started on first use. */
  containerd(): Promise<Containerd>;
  /** A fake CRI server, stopped when the run ends. */
  fake(opts?: FakeCriOptions): Promise<FakeCri>;
  /** Runs at the end of the whole bench run. */
  onCleanup(fn: () => Promise<void> | void): void;
  /** Progress line on stderr. */
  log(line: string): void;
}

export interface BenchCase {
  name: string;
  description: string;
  target: Target;
  /** Measured runs of the command and of the baseline each; default from --runs. */
  runs?: number;
  setup(ctx: BenchContext): Promise<Prepared>;
}

const TIME = '/usr/bin/time';
export const HAVE_TIME = fs.existsSync(TIME);

/**
 * Runs argv once and measures wall time (spawn to exit, stdout drained) and,
 * through /usr/bin/time, the peak RSS.
 */
export function measure(argv: string[], env: NodeJS.ProcessEnv, discardOutput = false): Promise<RunResult> {
  const rssFile = path.join(os.tmpdir(), `tcbench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, ...args] = HAVE_TIME ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', discardOutput ? 'ignore' : 'pipe', discardOutput ? 'ignore' : 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let rssKiB: number | undefined;
      if (HAVE_TIME) {
        try {
          // The last line: /usr/bin/time prefixes a note when the command failed.
          rssKiB = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
          fs.rmSync(rssFile, { force: true });
        } catch {
          rssKiB = undefined;
        }
      }
      resolve({ code, signal, wallMs, rssKiB, stdout: Buffer.concat(out), stderr });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
