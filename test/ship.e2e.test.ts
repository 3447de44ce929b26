/**
 * The single executable (dist/tcrictl) on a "node" without Node.js: an
 * environment with nothing but an empty directory on PATH, against the real
 * containerd of the test harness. The executable is (re)built here when it is
 * missing or holds an older bundle than dist/tcrictl.js (~10 s).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startContainerd, type Containerd } from './harness/containerd';
import { seedWorkload, type Workload } from './harness/cri-fixture';

const root = path.resolve(__dirname, '..', '..');
const exe = path.join(root, 'dist', 'tcrictl');
const bundle = path.join(root, 'dist', 'tcrictl.js');
const stamp = `${exe}.build-id`;
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };

function bundleId(): string {
  const head = fs.readFileSync(bundle, 'latin1').slice(0, 80);
  const id = /^\/\/ tcrictl-build ([0-9a-f]{16})/.exec(head)?.[1];
  assert.ok(id, `${bundle} has no build id: run npm run build`);
  return id;
}

function ensureExecutable(): void {
  const fresh = fs.existsSync(exe) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === bundleId();
  if (fresh) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-binary.js')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `build:binary failed: ${r.stderr}${r.stdout}`);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only the executable, an empty PATH directory and an empty host root: no node, no npm, no host sockets. */
function runExe(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const missing = (id: string) => (id in manifest.commands ? false : `tcrictl has no '${id}' command yet (not in oclif.manifest.json)`);

describe('dist/tcrictl (single executable) without Node.js on PATH', { timeout: 240_000 }, () => {
  let ctd: Containerd;
  let w: Workload;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    ensureExecutable();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-ship-'));
    const emptyBin = path.join(dir, 'bin');
    const hostRoot = path.join(dir, 'host');
    fs.mkdirSync(emptyBin);
    fs.mkdirSync(hostRoot);
    env = { PATH: emptyBin, HOME: dir, TCRICTL_HOST_ROOT: hostRoot };
    ctd = await startContainerd();
    w = await seedWorkload(ctd);
  });
  after(async () => {
    await ctd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is an ELF executable that carries its own runtime', () => {
    const head = Buffer.alloc(4);
    const fd = fs.openSync(exe, 'r');
    fs.readSync(fd, head, 0, 4, 0);
    fs.closeSync(fd);
    assert.deepEqual([...head], [0x7f, 0x45, 0x4c, 0x46]);
    assert.ok(fs.statSync(exe).mode & 0o111, 'not executable');
    assert.equal(spawnSync('/bin/sh', ['-c', 'command -v node'], { env }).status, 127, 'node must not be reachable from the test PATH');
  });

  it('version', async () => {
    const r = await runExe(['version', '-r', ctd.endpoint], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Version:  0\.1\.0\nRuntimeName:  containerd\nRuntimeVersion:  1\.6\.\S+\nRuntimeApiVersion:  v1\n$/);
    assert.equal(r.stderr, '', 'no warnings (e.g. the SEA require() warning)');
  });

  it('starts from its embedded V8 code cache (made by the same node at build time)', async () => {
    const r = await runExe(['--version'], { ...env, TCRICTL_DEBUG_STARTUP: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^tcrictl: code cache used$/m);
    assert.match(r.stdout, /^tcrictl\/0\.1\.0 linux-x64 node-v\d+/);
  });

  it('ps -a -o json lists the seeded containers', async () => {
    const r = await runExe(['ps', '-a', '-o', 'json', '-r', ctd.endpoint], env);
    assert.equal(r.code, 0, r.stderr);
    const containers = (JSON.parse(r.stdout) as { containers: Array<{ id: string; state: string }> }).containers;
    const byId = new Map(containers.map((c) => [c.id, c.state]));
    assert.equal(byId.get(w.runningId), 'CONTAINER_RUNNING');
    assert.equal(byId.get(w.exitedId), 'CONTAINER_EXITED');
  });

  it('logs prints what the exited container wrote', { skip: missing('logs') }, async () => {
    const r = await runExe(['logs', w.exitedId, '-r', ctd.endpoint], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hello from job/);
  });

  it('diagnose -o json reports a healthy runtime as JSON', { skip: missing('diagnose') }, async () => {
    const r = await runExe(['diagnose', '-o', 'json', '-r', ctd.endpoint], env);
    assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { status: string; findings: Array<{ id: string; severity: string }>; runtime?: { name?: string } };
    assert.ok(['healthy', 'warnings', 'errors'].includes(report.status), `status ${report.status}`);
    assert.ok(Array.isArray(report.findings));
    assert.equal(report.runtime?.name, 'containerd');
  });

  it('a usage error is one line and exit 1, as with the npm package', async () => {
    const r = await runExe(['ps', '--no-such-flag'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: .*no-such-flag/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });
});
