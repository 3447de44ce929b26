/**
 * The mutating container and pod commands (rm, rmp, stop, stopp, start,
 * runp, create, run, update, checkpoint, rmi) against a real containerd from
 * the harness. Every expectation is checked against what the runtime itself
 * reports afterwards (criCall), not only against tcrictl's words.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startContainerd, type Containerd } from './harness/containerd';
import { criCall, podConfig, runContainer, runPod, seedWorkload, SLEEPER_COMMAND, waitForState } from './harness/cri-fixture';
import { cli, lines } from './support/cli-e2e';
import { buildImageArchives } from './harness/images';

let ctd: Containerd;
let t: ReturnType<typeof cli>;
let files: string;

before(async () => {
  ctd = await startContainerd();
  t = cli(ctd.endpoint);
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-mut-'));
});

after(async () => {
  await ctd?.stop();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

async function containerIds(): Promise<string[]> {
  return (await criCall(ctd.endpoint, 'RuntimeService', 'ListContainers', { filter: {} })).containers.map((c: { id: string }) => c.id);
}

async function containerState(id: string): Promise<string> {
  return (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: id })).status.state;
}

async function podIds(): Promise<string[]> {
  return (await criCall(ctd.endpoint, 'RuntimeService', 'ListPodSandbox', { filter: {} })).items.map((p: { id: string }) => p.id);
}

async function imageTags(): Promise<string[]> {
  return (await criCall(ctd.endpoint, 'ImageService', 'ListImages', {})).images.flatMap((i: { repoTags: string[] }) => i.repoTags).sort();
}

/** Removes every pod (and so every container) so each test starts clean. */
async function clean(): Promise<void> {
  for (const id of await podIds()) {
    await criCall(ctd.endpoint, 'RuntimeService', 'StopPodSandbox', { podSandboxId: id }, 60_000);
    await criCall(ctd.endpoint, 'RuntimeService', 'RemovePodSandbox', { podSandboxId: id }, 60_000);
  }
}

describe('rm', () => {
  it('refuses a running container without -f, removes the others given, reports unknown ones, exit 1', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const r = await t.run(['rm', 'app', 'no-such-container', 'job']);
    assert.equal(r.code, 1);
    assert.deepEqual(lines(r.stdout), ['job']);
    assert.match(r.stderr, /container "app" is running, please stop it first/);
    assert.match(r.stderr, /hint: .*tcrictl rm -f app/);
    assert.match(r.stderr, /no container matches "no-such-container"/);
    assert.deepEqual(await containerIds(), [w.runningId]);
  });

  it('-f stops and removes a running container and deletes its log file', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const st = await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: w.runningId });
    const logPath: string = st.status.logPath;
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    fs.writeFileSync(`${logPath}.20260101-000000`, 'rotated\n');
    assert.ok(fs.existsSync(logPath), `no log at ${logPath}`);
    assert.deepEqual(lines(await t.ok(['rm', '-f', w.runningId.slice(0, 12)])), [w.runningId.slice(0, 12)]);
    assert.deepEqual((await containerIds()).sort(), [w.exitedId]);
    assert.equal(fs.existsSync(logPath), false);
    assert.equal(fs.existsSync(`${logPath}.20260101-000000`), false);
  });

  it('-k keeps the log file', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const logPath: string = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: w.exitedId })).status.logPath;
    await t.ok(['rm', '-k', 'job']);
    assert.equal(fs.existsSync(logPath), true);
  });

  it('an ambiguous name lists the candidates and removes nothing, not even the other arguments', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const p2 = await runPod(ctd, { name: 'web2' });
    const dup1 = await runContainer(ctd, w.podId, { name: 'dup', command: ['true'] });
    const dup2 = await runContainer(ctd, p2, { name: 'dup', command: ['true'] });
    await waitForState(ctd, dup1, 'CONTAINER_EXITED');
    await waitForState(ctd, dup2, 'CONTAINER_EXITED');
    const before = (await containerIds()).sort();
    const r = await t.run(['rm', 'job', 'dup']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /"dup" matches 2 containers/);
    assert.ok(r.stderr.includes(dup1.slice(0, 13)) && r.stderr.includes(dup2.slice(0, 13)), r.stderr);
    assert.deepEqual((await containerIds()).sort(), before);
  });

  it('rm $(ps -a --state exited -q) removes exactly the exited containers', async () => {
    await clean();
    const w = await seedWorkload(ctd, { withCreated: true });
    const exited = lines(await t.ok(['ps', '-a', '--state=exited', '-q']));
    assert.deepEqual(exited, [w.exitedId]);
    assert.deepEqual(lines(await t.ok(['rm', ...exited])), exited);
    assert.deepEqual((await containerIds()).sort(), [w.runningId, w.createdId!].sort());
  });

  it('nothing to act on: help (exit 0); -a on an empty node says "No containers to remove"', async () => {
    await clean();
    const help = await t.run(['rm']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Remove one or more containers/);
    const none = await t.run(['rm', '-a']);
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No containers to remove/);
  });

  it('-a prints every container it removes; IDs with -a is a usage error that removes nothing', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const bad = await t.run(['rm', '-a', 'job']);
    assert.equal(bad.code, 1);
    assert.equal((await containerIds()).length, 2);
    const r = await t.run(['rm', '-a', '-f']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).sort(), [w.runningId, w.exitedId].sort());
    assert.deepEqual(await containerIds(), []);
  });
});

