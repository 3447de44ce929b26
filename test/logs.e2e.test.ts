/**
 * `tcrictl logs` against a real containerd: the log files are containerd's
 * own (CRI format, lines longer than max_container_log_line_size split into
 * P records), read by the CLI run as a subprocess.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { startContainerd, type Containerd } from './harness/containerd';
import { criCall, runContainer, runPod, waitForState } from './harness/cri-fixture';
import { runCli, type CliResult } from './fake/cli';

const LONG = 40_000; // > containerd's default max_container_log_line_size (16384)
const RFC3339_FIXED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

/** A shell loop printing `tick N` every 0.1 s; ends at once on SIGTERM. */
const TICKER = ['/bin/sh', '-c', "trap 'exit 0' TERM; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.1 & wait $!; done"];

describe('tcrictl logs (containerd)', () => {
  let ctd: Containerd;
  let podId: string;
  let fixedId: string;
  let fixedLog: string;
  const cli = (...args: string[]) => runCli([...args, '-r', ctd.endpoint]);

  before(async () => {
    ctd = await startContainerd();
    podId = await runPod(ctd, { name: 'logs' });
    // containerd copies stdout and stderr separately: pause at each switch so the file order is the script's.
    const script = [
      'echo out-1',
      'sleep 0.2',
      'echo err-1 >&2',
      'sleep 0.2',
      'echo out-2',
      `head -c ${LONG} /dev/zero | tr '\\0' x; echo`,
      'sleep 0.2',
      'echo err-2 >&2',
      'sleep 0.2',
      'echo out-3',
    ].join('; ');
    fixedId = await runContainer(ctd, podId, { name: 'fixed', command: ['/bin/sh', '-c', script] });
    await waitForState(ctd, fixedId, 'CONTAINER_EXITED');
    fixedLog = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: fixedId })).status.logPath;
  });
  after(() => ctd?.stop());

  it('prints stdout lines to stdout and stderr lines to stderr, joining the runtime\'s partial records', async () => {
    const raw = fs.readFileSync(fixedLog, 'utf8');
    assert.match(raw, / stdout P x+\n/, 'containerd split the long line into P records');
    const r = await cli('logs', 'fixed');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `out-1\nout-2\n${'x'.repeat(LONG)}\nout-3\n`);
    assert.equal(r.stderr, 'err-1\nerr-2\n');
  });

  it('--tail N counts lines from the end (a split line once), across both streams', async () => {
    const two = await cli('logs', '--tail', '2', 'fixed');
    assert.equal(two.stdout, 'out-3\n');
    assert.equal(two.stderr, 'err-2\n');
    const three = await cli('logs', '--tail', '3', fixedId.slice(0, 12));
    assert.equal(three.stdout, `${'x'.repeat(LONG)}\nout-3\n`);
    const none = await cli('logs', '--tail', '0', 'fixed');
    assert.equal(none.stdout + none.stderr, '');
  });

  it('--stream keeps one stream', async () => {
    const r = await cli('logs', '--stream', 'stderr', 'fixed');
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'err-1\nerr-2\n');
    const t = await cli('logs', '--stream', 'stdout', '--tail', '1', 'fixed');
    assert.equal(t.stdout, 'out-3\n');
  });

  it('--timestamps prefixes each line once, with nine fraction digits', async () => {
    const r = await cli('logs', '-t', 'fixed');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    for (const l of lines) assert.match(l, RFC3339_FIXED);
    assert.equal(lines[2].replace(RFC3339_FIXED, ''), 'x'.repeat(LONG));
    assert.match(r.stderr, /^\S+ err-1\n\S+ err-2\n$/);
  });

  it('--since takes a time (from the file) or a duration', async () => {
    const err2 = fs.readFileSync(fixedLog, 'utf8').split('\n').find((l) => l.endsWith(' stderr F err-2'))!;
    const since = err2.split(' ')[0];
    const r = await cli('logs', '--since', since, 'fixed');
    assert.equal(r.stdout, 'out-3\n');
    assert.equal(r.stderr, 'err-2\n');
    const all = await cli('logs', '--since', '1h', 'fixed');
    assert.equal(all.stderr, 'err-1\nerr-2\n');
    const future = await cli('logs', '--since', '2999-01-01T00:00:00Z', 'fixed');
    assert.equal(future.stdout + future.stderr, '');
    const bad = await cli('logs', '--since', 'yesterday', 'fixed');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--since: cannot read "yesterday"/);
  });

  it('--limit-bytes stops after that many bytes in total, in file order', async () => {
    // containerd copies stdout and stderr separately, so take the order from the file.
    const want = { stdout: '', stderr: '' };
    let left = 8;
    for (const line of fs.readFileSync(fixedLog, 'utf8').split('\n').filter(Boolean)) {
      const [, stream, tag] = line.split(' ');
      const text = line.slice(line.indexOf(` ${tag} `) + tag.length + 2) + (tag === 'F' ? '\n' : '');
      want[stream as 'stdout' | 'stderr'] += text.slice(0, left);
      left -= Math.min(left, text.length);
    }
    const r = await cli('logs', '--limit-bytes', '8', 'fixed');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, want.stdout);
    assert.equal(r.stderr, want.stderr);
    assert.equal(r.stdout.length + r.stderr.length, 8);
  });

  it('says what is wrong: no previous attempt, missing file, unknown container', async () => {
    const prev = await cli('logs', '-p', 'fixed');
    assert.equal(prev.code, 1);
    assert.match(prev.stderr, /container "fixed" has no previous attempt/);
    const goneId = await runContainer(ctd, podId, { name: 'gone', command: ['/bin/sh', '-c', 'echo bye'] });
    await waitForState(ctd, goneId, 'CONTAINER_EXITED');
    const goneLog = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: goneId })).status.logPath;
    fs.rmSync(goneLog);
    const missing = await cli('logs', 'gone');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`log file ${goneLog} does not exist`));
    const unknown = await cli('logs', 'nosuchcontainer');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no container matches "nosuchcontainer"/);
  });

  /** Runs `logs -f …`, calls `step(lines)` on each new stdout line until it returns true. */
  function follow(args: string[], step: (lines: string[]) => Promise<boolean> | boolean): Promise<CliResult & { lines: string[] }> {
    const lines: string[] = [];
    let partial = '';
    let busy = false;
    let finished = false;
    return new Promise((resolve, reject) => {
      const onData = (child: ChildProcess) => (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const parts = text.split('\n');
        partial = parts.pop()!;
        lines.push(...parts);
        if (busy || finished) return;
        busy = true;
        Promise.resolve(step(lines))
          .then((done) => {
            finished = done;
            busy = false;
          })
          .catch((err) => {
            child.kill('SIGKILL');
            reject(err);
          });
      };
      runCli(['logs', '-f', ...args, '-r', ctd.endpoint], { onSpawn: (child) => child.stdout?.on('data', onData(child)), killAfterMs: 60_000 })
        .then((r) => resolve({ ...r, lines }))
        .catch(reject);
    });
  }

  const ticks = (lines: string[]) => lines.filter((l) => l.startsWith('tick ')).map((l) => Number(l.slice(5)));

  function assertConsecutive(nums: number[]): void {
    assert.ok(nums.length > 0);
    nums.forEach((n, i) => assert.equal(n, nums[0] + i, `line ${i} is tick ${n}, expected ${nums[0] + i}: lost or repeated lines`));
  }

  it('-f prints new lines as they come and ends when the container stops', async () => {
    const id = await runContainer(ctd, podId, { name: 'ticker', command: TICKER });
    let stopped = false;
    const r = await follow(['--tail', '1', 'ticker'], async (lines) => {
      if (stopped || ticks(lines).length < 5) return false;
      stopped = true;
      await criCall(ctd.endpoint, 'RuntimeService', 'StopContainer', { containerId: id, timeout: 10 });
      return true;
    });
    assert.equal(r.hung, false, 'logs -f ended by itself after the container stopped');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(ticks(r.lines).length >= 5);
    assertConsecutive(ticks(r.lines));
  });

  it('-f survives rotation (rename + ReopenContainerLog, as the kubelet does) with no lost or repeated line', async () => {
    const id = await runContainer(ctd, podId, { name: 'rotated', command: TICKER });
    const logPath = (await criCall(ctd.endpoint, 'RuntimeService', 'ContainerStatus', { containerId: id })).status.logPath;
    let rotations = 0;
    let seenAtRotation = 0;
    let stopped = false;
    const r = await follow(['rotated'], async (lines) => {
      const n = ticks(lines).length;
      if (n < seenAtRotation + 10 || stopped) return false;
      if (rotations < 3) {
        fs.renameSync(logPath, `${logPath}.${Date.now()}.${rotations}`);
        await criCall(ctd.endpoint, 'RuntimeService', 'ReopenContainerLog', { containerId: id });
        rotations++;
        seenAtRotation = n;
        return false;
      }
      stopped = true;
      await criCall(ctd.endpoint, 'RuntimeService', 'StopContainer', { containerId: id, timeout: 10 });
      return true;
    });
    assert.equal(rotations, 3);
    assert.equal(r.hung, false);
    assert.equal(r.code, 0, r.stderr);
    const got = ticks(r.lines);
    assert.equal(got[0], 0, 'started at the beginning of the log');
    assertConsecutive(got);
    assert.ok(got.length >= 40);
  });
});
