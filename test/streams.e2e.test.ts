/**
 * exec -i, attach and port-forward against a real containerd 1.6, whose
 * streaming server has no v5 WebSocket: tcrictl falls back to SPDY/3.1
 * there. Stdin that ends ends the command; the remote exit code passes
 * through; -t works through a pseudo-terminal (util-linux `script`);
 * port-forward carries bytes both ways to a busybox `nc` in a host-network
 * pod; Ctrl-C ends each with 130; a closed stdout ends it quietly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { freePort, startContainerd, type Containerd } from './harness/containerd';
import { runContainer, seedWorkload, type Workload } from './harness/cri-fixture';
import { binPath, cliEnv, collectOutput, runCli, type CliResult } from './fake/cli';

interface Running {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves with everything printed on stdout once it matches `re`. */
  stdoutMatching(re: RegExp): Promise<string>;
  stderrMatching(re: RegExp): Promise<string>;
}

/** tcrictl with piped stdin (written to, ended only if `input` is a string), stdout and stderr. */
function start(args: string[], input?: string): Running {
  const child = spawn(process.execPath, [binPath(), ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectOutput(child);
  child.stdin!.on('error', () => undefined);
  if (input !== undefined) child.stdin!.end(input);
  const matching = (stream: NodeJS.ReadableStream) => {
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    return (re: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          if (!re.test(text)) return;
          stream.off('data', check);
          resolve(text);
        };
        stream.on('data', check);
        child.once('close', () => reject(new Error(`exited before printing ${re}: ${text}`)));
        check();
      });
  };
  return { child, result, stdoutMatching: matching(child.stdout!), stderrMatching: matching(child.stderr!) };
}

/** A command line run inside a pseudo-terminal by `script`; its stdin is fed `input` and kept open. */
function inTerminal(args: string[], input: string): Promise<CliResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = [process.execPath, binPath(), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', line, '/dev/null'], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectOutput(child);
  child.stdin!.write(input);
  return result;
}

/**
 * Connects, sends `text` and half-closes, and returns everything the other
 * side sent until it closed ('' if it reset the connection: nothing listened
 * in the pod yet).
 */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.end(text));
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    sock.on('error', () => (got = ''));
    sock.on('close', () => resolve(got));
  });
}

