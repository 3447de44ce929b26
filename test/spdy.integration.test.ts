/**
 * The SPDY client (exec/attach and port-forward) against an in-process
 * streaming server that inflates its header blocks with its own zlib
 * context (test/fake/spdy-server.ts): the streams client-go opens, in its
 * order and with its headers; stdin half-closed at its end; the v4 status;
 * abort; a lost connection; a refused upgrade; the v5-then-SPDY fallback.
 * containerd itself is the peer in streams.e2e.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { CliError } from '../src/cli/cli-error';
import { runRemoteCommand } from '../src/streaming/remote-command';
import { runPortForward } from '../src/streaming/port-forward';
import { runSpdyCommand } from '../src/streaming/spdy-command';
import { startFakeSpdyServer, type FakeSpdyServer, type Peer, type ServerStream } from './fake/spdy-server';

const SUCCESS = JSON.stringify({ metadata: {}, status: 'Success' });
const exitWith = (code: number) => JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

class Sink {
  data = '';
  write(chunk: Uint8Array): boolean {
    this.data += Buffer.from(chunk).toString();
    return true;
  }
  once(): this {
    return this;
  }
}

/** Calls `fn` with the streams by type once `count` have arrived. */
function whenStreams(peer: Peer, count: number, fn: (byType: Record<string, ServerStream>) => void): void {
  peer.onStream = () => {
    if (peer.streams.length !== count) return;
    fn(Object.fromEntries(peer.streams.map((s) => [s.headers.streamtype, s])));
  };
}

/** The server's end of a command: status on the error stream, then the streams reset, as containerd does. */
function finishWith(peer: Peer, status: string): void {
  const error = peer.streams.find((s) => s.headers.streamtype === 'error')!;
  peer.write(error.id, status);
  for (const s of peer.streams) peer.rst(s.id);
  peer.socket.end();
}

