/**
 * Running the real CLI (`node bin/run.js …`) as a subprocess, isolated from
 * the host: TCRICTL_HOST_ROOT points at a temp dir, and the endpoint/config
 * environment of whoever runs the tests is removed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './fake-cri';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True if the safety net had to kill it: tcrictl hung. */
  hung: boolean;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** The host root tcrictl sees; default an empty temp dir. */
  hostRoot?: string;
  /** Kill after this long and report `hung` (a safety net, not an assertion); default 60 s. */
  killAfterMs?: number;
  /** Called once the child is running, e.g. to signal it later. */
  onSpawn?: (child: ChildProcess) => void;
}

const ISOLATED_VARS = ['CONTAINER_RUNTIME_ENDPOINT', 'IMAGE_SERVICE_ENDPOINT', 'CRI_CONFIG_FILE', 'TCRICTL_ENDPOINTS', 'TCRICTL_HOST_ROOT'];

const madeRoots: string[] = [];
let defaultRoot: string | undefined;

/** A fresh empty directory to use as TCRICTL_HOST_ROOT; removed when this process exits. */
export function makeHostRoot(): string {
  if (madeRoots.length === 0) {
    process.once('exit', () => {
      for (const d of madeRoots) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = fs.mkdtempSync(path.join('/tmp', 'tchost-'));
  madeRoots.push(dir);
  return dir;
}

/** Writes `text` to `<root>/<rel>`, creating directories. */
export function writeHostFile(root: string, rel: string, text: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

export function cliEnv(opts: CliOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ISOLATED_VARS) delete env[k];
  // Nothing ever writes into the default root, so one per process is enough.
  env.TCRICTL_HOST_ROOT = opts.hostRoot ?? (defaultRoot ??= makeHostRoot());
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function binPath(): string {
  return path.join(repoRoot(), 'bin', 'run.js');
}

/** Runs tcrictl with `args` and collects everything it printed. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [binPath(), ...args], { env: cliEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = collectOutput(child, opts.killAfterMs);
  opts.onSpawn?.(child);
  return result;
}

/** Everything a child (spawned with piped stdout and stderr) prints until it closes; killed after `killAfterMs`, reported as `hung`. */
export function collectOutput(child: ChildProcess, killAfterMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), hung });
    });
  });
}

/**
 * A socket file with nothing behind it (connect → ECONNREFUSED), as a crashed
 * runtime leaves. Node unlinks a unix socket when a server closes, so the
 * socket is bound by a child that is then SIGKILLed.
 */
export function makeStaleSocket(socket: string): void {
  fs.mkdirSync(path.dirname(socket), { recursive: true });
  const script = `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`;
  spawnSync(process.execPath, ['-e', script], { stdio: 'ignore' });
  if (!fs.statSync(socket).isSocket()) throw new Error(`makeStaleSocket: ${socket} is not a socket`);
}

/** A line of a stack trace, which a user-facing error must never contain. */
export const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

/** Controls (but tab and newline, which tables use) and Unicode format characters (Cf: bidi, U+200E, U+FEFF, …): what must never reach a terminal raw. */
export const RAW_CONTROL = /(?![\t\n])[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

