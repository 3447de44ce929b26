/**
 * Runs tcrictl as a child and measures what the hostile-server tests assert:
 * wall time until it ended, its peak RSS (GNU time's %M, from wait4's
 * rusage, so a short spike counts), exit code and output. The child runs in
 * its own process group so the safety net kills all of it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { binPath, cliEnv, collectOutput, type CliResult } from './cli';

export const GNU_TIME = '/usr/bin/time';

export interface Measured extends CliResult {
  elapsedMs: number;
  /** process.hrtime.bigint() when it ended. */
  endedNs: bigint;
  /** Peak resident set size in MiB (NaN if GNU time could not say, e.g. the child was killed). */
  peakRssMiB: number;
}

export function canMeasure(): boolean {
  return fs.existsSync(GNU_TIME);
}

/** tcrictl `args`; killed (and reported `hung`) after `killAfterMs`. */
export async function measureCli(args: string[], killAfterMs: number, env: Record<string, string | undefined> = {}): Promise<Measured> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcmeasure-')), 'rusage');
  const started = process.hrtime.bigint();
  const child = spawn(GNU_TIME, ['-q', '-f', '%M', '-o', out, process.execPath, binPath(), ...args], {
    env: cliEnv({ env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(killGroup, killAfterMs);
  const r = await collectOutput(child, killAfterMs + 5_000);
  clearTimeout(timer);
  const endedNs = process.hrtime.bigint();
  const elapsedMs = Number(endedNs - started) / 1e6;
  let peakRssMiB = NaN;
  try {
    peakRssMiB = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024;
  } catch {
    // killed before GNU time wrote it
  }
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  // GNU time exits with the child's status; a child killed by a signal shows as 128+N there.
  const hung = r.hung || elapsedMs >= killAfterMs;
  return { ...r, hung, elapsedMs, endedNs, peakRssMiB };
}