describe('exec -i, attach, port-forward (containerd 1.6, SPDY)', () => {
  let ctd: Containerd;
  let w: Workload;
  let catId = '';
  const rt = () => ['-r', ctd.endpoint];

  before(async () => {
    ctd = await startContainerd();
    w = await seedWorkload(ctd);
    // attach -i: `cat` reads the container's own stdin; stdinOnce closes it when the attach's stdin ends.
    catId = await runContainer(ctd, w.podId, { name: 'catter', command: ['cat'], stdin: true, stdinOnce: true });
  });
  after(() => ctd?.stop());

  it('exec -i ends when stdin ends: echo x | exec -i C cat prints x and exits 0', async () => {
    const r = await start([...rt(), 'exec', '-i', 'app', 'cat'], 'x\n').result;
    assert.equal(r.hung, false, 'tcrictl waited after stdin ended');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'x\n');
    assert.equal(r.stderr, '');
  });

  it('exec -i passes the remote exit code through and keeps stderr apart', async () => {
    const r = await start([...rt(), 'exec', '-i', 'app', 'sh', '-c', 'cat; echo done >&2; exit 5'], 'a\nb\n').result;
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'a\nb\n');
    assert.equal(r.stderr, 'done\n');
  });

  it('exec -i carries 3 MB both ways intact (no flow-control stall)', async () => {
    const input = '0123456789abcdef\n'.repeat(3 * 1024 * 1024 / 17);
    const r = await start([...rt(), 'exec', '-i', 'app', 'sh', '-c', 'cat; cat >&2 </dev/null'], input).result;
    assert.equal(r.code, 0, r.stderr.slice(0, 300));
    assert.equal(r.stdout.length, input.length);
    assert.ok(r.stdout === input, 'the bytes came back unchanged');
  });

  it('-D names the transport: v5 WebSocket refused, then SPDY/3.1 v4.channel.k8s.io', async () => {
    const r = await start([...rt(), '-D', 'exec', '-i', 'app', 'cat'], 'y\n').result;
    assert.equal(r.stdout, 'y\n');
    assert.match(r.stderr, /HTTP 403.*trying SPDY/);
    assert.match(r.stderr, /exec stream protocol SPDY\/3\.1 v4\.channel\.k8s\.io/);
  });

  it('attach -i sends stdin to the container, ends when it ends, exit 0', async () => {
    const r = await start([...rt(), 'attach', '-i', catId.slice(0, 12)], 'hello attach\n').result;
    assert.equal(r.hung, false);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello attach\n');
  });

  it('attach -it runs through a pseudo-terminal', async () => {
    const podId = w.podId;
    const ttyId = await runContainer(ctd, podId, { name: 'ttysh', command: ['sh'], stdin: true, tty: true });
    const r = await inTerminal([...rt(), 'attach', '-it', ttyId], 'tty; echo "in-$((40 + 2))"; exit 7\n');
    assert.equal(r.hung, false);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\/dev\/pts\/\d+/, 'the container has a terminal');
    assert.match(r.stdout, /in-42/, 'the shell ran the typed command');
  });

  it('attach: -t without -i, or without a terminal, is a usage error; global -t before attach is the timeout', async () => {
    const noI = await runCli([...rt(), 'attach', '-t', 'app']);
    assert.equal(noI.code, 1);
    assert.match(noI.stderr, /-t\/--tty needs -i\/--stdin/);
    const noTty = await runCli([...rt(), 'attach', '-it', 'app']);
    assert.equal(noTty.code, 1);
    assert.match(noTty.stderr, /needs a terminal/);
    const missing = await runCli(['-t', '5s', ...rt(), 'attach', 'no-such']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no container matches "no-such"/);
  });

  it('Ctrl-C ends exec -i and attach with 130', async () => {
    const ex = start([...rt(), 'exec', '-i', 'app', 'sh', '-c', 'echo ready; cat']);
    await ex.stdoutMatching(/ready/);
    ex.child.kill('SIGINT');
    const er = await ex.result;
    assert.equal(er.code, 130, er.stderr);
    // attach without -i prints nothing until the container writes: -D says when it is connected.
    const at = start([...rt(), '-D', 'attach', 'app']);
    await at.stderrMatching(/attach stream protocol SPDY/);
    at.child.kill('SIGINT');
    assert.equal((await at.result).code, 130);
  });

  it('a closed stdout ends exec quietly', async () => {
    const r = start([...rt(), 'exec', 'app', 'sh', '-c', 'while :; do echo y; done']);
    await r.stdoutMatching(/y/);
    r.child.stdout!.destroy();
    const res = await r.result;
    assert.equal(res.hung, false);
    assert.equal(res.stderr, '');
    assert.notEqual(res.code, 130);
  });

  it('port-forward carries bytes both ways to nc in the pod, prints crictl\'s lines, ends with 130 on Ctrl-C', async () => {
    const port = await freePort();
    await runContainer(ctd, w.podId, { name: `nc-${port}`, command: ['nc', '-l', '-p', String(port), '-e', 'sh', '-c', 'read l; echo "got $l"'] });
    const pf = start([...rt(), 'port-forward', 'web', `:${port}`]);
    const printed = await pf.stdoutMatching(new RegExp(`-> ${port}\\n`));
    const m = new RegExp(`^Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${port}$`, 'm').exec(printed);
    assert.ok(m, printed);
    const local = Number(m[1]);
    // nc in the pod may need a moment to listen; its container started just before.
    let answer = '';
    for (let i = 0; i < 50 && !answer; i++) {
      answer = await exchange(local, 'hello pod\n');
      if (!answer) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(answer, 'got hello pod\n');
    await pf.stdoutMatching(new RegExp(`Handling connection for ${local}`));
    pf.child.kill('SIGINT');
    const r = await pf.result;
    assert.equal(r.code, 130, r.stderr);
  });

  it('port-forward: a closed stdout ends it quietly at its next line', async () => {
    const pf = start([...rt(), 'port-forward', 'web', `:${await freePort()}`]);
    const m = /127\.0\.0\.1:(\d+)/.exec(await pf.stdoutMatching(/-> \d+\n/));
    pf.child.stdout!.destroy();
    // "Handling connection for …" is the next write; it finds the pipe closed.
    await exchange(Number(m![1]), 'x');
    const r = await pf.result;
    assert.equal(r.hung, false);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  it('port-forward: bad port specs are usage errors; a port nothing listens on is reported and the forward goes on', async () => {
    for (const bad of ['abc', '0', '70000', '1:2:3']) {
      const r = await runCli([...rt(), 'port-forward', 'web', bad]);
      assert.equal(r.code, 1, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /is not a port to forward/);
    }
    const port = await freePort();
    const pf = start([...rt(), 'port-forward', 'web', `:${port}`]);
    const m = /127\.0\.0\.1:(\d+)/.exec(await pf.stdoutMatching(/-> \d+\n/));
    assert.equal(await exchange(Number(m![1]), 'x'), '');
    const errLine = await pf.stderrMatching(/\n/);
    assert.match(errLine, new RegExp(`error forwarding \\d+ -> ${port}: .*connection refused`));
    pf.child.kill('SIGINT');
    assert.equal((await pf.result).code, 130);
  });
});
