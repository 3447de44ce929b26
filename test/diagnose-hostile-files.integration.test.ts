/**
 * Hostile files on the node diagnose reads: every kubelet, containerd,
 * systemd, CNI, hosts.toml, passwd and log path a FIFO (or a link to
 * /dev/zero). These reads are synchronous, so a FIFO blocked diagnose where
 * no signal could reach it (SIGTERM did nothing; only SIGKILL ended it).
 * Now each is refused by what it is, and the report says so.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHostRoot, runCli, STACK_LINE } from './fake/cli';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();

const FIFOS = [
  'var/lib/kubelet/config.yaml',
  'var/lib/kubelet/kubeadm-flags.env',
  'etc/containerd/config.toml',
  'etc/crictl.yaml',
  'etc/systemd/system/containerd.service',
  'var/log/containerd.log',
  'etc/cni/net.d/10-net.conflist',
  'etc/passwd',
  'etc/containerd/certs.d/docker.io/hosts.toml',
];

/** Far above the second diagnose takes; a blocked read never ends. */
const BOUND_MS = 20_000;

describe('diagnose and endpoint detection on a node whose files are FIFOs', () => {
  let root: string;
  before(() => {
    root = makeHostRoot();
    for (const rel of FIFOS) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      execFileSync('mkfifo', [path.join(root, rel)]);
    }
    fs.symlinkSync('/dev/zero', path.join(root, 'var/lib/kubelet/instance-config.yaml'));
  });

  it('diagnose -o json ends, and names the kubelet and containerd configs as FIFOs', async () => {
    const f = await fake();
    const r = await runCli(['diagnose', '-r', f.endpoint, '-o', 'json'], { hostRoot: root, killAfterMs: BOUND_MS });
    assert.equal(r.hung, false, 'diagnose blocked on a FIFO');
    assert.ok(r.code !== null && r.code <= 2, `exit ${r.code}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    const text = JSON.stringify(JSON.parse(r.stdout));
    for (const rel of ['var/lib/kubelet/config.yaml', 'etc/containerd/config.toml']) {
      assert.ok(text.includes(`${path.join(root, rel)} is not readable: is a FIFO (named pipe), not a regular file`), `${rel} named as a FIFO`);
    }
  });

  it('diagnose (text) ends too', async () => {
    const f = await fake();
    const r = await runCli(['diagnose', '-r', f.endpoint], { hostRoot: root, killAfterMs: BOUND_MS });
    assert.equal(r.hung, false, 'diagnose blocked on a FIFO');
    assert.ok(r.code !== null && r.code <= 2, `exit ${r.code}: ${r.stderr}`);
  });

  it('a command without -r (endpoint detection reads the kubelet files) ends with its usual error', async () => {
    const r = await runCli(['version'], { hostRoot: root, killAfterMs: BOUND_MS });
    assert.equal(r.hung, false, 'endpoint detection blocked on a FIFO');
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, STACK_LINE);
  });
});
