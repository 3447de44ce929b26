/**
 * tcrictl as a subprocess against one endpoint, isolated from the host's
 * files (TCRICTL_HOST_ROOT, no endpoint variables): what the e2e tests of the
 * mutating commands share.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { cliEnv } from '../fake/cli';
import { repoRoot } from './proto';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** The global -t/--timeout, given before the command as crictl users do (default 30s). */
  timeout?: string;
}

const RUN_JS = path.join(repoRoot(), 'bin', 'run.js');

export function cli(endpoint: string) {
  const run = (args: string[], o: RunOptions = {}): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [RUN_JS, '-r', endpoint, '-t', o.timeout ?? '30s', ...args], {
        env: { ...cliEnv({ env: o.env }), TZ: 'UTC' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.once('error', reject);
      child.stdin.end(o.stdin ?? '');
      child.once('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    });
  const ok = async (args: string[], o: RunOptions = {}): Promise<string> => {
    const r = await run(args, o);
    assert.equal(r.code, 0, `tcrictl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  return { run, ok };
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
