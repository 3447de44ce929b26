/**
 * Hostile files, through the real binary: a crictl config (-c and
 * CRI_CONFIG_FILE) or a container log path (what the runtime says in
 * ContainerStatus) that is a FIFO, a device that never ends, a socket or a
 * directory. Each must be refused by what it is, in one line naming the path,
 * at once: a read that blocks or never ends would hang (killAfterMs catches it
 * and reports `hung`, which fails the test).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, STACK_LINE, type CliResult } from './fake/cli';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-hfiles-'));
const servers: net.Server[] = [];
after(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** No hang is well inside this; a hang (blocked open, endless read) hits it. */
const BOUND_MS = 10_000;

async function makeSocket(p: string): Promise<void> {
  const s = net.createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(p, r));
}

/** The kinds of non-regular file, made under tmp/<sub> (or devices): [label, path, what the message must say]. */
async function hostilePaths(sub: string): Promise<Array<[string, string, RegExp]>> {
  const at = (name: string) => path.join(tmp, sub, name);
  fs.mkdirSync(path.join(tmp, sub));
  const fifo = at('fifo.log');
  execFileSync('mkfifo', [fifo]);
  const sock = at('sock.log');
  await makeSocket(sock);
  const dir = at('dir.log');
  fs.mkdirSync(dir);
  const zeroLink = at('zero.log');
  fs.symlinkSync('/dev/zero', zeroLink);
  return [
    ['a FIFO with no writer', fifo, /is a FIFO \(named pipe\), not a regular file/],
    ['/dev/zero', '/dev/zero', /is a character device, not a regular file/],
    ['/dev/urandom', '/dev/urandom', /is a character device, not a regular file/],
    ['a symlink to /dev/zero', zeroLink, /is a character device, not a regular file/],
    // open(2) on a unix socket fails with ENXIO: the message still says what it is.
    ['a unix socket', sock, /is a socket, not a regular file/],
    ['a directory', dir, /is a directory/],
  ];
}

function assertOneLine(r: CliResult, code: number, first: RegExp, what: string): void {
  assert.equal(r.hung, false, `${what}: tcrictl hung`);
  assert.equal(r.code, code, `${what}: ${r.stderr}`);
  assert.equal(r.stdout, '', what);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.match(lines[0] ?? '', first, what);
  // One message line, plus at most its hint.
  assert.ok(lines.length === 1 || (lines.length === 2 && lines[1].startsWith('  hint: ')), `${what}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK_LINE, what);
}

/** `p` as a regular expression that matches it literally. */
const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a crictl config that is not a regular file', () => {
  let kinds: Array<[string, string, RegExp]>;
  before(async () => {
    kinds = await hostilePaths('config');
  });

  it('-c: exit 1 (usage), one line naming the path and what it is, no hang', async () => {
    for (const [label, p, why] of kinds) {
      const r = await runCli(['-c', p, 'version', '-r', 'unix:///nonexistent.sock'], { killAfterMs: BOUND_MS });
      assertOneLine(r, 1, new RegExp(`^tcrictl: config file ${escape(p)} .*`), `-c ${label}`);
      assert.match(r.stderr.split('\n')[0], why, `-c ${label}`);
    }
  });

  it('CRI_CONFIG_FILE: the same', async () => {
    for (const [label, p, why] of kinds) {
      const r = await runCli(['version', '-r', 'unix:///nonexistent.sock'], { env: { CRI_CONFIG_FILE: p }, killAfterMs: BOUND_MS });
      assertOneLine(r, 1, new RegExp(`^tcrictl: config file ${escape(p)} .*`), `CRI_CONFIG_FILE ${label}`);
      assert.match(r.stderr.split('\n')[0], why, `CRI_CONFIG_FILE ${label}`);
    }
  });

  it('a config just over 1 MiB is refused by its size; one of exactly 1 MiB is read', async () => {
    const big = path.join(tmp, 'big.yaml');
    // A valid config padded with a comment: only the size can be wrong with it.
    const head = 'timeout: 7\n#';
    fs.writeFileSync(big, head + 'x'.repeat((1 << 20) - head.length) + '\n');
    const r = await runCli(['-c', big, 'version', '-r', 'unix:///nonexistent.sock'], { killAfterMs: BOUND_MS });
    assertOneLine(r, 1, new RegExp(`^tcrictl: config file ${escape(big)} is larger than 1 MiB$`), 'big config');
    fs.truncateSync(big, 1 << 20);
    const ok = await runCli(['-c', big, 'version', '-r', 'unix:///nonexistent.sock'], { killAfterMs: BOUND_MS });
    // Read and used: it fails on the missing socket (exit 1), not on the file.
    assert.equal(ok.code, 1, ok.stderr);
    assert.match(ok.stderr, /nonexistent\.sock/);
  });
});

/** A fake runtime whose container "app" logs to `logPath`, running (so -f would follow). */
async function runtimeLoggingTo(logPath: string) {
  return fake({
    overrides: {
      ContainerStatus: {
        respond: (req: { containerId: string }) => ({
          status: { id: req.containerId, metadata: { name: 'app', attempt: 0 }, state: 'CONTAINER_RUNNING', createdAt: '1', startedAt: '1', finishedAt: '0', logPath, labels: {}, annotations: {}, mounts: [] },
          info: {},
        }),
      },
    },
  });
}

describe('a container log path that is not a regular file', () => {
  let kinds: Array<[string, string, RegExp]>;
  before(async () => {
    kinds = await hostilePaths('logs');
  });

  for (const follow of [false, true]) {
    it(`logs${follow ? ' -f' : ''}: exit 1, one line naming the path and what it is, no hang`, async () => {
      for (const [label, p, why] of kinds) {
        const rt = await runtimeLoggingTo(p);
        const r = await runCli(['logs', ...(follow ? ['-f'] : []), 'app', '-r', rt.endpoint], { killAfterMs: BOUND_MS });
        assertOneLine(r, 1, /^tcrictl: log (path|file) /, `logs ${label}`);
        const first = r.stderr.split('\n')[0];
        assert.ok(first.includes(p), `${label}: names the path: ${first}`);
        assert.match(first, why, label);
      }
    });
  }
});

describe('other files the user names: pod and container configs, the crictl config config edits', () => {
  let kinds: Array<[string, string, RegExp]>;
  before(async () => {
    kinds = await hostilePaths('configs');
  });

  it('runp, create, config --get, config --set: exit 1 (usage), one line naming the path and what it is, no hang, nothing changed', async () => {
    const rt = await fake();
    for (const [label, p, why] of kinds) {
      const runs: Array<[string, string[]]> = [
        ['runp', ['runp', p, '-r', rt.endpoint]],
        ['create', ['create', 'somepod', p, p, '-r', rt.endpoint]],
        ['config --get', ['config', '-c', p, '--get', 'timeout']],
        ['config --set', ['config', '-c', p, '--set', 'timeout=5']],
      ];
      for (const [cmd, args] of runs) {
        const r = await runCli(args, { killAfterMs: BOUND_MS });
        assertOneLine(r, 1, new RegExp(`^tcrictl: config file ${escape(p)} `), `${cmd} ${label}`);
        assert.match(r.stderr.split('\n')[0], why, `${cmd} ${label}`);
      }
      if (p.startsWith(tmp)) assert.ok(!fs.lstatSync(p).isFile(), `${label} is still what it was (config --set did not replace it)`);
    }
    assert.ok(!rt.calls.some((c) => /^(RunPodSandbox|CreateContainer)$/.test(c)), rt.calls.join(', '));
  });
});
