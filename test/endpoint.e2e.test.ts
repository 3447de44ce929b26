/**
 * Endpoint auto-detection against a real containerd (the harness's private
 * daemon): the candidates before it are missing, stale (connection refused)
 * and not CRI; tcrictl must fall through to containerd, quietly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startContainerd, type Containerd } from './harness/containerd';
import { makeHostRoot, makeStaleSocket, runCli } from './fake/cli';
import { startFakeCri, type FakeCri } from './fake/fake-cri';

describe('auto-detection finds a real containerd behind broken candidates', () => {
  let ctd: Containerd;
  let notCri: FakeCri;
  let dir: string;
  let missing: string;
  let stale: string;

  before(async () => {
    ctd = await startContainerd({ noImages: true });
    notCri = await startFakeCri({ mode: 'unrelated' });
    dir = makeHostRoot();
    missing = path.join(dir, 'missing', 'containerd.sock');
    stale = path.join(dir, 'stale', 'containerd.sock');
    makeStaleSocket(stale);
  });
  after(async () => {
    await notCri?.stop();
    await ctd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('TCRICTL_ENDPOINTS: missing, stale, not-CRI, then containerd → version works, no noise', async () => {
    const list = [`unix://${missing}`, `unix://${stale}`, notCri.endpoint, ctd.endpoint].join(',');
    const r = await runCli(['version'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Version:  0\.1\.0\nRuntimeName:  containerd\nRuntimeVersion:  \S+\nRuntimeApiVersion:  v1\n$/);
  });

  it('-D shows every probe and the one chosen', async () => {
    const list = [`unix://${missing}`, `unix://${stale}`, notCri.endpoint, ctd.endpoint].join(',');
    const r = await runCli(['-D', 'version'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.code, 0, r.stderr);
    const probe = (p: string) => r.stderr.split('\n').find((l) => l.includes(`probe unix://${p} `)) ?? '';
    assert.match(probe(missing), /no such socket/);
    assert.match(probe(stale), /connection refused/);
    assert.match(probe(notCri.socket), /does not serve CRI/);
    assert.match(probe(ctd.socket), /containerd/);
    assert.ok(r.stderr.includes(`using ${ctd.endpoint}`), r.stderr);
  });

  it('host layout: stale containerd socket, not-CRI k3s socket, containerd behind the CRI-O path', async () => {
    const root = makeHostRoot();
    try {
      makeStaleSocket(path.join(root, 'run/containerd/containerd.sock'));
      fs.mkdirSync(path.join(root, 'run/k3s/containerd'), { recursive: true });
      fs.symlinkSync(notCri.socket, path.join(root, 'run/k3s/containerd/containerd.sock'));
      fs.mkdirSync(path.join(root, 'run/crio'), { recursive: true });
      fs.symlinkSync(ctd.socket, path.join(root, 'run/crio/crio.sock'));
      const r = await runCli(['version'], { hostRoot: root });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /RuntimeName:  containerd/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('once containerd is killed its socket is stale, and the error says so for every candidate', async () => {
    await ctd.kill();
    const list = [`unix://${missing}`, ctd.endpoint].join(',');
    const r = await runCli(['version'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.code, 1);
    const line = (p: string) => r.stderr.split('\n').find((l) => l.includes(p)) ?? '';
    assert.match(line(missing), /no such socket/);
    assert.match(line(ctd.socket), /connection refused/);
    assert.match(r.stderr, /tcrictl diagnose/);
  });
});
