/**
 * `tcrictl stats` / `statsp` against a real containerd: a busy container
 * (`yes > /dev/null`) and an idle one, numbers present and plausible.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startContainerd, type Containerd } from './harness/containerd';
import { runContainer, seedWorkload, waitForState, type Workload } from './harness/cri-fixture';
import { runCli } from './fake/cli';

const SIZE = /^\d+(\.\d+)?(B|kB|MB|GB)$/;

/** Table rows keyed by the NAME (stats) or POD (statsp) column. */
function rows(table: string, nameColumn: number): Map<string, string[]> {
  const lines = table.trimEnd().split('\n');
  return new Map(lines.slice(1).map((l) => {
    const cells = l.split(/ {3,}/);
    return [cells[nameColumn], cells];
  }));
}

function sizeBytes(s: string): number {
  const m = /^([\d.]+)(B|kB|MB|GB)$/.exec(s)!;
  return Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2] as 'B' | 'kB' | 'MB' | 'GB'];
}

describe('tcrictl stats and statsp (containerd)', () => {
  let ctd: Containerd;
  let w: Workload;
  let busyId: string;
  const cli = (...args: string[]) => runCli([...args, '-r', ctd.endpoint]);

  before(async () => {
    ctd = await startContainerd();
    w = await seedWorkload(ctd); // 'app' idle and running, 'job' exited
    busyId = await runContainer(ctd, w.podId, { name: 'busy', command: ['/bin/sh', '-c', "trap 'exit 0' TERM; yes > /dev/null & wait $!"] });
    await waitForState(ctd, busyId, 'CONTAINER_RUNNING');
  });
  after(() => ctd?.stop());

  it('stats: crictl columns, a busy container with CPU > 0, an idle one, plausible sizes', async () => {
    const r = await cli('stats');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^CONTAINER {11}NAME {16}CPU % {15}MEM {17}DISK {16}INODES {14}SWAP\n/);
    assert.doesNotMatch(r.stdout, /\x1b/, 'no screen clearing outside --watch');
    const byName = rows(r.stdout, 1);
    assert.deepEqual([...byName.keys()].sort(), ['app', 'busy'], 'the exited container is left out without -a');
    const busy = byName.get('busy')!;
    const idle = byName.get('app')!;
    assert.equal(busy[0], busyId.slice(0, 13));
    assert.ok(Number(busy[2]) > 5, `busy CPU % ${busy[2]}`);
    assert.ok(Number(idle[2]) >= 0 && Number(idle[2]) < Number(busy[2]), `idle CPU % ${idle[2]}`);
    for (const row of [busy, idle]) {
      assert.match(row[3], SIZE);
      assert.ok(sizeBytes(row[3]) > 0, 'working set > 0');
      assert.match(row[4], SIZE);
      assert.match(row[5], /^\d+$/);
      assert.match(row[6], SIZE);
    }
  });

  it('stats -a includes the exited container; filters by name, ID prefix, pod and label', async () => {
    const all = await cli('stats', '-a');
    assert.ok(rows(all.stdout, 1).has('job'));
    const one = await cli('stats', 'busy');
    assert.deepEqual([...rows(one.stdout, 1).keys()], ['busy']);
    const byId = await cli('stats', '--id', busyId.slice(0, 8));
    assert.deepEqual([...rows(byId.stdout, 1).keys()], ['busy']);
    const byPod = await cli('stats', '-p', w.podName);
    assert.deepEqual([...rows(byPod.stdout, 1).keys()].sort(), ['app', 'busy']);
    const byLabel = await cli('stats', '--label', 'io.kubernetes.container.name=app');
    assert.deepEqual([...rows(byLabel.stdout, 1).keys()], ['app']);
    const bad = await cli('stats', '--label', 'nolabel');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /incorrectly specified label: nolabel/);
  });

  it('stats -o json: the CRI response, int64 as strings', async () => {
    const r = await cli('stats', '-o', 'json', 'busy');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.stats.length, 1);
    const s = doc.stats[0];
    assert.equal(s.attributes.id, busyId);
    assert.equal(s.attributes.metadata.name, 'busy');
    assert.match(s.cpu.usageCoreNanoSeconds.value, /^\d+$/);
    assert.ok(Number(s.cpu.usageCoreNanoSeconds.value) > 0);
    assert.match(s.memory.workingSetBytes.value, /^\d+$/);
    assert.deepEqual(Object.keys(s).slice(0, 4), ['attributes', 'cpu', 'memory', 'writableLayer']);
  });

  it('statsp: POD, POD ID, CPU %, MEM for the pod with the busy container', async () => {
    const r = await cli('statsp');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^POD {17}POD ID {14}CPU % {15}MEM\n/);
    const pod = rows(r.stdout, 0).get(w.podName)!;
    assert.equal(pod[1], w.podId.slice(0, 13));
    assert.ok(Number(pod[2]) > 5, `pod CPU % ${pod[2]}`);
    assert.ok(sizeBytes(pod[3]) > 0);
    const json = JSON.parse((await cli('statsp', '-o', 'json', w.podName)).stdout);
    assert.equal(json.stats[0].attributes.id, w.podId);
    assert.ok(json.stats[0].linux.containers.length >= 2);
  });

  it('-w piped: one block per interval with no escape codes; Ctrl-C ends it with 130 (the user pressed it)', async () => {
    let out = '';
    const r = await runCli(['stats', '-w', 'busy', '-r', ctd.endpoint], {
      onSpawn: (child) =>
        child.stdout?.on('data', (c: Buffer) => {
          out += c.toString();
          if ((out.match(/^CONTAINER/gm) ?? []).length === 2) child.kill('SIGINT');
        }),
    });
    assert.equal(r.hung, false);
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stdout, /\x1b/);
    const blocks = r.stdout.split('\n\n').filter(Boolean);
    assert.ok(blocks.length >= 2);
    for (const b of blocks) assert.match(b, /^CONTAINER .*\n[0-9a-f]{13} +busy +\d+\.\d\d /);
  });
});
