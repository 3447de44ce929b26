/**
 * The read commands (ps, pods, images, inspect, inspectp, inspecti, info,
 * imagefsinfo) against a real containerd from the harness, run as the user
 * runs them: `node bin/run.js <cmd> -r <endpoint>` in a subprocess. Every
 * expectation is derived from what the runtime itself reports (criCall).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startContainerd, type Containerd } from './harness/containerd';
import { criCall, repoRoot, runContainer, seedWorkload, type Workload } from './harness/cri-fixture';
import { humanSize } from '../src/output/format';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const RUN_JS = path.join(repoRoot(), 'bin', 'run.js');
const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const ZERO_TIME = '0001-01-01T00:00:00Z';

let ctd: Containerd;
let w: Workload;
let hostRoot: string;

/** tcrictl as a subprocess, pointed at the harness containerd, isolated from the host's files. */
function tcrictl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUN_JS, ...args, '-r', ctd.endpoint, '-t', '20s'],
      { env: { ...process.env, TCRICTL_HOST_ROOT: hostRoot, TZ: 'UTC' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await tcrictl(...args);
  assert.equal(r.code, 0, `tcrictl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args)) as T;
}

/** Table rows as cells (crictl's columns are separated by at least 3 spaces; cells here have no double spaces). */
function table(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(/ {2,}/));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

async function runtimeContainers(): Promise<any[]> {
  return (await criCall(ctd.endpoint, 'RuntimeService', 'ListContainers', { filter: {} })).containers;
}

async function runtimeImages(): Promise<any[]> {
  return (await criCall(ctd.endpoint, 'ImageService', 'ListImages', {})).images;
}

function newestFirstIds(list: { id: string; createdAt: string }[]): string[] {
  return [...list].sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1)).map((c) => c.id);
}

before(async () => {
  hostRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-hostroot-'));
  ctd = await startContainerd();
  w = await seedWorkload(ctd);
});

after(async () => {
  await ctd?.stop();
  if (hostRoot) fs.rmSync(hostRoot, { recursive: true, force: true });
});

describe('ps', () => {
  it('lists the running container only, with the HEAD header and the POD/NAMESPACE labels', async () => {
    const rows = table(await ok('ps'));
    assert.deepEqual(rows[0], ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']);
    assert.equal(rows.length, 2);
    const [id, image, created, state, name, attempt, podId, podName, ns] = rows[1];
    assert.equal(id, w.runningId.slice(0, 13));
    assert.equal(image, ctd.images.busybox);
    assert.match(created, /ago$/);
    assert.deepEqual([state, name, attempt, podId, podName, ns], ['Running', 'app', '0', w.podId.slice(0, 13), 'web', 'default']);
  });

  it('-a lists both containers newest first, as the runtime dates them', async () => {
    const rows = table(await ok('ps', '-a')).slice(1);
    const expected = newestFirstIds(await runtimeContainers()).map((id) => id.slice(0, 13));
    assert.deepEqual(rows.map((r) => r[0]), expected);
    const byName = new Map(rows.map((r) => [r[4], r]));
    assert.equal(byName.get('job')![3], 'Exited');
    assert.equal(byName.get('app')![3], 'Running');
  });

  it('-o json is the ListContainersResponse: int64 as strings, enum names, the runtime\'s values', async () => {
    const out = await json('ps', '-a', '-o', 'json');
    assert.deepEqual(Object.keys(out), ['containers']);
    const runtime = new Map((await runtimeContainers()).map((c) => [c.id, c]));
    assert.equal(out.containers.length, runtime.size);
    for (const c of out.containers) {
      const r = runtime.get(c.id);
      assert.ok(r, `unknown container ${c.id}`);
      assert.equal(typeof c.createdAt, 'string');
      assert.equal(c.createdAt, r.createdAt);
      assert.equal(c.state, r.state);
      assert.deepEqual(c.metadata, { name: r.metadata.name, attempt: 0 });
      assert.equal(c.podSandboxId, w.podId);
      assert.equal(c.image.image, r.image.image);
      assert.equal(c.imageRef, r.imageRef);
      assert.deepEqual(c.labels, r.labels);
      assert.deepEqual(c.annotations, r.annotations);
    }
    assert.deepEqual(out.containers.map((c: { id: string }) => c.id), newestFirstIds([...runtime.values()]));
  });

  it('-o yaml carries the same list', async () => {
    const out = parseYaml(await ok('ps', '-a', '-o', 'yaml'));
    assert.deepEqual(out.containers.map((c: { id: string }) => c.id).sort(), [w.runningId, w.exitedId].sort());
    assert.equal(typeof out.containers[0].createdAt, 'string');
  });

  it('-q prints full IDs; -l is the newest in any state; -n drops even an explicit --state', async () => {
    assert.deepEqual(lines(await ok('ps', '-q')), [w.runningId]);
    const newest = newestFirstIds(await runtimeContainers())[0];
    assert.deepEqual(lines(await ok('ps', '-l', '-q')), [newest]);
    assert.deepEqual(lines(await ok('ps', '-n', '1', '--state', 'running', '-q')), [newest]);
    assert.deepEqual(lines(await ok('ps', '-aq')).sort(), [w.runningId, w.exitedId].sort());
  });

  it('filters by --state, --name, --namespace, --label, --pod, --id and --image', async () => {
    assert.deepEqual(lines(await ok('ps', '-s', 'exited', '-q')), [w.exitedId]);
    assert.deepEqual(lines(await ok('ps', '-a', '--name', '^jo', '-q')), [w.exitedId]);
    assert.deepEqual(lines(await ok('ps', '-a', '--namespace', '^def', '-q')).length, 2);
    assert.deepEqual(lines(await ok('ps', '-a', '--namespace', '^kube-', '-q')), []);
    assert.deepEqual(lines(await ok('ps', '-a', '--label', 'io.kubernetes.container.name=app', '-q')), [w.runningId]);
    assert.deepEqual(lines(await ok('ps', '-a', '-p', w.podId, '-q')).length, 2);
    assert.deepEqual(lines(await ok('ps', '-a', '--id', w.exitedId, '-q')), [w.exitedId]);
    assert.deepEqual(lines(await ok('ps', '-a', '--image', ctd.images.busybox, '-q')).length, 2);
    assert.deepEqual(lines(await ok('ps', '-a', '--image', ctd.images.pause, '-q')), []);
  });

  it('an empty result still prints the header; --no-trunc prints full IDs', async () => {
    assert.deepEqual(table(await ok('ps', '--name', 'nothing-matches')), [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']]);
    const row = table(await ok('ps', '--no-trunc'))[1];
    assert.equal(row[0], w.runningId);
    assert.equal(row[6], w.podId);
  });

  it('-v prints one block per container', async () => {
    const out = await ok('ps', '-v');
    assert.match(out, new RegExp(`^ID: ${w.runningId}\nPodID: ${w.podId}\nNamespace: default\nName: app\nAttempt: 0\nState: Running\n`));
  });

  it('bad -o, --state, --label and --name are usage errors (exit 1) that say what is allowed', async () => {
    const bad = await tcrictl('ps', '-o', 'bogus');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unsupported output format "bogus"/);
    assert.match(bad.stderr, /json, yaml, table/);
    assert.equal(bad.stdout, '');
    assert.equal((await tcrictl('ps', '--state', 'dead')).code, 1);
    assert.match((await tcrictl('ps', '--label', 'nolabel')).stderr, /incorrectly specified label: nolabel/);
    assert.equal((await tcrictl('ps', '--name', '(')).code, 1);
  });
});

describe('pods', () => {
  it('lists the ready pod with crictl columns', async () => {
    const rows = table(await ok('pods'));
    assert.deepEqual(rows[0], ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']);
    assert.equal(rows.length, 2);
    assert.equal(rows[1][0], w.podId.slice(0, 13));
    assert.deepEqual(rows[1].slice(2), ['Ready', 'web', 'default', '0', '(default)']);
  });

  it('-o json is {"items": [...]} with the runtime\'s values', async () => {
    const out = await json('pods', '-o', 'json');
    assert.deepEqual(Object.keys(out), ['items']);
    const runtime = (await criCall(ctd.endpoint, 'RuntimeService', 'ListPodSandbox', {})).items[0];
    assert.equal(out.items.length, 1);
    const p = out.items[0];
    assert.equal(p.id, w.podId);
    assert.equal(p.state, 'SANDBOX_READY');
    assert.equal(p.createdAt, runtime.createdAt);
    assert.equal(typeof p.createdAt, 'string');
    assert.deepEqual(p.metadata, runtime.metadata);
    assert.deepEqual(p.labels, runtime.labels);
  });

  it('-q, --state, --name, --namespace and --label', async () => {
    assert.deepEqual(lines(await ok('pods', '-q')), [w.podId]);
    assert.deepEqual(lines(await ok('pods', '-s', 'ready', '-q')), [w.podId]);
    assert.deepEqual(lines(await ok('pods', '-s', 'NotReady', '-q')), []);
    assert.deepEqual(lines(await ok('pods', '--name', '^w', '--namespace', 'default', '-q')), [w.podId]);
    assert.deepEqual(lines(await ok('pods', '--label', 'app=web', '-q')), [w.podId]);
    assert.deepEqual(lines(await ok('pods', '--label', 'app=other', '-q')), []);
    assert.equal((await tcrictl('pods', '-s', 'running')).code, 1);
  });
});

describe('images', () => {
  it('lists both images, one row per tag, sorted by tag, with crictl IDs and sizes', async () => {
    const rows = table(await ok('images'));
    assert.deepEqual(rows[0], ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']);
    const runtime = await runtimeImages();
    const expected = runtime
      .flatMap((i) => i.repoTags.map((t: string) => [t.slice(0, t.lastIndexOf(':')), t.slice(t.lastIndexOf(':') + 1), i.id.replace('sha256:', '').slice(0, 13), humanSize(Number(i.size), 3)]))
      .sort((a, b) => (`${a[0]}:${a[1]}` < `${b[0]}:${b[1]}` ? -1 : 1));
    assert.deepEqual(rows.slice(1), expected);
    const repos = rows.slice(1).map((r) => `${r[0]}:${r[1]}`);
    assert.ok(repos.includes(ctd.images.busybox) && repos.includes(ctd.images.pause), repos.join(' '));
  });

  it('-o json is {"images": [...]} sorted by first tag, size as a string', async () => {
    const out = await json('images', '-o', 'json');
    assert.deepEqual(Object.keys(out), ['images']);
    assert.deepEqual(out.images.map((i: { repoTags: string[] }) => i.repoTags[0]), [ctd.images.busybox, ctd.images.pause].sort());
    const runtime = new Map((await runtimeImages()).map((i) => [i.id, i]));
    for (const i of out.images) {
      assert.equal(typeof i.size, 'string');
      assert.equal(i.size, runtime.get(i.id).size);
      assert.equal(i.pinned, runtime.get(i.id).pinned);
    }
  });

  it('-q prints full IDs; REPOSITORY[:TAG] narrows the list; --digests adds a column', async () => {
    const ids = (await runtimeImages()).map((i) => i.id).sort();
    assert.deepEqual(lines(await ok('images', '-q')).sort(), ids);
    const busyboxRepo = ctd.images.busybox.slice(0, ctd.images.busybox.lastIndexOf(':'));
    const only = table(await ok('images', busyboxRepo));
    assert.deepEqual(only.slice(1).map((r) => `${r[0]}:${r[1]}`), [ctd.images.busybox]);
    assert.equal(lines(await ok('images', ctd.images.pause, '-q')).length, 1);
    assert.deepEqual(table(await ok('img', '--digests'))[0], ['IMAGE', 'TAG', 'DIGEST', 'IMAGE ID', 'SIZE']);
  });

  it('a bad -o is a usage error, not a silent table', async () => {
    const r = await tcrictl('images', '-o', 'wide');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unsupported output format "wide"/);
  });
});

describe('inspect', () => {
  it('one ID prints one object: {"info", "status"}, keys sorted, RFC3339Nano times', async () => {
    const out = await json('inspect', w.runningId);
    assert.ok(!Array.isArray(out));
    assert.deepEqual(Object.keys(out), ['info', 'status']);
    const keys = Object.keys(out.status);
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(out.status.id, w.runningId);
    assert.equal(out.status.state, 'CONTAINER_RUNNING');
    assert.deepEqual(out.status.metadata, { attempt: 0, name: 'app' });
    assert.match(out.status.createdAt, RFC3339_NANO);
    assert.match(out.status.startedAt, RFC3339_NANO);
    assert.equal(out.status.finishedAt, ZERO_TIME);
    assert.equal(typeof out.info.pid, 'number');
    assert.equal(out.info.sandboxID, w.podId);
    const st = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: w.runningId })).status;
    const createdMs = Number(BigInt(st.createdAt) / 1_000_000n);
    assert.equal(Date.parse(out.status.createdAt), createdMs);
  });

  it('resolves a unique prefix and a name; the exited one has a real finishedAt', async () => {
    assert.equal((await json('inspect', w.runningId.slice(0, 12))).status.id, w.runningId);
    const job = await json('inspect', 'job');
    assert.equal(job.status.id, w.exitedId);
    assert.equal(job.status.state, 'CONTAINER_EXITED');
    assert.equal(job.status.exitCode, 0);
    assert.match(job.status.finishedAt, RFC3339_NANO);
    assert.notEqual(job.status.finishedAt, ZERO_TIME);
  });

  it('several IDs print an array, in order', async () => {
    const out = await json('inspect', 'job', w.runningId.slice(0, 8));
    assert.ok(Array.isArray(out));
    assert.deepEqual(out.map((o: { status: { id: string } }) => o.status.id), [w.exitedId, w.runningId]);
  });

  it('flags after the ID work: -o yaml, -q (no info), -o table', async () => {
    const y = parseYaml(await ok('inspect', w.runningId, '-o', 'yaml'));
    assert.equal(y.status.id, w.runningId);
    assert.deepEqual(Object.keys(await json('inspect', 'app', '-q')), ['status']);
    const t = await ok('inspect', 'job', '-o', 'table');
    assert.match(t, new RegExp(`^ID: ${w.exitedId}\nName: job\nState: CONTAINER_EXITED\nCreated: .* ago\nStarted: .* ago\nFinished: .* ago\nExit Code: 0\n`));
  });

  it('without IDs it inspects the running containers', async () => {
    const out = await json('inspect', '-q');
    assert.equal(out.status.id, w.runningId);
  });

  it('an unknown ID or name is an error with exit code 1', async () => {
    const r = await tcrictl('inspect', 'no-such-container');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no container matches "no-such-container"/);
    assert.equal(r.stdout, '');
    const full = await tcrictl('inspect', 'f'.repeat(64));
    assert.equal(full.code, 1);
    assert.match(full.stderr, /no container matches/);
  });
});

describe('inspectp', () => {
  it('prints the pod status with createdAt as RFC3339Nano, by ID, prefix or name', async () => {
    const out = await json('inspectp', w.podId);
    assert.deepEqual(Object.keys(out), ['info', 'status']);
    assert.equal(out.status.id, w.podId);
    assert.equal(out.status.state, 'SANDBOX_READY');
    assert.deepEqual(out.status.metadata.name, 'web');
    assert.match(out.status.createdAt, RFC3339_NANO);
    assert.equal((await json('inspectp', w.podId.slice(0, 10), '-q')).status.id, w.podId);
    assert.equal((await json('inspectp', 'web', '-q')).status.id, w.podId);
  });

  it('-o table and unknown pods', async () => {
    assert.match(await ok('inspectp', 'web', '-o', 'table'), new RegExp(`^ID: ${w.podId}\nName: web\nUID: .+\nNamespace: default\nAttempt: 0\nStatus: SANDBOX_READY\nCreated: `));
    const r = await tcrictl('inspectp', 'nope');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no pod matches "nope"/);
  });
});

describe('inspecti', () => {
  it('prints the image by reference and by ID prefix; several give an array', async () => {
    const runtime = new Map((await runtimeImages()).map((i) => [i.repoTags[0], i]));
    const busybox = runtime.get(ctd.images.busybox);
    const one = await json('inspecti', ctd.images.busybox);
    assert.equal(one.status.id, busybox.id);
    assert.equal(one.status.size, busybox.size);
    assert.deepEqual(one.status.repoTags, busybox.repoTags);
    const prefix = busybox.id.replace('sha256:', '').slice(0, 12);
    assert.equal((await json('inspecti', prefix, '-q')).status.id, busybox.id);
    const two = await json('inspecti', ctd.images.busybox, ctd.images.pause, '-q');
    assert.deepEqual(two.map((o: { status: { id: string } }) => o.status.id), [busybox.id, runtime.get(ctd.images.pause).id]);
  });

  it('an unknown image says so, like crictl', async () => {
    const r = await tcrictl('inspecti', 'nonexistent:latest');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such image "nonexistent:latest" present/);
  });
});

describe('info and imagefsinfo', () => {
  it('info prints the status and the verbose info keys, sorted', async () => {
    const out = await json('info');
    const keys = Object.keys(out);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.includes('status') && keys.includes('config'), keys.join(' '));
    assert.ok(out.status.conditions.some((c: { type: string; status: boolean }) => c.type === 'RuntimeReady' && c.status === true));
    assert.deepEqual(Object.keys(await json('info', '-q')), ['status']);
    assert.ok(parseYaml(await ok('info', '-q', '-o', 'yaml')).status.conditions.length >= 1);
  });

  it('info -o table is a usage error naming json and yaml', async () => {
    const r = await tcrictl('info', '-o', 'table');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /json, yaml/);
  });

  it('imagefsinfo prints {"status": ImageFsInfoResponse} and the HEAD table', async () => {
    const out = await json('imagefsinfo');
    assert.deepEqual(Object.keys(out), ['status']);
    assert.deepEqual(Object.keys(out.status), ['containerFilesystems', 'imageFilesystems']);
    const fs0 = out.status.imageFilesystems[0];
    assert.equal(typeof fs0.usedBytes.value, 'string');
    assert.equal(typeof fs0.timestamp, 'string');
    assert.ok(fs0.fsId.mountpoint.startsWith(ctd.root), fs0.fsId.mountpoint);
    const t = lines(await ok('imagefsinfo', '-o', 'table'));
    assert.equal(t[0], 'Container Filesystem ');
    assert.ok(t.includes('Image Filesystem '));
    assert.ok(t.includes(`Mountpoint[0]: ${fs0.fsId.mountpoint}`));
  });
});

describe('ambiguous prefixes', () => {
  it('a prefix shared by two containers is an error listing both', async () => {
    // Add created containers until two IDs share their first character (at most 17 are needed).
    const ids = (await runtimeContainers()).map((c) => c.id);
    let shared: string | undefined;
    for (let i = 0; !shared; i++) {
      const first = new Map<string, number>();
      for (const id of ids) first.set(id[0], (first.get(id[0]) ?? 0) + 1);
      shared = [...first].find(([, n]) => n > 1)?.[0];
      if (!shared) ids.push(await runContainer(ctd, w.podId, { name: `extra-${i}`, command: ['true'], start: false }));
    }
    const r = await tcrictl('inspect', shared);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`"${shared}" matches \\d+ containers`));
    for (const id of ids.filter((x) => x.startsWith(shared!))) assert.ok(r.stderr.includes(id.slice(0, 13)), r.stderr);
    assert.equal(r.stdout, '');
  });
});
