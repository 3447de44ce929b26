/**
 * The grpc-js transport (src/cri/client.ts) against in-process servers:
 * unary calls (answer, deadline, Ctrl-C, a server's CANCELLED, a missing
 * socket, a second answer), and server streams (every answer in order, ended
 * by the server, by leaving the loop, by the signal; connecting bounded by
 * the timeout, the stream itself not).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RuntimeClient } from '../src/cri/client';
import { Connection } from '../src/cri/connection';
import { RpcError } from '../src/cri/rpc-error';
import { status } from '../src/cri/status';
import { criDefinition } from './support/proto';

const RUNTIME = 'runtime.v1.RuntimeService';

interface Servers {
  dir: string;
  grpcSock: string;
  silentSock: string;
  twoSock: string;
  grpcServer: grpc.Server;
  others: Array<net.Server | http2.Http2Server>;
  /** The raw servers' connections: closed by stop(), or they would keep the test process alive. */
  accepted: Set<net.Socket>;
  /** Resolves when a GetContainerEvents call was cancelled by the client. */
  streamCancelled: Promise<void>;
  /** GetContainerEvents: three events and the end (false), or events until the client cancels (true). */
  endless: { on: boolean };
}

function frame(msg: Buffer): Buffer {
  const f = Buffer.alloc(5 + msg.length);
  f.writeUInt32BE(msg.length, 1);
  msg.copy(f, 5);
  return f;
}

async function startServers(): Promise<Servers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tctransport-'));
  const svc = criDefinition(false)[RUNTIME] as protoLoader.ServiceDefinition;
  const server = new grpc.Server();
  let onCancelled!: () => void;
  const streamCancelled = new Promise<void>((r) => (onCancelled = r));
  const endless = { on: false };
  server.addService(svc as grpc.ServiceDefinition, {
    Version: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1', runtimeApiVersion: 'v1' }),
    Status: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb({ code: grpc.status.CANCELLED, details: 'the server gave up' }),
    ListContainers: () => undefined, // never answers
    // Three events (the last one after a pause longer than the clients' timeout), then
    // the end; or endless events until the client cancels.
    GetContainerEvents: (call: grpc.ServerWritableStream<object, object>) => {
      call.on('cancelled', onCancelled);
      const ev = (n: number) => ({ containerId: `c${n}`, containerEventType: 'CONTAINER_STARTED_EVENT', createdAt: String(n) });
      call.write(ev(1));
      call.write(ev(2));
      if (endless.on) {
        const t = setInterval(() => call.write(ev(3)), 20);
        call.on('cancelled', () => clearInterval(t));
        return;
      }
      setTimeout(() => {
        call.write(ev(3));
        call.end();
      }, 600);
    },
  } as grpc.UntypedServiceImplementation);
  const grpcSock = path.join(dir, 'cri.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${grpcSock}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));

  // Accepts connections and never says a word (not even HTTP/2's SETTINGS).
  const silentSock = path.join(dir, 'silent.sock');
  const accepted = new Set<net.Socket>();
  const silent = net.createServer((c) => {
    accepted.add(c);
    c.on('close', () => accepted.delete(c));
  });
  await new Promise<void>((r) => silent.listen(silentSock, r));

  // Answers a unary call with two messages; ListContainers with a length prefix of 0
  // before a real list (data after the declared length).
  const list = (svc.ListContainers as protoLoader.MethodDefinition<object, object>).responseSerialize({
    containers: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`.repeat(8), podSandboxId: 'p'.repeat(64), metadata: { name: `n${i}` }, createdAt: '1' })),
  });
  const twoSock = path.join(dir, 'two.sock');
  const two = http2.createServer();
  two.on('connection', (c: net.Socket) => accepted.add(c));
  two.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const msg = Buffer.from([10, 2, 118, 49]);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(headers[':path']?.endsWith('/ListContainers') ? Buffer.concat([frame(Buffer.alloc(0)), list]) : Buffer.concat([frame(msg), frame(msg)]));
  });
  await new Promise<void>((r) => two.listen(twoSock, r));
  return { dir, grpcSock, silentSock, twoSock, grpcServer: server, others: [silent, two], accepted, streamCancelled, endless };
}

function stopServers(s: Servers): void {
  s.grpcServer.forceShutdown();
  for (const o of s.others) o.close();
  for (const c of s.accepted) c.destroy();
  fs.rmSync(s.dir, { recursive: true, force: true });
}

async function rejected(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RpcError, `not an RpcError: ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('grpc-js transport: unary calls', () => {
  let s: Servers;
  before(async () => (s = await startServers()));
  after(() => stopServers(s));

  it('answers with the decoded message', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    try {
      const v = await new RuntimeClient(conn).version();
      assert.deepEqual(v, { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1', runtimeApiVersion: 'v1' });
    } finally {
      conn.close();
    }
  });

  it('has a deadline: "Deadline exceeded", with the timeout it had', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 300);
    const e = await rejected(new RuntimeClient(conn).call('ListContainers', {}));
    conn.close();
    assert.equal(e.code, status.DEADLINE_EXCEEDED);
    assert.equal(e.details, 'Deadline exceeded');
    assert.equal(e.timeoutMs, 300);
    assert.equal(e.method, 'ListContainers');
  });

  it('a silent socket ends at the deadline too', async () => {
    const conn = new Connection(`unix://${s.silentSock}`, 300);
    const e = await rejected(new RuntimeClient(conn).version());
    conn.close();
    assert.equal(e.code, status.DEADLINE_EXCEEDED);
  });

  it('the signal cancels a call: interrupted, which only the user causes', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 0);
    const ac = new AbortController();
    const p = new RuntimeClient(conn, ac.signal).call('ListContainers', {});
    setTimeout(() => ac.abort(), 50);
    const e = await rejected(p);
    conn.close();
    assert.equal(e.code, status.CANCELLED);
    assert.equal(e.interrupted, true);
    assert.equal((await rejected(new RuntimeClient(conn, ac.signal).version())).interrupted, true, 'an aborted signal fails at once');
  });

  it("a server's CANCELLED is the server's, not an interruption", async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    const e = await rejected(new RuntimeClient(conn).status(false));
    conn.close();
    assert.equal(e.code, status.CANCELLED);
    assert.equal(e.details, 'the server gave up');
    assert.equal(e.interrupted, false);
  });

  it('a missing socket: UNAVAILABLE with the socket error', async () => {
    const sock = path.join(s.dir, 'nope.sock');
    const conn = new Connection(`unix://${sock}`, 2000);
    const e = await rejected(new RuntimeClient(conn).version());
    conn.close();
    assert.equal(e.code, status.UNAVAILABLE);
    assert.equal(e.details, `connect ENOENT ${sock}`);
  });

  it('a second answer to a unary call is an error, at once', async () => {
    const conn = new Connection(`unix://${s.twoSock}`, 0);
    const e = await rejected(new RuntimeClient(conn).version());
    conn.close();
    assert.equal(e.code, status.INTERNAL);
    assert.match(e.details, /more than one response/);
  });

  it('data after the declared message length is an error, never a short answer', async () => {
    const conn = new Connection(`unix://${s.twoSock}`, 2000);
    const e = await rejected(new RuntimeClient(conn).listContainers());
    conn.close();
    assert.notEqual(e.code, status.OK);
  });

  it('an unknown method is a programming error, reported as one', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    const e = await rejected(new RuntimeClient(conn).call('NoSuchMethod', {}));
    conn.close();
    assert.match(e.details, /unknown method runtime\.v1\.RuntimeService\/NoSuchMethod/);
  });
});