describe('SPDY exec/attach client', () => {
  let srv: FakeSpdyServer;
  before(async () => {
    srv = await startFakeSpdyServer(['v4.channel.k8s.io']);
  });
  after(() => srv.close());

  it('opens error, stdin, stdout, stderr in order with lowercase streamtype headers; echoes stdin after its FIN; exit 0', async () => {
    let peerOf: Peer | undefined;
    srv.scripts.set('/echo', (peer) => {
      peerOf = peer;
      whenStreams(peer, 4, (t) => {
        t.stdin.onEnd = () => {
          peer.write(t.stdout.id, Buffer.concat(t.stdin.data));
          peer.write(t.stderr.id, 'err\n');
          finishWith(peer, SUCCESS);
        };
      });
    });
    const stdin = new PassThrough();
    const out = new Sink();
    const err = new Sink();
    const done = runSpdyCommand({ url: `${srv.base}/echo`, stdin, stdout: out, stderr: err });
    stdin.write('hello ');
    stdin.end('world');
    assert.deepEqual(await done, { exitCode: 0 });
    assert.equal(out.data, 'hello world');
    assert.equal(err.data, 'err\n');
    assert.deepEqual(peerOf!.streams.map((s) => [s.id, s.headers]), [
      [1, { streamtype: 'error' }],
      [3, { streamtype: 'stdin' }],
      [5, { streamtype: 'stdout' }],
      [7, { streamtype: 'stderr' }],
    ]);
  });

  it('sends no stdin until the server has accepted every stream (a server that reads in order would never see the last SYN_STREAM)', async () => {
    let earlyStdin = -1;
    srv.scripts.set('/slow-reply', (peer) => {
      peer.beforeReply = async (s) => {
        if (s.headers.streamtype !== 'stderr') return;
        await new Promise((r) => setTimeout(r, 100));
        earlyStdin = peer.frames.filter((f) => f.kind === 'data' && f.streamId === 3).length;
      };
      whenStreams(peer, 4, (t) => {
        t.stdin.onEnd = () => {
          peer.write(t.stdout.id, Buffer.concat(t.stdin.data));
          finishWith(peer, SUCCESS);
        };
      });
    });
    const stdin = new PassThrough();
    stdin.end('early bytes');
    const out = new Sink();
    assert.deepEqual(await runSpdyCommand({ url: `${srv.base}/slow-reply`, stdin, stdout: out, stderr: new Sink() }), { exitCode: 0 });
    assert.equal(earlyStdin, 0, 'stdin data reached the server before it accepted the stderr stream');
    assert.equal(out.data, 'early bytes');
  });

  it('with a terminal: no stderr stream, a resize stream with the size as JSON lines; exit code passed through', async () => {
    let resize = '';
    srv.scripts.set('/tty', (peer) =>
      whenStreams(peer, 3, (t) => {
        t.resize.onData = (d) => {
          resize += d.toString();
          if (resize.split('\n').length === 3) finishWith(peer, exitWith(7));
        };
      }),
    );
    let size = { columns: 80, rows: 24 };
    let onResize = () => undefined as void;
    const res = runSpdyCommand({
      url: `${srv.base}/tty`,
      stdout: new Sink(),
      stderr: new Sink(),
      terminal: { size: () => size, onResize: (l) => ((onResize = l), () => undefined) },
    });
    await new Promise((r) => setTimeout(r, 50));
    size = { columns: 132, rows: 40 };
    onResize();
    assert.deepEqual(await res, { exitCode: 7 });
    assert.equal(resize, '{"Width":80,"Height":24}\n{"Width":132,"Height":40}\n');
  });

  it('keeps output sent in the same read as the replies, and stops on a slow stdout until it drains', async () => {
    srv.scripts.set('/burst', (peer) =>
      whenStreams(peer, 3, (t) => {
        for (let i = 0; i < 200; i++) peer.write(t.stdout.id, Buffer.alloc(4096, 97));
        finishWith(peer, SUCCESS);
      }),
    );
    let got = 0;
    let drains = 0;
    const slow = new PassThrough({ highWaterMark: 16 * 1024 });
    slow.on('drain', () => drains++);
    const reading = (async () => {
      for await (const c of slow) {
        got += (c as Buffer).length;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const res = await runSpdyCommand({ url: `${srv.base}/burst`, stdout: slow, stderr: new Sink() });
    slow.end();
    await reading;
    assert.deepEqual(res, { exitCode: 0 });
    assert.equal(got, 200 * 4096);
    assert.ok(drains > 0, 'the slow output filled up and drained');
  });

  it('ends with 130 on abort, and with a clear error when the connection drops or the upgrade is refused', async () => {
    srv.scripts.set('/hang', () => undefined);
    const ac = new AbortController();
    const hang = runSpdyCommand({ url: `${srv.base}/hang`, stdout: new Sink(), stderr: new Sink(), signal: ac.signal, onOpen: () => setTimeout(() => ac.abort(), 20) });
    await assert.rejects(hang, (e: CliError) => e.message === 'interrupted' && e.exitCode === 130);
    srv.scripts.set('/drop', (peer) => whenStreams(peer, 3, () => peer.socket.destroy()));
    await assert.rejects(runSpdyCommand({ url: `${srv.base}/drop`, stdout: new Sink(), stderr: new Sink() }), /closed without an exit status/);
    srv.refuse.set('/gone', { status: 404, body: 'session expired' });
    await assert.rejects(runSpdyCommand({ url: `${srv.base}/gone`, stdout: new Sink(), stderr: new Sink() }), /refused the SPDY upgrade: HTTP 404: session expired/);
  });

  it('falls back from a refused v5 WebSocket to SPDY with a fresh URL', async () => {
    srv.refuse.set('/ws-only-v4', { status: 403, body: 'requested protocol(s) are not supported' });
    srv.scripts.set('/second', (peer) => whenStreams(peer, 3, (t) => (peer.write(t.stdout.id, 'via spdy\n'), finishWith(peer, SUCCESS))));
    const urls = [`${srv.base}/ws-only-v4`, `${srv.base}/second`];
    const asked: string[] = [];
    const out = new Sink();
    const fallbacks: string[] = [];
    const res = await runRemoteCommand({
      newUrl: async () => {
        asked.push(urls[asked.length]);
        return asked[asked.length - 1];
      },
      stdout: out,
      stderr: new Sink(),
      onFallback: (why) => fallbacks.push(why),
    });
    assert.deepEqual(res, { exitCode: 0 });
    assert.equal(out.data, 'via spdy\n');
    assert.equal(asked.length, 2, 'a second URL: the first was used up by the refused attempt');
    assert.match(fallbacks[0], /HTTP 403/);
  });
});

describe('SPDY port-forward client', () => {
  let srv: FakeSpdyServer;
  before(async () => {
    srv = await startFakeSpdyServer(['portforward.k8s.io']);
  });
  after(() => srv.close());

  it('opens error and data streams per connection with port and requestID, carries bytes both ways, reports server errors', async () => {
    srv.scripts.set('/pf', (peer) => {
      peer.onStream = () => {
        const pairs = new Map<string, ServerStream[]>();
        for (const s of peer.streams) pairs.set(s.headers.requestid, [...(pairs.get(s.headers.requestid) ?? []), s]);
        for (const [, pair] of pairs) {
          const data = pair.find((s) => s.headers.streamtype === 'data');
          const error = pair.find((s) => s.headers.streamtype === 'error');
          if (!data || !error || data.onEnd) continue;
          data.onEnd = () => {
            const text = Buffer.concat(data.data).toString();
            if (text === 'fail') peer.write(error.id, 'dial tcp4 127.0.0.1:80: connect: connection refused');
            else peer.write(data.id, text.toUpperCase());
            peer.write(data.id, '', true);
            peer.write(error.id, '', true);
          };
        }
      };
    });
    const lines: string[] = [];
    const warnings: string[] = [];
    const ac = new AbortController();
    const running = runPortForward({ url: `${srv.base}/pf`, ports: [{ local: 0, remote: 80 }], address: '127.0.0.1', signal: ac.signal, print: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    running.catch(() => undefined);
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
    const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> 80$/.exec(lines[0]);
    assert.ok(m, lines[0]);
    const talk = (text: string) =>
      new Promise<string>((resolve) => {
        const sock = net.connect(Number(m[1]), '127.0.0.1', () => sock.end(text));
        let got = '';
        sock.on('data', (d: Buffer) => (got += d.toString()));
        sock.on('close', () => resolve(got));
      });
    assert.equal(await talk('hello'), 'HELLO');
    assert.equal(await talk('again'), 'AGAIN');
    assert.equal(await talk('fail'), '');
    assert.deepEqual(lines.slice(1), [`Handling connection for ${m[1]}`, `Handling connection for ${m[1]}`, `Handling connection for ${m[1]}`]);
    assert.match(warnings.join('\n'), new RegExp(`error forwarding ${m[1]} -> 80: dial tcp4 .*connection refused`));
    ac.abort();
    await assert.rejects(running, (e: CliError) => e.exitCode === 130);
  });

  it('a busy local port is one clear error; a session the server ends ends the forward with exit 1', async () => {
    const busy = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as net.AddressInfo).port;
    srv.scripts.set('/pf2', () => undefined);
    await assert.rejects(
      runPortForward({ url: `${srv.base}/pf2`, ports: [{ local: port, remote: 80 }], address: '127.0.0.1', print: () => undefined, warn: () => undefined }),
      (e: CliError) => e.message === `cannot listen on 127.0.0.1:${port}: the port is in use` && e.exitCode === 1,
    );
    busy.close();
    srv.scripts.set('/pf3', (peer) => setTimeout(() => peer.socket.destroy(), 30));
    await assert.rejects(
      runPortForward({ url: `${srv.base}/pf3`, ports: [{ local: 0, remote: 80 }], address: '127.0.0.1', print: () => undefined, warn: () => undefined }),
      (e: CliError) => /lost the connection/.test(e.message) && e.exitCode === 1,
    );
  });
});