describe('stop, start, stopp, rmp', () => {
  it('start by name, stop -t, each printed as given; stop -a with nothing running says so', async () => {
    await clean();
    const w = await seedWorkload(ctd, { withCreated: true });
    assert.deepEqual(lines(await t.ok(['start', 'idle'])), ['idle']);
    await waitForState(ctd, w.createdId!, 'CONTAINER_RUNNING');
    assert.deepEqual(lines(await t.ok(['stop', '-t', '1', 'idle', w.runningId])).sort(), ['idle', w.runningId].sort());
    assert.equal(await containerState(w.createdId!), 'CONTAINER_EXITED');
    assert.equal(await containerState(w.runningId), 'CONTAINER_EXITED');
    assert.equal((await t.ok(['stop', '-a'])).trim(), 'No running containers found.');
    const none = await t.run(['stop']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /at least one CONTAINER-ID or use --all/);
  });

  it('rmp refuses a ready pod without -f; stopp then rmp; -f does both; -a prints each', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    const refused = await t.run(['rmp', 'web']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /pod sandbox "web" is running, please stop it first/);
    assert.deepEqual(await podIds(), [w.podId]);
    assert.deepEqual(lines(await t.ok(['stopp', 'web'])), ['Stopped sandbox web']);
    assert.deepEqual(lines(await t.ok(['rmp', w.podId.slice(0, 8)])), [`Removed sandbox ${w.podId.slice(0, 8)}`]);
    assert.deepEqual(await podIds(), []);
    assert.deepEqual(await containerIds(), []);
    const a = await runPod(ctd, { name: 'a' });
    const b = await runPod(ctd, { name: 'b' });
    assert.deepEqual(lines(await t.ok(['rmp', '-a', '-f'])).sort(), [`Removed sandbox ${a}`, `Removed sandbox ${b}`].sort());
    assert.deepEqual(await podIds(), []);
    const none = await t.run(['rmp', '-a']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /No pods to remove/);
    const help = await t.run(['rmp']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Remove one or more pods/);
  });
});