describe('grpc-js transport: server streams', () => {
  let s: Servers;
  before(async () => (s = await startServers()));
  after(() => stopServers(s));

  it('yields every answer in order until the server ends, outliving the timeout', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 200);
    const events = await collect(new RuntimeClient(conn).stream<{ containerId: string; containerEventType: string; createdAt: string }>('GetContainerEvents', {}));
    conn.close();
    assert.deepEqual(events.map((e) => [e.containerId, e.containerEventType, e.createdAt]), [
      ['c1', 'CONTAINER_STARTED_EVENT', '1'],
      ['c2', 'CONTAINER_STARTED_EVENT', '2'],
      ['c3', 'CONTAINER_STARTED_EVENT', '3'],
    ]);
  });

  it('leaving the loop cancels the call on the server', async () => {
    s.endless.on = true;
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    let n = 0;
    for await (const _ of new RuntimeClient(conn).stream('GetContainerEvents', {})) if (++n === 5) break;
    await s.streamCancelled;
    conn.close();
    assert.equal(n, 5);
  });

  it('the signal ends it with interrupted', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    const ac = new AbortController();
    let n = 0;
    const loop = (async () => {
      for await (const _ of new RuntimeClient(conn, ac.signal).stream('GetContainerEvents', {})) if (++n === 3) ac.abort();
    })();
    const e = await rejected(loop);
    conn.close();
    assert.equal(e.interrupted, true);
    assert.ok(n >= 3);
  });

  it('cancel() ends the loop without an error', async () => {
    const conn = new Connection(`unix://${s.grpcSock}`, 2000);
    const st = new RuntimeClient(conn).stream('GetContainerEvents', {});
    let n = 0;
    for await (const _ of st) if (++n === 2) st.cancel();
    conn.close();
    assert.ok(n >= 2);
  });

  it('connecting is bounded by the timeout: a silent socket fails with DEADLINE_EXCEEDED', async () => {
    const conn = new Connection(`unix://${s.silentSock}`, 300);
    const e = await rejected(collect(new RuntimeClient(conn).stream('GetContainerEvents', {})));
    conn.close();
    assert.equal(e.code, status.DEADLINE_EXCEEDED);
    assert.equal(e.timeoutMs, 300);
  });

  it('a missing socket fails with the socket error', async () => {
    const sock = path.join(s.dir, 'nope.sock');
    const conn = new Connection(`unix://${sock}`, 2000);
    const e = await rejected(collect(new RuntimeClient(conn).stream('GetContainerEvents', {})));
    conn.close();
    assert.equal(e.code, status.UNAVAILABLE);
    assert.equal(e.details, `connect ENOENT ${sock}`);
  });

  it('leaves nothing behind that keeps the process alive (a failed stream with a long connect timeout)', () => {
    const cri = (m: string) => JSON.stringify(path.join(__dirname, '..', 'src', 'cri', `${m}.js`));
    const script = `const { Connection } = require(${cri('connection')});
      const { RuntimeClient } = require(${cri('client')});
      (async () => {
        const conn = new Connection('unix://${path.join(s.dir, 'nope.sock')}', 600000);
        try { for await (const _ of new RuntimeClient(conn).stream('GetContainerEvents', {})) {} } catch (e) { process.stdout.write(e.details); }
        conn.close();
      })();`;
    // The safety net is far below the 10-minute timeout: a leftover timer would be killed by it.
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, 'still running: something kept the process alive');
    assert.match(r.stdout, /connect ENOENT/);
  });
});
