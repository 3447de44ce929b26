/**
 * Big answers and closed pipes: 20,000 containers (a ListContainers answer
 * far over gRPC's 4 MiB default) and `tcrictl ps | head -1`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { binPath, cliEnv, runCli } from './fake/cli';
import { encode, manyContainers, startFakeCri, type FakeCri, type Workload } from './fake/fake-cri';

const N = 20_000;
// -t 60s everywhere: these tests are about size, not speed (that is `npm run bench`).

describe(`${N} containers`, () => {
  let fake: FakeCri;
  let w: Workload;
  before(async () => {
    w = manyContainers(N);
    fake = await startFakeCri({ workload: w });
  });
  after(() => fake?.stop());

  it('the fake answer is really over 4 MiB (else this file tests nothing)', () => {
    const bytes = encode('RuntimeService', 'ListContainers', { containers: w.containers }).length;
    assert.ok(bytes > 4 * 1024 * 1024, `${bytes} bytes`);
  });

  it('ps -a -o json parses and has every container, newest first', async () => {
    const r = await runCli(['ps', '-a', '-o', 'json', '-r', fake.endpoint, '-t', '60s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as { containers: Array<{ id: string; metadata: { name: string }; state: string; createdAt: string }> };
    assert.equal(out.containers.length, N);
    assert.equal(new Set(out.containers.map((c) => c.id)).size, N);
    assert.equal(out.containers[0].metadata.name, `c${N - 1}`);
    assert.equal(out.containers[N - 1].metadata.name, 'c0');
    const byId = new Map(w.containers.map((c) => [c.id, c]));
    for (const c of out.containers) {
      const want = byId.get(c.id);
      assert.ok(want, c.id);
      assert.equal(c.state, want.state);
      assert.equal(c.createdAt, want.createdAt);
    }
  });

  it('ps -a -q prints every ID, one per line', async () => {
    const r = await runCli(['ps', '-a', '-q', '-r', fake.endpoint, '-t', '60s']);
    assert.equal(r.code, 0, r.stderr);
    const ids = r.stdout.split('\n').filter(Boolean);
    assert.equal(ids.length, N);
    assert.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)));
  });

  it('ps (running only) prints a header and one row per running container', async () => {
    const r = await runCli(['ps', '-r', fake.endpoint, '-t', '60s']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter(Boolean);
    const running = w.containers.filter((c) => c.state === 'CONTAINER_RUNNING').length;
    assert.match(rows[0], /^CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME/);
    assert.equal(rows.length, running + 1);
  });
});

/** Spawns tcrictl, reads up to the first newline, then closes the pipe as `head -1` would. */
function firstLineThenClose(args: string[], endpoint: string): Promise<{ first: string; code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath(), ...args, '-r', endpoint, '-t', '60s'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let first: string | undefined;
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c: Buffer) => {
      if (first !== undefined) return;
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        first = buf.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ first: first ?? '', code, signal, stderr });
    });
  });
}

describe('a closed stdout (tcrictl ps | head -1)', () => {
  let fake: FakeCri;
  before(async () => {
    fake = await startFakeCri({ workload: manyContainers(N) });
  });
  after(() => fake?.stop());

  it('ps -a: exits quietly, no stderr, exit 0', async () => {
    const r = await firstLineThenClose(['ps', '-a'], fake.endpoint);
    assert.match(r.first, /^CONTAINER\s+IMAGE/);
    assert.equal(r.signal, null, 'not killed (also not by the safety net)');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('ps -a -o json (one big write): exits quietly too', async () => {
    const r = await firstLineThenClose(['ps', '-a', '-o', 'json'], fake.endpoint);
    assert.equal(r.first, '{');
    assert.equal(r.signal, null);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });

  it('ps -a -q: exits quietly too', async () => {
    const r = await firstLineThenClose(['ps', '-a', '-q'], fake.endpoint);
    assert.match(r.first, /^[0-9a-f]{64}$/);
    assert.equal(r.signal, null);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  });
});
