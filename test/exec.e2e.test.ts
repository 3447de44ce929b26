/**
 * `tcrictl exec` against a real containerd (1.6: its streaming server speaks
 * v4.channel.k8s.io): exit codes pass through, stdin is delivered, -it works
 * through a pseudo-terminal (util-linux `script`), -s honours --timeout, and
 * the remote command's own dashes are never read as tcrictl flags.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startContainerd, type Containerd } from './harness/containerd';
import { seedWorkload, type Workload } from './harness/cri-fixture';
import { binPath, cliEnv, collectOutput, runCli, type CliResult } from './fake/cli';

/** Runs tcrictl with `input` on its stdin. */
function runWithStdin(args: string[], input: string): Promise<CliResult> {
  const child = spawn(process.execPath, [binPath(), ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectOutput(child);
  child.stdin.end(input);
  return result;
}

/**
 * Runs a shell command line inside a fresh pseudo-terminal with `script`;
 * its stdin is a pipe fed `input` and then kept open (an EOF would make
 * `script` type a NUL into the terminal).
 */
function inTerminal(commandLine: string, input: string): Promise<CliResult> {
  const child = spawn('script', ['-qec', commandLine, '/dev/null'], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectOutput(child);
  child.stdin.write(input);
  return result;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('tcrictl exec (containerd)', () => {
  let ctd: Containerd;
  let w: Workload;
  const cli = (...args: string[]) => runCli(['-r', ctd.endpoint, 'exec', ...args]);

  before(async () => {
    ctd = await startContainerd();
    w = await seedWorkload(ctd);
  });
  after(() => ctd?.stop());

  it("passes the remote exit code through, streams kept apart, and does not read the command's -c as --config", async () => {
    const r = await cli('app', 'sh', '-c', 'echo out; echo err >&2; exit 3');
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const ok = await cli(w.runningId.slice(0, 10), 'echo', 'by-prefix');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'by-prefix\n');
  });

  it('takes -- before the command and keeps a --help meant for the command', async () => {
    const r = await cli('app', '--', 'sh', '-c', 'echo "$0 $1"', 'a', '-b');
    assert.equal(r.stdout, 'a -b\n');
    const help = await cli('app', 'ls', '--help');
    assert.match(help.stdout + help.stderr, /Usage: ls/, 'busybox ls printed its own help');
    assert.doesNotMatch(help.stdout, /Run a command in a running container/);
  });

  it('-i delivers stdin', async () => {
    const r = await runWithStdin(['-r', ctd.endpoint, 'exec', '-i', 'app', 'sh', '-c', 'read a; read b; echo "got $a and $b"'], 'first\nsecond\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'got first and second\n');
  });

  it('-it runs a shell in a terminal and returns its exit code', async () => {
    const cmd = [process.execPath, binPath(), '-r', ctd.endpoint, 'exec', '-it', 'app', 'sh'].map(quote).join(' ');
    const r = await inTerminal(cmd, 'tty; echo "in-$((40 + 2))"; exit 7\n');
    assert.equal(r.hung, false);
    assert.equal(r.code, 7, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/\d+/, 'the remote shell has a terminal');
    assert.match(r.stdout, /in-42/, 'the shell ran the typed command');
  });

  it('-t without a terminal is a usage error', async () => {
    const r = await cli('-it', 'app', 'sh');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /-t\/--tty needs a terminal/);
  });

  it('-s: output on the right streams, exit code passed through', async () => {
    const r = await cli('-s', 'app', 'sh', '-c', 'echo out; echo err >&2; exit 4');
    assert.equal(r.code, 4);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it('-s --timeout: a command that runs too long is stopped and reported', async () => {
    const r = await cli('-s', '--timeout', '1', 'app', 'sleep', '30');
    assert.equal(r.hung, false);
    assert.equal(r.code, 124);
    assert.match(r.stderr, /command "sleep 30" timed out after 1s/);
  });

  it('a command that cannot start says so, with exit code 127', async () => {
    for (const mode of [[], ['-s']]) {
      const r = await cli(...mode, 'app', 'no-such-command', 'x');
      assert.equal(r.code, 127, r.stderr);
      assert.match(r.stderr, /cannot run "no-such-command" in the container: executable file not found/);
    }
  });

  it('global flags before exec keep their meaning (-t is the timeout there)', async () => {
    const r = await runCli(['-t', '5s', '-r', ctd.endpoint, 'exec', '-s', '--timeout', '2', 'app', 'echo', 'ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
  });
});
