/**
 * Smoke test of the real-containerd harness itself: if this fails, every other
 * e2e failure is suspect. Also checks that stop() leaves nothing behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CRI_TABLE, mountsUnder, shimProcesses, startContainerd, tomlSet, type Containerd } from './harness/containerd';
import { criCall, seedWorkload, type Workload } from './harness/cri-fixture';
import { IMAGE_REFS, buildImageArchives } from './harness/images';

describe('containerd harness', () => {
  let ctd: Containerd;
  let w: Workload;

  before(async () => {
    ctd = await startContainerd();
    w = await seedWorkload(ctd);
  });
  after(() => ctd?.stop());

  it('runs its own containerd on a socket under its temp dir', async () => {
    assert.ok(ctd.socket.startsWith(ctd.dir + '/'));
    assert.ok(!ctd.socket.startsWith('/run/'));
    const v = await criCall(ctd.endpoint, 'RuntimeService', 'Version', {});
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    assert.match(ctd.daemonLog(), /containerd successfully booted/);
  });

  it('lists the seeded pod as ready, with kubelet metadata', async () => {
    const res = await criCall(ctd.endpoint, 'RuntimeService', 'ListPodSandbox', {});
    assert.equal(res.items.length, 1);
    const pod = res.items[0];
    assert.equal(pod.id, w.podId);
    assert.equal(pod.state, 'SANDBOX_READY');
    assert.equal(pod.metadata.name, 'web');
    assert.equal(pod.metadata.namespace, 'default');
    assert.equal(pod.labels['io.kubernetes.pod.name'], 'web');
  });

  it('lists one running and one exited container with kubelet labels', async () => {
    const res = await criCall(ctd.endpoint, 'RuntimeService', 'ListContainers', {});
    const byName = new Map<string, any>(res.containers.map((c: any) => [c.metadata.name, c]));
    assert.deepEqual([...byName.keys()].sort(), ['app', 'job']);
    assert.equal(byName.get('app').state, 'CONTAINER_RUNNING');
    assert.equal(byName.get('app').id, w.runningId);
    assert.equal(byName.get('job').state, 'CONTAINER_EXITED');
    assert.equal(byName.get('job').id, w.exitedId);
    for (const c of res.containers) {
      assert.equal(c.podSandboxId, w.podId);
      assert.equal(c.labels['io.kubernetes.pod.name'], 'web');
      assert.equal(c.labels['io.kubernetes.container.name'], c.metadata.name);
      assert.equal(c.imageRef.startsWith('sha256:'), true);
    }
  });

  it('keeps the exited container exit code and log under the pod log directory', async () => {
    const st = await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: w.exitedId });
    assert.equal(st.status.exitCode, 0);
    assert.ok(st.status.logPath.startsWith(ctd.logDir + '/'), st.status.logPath);
    assert.match(fs.readFileSync(st.status.logPath, 'utf8'), /stdout F hello from job/);
  });

  it('has both test images under their local names', async () => {
    const res = await criCall(ctd.endpoint, 'ImageService', 'ListImages', {});
    const tags = res.images.flatMap((i: any) => i.repoTags);
    assert.ok(tags.includes(ctd.images.busybox), tags.join(' '));
    assert.ok(tags.includes(ctd.images.pause), tags.join(' '));
    assert.equal(ctd.images.busybox, IMAGE_REFS.busybox);
  });

  it('answers ListPodSandboxStats for the pod', async () => {
    const res = await criCall(ctd.endpoint, 'RuntimeService', 'ListPodSandboxStats', { filter: { id: w.podId } });
    assert.equal(res.stats.length, 1);
    assert.equal(res.stats[0].attributes.id, w.podId);
    assert.equal(res.stats[0].attributes.metadata.name, 'web');
    assert.ok(res.stats[0].linux.containers.length >= 1);
  });

  it('builds byte-identical image archives', () => {
    const a = buildImageArchives();
    const first = fs.readFileSync(a.busybox);
    fs.rmSync(a.busybox);
    const b = buildImageArchives();
    assert.ok(first.equals(fs.readFileSync(b.busybox)));
  });
});

describe('containerd harness stop()', () => {
  it('removes its dir and leaves no daemon, shim or mount behind', async () => {
    const ctd = await startContainerd();
    let stopped = false;
    try {
      await seedWorkload(ctd, { podName: 'stopme', namespace: 'kube-system' });
      const pid = ctd.pid;
      assert.ok(pid);
      assert.ok(shimProcesses(ctd.socket).length > 0, 'a running pod has shims');
      await ctd.stop();
      stopped = true;
      assert.equal(fs.existsSync(ctd.dir), false);
      assert.deepEqual(shimProcesses(ctd.socket), []);
      assert.deepEqual(mountsUnder(ctd.dir), []);
      assert.equal(ctd.pid, undefined);
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    } finally {
      if (!stopped) await ctd.stop();
    }
  });

  it('kill() leaves a stale socket, restart() brings CRI back', async () => {
    const ctd = await startContainerd();
    try {
      await ctd.kill();
      assert.equal(ctd.pid, undefined);
      assert.ok(fs.existsSync(ctd.socket), 'socket file stays');
      await assert.rejects(criCall(ctd.endpoint, 'RuntimeService', 'Version', {}, 2_000), { code: 14 });
      await ctd.restart();
      const v = await criCall(ctd.endpoint, 'RuntimeService', 'Version', {});
      assert.equal(v.runtimeName, 'containerd');
    } finally {
      await ctd.stop();
    }
  });

  it('allowBrokenCri starts a daemon whose CRI plugin failed to load', async () => {
    const ctd = await startContainerd({
      allowBrokenCri: true,
      noImages: true,
      configTransform: (t) => tomlSet(t, CRI_TABLE, 'systemd_cgroup', 'true'),
    });
    try {
      assert.match(await ctd.ctr(['version']), /Server:/);
      await assert.rejects(criCall(ctd.endpoint, 'RuntimeService', 'Version', {}), { code: 12 }); // UNIMPLEMENTED
      assert.match(ctd.daemonLog(), /failed to load plugin io\.containerd\.grpc\.v1\.cri/);
    } finally {
      await ctd.stop();
    }
  });

  it('fails to start with the tail of the daemon log', async () => {
    await assert.rejects(
      startContainerd({ noImages: true, configTransform: (t) => t + '\n[plugins."io.containerd.grpc.v1.cri" broken\n' }),
      (err: Error) => {
        assert.match(err.message, /did not become ready/);
        assert.match(err.message, /containerd log/);
        assert.match(err.message, /toml|parse|failed to load/i);
        return true;
      },
    );
  });
});
