/**
 * Endpoint auto-detection through the CLI (run in process, as the binary
 * runs it: test/support/in-process.ts): candidates that are missing,
 * stale (connection refused), not CRI, or silent come before a good one, and
 * the good one is used with no noise. Candidate lists come from
 * TCRICTL_ENDPOINTS or from the layout under TCRICTL_HOST_ROOT.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { makeHostRoot, makeStaleSocket, STACK_LINE, writeHostFile } from './fake/cli';
import { runCliInProcess as runCli } from './support/in-process';
import { type FakeCri } from './fake/fake-cri';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();

const runtimeName = (stdout: string) => /RuntimeName:  (\S+)/.exec(stdout)?.[1];

/** Missing, stale, not-CRI and silent sockets, in that order, each in its own temp dir. */
async function badCandidates(): Promise<{ missing: string; stale: string; notCri: FakeCri; silent: FakeCri }> {
  const dir = makeHostRoot();
  const stale = path.join(dir, 'stale.sock');
  makeStaleSocket(stale);
  return {
    missing: path.join(dir, 'missing.sock'),
    stale,
    notCri: await fake({ mode: 'unrelated' }),
    silent: await fake({ mode: 'silent' }),
  };
}

describe('auto-detection with TCRICTL_ENDPOINTS', () => {
  it('skips missing, stale, not-CRI and silent candidates and uses the good one, quietly', async () => {
    const bad = await badCandidates();
    const good = await fake({ version: { runtimeName: 'the-good-one' } });
    const list = [`unix://${bad.missing}`, `unix://${bad.stale}`, bad.notCri.endpoint, bad.silent.endpoint, good.endpoint].join(',');
    const r = await runCli(['version', '-t', '2s'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warnings when a runtime was found');
    assert.equal(runtimeName(r.stdout), 'the-good-one');
  });

  it('-D shows each candidate tried and why it was skipped', async () => {
    const bad = await badCandidates();
    const good = await fake({ version: { runtimeName: 'the-good-one' } });
    const list = [`unix://${bad.missing}`, `unix://${bad.stale}`, bad.notCri.endpoint, bad.silent.endpoint, good.endpoint].join(',');
    const r = await runCli(['-D', 'version', '-t', '2s'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runtimeName(r.stdout), 'the-good-one');
    const probe = (p: string) => r.stderr.split('\n').find((l) => l.includes(`probe unix://${p} `)) ?? '';
    assert.match(probe(bad.missing), /no such socket/);
    assert.match(probe(bad.stale), /connection refused/);
    assert.match(probe(bad.notCri.socket), /does not serve CRI/);
    assert.match(probe(bad.silent.socket), /did not answer in time/);
    assert.match(probe(good.socket), /the-good-one/);
    assert.match(r.stderr, new RegExp(`using ${good.endpoint.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it('takes the first good candidate in list order, not the fastest', async () => {
    const slow = await fake({ version: { runtimeName: 'first' }, overrides: { Version: { delayMs: 300 } } });
    const fast = await fake({ version: { runtimeName: 'second' } });
    const r = await runCli(['version'], { env: { TCRICTL_ENDPOINTS: `${slow.endpoint},${fast.endpoint}` } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runtimeName(r.stdout), 'first');
  });

  it('none good: one error listing every candidate and why, pointing at tcrictl diagnose', async () => {
    const bad = await badCandidates();
    const list = [`unix://${bad.missing}`, `unix://${bad.stale}`, bad.notCri.endpoint, bad.silent.endpoint].join(',');
    const r = await runCli(['version', '-t', '500ms'], { env: { TCRICTL_ENDPOINTS: list } });
    assert.equal(r.hung, false);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, STACK_LINE);
    const ls = r.stderr.split('\n').filter(Boolean);
    assert.match(ls[0], /^tcrictl: no container runtime found/);
    assert.equal(ls.filter((l) => l.startsWith('tcrictl:')).length, 1, 'one error, not one per candidate');
    const line = (p: string) => ls.find((l) => l.includes(p)) ?? '';
    assert.match(line(bad.missing), /no such socket/);
    assert.match(line(bad.stale), /connection refused/);
    assert.match(line(bad.notCri.socket), /does not serve CRI/);
    assert.match(line(bad.silent.socket), /did not answer in time/);
    assert.match(ls[ls.length - 1], /hint: .*tcrictl diagnose/);
  });

  it('a socket path that is a regular file is reported as not a socket', async () => {
    const root = makeHostRoot();
    const file = writeHostFile(root, 'not-a-socket.sock', '');
    const r = await runCli(['version'], { env: { TCRICTL_ENDPOINTS: `unix://${file}` } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not-a-socket\.sock.*is not a socket/);
  });
});

describe('auto-detection from the host layout (TCRICTL_HOST_ROOT)', () => {
  it('finds containerd at /run/containerd/containerd.sock', async () => {
    const root = makeHostRoot();
    await fake({ socketPath: path.join(root, 'run/containerd/containerd.sock'), version: { runtimeName: 'containerd' } });
    const r = await runCli(['version'], { hostRoot: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(runtimeName(r.stdout), 'containerd');
  });

  it('falls through a stale containerd socket to CRI-O', async () => {
    const root = makeHostRoot();
    makeStaleSocket(path.join(root, 'run/containerd/containerd.sock'));
    await fake({ socketPath: path.join(root, 'var/run/crio/crio.sock'), version: { runtimeName: 'cri-o' } });
    const r = await runCli(['version'], { hostRoot: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(runtimeName(r.stdout), 'cri-o');
  });

  it("the kubelet's config.yaml endpoint wins over the known sockets", async () => {
    const root = makeHostRoot();
    await fake({ socketPath: path.join(root, 'run/containerd/containerd.sock'), version: { runtimeName: 'default-containerd' } });
    await fake({ socketPath: path.join(root, 'run/custom/cri.sock'), version: { runtimeName: 'kubelet-runtime' } });
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/custom/cri.sock\n');
    const r = await runCli(['-D', 'version'], { hostRoot: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runtimeName(r.stdout), 'kubelet-runtime');
    assert.match(r.stderr, /using unix:\/\/\S*\/run\/custom\/cri\.sock \(kubelet config/);
  });

  it("the kubelet's --container-runtime-endpoint flag (kubeadm-flags.env) wins too", async () => {
    const root = makeHostRoot();
    await fake({ socketPath: path.join(root, 'run/containerd/containerd.sock'), version: { runtimeName: 'default-containerd' } });
    await fake({ socketPath: path.join(root, 'run/flagged.sock'), version: { runtimeName: 'flagged' } });
    writeHostFile(root, 'var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/flagged.sock"\n');
    const r = await runCli(['version'], { hostRoot: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(runtimeName(r.stdout), 'flagged');
  });

  it('an empty host: the error lists the default sockets under the host root', async () => {
    const root = makeHostRoot();
    const r = await runCli(['version'], { hostRoot: root });
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`${root}/run/containerd/containerd.sock`), r.stderr);
    assert.ok(r.stderr.includes(`${root}/run/crio/crio.sock`), r.stderr);
    assert.match(r.stderr, /tcrictl diagnose/);
  });
});
