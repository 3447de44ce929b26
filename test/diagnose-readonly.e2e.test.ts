/**
 * diagnose is read-only on the node, proven with strace: `tcrictl diagnose`
 * against a real containerd 1.6 (and once with `--textfile … -o prometheus`)
 * runs under `strace -f` tracing every syscall that can change the file
 * system; any open for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC) or any
 * unlink, rename, mkdir, rmdir, chmod, chown or truncate — attempted, whether
 * or not it succeeded, by tcrictl or a program it runs — fails the test,
 * except on the textfile, its temp sibling, and terminal/null devices.
 * What was traced is printed either way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startContainerd, type Containerd } from './harness/containerd';
import { seedWorkload } from './harness/cri-fixture';
import { binPath, cliEnv, collectOutput } from './fake/cli';

const MUTATING_CALLS = ['creat', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2', 'mkdir', 'mkdirat', 'rmdir', 'chmod', 'fchmodat', 'chown', 'fchownat', 'truncate'];
const TRACE = ['openat', ...MUTATING_CALLS].join(',');
const WRITE_FLAGS = /\b(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC)\b/;
/** Devices a process may open for writing without changing anything. */
const HARMLESS = /^\/dev\/(null|tty|pts\/\d+)$/;

export interface Traced {
  pid: string;
  call: string;
  paths: string[];
  line: string;
}

/** The quoted strings of an strace argument list, unescaped enough for paths. */
function quoted(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

/** Every traced call that writes: openat with a write flag, or any of MUTATING_CALLS. */
export function writesIn(trace: string, cwd: string): Traced[] {
  const out: Traced[] = [];
  for (const line of trace.split('\n')) {
    // "<... openat resumed>" halves carry only the result; the call's arguments are on its first half.
    const m = /^(\d+)\s+([a-z0-9_]+)\((.*)$/.exec(line);
    if (!m) continue;
    const [, pid, call, args] = m;
    const paths = quoted(args).map((p) => path.resolve(cwd, p));
    if (call === 'openat' ? WRITE_FLAGS.test(args) : MUTATING_CALLS.includes(call)) out.push({ pid, call, paths, line });
  }
  return out;
}

async function tracedDiagnose(args: string[], cwd: string, log: string, hostRoot?: string): Promise<{ code: number | null; stderr: string; trace: string }> {
  const child = spawn('strace', ['-f', '-qq', '-s', '4096', '-e', `trace=${TRACE}`, '-o', log, process.execPath, binPath(), 'diagnose', ...args], {
    env: cliEnv({ hostRoot }),
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await collectOutput(child, 120_000);
  assert.equal(r.hung, false, 'diagnose under strace hung');
  return { code: r.code, stderr: r.stderr, trace: fs.readFileSync(log, 'utf8') };
}

describe('diagnose does not change the node (strace)', () => {
  let ctd: Containerd;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-ro-'));
  before(async () => {
    ctd = await startContainerd();
    // Containers and pods to look at, an exited one among them.
    await seedWorkload(ctd);
  });
  after(async () => {
    await ctd?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const check = (name: string, args: string[], allowed: (p: string) => boolean, hostRoot?: string) =>
    it(name, async (t) => {
      const r = await tracedDiagnose(['-r', ctd.endpoint, ...args], tmp, path.join(tmp, `${name.replace(/\W+/g, '-')}.strace`), hostRoot);
      assert.ok(r.code !== null && r.code <= 2, `diagnose exit ${r.code}: ${r.stderr}`);
      const lines = r.trace.split('\n').filter(Boolean);
      // The trace is real: node opened its own bundle for reading.
      assert.ok(lines.some((l) => l.includes('tcrictl.js')), 'strace saw tcrictl open its bundle');
      const writes = writesIn(r.trace, tmp);
      const bad = writes.filter((w) => w.paths.length === 0 || !w.paths.every((p) => HARMLESS.test(p) || allowed(p)));
      t.diagnostic(`${lines.length} traced calls, ${writes.length} writing (${writes.length - bad.length} allowed), ${bad.length} not allowed`);
      for (const w of writes) t.diagnostic(`${bad.includes(w) ? 'NOT ALLOWED' : 'allowed'}: ${w.line}`);
      assert.deepEqual(bad.map((w) => w.line), []);
    });

  check('diagnose -r ENDPOINT', [], () => false);
  // The real host as the node: its /etc, /proc, /sys, services and binaries are all looked at.
  check('diagnose -r ENDPOINT on this host (TCRICTL_HOST_ROOT=/)', ['-o', 'json', '--verbose'], () => false, '/');

  const prom = path.join(tmp, 'out', 'tcrictl.prom');
  fs.mkdirSync(path.dirname(prom), { recursive: true });
  const sibling = new RegExp(`^${path.dirname(prom).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.tcrictl\\.prom\\.\\d+\\.tmp$`);
  check('diagnose --textfile FILE -o prometheus', ['--textfile', prom, '-o', 'prometheus'], (p) => p === prom || sibling.test(p));

  it('the textfile was written (else the allowance above proved nothing)', () => {
    assert.match(fs.readFileSync(prom, 'utf8'), /^# HELP tcrictl_/m);
  });
});
