/**
 * `tcrictl logs` into two pipes (stdout | consumer, stderr | consumer), the
 * way `tcrictl logs C 2> >(wc -l >&2) | wc -l` runs: every line of both
 * streams arrives, with and without --follow, whichever reader is slower.
 * (A drain missed while waiting on the other pipe once dropped most lines.)
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { binPath, cliEnv } from './fake/cli';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-logpipes-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const LINES = 50_000;

function criLines(from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    s += `2024-01-01T00:00:00.000000000Z stdout F out line ${i}\n2024-01-01T00:00:00.000000000Z stderr F err line ${i}\n`;
  }
  return s;
}

/** A fake runtime whose containers all log to `logPath`; running until `running()` says otherwise. */
async function runtimeFor(logPath: string, running: () => boolean) {
  return fake({
    overrides: {
      ContainerStatus: {
        respond: (req: { containerId: string }) => ({
          status: {
            id: req.containerId,
            metadata: { name: 'app', attempt: 0 },
            state: running() ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED',
            createdAt: '1',
            startedAt: '1',
            finishedAt: running() ? '0' : '2',
            logPath,
            labels: {},
            annotations: {},
            mounts: [],
          },
          info: {},
        }),
      },
    },
  });
}

/** Counts newline bytes; pauses now and then, as a slow reader (grep, ssh) does. */
function countLines(stream: NodeJS.ReadableStream, pauseEvery: number): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    let chunks = 0;
    stream.on('data', (c: Buffer) => {
      for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) n++;
      if (++chunks % pauseEvery === 0) {
        stream.pause();
        setTimeout(() => stream.resume(), 5);
      }
    });
    stream.on('end', () => resolve(n));
  });
}

async function runLogs(args: string[], endpoint: string, outPause: number, errPause: number) {
  const child = spawn(process.execPath, [binPath(), '-r', endpoint, 'logs', ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [out, err, code] = await Promise.all([
    countLines(child.stdout!, outPause),
    countLines(child.stderr!, errPause),
    new Promise<number | null>((r) => child.once('close', (c) => r(c))),
  ]);
  clearTimeout(kill);
  return { out, err, code };
}

describe('logs into two pipes', () => {
  it('writes every line of both streams, whichever reader is slower', async () => {
    const file = path.join(tmp, 'whole.log');
    fs.writeFileSync(file, criLines(0, LINES));
    const rt = await runtimeFor(file, () => false);
    for (const [outPause, errPause] of [[1e9, 1e9], [3, 1e9], [1e9, 3], [2, 2]]) {
      const r = await runLogs(['app'], rt.endpoint, outPause, errPause);
      assert.deepEqual(r, { out: LINES, err: LINES, code: 0 }, `pauses ${outPause}/${errPause}`);
    }
  });

  it('with --tail, writes exactly the last N records', async () => {
    const file = path.join(tmp, 'tail.log');
    fs.writeFileSync(file, criLines(0, LINES));
    const rt = await runtimeFor(file, () => false);
    // --tail counts records of both streams: the last 30,000 are 15,000 of each.
    const r = await runLogs(['--tail', '30000', 'app'], rt.endpoint, 2, 2);
    assert.deepEqual(r, { out: 15_000, err: 15_000, code: 0 });
  });

  it('with --follow, writes every line until the container stops', async () => {
    const file = path.join(tmp, 'follow.log');
    fs.writeFileSync(file, criLines(0, 10_000));
    let running = true;
    const rt = await runtimeFor(file, () => running);
    const done = runLogs(['-f', 'app'], rt.endpoint, 2, 2);
    // Keep writing while it follows, then stop the "container".
    for (let i = 10_000; i < LINES; i += 10_000) {
      await new Promise((r) => setTimeout(r, 150));
      fs.appendFileSync(file, criLines(i, i + 10_000));
    }
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    assert.deepEqual(await done, { out: LINES, err: LINES, code: 0 });
  });
});