/** A pod config in crictl's own file format (snake_case keys, enum numbers), host network. */
function writePodConfig(name: string): string {
  const cfg = podConfig(ctd, { name }) as { metadata: object; labels: object; annotations: object; linux: { cgroupParent: string }; logDirectory: string };
  const file = path.join(files, `${name}-pod.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      metadata: cfg.metadata,
      log_directory: cfg.logDirectory,
      labels: cfg.labels,
      linux: { cgroup_parent: cfg.linux.cgroupParent, security_context: { namespace_options: { network: 2, pid: 1, ipc: 0 } } },
    }),
  );
  return file;
}

/** A container config as YAML with camelCase keys and enum names. */
function writeContainerConfig(name: string, image = ctd.images.busybox): string {
  const file = path.join(files, `${name}-ctr.yaml`);
  const cmd = JSON.stringify(SLEEPER_COMMAND);
  fs.writeFileSync(
    file,
    `metadata:\n  name: ${name}\nimage:\n  image: ${image}\ncommand: ${cmd}\nlogPath: ${name}.log\n` +
      'linux:\n  securityContext:\n    namespaceOptions: {network: NODE, pid: CONTAINER}\n',
  );
  return file;
}

describe('runp, create, run, update, checkpoint', () => {
  it('runp prints the pod ID of a ready pod; create + start by pod name', async () => {
    await clean();
    const pod = writePodConfig('made');
    const podId = (await t.ok(['runp', pod])).trim();
    assert.match(podId, /^[0-9a-f]{64}$/);
    assert.deepEqual(await podIds(), [podId]);
    const ctrId = (await t.ok(['create', 'made', writeContainerConfig('made-ctr'), pod])).trim();
    assert.equal(await containerState(ctrId), 'CONTAINER_CREATED');
    await t.ok(['start', ctrId]);
    await waitForState(ctd, ctrId, 'CONTAINER_RUNNING');
  });

  it('run --no-pull makes a pod and a running container and prints the container ID only', async () => {
    await clean();
    const out = lines(await t.ok(['run', '--no-pull', writeContainerConfig('solo'), writePodConfig('solo')]));
    assert.equal(out.length, 1);
    assert.match(out[0], /^[0-9a-f]{64}$/);
    await waitForState(ctd, out[0], 'CONTAINER_RUNNING');
    assert.equal((await podIds()).length, 1);
  });

  it('run whose container cannot be created removes its pod again and exits 1', async () => {
    await clean();
    const r = await t.run(['run', '--no-pull', writeContainerConfig('broken', 'localhost/no/such-image:1'), writePodConfig('broken')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /creating container/);
    assert.deepEqual(await podIds(), []);
  });

  it('bad config files are usage errors and nothing is created', async () => {
    await clean();
    const noName = path.join(files, 'noname.yaml');
    fs.writeFileSync(noName, 'metadata:\n  namespace: default\n');
    const r = await t.run(['runp', noName]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /name or namespace is not in metadata/);
    const missing = await t.run(['run', '--no-pull', path.join(files, 'nope.yaml'), writePodConfig('x')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /config at .*nope.yaml not found/);
    const both = await t.run(['run', '--no-pull', '--with-pull', writeContainerConfig('x'), writePodConfig('x')]);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /conflict: no-pull and with-pull are both set/);
    assert.deepEqual(await podIds(), []);
  });

  it('update --memory and --cpu-quota reach the container spec', async () => {
    await clean();
    const w = await seedWorkload(ctd);
    assert.deepEqual(lines(await t.ok(['update', '--memory', '64m', '--cpu-period', '100000', '--cpu-quota', '50000', 'app'])), ['app']);
    const st = await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: w.runningId, verbose: true });
    const res = JSON.parse(st.info.info).runtimeSpec.linux.resources;
    assert.equal(res.memory.limit, 64 * 1024 * 1024);
    assert.deepEqual([res.cpu.period, res.cpu.quota], [100000, 50000]);
  });

  it('checkpoint: --export is required; containerd 1.6 gets one line saying it cannot', async () => {
    await clean();
    await seedWorkload(ctd);
    const noExport = await t.run(['checkpoint', 'app']);
    assert.equal(noExport.code, 1);
    assert.match(noExport.stderr, /Use --export=\/path\/to\/checkpoint.tar/);
    const r = await t.run(['checkpoint', '--export', path.join(files, 'cp.tar'), 'app']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: this runtime cannot checkpoint containers/);
  });
});

describe('rmi', () => {
  it('refuses an image a container uses, naming it; the sandbox image a pod uses, naming the pod', async () => {
    await clean();
    await seedWorkload(ctd);
    const r = await t.run(['rmi', ctd.images.busybox]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is in use by container app .*container job|is in use by container job .*container app/);
    const p = await t.run(['rmi', ctd.images.pause]);
    assert.equal(p.code, 1);
    assert.match(p.stderr, /is in use by pod default\/web/);
    assert.deepEqual(await imageTags(), [ctd.images.busybox, ctd.images.pause].sort());
  });

  it('--prune keeps used images and the sandbox image; nothing to prune says so; no arguments shows help', async () => {
    await clean();
    await seedWorkload(ctd);
    const r = await t.run(['rmi', '--prune']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /No images to remove/);
    assert.deepEqual(await imageTags(), [ctd.images.busybox, ctd.images.pause].sort());
    const help = await t.run(['rmi']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Remove one or more images/);
  });

  it('an unknown image is reported with exit 1; by tag an unused image goes with all its tags, each printed', async () => {
    await clean();
    await ctd.ctr(['-n', 'k8s.io', 'images', 'tag', ctd.images.busybox, 'localhost/extra/tag:2']);
    const r = await t.run(['rmi', 'localhost/no/such:1', 'localhost/extra/tag:2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such image "localhost\/no\/such:1"/);
    assert.match(r.stderr, /has several tags/);
    assert.deepEqual(lines(r.stdout).sort(), ['Deleted: localhost/extra/tag:2', `Deleted: ${ctd.images.busybox}`].sort());
    assert.deepEqual(await imageTags(), [ctd.images.pause]);
    await ctd.ctr(['-n', 'k8s.io', 'images', 'import', '--snapshotter', ctd.snapshotter, buildImageArchives().busybox]);
  });
});

describe('events', () => {
  it('containerd 1.6 has no GetContainerEvents: one line that says so, exit 1', async () => {
    const r = await t.run(['events']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: the runtime at .* does not stream container events .*containerd 1\.7\+/);
  });
});
