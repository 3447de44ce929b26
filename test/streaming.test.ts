/**
 * The channel protocol against an in-process WebSocket server that behaves
 * like a CRI streaming server: v5 negotiated (a v4-only server refuses with
 * 403, as containerd 1.6/1.7 do, which is ProtocolRefused), stream routing,
 * the exit status, closing stdin, terminal resize, and a refused upgrade.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CliError } from '../src/cli/cli-error';
import { closeFrame, describeStartFailure, frame, parseStatus, PROTOCOL_V4, PROTOCOL_V5, resizeFrame } from '../src/streaming/channel';
import { ProtocolRefused, runExecStream, websocketUrl, type Output } from '../src/streaming/exec-stream';

const SUCCESS = JSON.stringify({ metadata: {}, status: 'Success' });
const exitWith = (code: number) =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [sh], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });

class Sink implements Output {
  data = '';
  write(chunk: Uint8Array): boolean {
    this.data += Buffer.from(chunk).toString();
    return true;
  }
  once(): this {
    return this;
  }
}

type Script = (ws: WebSocket, received: Buffer[]) => void;

/** A server whose behaviour per path is set by the test. */
describe('exec stream', () => {
  let server: http.Server;
  let wss: WebSocketServer;
  let base = '';
  let supported = [PROTOCOL_V5];
  const scripts = new Map<string, Script>();

  before(async () => {
    server = http.createServer((_req, res) => {
      res.statusCode = 404;
      res.end('no such exec session');
    });
    wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered) => [...offered].find((p) => supported.includes(p)) ?? false,
    });
    server.on('upgrade', (req, socket, head) => {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(/,\s*/);
      if (!offered.some((p) => supported.includes(p))) {
        // x/net/websocket's answer in containerd's streaming server.
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 39\r\n\r\nrequested protocol(s) are not supported');
        return;
      }
      if (req.url === '/forbidden') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const received: Buffer[] = [];
        ws.on('message', (d: Buffer) => received.push(d));
        ws.send(Buffer.from([1])); // the "stream open" marker containerd sends
        scripts.get(req.url ?? '')?.(ws, received);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    wss.close();
    server.close();
  });

  it('routes stdout and stderr and returns exit 0 on Success', async () => {
    supported = [PROTOCOL_V5];
    scripts.set('/ok', (ws) => {
      ws.send(frame(1, 'out\n'));
      ws.send(frame(2, 'err\n'));
      ws.send(frame(3, SUCCESS));
      ws.close();
    });
    const out = new Sink();
    const err = new Sink();
    let protocol = '';
    const res = await runExecStream({ url: `${base}/ok`, stdout: out, stderr: err, onOpen: (p) => (protocol = p) });
    assert.deepEqual(res, { exitCode: 0 });
    assert.equal(out.data, 'out\n');
    assert.equal(err.data, 'err\n');
    assert.equal(protocol, PROTOCOL_V5);
  });

  it('returns the remote exit code', async () => {
    scripts.set('/exit3', (ws) => {
      ws.send(frame(3, exitWith(3)));
      ws.close();
    });
    const res = await runExecStream({ url: `${base}/exit3`, stdout: new Sink(), stderr: new Sink() });
    assert.equal(res.exitCode, 3);
    assert.equal(res.error, undefined);
  });

  it('prefers v5 and closes stdin with channel 255 at EOF', async () => {
    supported = [PROTOCOL_V4, PROTOCOL_V5];
    let got: Buffer[] = [];
    scripts.set('/stdin5', (ws, received) => {
      got = received;
      ws.on('message', (d: Buffer) => {
        if (d[0] === 255) {
          ws.send(frame(1, Buffer.concat(received.filter((m) => m[0] === 0).map((m) => m.subarray(1)))));
          ws.send(frame(3, SUCCESS));
          ws.close();
        }
      });
    });
    const stdin = new PassThrough();
    const out = new Sink();
    let protocol = '';
    const done = runExecStream({ url: `${base}/stdin5`, stdin, stdout: out, stderr: new Sink(), onOpen: (p) => (protocol = p) });
    stdin.write('hello ');
    stdin.end('world');
    assert.deepEqual(await done, { exitCode: 0 });
    assert.equal(protocol, PROTOCOL_V5);
    assert.equal(out.data, 'hello world');
    assert.deepEqual(got[got.length - 1], closeFrame(0));
  });

  it('a server without v5 (containerd 1.6/1.7) refuses the upgrade: ProtocolRefused, so SPDY can be tried', async () => {
    supported = [PROTOCOL_V4];
    scripts.set('/v4only', () => assert.fail('no stream may open'));
    await assert.rejects(
      runExecStream({ url: `${base}/v4only`, stdin: new PassThrough(), stdout: new Sink(), stderr: new Sink() }),
      (e: Error) => e instanceof ProtocolRefused && /HTTP 403 \(it does not speak v5\.channel\.k8s\.io\?\): requested protocol/.test(e.message),
    );
  });

  it('sends the terminal size first and again on resize', async () => {
    supported = [PROTOCOL_V5];
    let received: Buffer[] = [];
    let resize: () => void = () => undefined;
    let size = { columns: 80, rows: 24 };
    scripts.set('/tty', (ws, r) => {
      received = r;
      ws.on('message', () => {
        if (r.length === 1) {
          size = { columns: 132, rows: 40 };
          resize();
        }
        if (r.length === 2) {
          ws.send(frame(3, SUCCESS));
          ws.close();
        }
      });
    });
    await runExecStream({
      url: `${base}/tty`,
      stdout: new Sink(),
      stderr: new Sink(),
      terminal: {
        size: () => size,
        onResize: (l) => {
          resize = l;
          return () => undefined;
        },
      },
    });
    assert.deepEqual(received, [resizeFrame(80, 24), resizeFrame(132, 40)]);
    assert.equal(received[0].subarray(1).toString(), '{"Width":80,"Height":24}');
  });

  it('reports a command that could not start', async () => {
    scripts.set('/nostart', (ws) => {
      ws.send(frame(3, JSON.stringify({ status: 'Failure', message: 'failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown', reason: 'InternalError' })));
      ws.close();
    });
    const res = await runExecStream({ url: `${base}/nostart`, stdout: new Sink(), stderr: new Sink() });
    assert.equal(res.exitCode, 1);
    assert.match(res.error ?? '', /executable file not found/);
  });

  it('fails clearly when the stream ends without a status, is refused, or cannot connect', async () => {
    scripts.set('/drop', (ws) => ws.terminate());
    await assert.rejects(runExecStream({ url: `${base}/drop`, stdout: new Sink(), stderr: new Sink() }), (e: CliError) => /without an exit status/.test(e.message));
    await assert.rejects(runExecStream({ url: `${base}/forbidden`, stdout: new Sink(), stderr: new Sink() }), (e: CliError) => /refused the stream: HTTP 403.*forbidden/.test(e.message));
    await assert.rejects(runExecStream({ url: 'http://127.0.0.1:1/exec/x', stdout: new Sink(), stderr: new Sink() }), (e: CliError) => /cannot connect to the exec stream/.test(e.message));
  });

  it('ends with "interrupted" on abort', async () => {
    scripts.set('/hang', () => undefined);
    const ac = new AbortController();
    const done = runExecStream({ url: `${base}/hang`, stdout: new Sink(), stderr: new Sink(), signal: ac.signal, onOpen: () => ac.abort() });
    await assert.rejects(done, (e: CliError) => e.message === 'interrupted' && e.exitCode === 130);
  });
});

describe('channel helpers', () => {
  it('frames data behind the channel byte', () => {
    assert.deepEqual(frame(0, 'ab'), Buffer.from([0, 0x61, 0x62]));
    assert.deepEqual(closeFrame(0), Buffer.from([255, 0]));
    assert.equal(websocketUrl('http://127.0.0.1:1234/exec/abc'), 'ws://127.0.0.1:1234/exec/abc');
    assert.equal(websocketUrl('https://node:10250/exec/abc'), 'wss://node:10250/exec/abc');
  });

  it('reads the status: success, exit code, other failures', () => {
    assert.deepEqual(parseStatus(SUCCESS), { exitCode: 0 });
    assert.deepEqual(parseStatus(exitWith(42)), { exitCode: 42 });
    assert.deepEqual(parseStatus('{"status":"Failure","message":"boom"}'), { exitCode: 1, error: 'boom' });
    assert.deepEqual(parseStatus('not json'), { exitCode: 1, error: 'not json' });
  });

  it('shortens start failures and picks the shell exit codes', () => {
    const notFound = describeStartFailure('OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown', ['nope']);
    assert.deepEqual(notFound, { message: 'cannot run "nope" in the container: executable file not found in $PATH', exitCode: 127 });
    const noFile = describeStartFailure('exec: "/x": stat /x: no such file or directory: unknown', ['/x']);
    assert.deepEqual(noFile, { message: 'cannot run "/x" in the container: no such file or directory', exitCode: 127 });
    assert.equal(describeStartFailure('exec: "/etc": permission denied: unknown', ['/etc'])?.exitCode, 126);
    assert.equal(describeStartFailure('something else', ['x']), undefined);
  });
});
