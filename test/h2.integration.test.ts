/**
 * The HTTP/2 + gRPC client of our own (src/cri/h2.ts, transport.ts, client.ts)
 * against real servers on temp unix sockets:
 *  - node:http2 (nghttp2: Huffman and its dynamic table on the response
 *    headers, padding, CONTINUATION, flow control, resets, GOAWAY);
 *  - raw `net` servers (closing at once, HTTP/1.1, garbage, silence, and a
 *    scripted HTTP/2 peer writing frames by hand for what nghttp2 will not do);
 *  - the @grpc/grpc-js fake CRI runtime, through Connection/RuntimeClient;
 *  - dial errors, cancellation, deadlines, size limits, and whether the
 *    connection keeps the process alive.
 * A "tap" (a proxy that parses the frames passing through) checks that a test
 * really exercises what it names (padding, CONTINUATION, table size updates).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection, RpcError, RuntimeClient } from '../src/cri/client';
import { H2Connection } from '../src/cri/h2';
import { status } from '../src/cri/status';
import { Http2Transport, type CallFailure, type UnaryRequest } from '../src/cri/transport';
import { manyContainers, startFakeCri, type FakeCri } from './fake/fake-cri';

const T = { timeout: 60_000 };

// ---------------------------------------------------------------------------
// Temp sockets

const root = fs.mkdtempSync('/tmp/tch2-');
let socketCount = 0;
const tempSocket = () => path.join(root, `s${++socketCount}.sock`);

/** Run after the file's tests, last registered first; the temp dir goes last. */
const cleanups: Array<() => unknown> = [() => fs.rmSync(root, { recursive: true, force: true })];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function listen(server: net.Server, socket: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
}

// ---------------------------------------------------------------------------
// gRPC framing and call helpers

function grpcFrame(msg: Buffer): Buffer {
  const b = Buffer.alloc(5 + msg.length);
  b.writeUInt32BE(msg.length, 1);
  msg.copy(b, 5);
  return b;
}

function unframe(body: Buffer): Buffer {
  assert.ok(body.length >= 5, 'request has a message prefix');
  assert.equal(body[0], 0, 'request is not compressed');
  assert.equal(body.readUInt32BE(1), body.length - 5, 'request prefix gives the message length');
  return body.subarray(5);
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** A deterministic pattern, so big messages are checked byte for byte. */
function pattern(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function req(p: string, body: Buffer | object = Buffer.alloc(0), over: Partial<UnaryRequest> = {}): UnaryRequest {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return { path: p, body: bytes, timeoutMs: 20_000, maxBytes: 64 * 1024 * 1024, ...over };
}

/** The call's failure, checked: code, and details (exact string or pattern). */
async function fails(p: Promise<unknown>, code: status, details?: string | RegExp): Promise<CallFailure> {
  const err = (await p.then(
    (v) => assert.fail(`the call succeeded (${String(v).slice(0, 80)}), expected ${status[code]}`),
    (e: unknown) => e,
  )) as CallFailure;
  assert.equal(typeof err.code, 'number', `a CallFailure, not ${String(err)}`);
  assert.equal(status[err.code], status[code], `details: ${err.details}`);
  if (typeof details === 'string') assert.equal(err.details, details);
  else if (details) assert.match(err.details, details);
  return err;
}

/** `p`, or a failure saying `what` did not happen after `ms` (a generous safety net, not a timing check). */
function within<V>(p: Promise<V>, ms: number, what: string): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new assert.AssertionError({ message: `${what}: not after ${ms} ms` })), ms)));
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------
// Frames: a parser, a tap, and a scripted raw HTTP/2 server

interface RawFrame {
  type: number;
  flags: number;
  stream: number;
  length: number;
  /** Kept for all but DATA (whose size is enough)... */
  payload: Buffer;
  /** ...unless the reader keeps DATA too (the raw server does, the tap does not). */
  data?: Buffer;
}

const F = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 };
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;

class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  constructor(
    private skip: number,
    private readonly onFrame: (f: RawFrame) => void,
    private readonly keepData = false,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    if (this.skip > 0) {
      const n = Math.min(this.skip, this.buf.length);
      this.buf = this.buf.subarray(n);
      this.skip -= n;
    }
    while (this.buf.length >= 9) {
      const length = this.buf.readUIntBE(0, 3);
      if (this.buf.length < 9 + length) break;
      const type = this.buf[3];
      const payload = type === F.DATA ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(9, 9 + length));
      const data = type === F.DATA && this.keepData ? Buffer.from(this.buf.subarray(9, 9 + length)) : undefined;
      this.onFrame({ type, flags: this.buf[4], stream: this.buf.readUInt32BE(5) & 0x7fffffff, length, payload, data });
      this.buf = this.buf.subarray(9 + length);
    }
  }
}

function frameBytes(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}

/** A proxy in front of `target` recording the frames both ways. */
async function tap(target: string): Promise<{ socket: string; fromServer: RawFrame[]; fromClient: RawFrame[] }> {
  const fromServer: RawFrame[] = [];
  const fromClient: RawFrame[] = [];
  const socket = tempSocket();
  const conns = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect(target);
    conns.add(c).add(up);
    const rc = new FrameReader(24, (f) => fromClient.push(f));
    const rs = new FrameReader(0, (f) => fromServer.push(f));
    c.on('data', (d: Buffer) => rc.push(d));
    up.on('data', (d: Buffer) => rs.push(d));
    c.pipe(up);
    up.pipe(c);
    const end = () => {
      c.destroy();
      up.destroy();
    };
    c.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  await listen(server, socket);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.destroy();
        server.close(() => resolve());
      }),
  );
  return { socket, fromServer, fromClient };
}

/** Test-side HPACK: integers, and literal fields without indexing / with incremental indexing. */
function hpackInt(value: number, prefix: number, flags: number): number[] {
  const max = (1 << prefix) - 1;
  if (value < max) return [flags | value];
  const out = [flags | max];
  value -= max;
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}
const hpackStr = (s: string) => [...hpackInt(Buffer.byteLength(s, 'latin1'), 7, 0), ...Buffer.from(s, 'latin1')];
/** Literal without indexing, new name (RFC 7541 6.2.2). */
const lit = (name: string, value: string) => [0x00, ...hpackStr(name), ...hpackStr(value)];
/** Literal with incremental indexing, new name (6.2.1). */
const litIndexed = (name: string, value: string) => [0x40, ...hpackStr(name), ...hpackStr(value)];
const block = (...fields: number[][]) => Buffer.from(fields.flat());

const OK_HEADERS = () => [lit(':status', '200'), lit('content-type', 'application/grpc')];
const OK_TRAILERS = () => block(lit('grpc-status', '0'));

/** The representations of a header block, walked without decoding: what kind, which index, Huffman or not. */
function hpackOps(b: Buffer): Array<{ kind: 'indexed' | 'literal-indexed' | 'literal' | 'size-update'; index: number; huffman: boolean }> {
  let pos = 0;
  const int = (prefix: number) => {
    const max = (1 << prefix) - 1;
    let v = b[pos++] & max;
    if (v < max) return v;
    let shift = 0;
    let byte: number;
    do {
      byte = b[pos++];
      v += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return v;
  };
  let huffman = false;
  const str = () => {
    huffman ||= (b[pos] & 0x80) !== 0;
    const len = int(7);
    pos += len;
  };
  const out: ReturnType<typeof hpackOps> = [];
  while (pos < b.length) {
    const first = b[pos];
    huffman = false;
    if (first & 0x80) out.push({ kind: 'indexed', index: int(7), huffman });
    else if (first & 0x40 || (first & 0x20) === 0) {
      const kind = first & 0x40 ? 'literal-indexed' : 'literal';
      const index = int(first & 0x40 ? 6 : 4);
      if (index === 0) str();
      str();
      out.push({ kind, index, huffman });
    } else out.push({ kind: 'size-update', index: int(5), huffman });
  }
  return out;
}

/** Complete header blocks (unpadded, without priority fields) from single HEADERS frames. */
function headerBlocks(frames: RawFrame[]): Buffer[] {
  return frames
    .filter((f) => f.type === F.HEADERS && f.flags & END_HEADERS)
    .map((f) => {
      let start = 0;
      let end = f.payload.length;
      if (f.flags & PADDED) {
        start = 1;
        end -= f.payload[0];
      }
      if (f.flags & PRIORITY) start += 5;
      return f.payload.subarray(start, end);
    });
}

/** The request message of a stream, from the DATA frames a raw server recorded (unpadded: the client does not pad). */
function unframeFrames(frames: RawFrame[], stream: number): Buffer {
  return unframe(Buffer.concat(frames.filter((f) => f.type === F.DATA && f.stream === stream).map((f) => f.data ?? Buffer.alloc(0))));
}

interface RawConn {
  socket: net.Socket;
  frames: RawFrame[];
  send(type: number, flags: number, stream: number, payload?: Buffer): void;
  /** The first frame (seen or to come) matching. */
  waitFor(pred: (f: RawFrame) => boolean): Promise<RawFrame>;
}

/**
 * A scripted HTTP/2 server: sends its SETTINGS (`settings`: id/value pairs),
 * ACKs the client's, and calls `onRequest` when a request stream has ended.
 */
async function rawH2(
  onRequest: (c: RawConn, stream: number) => void,
  opts: { settings?: Array<[number, number]>; preface?: boolean; dribble?: boolean; onConnection?: (c: RawConn) => void } = {},
): Promise<{ socket: string; conns: RawConn[] }> {
  const socket = tempSocket();
  const conns: RawConn[] = [];
  const server = net.createServer((s) => {
    const waiters: Array<{ pred: (f: RawFrame) => boolean; resolve: (f: RawFrame) => void }> = [];
    // dribble: everything goes out in pieces of 1-13 bytes, one per event loop turn.
    let outgoing = Buffer.alloc(0);
    let piece = 0;
    const pump = () => {
      if (outgoing.length === 0 || s.destroyed) return;
      const n = 1 + (piece++ % 13);
      s.write(outgoing.subarray(0, n));
      outgoing = outgoing.subarray(n);
      setImmediate(pump);
    };
    const c: RawConn = {
      socket: s,
      frames: [],
      send: (type, flags, stream, payload) => {
        if (s.destroyed) return;
        if (!opts.dribble) return void s.write(frameBytes(type, flags, stream, payload));
        const idle = outgoing.length === 0;
        outgoing = Buffer.concat([outgoing, frameBytes(type, flags, stream, payload)]);
        if (idle) setImmediate(pump);
      },
      waitFor: (pred) => {
        const hit = c.frames.find(pred);
        return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ pred, resolve }));
      },
    };
    conns.push(c);
    s.on('error', () => undefined);
    const reader = new FrameReader(24, (f) => {
      c.frames.push(f);
      for (const w of waiters.splice(0)) {
        if (w.pred(f)) w.resolve(f);
        else waiters.push(w);
      }
      if (f.type === F.SETTINGS && !(f.flags & ACK)) c.send(F.SETTINGS, ACK, 0);
      if ((f.type === F.DATA || f.type === F.HEADERS) && f.flags & END_STREAM) onRequest(c, f.stream);
    }, true);
    s.on('data', (d: Buffer) => reader.push(d));
    if (opts.preface !== false) {
      const body = Buffer.concat(
        (opts.settings ?? []).map(([id, v]) => {
          const b = Buffer.alloc(6);
          b.writeUInt16BE(id, 0);
          b.writeUInt32BE(v, 2);
          return b;
        }),
      );
      c.send(F.SETTINGS, 0, 0, body);
    }
    opts.onConnection?.(c);
  });
  await listen(server, socket);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of conns) c.socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { socket, conns };
}

/** A raw `net` server doing `onConnection` with each client socket. */
async function rawServer(onConnection: (s: net.Socket) => void): Promise<{ socket: string; connections: () => number }> {
  const socket = tempSocket();
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConnection(s);
  });
  await listen(server, socket);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { socket, connections: () => count };
}

// ---------------------------------------------------------------------------
// A scripted node:http2 gRPC server: the method name says what to do, the
// request message (JSON) how.

interface Script {
  /** Echo: answer with the request message. */
  bytes?: number;
  code?: number;
  /** grpc-message exactly as sent on the wire. */
  message?: string;
  trailersOnly?: boolean;
  headers?: Record<string, string>;
  trailers?: Record<string, string>;
  http?: number;
  rst?: number;
  afterHeaders?: boolean;
  delayMs?: number;
}

interface Seen {
  path: string;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  stream: http2.ServerHttp2Stream;
  session: http2.ServerHttp2Session;
  /** The RST_STREAM code the stream closed with (0 when it ended normally). */
  closed: Promise<number>;
}

interface GrpcH2 {
  socket: string;
  server: http2.Http2Server;
  seen: Seen[];
  sessions: Set<http2.ServerHttp2Session>;
  /** Sessions opened so far. */
  sessionCount: () => number;
  waitForStream(n: number): Promise<Seen>;
}

function respondOk(stream: http2.ServerHttp2Stream, msg: Buffer, headers: Record<string, string> = {}, trailers: Record<string, string> = {}): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...headers }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', ...trailers }));
  stream.end(grpcFrame(msg));
}

function handle(s: Seen): void {
  const { stream, session } = s;
  const method = s.path.split('/').pop();
  const script: Script = method === 'Hash' || method === 'Echo' || s.body.length === 0 ? {} : JSON.parse(s.body.toString());
  const act = () => {
    if (stream.destroyed || stream.closed) return;
    switch (method) {
      case 'Echo':
        return respondOk(stream, s.body);
      case 'Hash':
        return respondOk(stream, Buffer.from(`${sha(s.body)}:${s.body.length}`));
      case 'Big':
        return respondOk(stream, pattern(script.bytes ?? 0), script.headers, script.trailers);
      case 'Status':
        if (script.trailersOnly) {
          stream.respond(
            { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(script.code), ...(script.message === undefined ? {} : { 'grpc-message': script.message }), ...script.headers },
            { endStream: true },
          );
          return;
        }
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...script.headers }, { waitForTrailers: true });
        stream.once('wantTrailers', () =>
          stream.sendTrailers({ 'grpc-status': String(script.code), ...(script.message === undefined ? {} : { 'grpc-message': script.message }), ...script.trailers }),
        );
        stream.end(script.code === 0 ? grpcFrame(Buffer.from('fine')) : undefined);
        return;
      case 'Http':
        stream.respond({ ':status': script.http ?? 500, ...script.headers }, { endStream: true });
        return;
      case 'Rst':
        if (script.afterHeaders) stream.respond({ ':status': script.http ?? 200, 'content-type': 'application/grpc' });
        // Let the headers go out before the reset.
        setImmediate(() => stream.close(script.rst ?? 0));
        return;
      case 'Hang':
        return;
      case 'GoawayAfterThis':
        // Streams after this one will not be processed.
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
        setImmediate(() => respondOk(stream, Buffer.from('after goaway')));
        return;
      case 'CloseThenAnswer':
        // Graceful: GOAWAY naming this stream as the last; it still completes.
        session.close();
        setImmediate(() => respondOk(stream, Buffer.from('after close')));
        return;
      case 'Destroy':
        session.destroy();
        return;
      default:
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': `unknown method ${s.path}` }, { endStream: true });
    }
  };
  if (script.delayMs) setTimeout(act, script.delayMs);
  else act();
}

async function grpcH2(opts: http2.ServerOptions = {}, onStream: (s: Seen) => void = handle): Promise<GrpcH2> {
  const socket = tempSocket();
  const server = http2.createServer({ maxSendHeaderBlockLength: 1 << 20, ...opts });
  const seen: Seen[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const waiters: Array<{ n: number; resolve: (s: Seen) => void }> = [];
  let sessionCount = 0;
  server.on('session', (session) => {
    sessionCount++;
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => stream.on('close', () => resolve(stream.rstCode ?? 0)));
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => {
      const s: Seen = { path: String(headers[':path']), headers, body: unframe(Buffer.concat(chunks)), stream, session: stream.session as http2.ServerHttp2Session, closed };
      seen.push(s);
      for (const w of waiters.splice(0)) {
        if (seen.length >= w.n) w.resolve(seen[w.n - 1]);
        else waiters.push(w);
      }
      onStream(s);
    });
  });
  await listen(server, socket);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    socket,
    server,
    seen,
    sessions,
    sessionCount: () => sessionCount,
    waitForStream: (n) => (seen.length >= n ? Promise.resolve(seen[n - 1]) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/** A transport closed after the file's tests. */
function transport(socket: string): Http2Transport {
  const t = new Http2Transport(socket);
  cleanups.push(() => t.close());
  return t;
}

/** Header maps of one stream on a raw H2Connection. */
function h2Call(
  conn: H2Connection,
  p: string,
  body: Buffer,
): Promise<{ headers: Map<string, string>; trailers?: Map<string, string>; data: Buffer; close: { rstCode?: number; error?: Error } }> {
  return new Promise((resolve) => {
    let headers = new Map<string, string>();
    let trailers: Map<string, string> | undefined;
    const data: Buffer[] = [];
    conn.request(
      [
        [':method', 'POST'],
        [':scheme', 'http'],
        [':path', p],
        [':authority', 'localhost'],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
      ],
      grpcFrame(body),
      {
        onHeaders: (h) => (headers = h),
        onTrailers: (t) => (trailers = t),
        onData: (d) => data.push(Buffer.from(d)),
        onClose: (close) => resolve({ headers, trailers, data: Buffer.concat(data), close }),
      },
    );
  });
}

/** Random header-safe text of a random length (visible ASCII, varied enough to defeat Huffman gains). */
function randomText(rand: () => number, min: number, max: number): string {
  const len = min + Math.floor(rand() * (max - min + 1));
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(0x21 + Math.floor(rand() * 94));
  return s;
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ===========================================================================

describe('node:http2 server: gRPC unary calls', () => {
  let srv: GrpcH2;
  let t: Http2Transport;
  before(async () => {
    srv = await grpcH2();
    t = transport(srv.socket);
  });

  it('a response with headers, message and trailers', T, async () => {
    const out = await t.unary(req('/t.S/Echo', Buffer.from('hello')));
    assert.equal(out.toString(), 'hello');
    const s = srv.seen.at(-1)!;
    assert.equal(s.headers[':method'], 'POST');
    assert.equal(s.headers['content-type'], 'application/grpc');
    assert.equal(s.headers.te, 'trailers');
    assert.equal(s.headers['grpc-timeout'], '20000m');
  });

  it('an empty request and an empty response message', T, async () => {
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.alloc(0)))).length, 0);
  });

  it('grpc-timeout is valid (at most 8 digits and a unit) for any deadline', T, async () => {
    for (const timeoutMs of [999, 5000.5, 99_999_999, 100_000_000, 1e9, 2 ** 31 - 1, 1e12]) {
      await t.unary(req('/t.S/Echo', Buffer.from('x'), { timeoutMs }));
      const v = String(srv.seen.at(-1)!.headers['grpc-timeout']);
      const m = /^(\d{1,8})([HMSmun])$/.exec(v);
      assert.ok(m, `grpc-timeout ${v} for ${timeoutMs} ms`);
      const ms = Number(m[1]) * { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 }[m[2] as 'H'];
      assert.ok(ms >= timeoutMs && ms <= timeoutMs * 1.01 + 1000, `grpc-timeout ${v} for ${timeoutMs} ms`);
    }
    await t.unary(req('/t.S/Echo', Buffer.from('x'), { timeoutMs: 0 }));
    assert.equal(srv.seen.at(-1)!.headers['grpc-timeout'], undefined, 'no deadline, no grpc-timeout');
  });

  it('a deadline beyond what setTimeout holds (2^31 ms) does not fire at once', T, async () => {
    const out = await t.unary(req('/t.S/Big', { bytes: 3, delayMs: 50 }, { timeoutMs: 2 ** 31 + 1000 }));
    assert.equal(out.length, 3);
  });

  it('a status error in the trailers (after response headers)', T, async () => {
    await fails(t.unary(req('/t.S/Status', { code: status.NOT_FOUND, message: 'container "abc" not found' })), status.NOT_FOUND, 'container "abc" not found');
  });

  it('OK in the trailers with a message', T, async () => {
    assert.equal((await t.unary(req('/t.S/Status', { code: 0 }))).toString(), 'fine');
  });

  it('a trailers-only error (grpc-status in the headers)', T, async () => {
    await fails(t.unary(req('/t.S/Status', { code: status.FAILED_PRECONDITION, message: 'no', trailersOnly: true })), status.FAILED_PRECONDITION, 'no');
    await fails(t.unary(req('/t.S/Status', { code: status.INTERNAL, trailersOnly: true })), status.INTERNAL, '');
  });

  it('grpc-message percent-decoded as UTF-8; a malformed one is shown as sent', T, async () => {
    const text = 'caf\u00e9 \u20ac 100% \u65e5\u672c \u{1f600}\nline2';
    const wire = Array.from(Buffer.from(text, 'utf8'), (b) => (b >= 0x20 && b < 0x7f && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
    await fails(t.unary(req('/t.S/Status', { code: status.UNKNOWN, message: wire })), status.UNKNOWN, text);
    await fails(t.unary(req('/t.S/Status', { code: status.UNKNOWN, message: wire, trailersOnly: true })), status.UNKNOWN, text);
    await fails(t.unary(req('/t.S/Status', { code: status.UNKNOWN, message: '50%-off %zz' })), status.UNKNOWN, '50%-off %zz');
  });

  it('a non-200 HTTP status without grpc-status maps as gRPC does', T, async () => {
    const cases: Array<[number, status]> = [
      [400, status.INTERNAL],
      [401, status.UNAUTHENTICATED],
      [403, status.PERMISSION_DENIED],
      [404, status.UNIMPLEMENTED],
      [429, status.UNAVAILABLE],
      [502, status.UNAVAILABLE],
      [503, status.UNAVAILABLE],
      [504, status.UNAVAILABLE],
      [500, status.UNKNOWN],
      [418, status.UNKNOWN],
    ];
    for (const [http, code] of cases) {
      await fails(t.unary(req('/t.S/Http', { http, headers: { 'content-type': 'text/plain' } })), code, `Received HTTP status code ${http}`);
    }
  });

  it('a method the server does not know: UNIMPLEMENTED with its words', T, async () => {
    await fails(t.unary(req('/t.S/Nope')), status.UNIMPLEMENTED, 'unknown method /t.S/Nope');
  });

  it('RST_STREAM from the server, before any headers, maps by code', T, async () => {
    const cases: Array<[number, status]> = [
      [0, status.INTERNAL],
      [1, status.INTERNAL],
      [2, status.INTERNAL],
      [7, status.UNAVAILABLE],
      [8, status.CANCELLED],
      [11, status.RESOURCE_EXHAUSTED],
      [12, status.PERMISSION_DENIED],
    ];
    for (const [rst, code] of cases) await fails(t.unary(req('/t.S/Rst', { rst })), code, `Received RST_STREAM with code ${rst}`);
  });

  it('the stream ended after a 404 without grpc-status: the HTTP status decides', T, async () => {
    // (node ends the stream before resetting it once headers went out; raw resets after headers are below.)
    await fails(t.unary(req('/t.S/Rst', { rst: 0, afterHeaders: true, http: 404 })), status.UNIMPLEMENTED, 'Received HTTP status code 404');
    await fails(t.unary(req('/t.S/Rst', { rst: 2, afterHeaders: true })), status.INTERNAL);
  });

  it('all these calls used one connection', T, () => {
    assert.equal(srv.sessionCount(), 1);
  });
});

describe('node:http2 server: HPACK dynamic table, Huffman, CONTINUATION, padding', () => {
  it('many sequential and concurrent calls with varied headers, on one connection: every field decoded exactly', T, async () => {
    const rand = rng(42);
    // What the server sent for each request, by request id (in the message).
    const sent = new Map<string, { headers: Record<string, string>; trailers: Record<string, string> }>();
    const srv = await grpcH2({}, (s) => {
      const id = s.body.toString();
      const pick = <V>(xs: V[]) => xs[Math.floor(rand() * xs.length)];
      // Repeated values (indexed references), fresh ones (new entries), big ones (evictions).
      const headers: Record<string, string> = {
        'x-color': pick(['red', 'green', 'blue', 'cyan', 'magenta']),
        'x-id': id,
        'x-pad': randomText(rand, 0, 900),
        'x-repeat': pick(['a'.repeat(100), 'b'.repeat(300), 'c'.repeat(1000)]),
      };
      const trailers: Record<string, string> = { 'x-trailer': pick(['t1', 't2', randomText(rand, 1, 50)]), 'x-id2': id };
      if (rand() < 0.3) trailers['x-big'] = randomText(rand, 1000, 3000);
      sent.set(id, { headers, trailers });
      respondOk(s.stream, Buffer.from(`m-${id}`), headers, trailers);
    });
    const tp = await tap(srv.socket);
    const conn = new H2Connection(tp.socket);
    cleanups.push(() => conn.destroy());
    const check = async (id: string) => {
      const r = await h2Call(conn, '/t.S/Hdr', Buffer.from(id));
      assert.deepEqual(r.close, {});
      assert.equal(r.data.subarray(5).toString(), `m-${id}`);
      const want = sent.get(id)!;
      assert.equal(r.headers.get(':status'), '200');
      assert.equal(r.headers.get('content-type'), 'application/grpc');
      for (const [k, v] of Object.entries(want.headers)) assert.equal(r.headers.get(k), v, `header ${k} of ${id}`);
      assert.ok(r.trailers, `trailers of ${id}`);
      assert.equal(r.trailers.get('grpc-status'), '0');
      for (const [k, v] of Object.entries(want.trailers)) assert.equal(r.trailers.get(k), v, `trailer ${k} of ${id}`);
    };
    for (let i = 0; i < 150; i++) await check(`seq-${i}`);
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 40 }, (_, i) => check(`par-${round}-${i}`)));
    assert.equal(srv.sessionCount(), 1);
    // The test really exercised the dynamic table and Huffman: indexed references to dynamic entries (index > 61) were sent.
    const ops = headerBlocks(tp.fromServer).flatMap(hpackOps);
    assert.ok(ops.filter((o) => o.kind === 'indexed' && o.index > 61).length > 100, 'many dynamic table references');
    assert.ok(ops.filter((o) => o.kind === 'literal-indexed').length > 100, 'many new dynamic table entries');
    assert.ok(ops.some((o) => o.huffman), 'Huffman-coded strings');
  });

  it('a smaller deflate table (dynamic table size update from the server), with evictions', T, async () => {
    const rand = rng(7);
    const sent = new Map<string, { code: number; message: string }>();
    const srv = await grpcH2({ maxDeflateDynamicTableSize: 300 } as http2.ServerOptions, (s) => {
      const code = 3 + Math.floor(rand() * 10);
      // Some messages repeat (indexed), most are new (evicting the old ones from a 300-byte table).
      const message = rand() < 0.3 ? 'again' : `${s.body.toString()}|${randomText(rand, 0, 120).replace(/%/g, '')}`;
      sent.set(s.body.toString(), { code, message });
      s.stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(code), 'grpc-message': message, 'x-code': String(code) }, { endStream: true });
    });
    const tp = await tap(srv.socket);
    const t = transport(tp.socket);
    for (let i = 0; i < 80; i++) {
      const id = `call-${i}`;
      const err = await t.unary(req('/t.S/X', Buffer.from(id))).then(
        () => assert.fail('succeeded'),
        (e: CallFailure) => e,
      );
      assert.deepEqual({ code: err.code, message: err.details }, sent.get(id), id);
    }
    assert.equal(srv.sessionCount(), 1);
    const first = tp.fromServer.find((f) => f.type === F.HEADERS)!;
    assert.equal(hpackOps(first.payload)[0].kind, 'size-update', 'the first header block starts with a table size update');
    assert.ok(headerBlocks(tp.fromServer).some((b) => hpackOps(b).some((o) => o.kind === 'indexed' && o.index > 61)), 'dynamic table references seen');
  });

  it('response headers and trailers that need CONTINUATION frames', T, async () => {
    const rand = rng(99);
    const bigHeader = randomText(rand, 60_000, 60_000);
    const bigMessage = randomText(rand, 50_000, 50_000).replace(/%/g, '');
    const srv = await grpcH2({}, (s) => {
      if (s.body.toString() === 'headers') respondOk(s.stream, Buffer.from('ok'), { 'x-big': bigHeader }, { 'x-big-trailer': bigHeader });
      else s.stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '9', 'grpc-message': bigMessage }, { endStream: true });
    });
    const tp = await tap(srv.socket);
    const conn = new H2Connection(tp.socket);
    cleanups.push(() => conn.destroy());
    const r = await h2Call(conn, '/t.S/Big', Buffer.from('headers'));
    assert.equal(r.headers.get('x-big'), bigHeader);
    assert.equal(r.trailers?.get('x-big-trailer'), bigHeader);
    assert.equal(r.trailers?.get('grpc-status'), '0');
    const t = transport(tp.socket);
    await fails(t.unary(req('/t.S/Big', Buffer.from('trailers-only'))), status.FAILED_PRECONDITION, bigMessage);
    assert.ok(tp.fromServer.filter((f) => f.type === F.CONTINUATION).length >= 6, 'CONTINUATION frames were sent');
  });

  it('padded HEADERS and DATA frames (nghttp2 padding strategy "max")', T, async () => {
    const srv = await grpcH2({ paddingStrategy: http2.constants.PADDING_STRATEGY_MAX });
    const tp = await tap(srv.socket);
    const t = transport(tp.socket);
    const msg = pattern(100_000, 5);
    assert.deepEqual(await t.unary(req('/t.S/Echo', msg)), msg);
    await fails(t.unary(req('/t.S/Status', { code: 5, message: 'padded', trailersOnly: true })), status.NOT_FOUND, 'padded');
    await fails(t.unary(req('/t.S/Status', { code: 6, message: 'padded trailers' })), status.ALREADY_EXISTS, 'padded trailers');
    const padded = (type: number) => tp.fromServer.filter((f) => f.type === type && f.flags & PADDED).length;
    assert.ok(padded(F.HEADERS) > 0, 'padded HEADERS seen');
    assert.ok(padded(F.DATA) > 0, 'padded DATA seen');
  });
});

describe('node:http2 server: flow control and big messages', () => {
  let srv: GrpcH2;
  let t: Http2Transport;
  before(async () => {
    // node refuses new streams (ENHANCE_YOUR_CALM) while more than maxSessionMemory MiB wait to be sent.
    srv = await grpcH2({ maxSessionMemory: 256 });
    t = transport(srv.socket);
  });

  it('a 20 MiB response in many DATA frames (receive window)', T, async () => {
    const n = 20 * 1024 * 1024;
    const out = await t.unary(req('/t.S/Big', { bytes: n }));
    assert.equal(out.length, n);
    assert.equal(sha(out), sha(pattern(n)));
  });

  it('two 20 MiB responses at once on one connection', T, async () => {
    const n = 20 * 1024 * 1024;
    const outs = await Promise.all([t.unary(req('/t.S/Big', { bytes: n })), t.unary(req('/t.S/Big', { bytes: n }))]);
    for (const out of outs) assert.equal(sha(out), sha(pattern(n)));
  });

  it('request bodies of 16384 ± 1, 65535 ± 1 and 5 MiB (send window, frame splitting)', T, async () => {
    for (const n of [16_379, 16_380, 16_381, 65_530, 65_531, 65_535, 100_000, 5 * 1024 * 1024]) {
      const body = pattern(n, n);
      assert.equal((await t.unary(req('/t.S/Hash', body))).toString(), `${sha(body)}:${n}`, `body of ${n}`);
    }
  });

  it('concurrent big request bodies share the connection window', T, async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => pattern(700_000 + i, i + 10));
    const outs = await Promise.all(bodies.map((b) => t.unary(req('/t.S/Hash', b))));
    outs.forEach((o, i) => assert.equal(o.toString(), `${sha(bodies[i])}:${bodies[i].length}`));
  });

  it('a server with a tiny window (1 KiB) and WINDOW_UPDATEs: the client never overruns it', T, async () => {
    const small = await grpcH2({ settings: { initialWindowSize: 1024 } });
    const tp = await tap(small.socket);
    const ts = transport(tp.socket);
    await ts.unary(req('/t.S/Echo', Buffer.from('warm-up'))); // settings exchanged
    const bodies = [pattern(200_000, 1), pattern(50_000, 2), pattern(3000, 3)];
    const outs = await Promise.all(bodies.map((b) => ts.unary(req('/t.S/Hash', b))));
    outs.forEach((o, i) => assert.equal(o.toString(), `${sha(bodies[i])}:${bodies[i].length}`));
    const maxData = Math.max(...tp.fromClient.filter((f) => f.type === F.DATA).map((f) => f.length));
    assert.ok(maxData <= 16384, `DATA frames of at most 16384 bytes, saw ${maxData}`);
    assert.equal(small.sessionCount(), 1);
  });

  it('a server allowing bigger frames (SETTINGS_MAX_FRAME_SIZE 1 MiB)', T, async () => {
    const big = await grpcH2({ settings: { maxFrameSize: 1 << 20, initialWindowSize: 4 << 20 } });
    const tb = transport(big.socket);
    await tb.unary(req('/t.S/Echo', Buffer.from('warm-up')));
    const body = pattern(3_000_000, 77);
    assert.equal((await tb.unary(req('/t.S/Hash', body))).toString(), `${sha(body)}:${body.length}`);
  });

  it('a server limiting concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS 4): more calls than that all succeed', T, async () => {
    const lim = await grpcH2({ settings: { maxConcurrentStreams: 4 } }, (s) => setTimeout(() => handle(s), 20));
    const tl = transport(lim.socket);
    await tl.unary(req('/t.S/Echo', Buffer.from('warm-up'))); // settings exchanged
    const outs = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => tl.unary(req('/t.S/Echo', Buffer.from(`c${i}`)))));
    const failed = outs.flatMap((o) => (o.status === 'rejected' ? [`${status[(o.reason as CallFailure).code]}: ${(o.reason as CallFailure).details}`] : []));
    assert.deepEqual(failed, [], 'every call succeeds');
  });

  it('over the concurrency limit: a waiting call cancelled before it opened, the next one opens when a slot frees', T, async () => {
    const lim = await grpcH2({ settings: { maxConcurrentStreams: 1 } });
    const tl = transport(lim.socket);
    await tl.unary(req('/t.S/Echo', Buffer.from('warm-up')));
    const hanging = tl.unary(req('/t.S/Hang', {}, { timeoutMs: 500 }));
    const ac = new AbortController();
    const waiting = tl.unary(req('/t.S/Echo', Buffer.from('never sent'), { signal: ac.signal }));
    const third = tl.unary(req('/t.S/Echo', Buffer.from('third')));
    ac.abort();
    await fails(waiting, status.CANCELLED, 'interrupted');
    await fails(hanging, status.DEADLINE_EXCEEDED);
    assert.equal((await third).toString(), 'third');
    assert.deepEqual(
      lim.seen.map((s) => s.body.toString()),
      ['warm-up', '{}', 'third'],
      'the cancelled call never reached the server',
    );
    assert.equal(lim.sessionCount(), 1, 'no protocol error (a reset of a never-opened stream would be one)');
  });

  it('a response larger than maxBytes: RESOURCE_EXHAUSTED, stream reset, connection still usable', T, async () => {
    await fails(t.unary(req('/t.S/Big', { bytes: 1001 }, { maxBytes: 1000 })), status.RESOURCE_EXHAUSTED, /1001.*1000/);
    assert.equal((await t.unary(req('/t.S/Big', { bytes: 1000 }, { maxBytes: 1000 }))).length, 1000, 'exactly maxBytes is fine');
    const before = srv.seen.length;
    await fails(t.unary(req('/t.S/Big', { bytes: 20 * 1024 * 1024 }, { maxBytes: 1024 * 1024 })), status.RESOURCE_EXHAUSTED);
    const s = await srv.waitForStream(before + 1);
    assert.equal(await s.closed, http2.constants.NGHTTP2_CANCEL, 'the client reset the stream');
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('still')))).toString(), 'still');
    assert.equal(srv.sessionCount(), 1);
  });
});

describe('node:http2 server: cancellation, deadlines, GOAWAY, closing', () => {
  it('an AbortSignal aborted mid-call: CANCELLED "interrupted", RST_STREAM CANCEL, connection reused', T, async () => {
    const srv = await grpcH2();
    const t = transport(srv.socket);
    const ac = new AbortController();
    const call = t.unary(req('/t.S/Hang', {}, { signal: ac.signal }));
    const s = await srv.waitForStream(1);
    ac.abort();
    await fails(call, status.CANCELLED, 'interrupted');
    assert.equal(await s.closed, http2.constants.NGHTTP2_CANCEL);
    const again = await t.unary(req('/t.S/Echo', Buffer.from('next'), { signal: ac.signal })).then(
      () => 'ran',
      (e: CallFailure) => status[e.code],
    );
    assert.equal(again, 'CANCELLED', 'an aborted signal cancels at once');
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('next')))).toString(), 'next');
    assert.equal(srv.sessionCount(), 1);
  });

  it('a deadline on a server that never answers: DEADLINE_EXCEEDED, RST_STREAM CANCEL', T, async () => {
    const srv = await grpcH2();
    const t = transport(srv.socket);
    await fails(t.unary(req('/t.S/Hang', {}, { timeoutMs: 300 })), status.DEADLINE_EXCEEDED, 'Deadline exceeded');
    assert.equal(await srv.seen[0].closed, http2.constants.NGHTTP2_CANCEL);
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('next')))).toString(), 'next');
  });

  it('GOAWAY naming an earlier stream: that one completes, ours fails UNAVAILABLE; the next call dials again', T, async () => {
    const srv = await grpcH2();
    const t = transport(srv.socket);
    const first = t.unary(req('/t.S/GoawayAfterThis'));
    const second = t.unary(req('/t.S/Hang'));
    const [a, b] = await Promise.allSettled([first, second]);
    assert.deepEqual(a, { status: 'fulfilled', value: Buffer.from('after goaway') });
    await fails(b.status === 'rejected' ? Promise.reject(b.reason) : Promise.resolve(b.value), status.UNAVAILABLE, 'the server is going away (GOAWAY code 0)');
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('again')))).toString(), 'again');
    assert.equal(srv.sessionCount(), 2);
  });

  it('graceful close (GOAWAY naming our stream): the call completes; the next one uses a new connection', T, async () => {
    const srv = await grpcH2();
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/CloseThenAnswer'))).toString(), 'after close');
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('again')))).toString(), 'again');
    assert.equal(srv.sessionCount(), 2);
  });

  it('the session destroyed mid-call: the calls fail; the next call dials again', T, async () => {
    const srv = await grpcH2();
    const t = transport(srv.socket);
    const other = t.unary(req('/t.S/Hang', {}, { timeoutMs: 20_000 })).then(
      () => 'succeeded',
      (e: CallFailure) => `${status[e.code]}: ${e.details}`,
    );
    await srv.waitForStream(1);
    await fails(t.unary(req('/t.S/Destroy')), status.UNAVAILABLE, 'the server closed the connection');
    // node resets the other stream with NO_ERROR before closing: INTERNAL, as grpc-js says too.
    assert.match(await other, /^(UNAVAILABLE: the server closed the connection|INTERNAL: Received RST_STREAM with code 0)$/);
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('again')))).toString(), 'again');
    assert.equal(srv.sessionCount(), 2);
  });

  it('close() while idle ends the connection', T, async () => {
    const srv = await grpcH2();
    const t = new Http2Transport(srv.socket);
    await t.unary(req('/t.S/Echo', Buffer.from('x')));
    const [session] = srv.sessions;
    const gone = new Promise<void>((resolve) => session.on('close', () => resolve()));
    t.close();
    await gone;
    assert.equal(srv.sessions.size, 0);
  });

  it('close() during a call lets it finish, then ends the connection; a later call dials again', T, async () => {
    const srv = await grpcH2();
    const t = new Http2Transport(srv.socket);
    cleanups.push(() => t.close());
    const call = t.unary(req('/t.S/Big', { bytes: 10, delayMs: 100 }));
    await srv.waitForStream(1);
    const [session] = srv.sessions;
    const gone = new Promise<void>((resolve) => session.on('close', () => resolve()));
    t.close();
    assert.equal((await call).length, 10);
    await gone;
    assert.equal((await t.unary(req('/t.S/Echo', Buffer.from('y')))).toString(), 'y');
    assert.equal(srv.sessionCount(), 2);
  });
});

describe('scripted raw HTTP/2 server: frames nghttp2 would not send', () => {
  const okResponse = (c: RawConn, id: number, msg: Buffer) => {
    c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
    c.send(F.DATA, 0, id, grpcFrame(msg));
    c.send(F.HEADERS, END_HEADERS | END_STREAM, id, OK_TRAILERS());
  };

  it('padded HEADERS (with priority fields), padded DATA, padded trailers; zero padding too', T, async () => {
    const pad = (n: number, payload: Buffer) => Buffer.concat([Buffer.from([n]), payload, Buffer.alloc(n)]);
    const srv = await rawH2((c, id) => {
      const priority = Buffer.from([0x80, 0, 0, 0, 200]); // exclusive, depends on 0, weight 201
      c.send(F.HEADERS, END_HEADERS | PADDED | PRIORITY, id, Buffer.concat([Buffer.from([17]), priority, block(...OK_HEADERS()), Buffer.alloc(17)]));
      const msg = grpcFrame(Buffer.from('padded hello'));
      c.send(F.DATA, PADDED, id, pad(255, msg.subarray(0, 7)));
      c.send(F.DATA, PADDED, id, pad(0, msg.subarray(7)));
      c.send(F.DATA, PADDED, id, pad(3, Buffer.alloc(0)));
      c.send(F.HEADERS, END_HEADERS | END_STREAM | PADDED, id, pad(9, OK_TRAILERS()));
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M'))).toString(), 'padded hello');
  });

  it('a message split at every byte, with empty DATA frames between', T, async () => {
    const srv = await rawH2((c, id) => {
      c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
      const msg = grpcFrame(Buffer.from('split me'));
      for (const byte of msg) {
        c.send(F.DATA, 0, id, Buffer.from([byte]));
        c.send(F.DATA, 0, id);
      }
      c.send(F.HEADERS, END_HEADERS | END_STREAM, id, OK_TRAILERS());
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M'))).toString(), 'split me');
  });

  it('HEADERS + CONTINUATION + CONTINUATION, for headers and trailers', T, async () => {
    const srv = await rawH2((c, id) => {
      const h = block(...OK_HEADERS(), lit('x-a', 'b'.repeat(40)));
      c.send(F.HEADERS, 0, id, h.subarray(0, 3));
      c.send(F.CONTINUATION, 0, id, h.subarray(3, 20));
      c.send(F.CONTINUATION, END_HEADERS, id, h.subarray(20));
      c.send(F.DATA, 0, id, grpcFrame(Buffer.from('cont')));
      const tr = block(lit('grpc-status', '0'), lit('grpc-message', ''));
      c.send(F.HEADERS, END_STREAM, id, tr.subarray(0, 1));
      c.send(F.CONTINUATION, END_HEADERS, id, tr.subarray(1));
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M'))).toString(), 'cont');
  });

  it('a table size update and indexed entries shared across streams', T, async () => {
    let n = 0;
    const srv = await rawH2((c, id) => {
      n++;
      if (n === 1) {
        // Size update to 80, then a new entry "grpc-message: first" (12 + 5 + 32 = 49 bytes).
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block([0x3f, 80 - 31], ...OK_HEADERS(), lit('grpc-status', '3'), litIndexed('grpc-message', 'first')));
      } else if (n === 2) {
        // "grpc-message: second" (50 bytes) evicts "first": 99 > 80.
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block(...OK_HEADERS(), lit('grpc-status', '4'), litIndexed('grpc-message', 'second')));
      } else if (n === 3) {
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block(...OK_HEADERS(), lit('grpc-status', '5'), [0xbe])); // 62: "second"
      } else {
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block(...OK_HEADERS(), lit('grpc-status', '5'), [0xbf])); // 63: evicted
      }
    });
    const t = transport(srv.socket);
    await fails(t.unary(req('/t.S/M')), status.INVALID_ARGUMENT, 'first');
    await fails(t.unary(req('/t.S/M')), status.DEADLINE_EXCEEDED, 'second');
    await fails(t.unary(req('/t.S/M')), status.NOT_FOUND, 'second');
    assert.equal(srv.conns.length, 1);
    await fails(t.unary(req('/t.S/M')), status.UNAVAILABLE, /HPACK/);
  });

  it('answers the server PING with an ACK of the same payload, and ACKs its SETTINGS', T, async () => {
    const payload = Buffer.from('8 bytes!');
    const srv = await rawH2((c, id) => {
      c.send(F.PING, 0, 0, payload);
      void c.waitFor((f) => f.type === F.PING).then(() => okResponse(c, id, Buffer.from('pong')));
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M'))).toString(), 'pong');
    const c = srv.conns[0];
    const ping = c.frames.find((f) => f.type === F.PING)!;
    assert.equal(ping.flags & ACK, ACK);
    assert.deepEqual(ping.payload, payload);
    assert.ok(c.frames.some((f) => f.type === F.SETTINGS && f.flags & ACK), 'SETTINGS ACK');
    // The client's own preface: SETTINGS with push disabled and a big window, then a connection WINDOW_UPDATE.
    const settings = c.frames.find((f) => f.type === F.SETTINGS && !(f.flags & ACK))!;
    const values = new Map<number, number>();
    for (let i = 0; i < settings.payload.length; i += 6) values.set(settings.payload.readUInt16BE(i), settings.payload.readUInt32BE(i + 2));
    assert.equal(values.get(2), 0, 'ENABLE_PUSH 0');
    assert.equal(values.get(4), 2 ** 31 - 1, 'INITIAL_WINDOW_SIZE');
    const wu = c.frames.find((f) => f.type === F.WINDOW_UPDATE && f.stream === 0)!;
    assert.equal(wu.payload.readUInt32BE(0), 2 ** 31 - 1 - 65535);
  });

  it('RST_STREAM after the response headers (and part of a message) maps by code', T, async () => {
    const codes: Array<[number, status]> = [
      [7, status.UNAVAILABLE],
      [8, status.CANCELLED],
      [11, status.RESOURCE_EXHAUSTED],
      [12, status.PERMISSION_DENIED],
      [2, status.INTERNAL],
      [0, status.INTERNAL],
    ];
    let n = 0;
    const srv = await rawH2((c, id) => {
      const [rst] = codes[n++];
      const rstPayload = Buffer.alloc(4);
      rstPayload.writeUInt32BE(rst, 0);
      c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
      c.send(F.DATA, 0, id, grpcFrame(Buffer.from('partial')).subarray(0, 8));
      c.send(F.RST_STREAM, 0, id, rstPayload);
    });
    const t = transport(srv.socket);
    for (const [rst, code] of codes) await fails(t.unary(req('/t.S/M')), code, `Received RST_STREAM with code ${rst}`);
    assert.equal(srv.conns.length, 1);
  });

  it('frames arriving in pieces of 1 to 13 bytes (frame headers split across reads)', T, async () => {
    const msg = pattern(3000, 3);
    const srv = await rawH2(
      (c, id) => {
        c.send(F.PING, 0, 0, Buffer.from('pingpong'));
        c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS(), lit('x-pad', 'p'.repeat(300))));
        const framed = grpcFrame(msg);
        for (let i = 0; i < framed.length; i += 700) c.send(F.DATA, 0, id, framed.subarray(i, i + 700));
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, OK_TRAILERS());
      },
      { dribble: true },
    );
    const t = transport(srv.socket);
    for (let i = 0; i < 3; i++) assert.deepEqual(await t.unary(req('/t.S/M')), msg);
    assert.equal(srv.conns.length, 1);
  });

  it('unknown frame types and PRIORITY frames are ignored', T, async () => {
    const srv = await rawH2((c, id) => {
      c.send(0xfa, 0xff, id, Buffer.from('whatever'));
      c.send(F.PRIORITY, 0, id, Buffer.from([0, 0, 0, 0, 16]));
      okResponse(c, id, Buffer.from('fine'));
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M'))).toString(), 'fine');
  });

  it('GOAWAY naming our stream as the last: the call completes; GOAWAY below it: UNAVAILABLE', T, async () => {
    const goaway = (last: number, code: number) => {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(last, 0);
      b.writeUInt32BE(code, 4);
      return b;
    };
    const graceful = await rawH2((c, id) => {
      c.send(F.GOAWAY, 0, 0, goaway(id, 0));
      okResponse(c, id, Buffer.from('last one'));
    });
    const t1 = transport(graceful.socket);
    assert.equal((await t1.unary(req('/t.S/M'))).toString(), 'last one');
    // The server left the connection open; with its last stream done, the client closes it.
    const first = graceful.conns[0].socket;
    await within(new Promise((resolve) => (first.closed ? resolve(undefined) : first.once('close', resolve))), 10_000, 'the client closes the connection after GOAWAY');
    assert.equal((await t1.unary(req('/t.S/M'))).toString(), 'last one');
    assert.equal(graceful.conns.length, 2, 'a new connection after GOAWAY');

    const refusing = await rawH2((c) => c.send(F.GOAWAY, 0, 0, goaway(0, 2)));
    await fails(transport(refusing.socket).unary(req('/t.S/M')), status.UNAVAILABLE, /GOAWAY|going away/);
  });

  it('GOAWAY while calls wait for the concurrency limit: the open one completes, the waiting ones fail UNAVAILABLE', T, async () => {
    // Last stream: the open one; or 2^31-1 (the first GOAWAY of a graceful shutdown): no new stream either way.
    for (const last of ['open', 2 ** 31 - 1] as const) {
      let n = 0;
      const srv = await rawH2(
        (c, id) => {
          if (++n === 1) return okResponse(c, id, Buffer.from('warm-up'));
          const goaway = Buffer.alloc(8);
          goaway.writeUInt32BE(last === 'open' ? id : last, 0);
          c.send(F.GOAWAY, 0, 0, goaway);
          okResponse(c, id, Buffer.from('open one'));
        },
        { settings: [[3, 1]] },
      );
      const t = transport(srv.socket);
      await t.unary(req('/t.S/M'));
      const calls = await Promise.allSettled([1, 2, 3].map(() => t.unary(req('/t.S/M'))));
      assert.deepEqual(calls[0], { status: 'fulfilled', value: Buffer.from('open one') });
      for (const c of calls.slice(1)) {
        assert.equal(c.status, 'rejected');
        assert.equal((c as PromiseRejectedResult).reason.code, status.UNAVAILABLE);
      }
      const headers = srv.conns[0].frames.filter((f) => f.type === F.HEADERS).map((f) => f.stream);
      assert.deepEqual(headers, [1, 3], `no stream opened after GOAWAY (last ${last}), none past the limit`);
    }
  });

  it('SETTINGS_INITIAL_WINDOW_SIZE changed while a body waits for window: the stream window moves by the difference', T, async () => {
    const setting = (id: number, v: number) => {
      const b = Buffer.alloc(6);
      b.writeUInt16BE(id, 0);
      b.writeUInt32BE(v, 2);
      return b;
    };
    const increment = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n, 0);
      return b;
    };
    const body = pattern(300_000, 9);
    const srv = await rawH2((c, id) => okResponse(c, id, Buffer.from(`${sha(unframeFrames(c.frames, id))}`)), {
      onConnection: (c) => {
        // Plenty of connection window: only the stream window (65535 by default) holds the body back.
        c.send(F.WINDOW_UPDATE, 0, 0, increment(10_000_000));
        let sum = 0;
        void c
          .waitFor((f) => f.type === F.DATA && f.stream === 1 && (sum += f.length) >= 65_535)
          .then(() => {
            // +1000: exactly 1000 more bytes may come.
            c.send(F.SETTINGS, 0, 0, setting(4, 65_535 + 1000));
            let more = 0;
            return c.waitFor((f) => f.type === F.DATA && f.stream === 1 && (more += f.length) >= 65_535 + 1000);
          })
          .then(() => {
            // Down to 1000 (the window goes negative), then a WINDOW_UPDATE big enough for the rest.
            c.send(F.SETTINGS, 0, 0, setting(4, 1000));
            c.send(F.WINDOW_UPDATE, 0, 1, increment(body.length));
          });
      },
    });
    const t = transport(srv.socket);
    assert.equal((await t.unary(req('/t.S/M', body))).toString(), sha(body));
  });

  it('a response declaring a message over maxBytes fails at once, without waiting for the rest (prefix in one frame or split)', T, async () => {
    for (const split of [0, 2, 4]) {
      const srv = await rawH2((c, id) => {
        c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
        const prefix = Buffer.from([0, 0, 0x10, 0, 0]); // 1 MiB announced; 10 bytes sent; then silence
        const start = Buffer.concat([prefix, Buffer.alloc(10)]);
        if (split) c.send(F.DATA, 0, id, start.subarray(0, split));
        c.send(F.DATA, 0, id, start.subarray(split));
      });
      const t = transport(srv.socket);
      const call = within(t.unary(req('/t.S/M', Buffer.alloc(0), { maxBytes: 4096, timeoutMs: 0 })), 10_000, `the call (prefix split after ${split} bytes) failing`);
      await fails(call, status.RESOURCE_EXHAUSTED, 'Received message larger than max (1048576 vs. 4096)');
      const rst = await srv.conns[0].waitFor((f) => f.type === F.RST_STREAM);
      assert.equal(rst.payload.readUInt32BE(0), 8, 'the client reset the stream (CANCEL)');
    }
  });

  it('header blocks for a stream we reset are still decoded: the HPACK table stays in step', T, async () => {
    let n = 0;
    const srv = await rawH2((c, id) => {
      n++;
      if (n === 1) {
        // Answer only after the client gave up on it (RST_STREAM), adding an entry to the dynamic table.
        void c
          .waitFor((f) => f.type === F.RST_STREAM && f.stream === id)
          .then(() => c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block(...OK_HEADERS(), lit('grpc-status', '0'), litIndexed('grpc-message', 'late'))));
      } else {
        c.send(F.HEADERS, END_HEADERS | END_STREAM, id, block(...OK_HEADERS(), lit('grpc-status', '9'), [0xbe])); // 62: "late"
      }
    });
    const t = transport(srv.socket);
    await fails(t.unary(req('/t.S/M', Buffer.alloc(0), { timeoutMs: 200 })), status.DEADLINE_EXCEEDED);
    await srv.conns[0].waitFor((f) => f.type === F.RST_STREAM);
    await fails(t.unary(req('/t.S/M')), status.FAILED_PRECONDITION, 'late');
  });

  it('a response message cut short, a compressed one, none at all: INTERNAL', T, async () => {
    let n = 0;
    const srv = await rawH2((c, id) => {
      n++;
      c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
      if (n === 1) c.send(F.DATA, 0, id, grpcFrame(Buffer.from('0123456789')).subarray(0, 9));
      if (n === 2) c.send(F.DATA, 0, id, Buffer.from([1, 0, 0, 0, 1, 0x78]));
      c.send(F.HEADERS, END_HEADERS | END_STREAM, id, OK_TRAILERS());
    });
    const t = transport(srv.socket);
    await fails(t.unary(req('/t.S/M')), status.INTERNAL);
    await fails(t.unary(req('/t.S/M')), status.INTERNAL);
    await fails(t.unary(req('/t.S/M')), status.INTERNAL);
  });

  it('the stream ends without grpc-status: INTERNAL, not success', T, async () => {
    const srv = await rawH2((c, id) => {
      c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
      c.send(F.DATA, END_STREAM, id, grpcFrame(Buffer.from('no status')));
    });
    await fails(transport(srv.socket).unary(req('/t.S/M')), status.INTERNAL);
  });

  it('message size known from a first DATA frame shorter than the 5-byte prefix: RESOURCE_EXHAUSTED', T, async () => {
    const srv = await rawH2((c, id) => {
      c.send(F.HEADERS, END_HEADERS, id, block(...OK_HEADERS()));
      const msg = grpcFrame(Buffer.alloc(5000, 1));
      c.send(F.DATA, 0, id, msg.subarray(0, 3));
      c.send(F.DATA, 0, id, msg.subarray(3));
      c.send(F.HEADERS, END_HEADERS | END_STREAM, id, OK_TRAILERS());
    });
    await fails(transport(srv.socket).unary(req('/t.S/M', Buffer.alloc(0), { maxBytes: 4096 })), status.RESOURCE_EXHAUSTED, /5000.*4096/);
  });

  const protocolError = (name: string, script: (c: RawConn, id: number) => void) =>
    it(`protocol error fails the connection (UNAVAILABLE) and the next call dials again: ${name}`, T, async () => {
      let n = 0;
      const srv = await rawH2((c, id) => {
        if (++n === 1) script(c, id);
        else okResponse(c, id, Buffer.from('recovered'));
      });
      const t = transport(srv.socket);
      const err = await fails(t.unary(req('/t.S/M')), status.UNAVAILABLE);
      assert.ok(err.details.length > 0);
      assert.equal((await t.unary(req('/t.S/M'))).toString(), 'recovered');
      assert.equal(srv.conns.length, 2);
    });

  protocolError('a frame larger than 16384 bytes', (c, id) => c.send(F.HEADERS, END_HEADERS, id, Buffer.concat([block(...OK_HEADERS()), block(lit('x', 'y'.repeat(17000)))])));
  protocolError('PUSH_PROMISE although push is disabled', (c, id) => c.send(F.PUSH_PROMISE, END_HEADERS, id, Buffer.concat([Buffer.from([0, 0, 0, 2]), block(...OK_HEADERS())])));
  protocolError('an HPACK index 0', (c, id) => c.send(F.HEADERS, END_HEADERS, id, Buffer.from([0x80])));
  protocolError('a Huffman string with bad padding', (c, id) => c.send(F.HEADERS, END_HEADERS, id, Buffer.from([0x08 | 0x80 /* :status 200 */, 0x00, 0x81, 0x00, 0x81, 0x00])));
  protocolError('a frame other than CONTINUATION inside a header block', (c, id) => {
    c.send(F.HEADERS, 0, id, block(...OK_HEADERS()));
    c.send(F.DATA, 0, id, grpcFrame(Buffer.from('x')));
  });
  protocolError('CONTINUATION without HEADERS', (c, id) => c.send(F.CONTINUATION, END_HEADERS, id, block(...OK_HEADERS())));
  protocolError('padding longer than the frame', (c, id) => c.send(F.HEADERS, END_HEADERS | PADDED, id, Buffer.from([200, 0x88])));
  protocolError('a PING that is not 8 bytes', (c) => c.send(F.PING, 0, 0, Buffer.from('1234')));
  protocolError('a truncated RST_STREAM', (c, id) => c.send(F.RST_STREAM, 0, id, Buffer.from([0, 0])));
});

describe('raw net servers and dial errors', () => {
  it('a server that accepts and closes at once: UNAVAILABLE', T, async () => {
    const srv = await rawServer((s) => s.destroy());
    await fails(transport(srv.socket).unary(req('/t.S/M')), status.UNAVAILABLE, /./);
  });

  it('a server that answers HTTP/1.1: UNAVAILABLE, saying it is not HTTP/2', T, async () => {
    const srv = await rawServer((s) =>
      s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request')),
    );
    await fails(transport(srv.socket).unary(req('/t.S/M')), status.UNAVAILABLE, /HTTP\/2/);
  });

  it('a server that sends garbage: UNAVAILABLE', T, async () => {
    const srv = await rawServer((s) => s.write(Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not at all HTTP/2, just noise')));
    await fails(transport(srv.socket).unary(req('/t.S/M')), status.UNAVAILABLE, /HTTP\/2/);
    const srv2 = await rawServer((s) => s.write(Buffer.from([0x00, 0xff, 0xff, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 1, 2, 3])));
    await fails(transport(srv2.socket).unary(req('/t.S/M')), status.UNAVAILABLE, /./);
  });

  it('a server that accepts and never answers: DEADLINE_EXCEEDED', T, async () => {
    const srv = await rawServer((s) => s.on('data', () => undefined));
    await fails(transport(srv.socket).unary(req('/t.S/M', Buffer.alloc(0), { timeoutMs: 300 })), status.DEADLINE_EXCEEDED, 'Deadline exceeded');
  });

  it('a server that accepts and never answers, no deadline, aborted: CANCELLED', T, async () => {
    const srv = await rawServer((s) => s.on('data', () => undefined));
    const ac = new AbortController();
    const call = transport(srv.socket).unary(req('/t.S/M', Buffer.alloc(0), { timeoutMs: 0, signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    await fails(call, status.CANCELLED, 'interrupted');
  });

  it('a missing socket: UNAVAILABLE naming ENOENT and the path', T, async () => {
    const missing = path.join(root, 'missing', 'nothing.sock');
    await fails(transport(missing).unary(req('/t.S/M')), status.UNAVAILABLE, `connect ENOENT ${missing}`);
  });

  it('a regular file: UNAVAILABLE, ECONNREFUSED', T, async () => {
    const file = path.join(root, 'regular-file');
    fs.writeFileSync(file, 'not a socket');
    await fails(transport(file).unary(req('/t.S/M')), status.UNAVAILABLE, `connect ECONNREFUSED ${file}`);
  });

  it('a socket file nobody listens on: UNAVAILABLE, ECONNREFUSED', T, async () => {
    // A hard link keeps the socket inode after the server is gone (closing unlinks the original name).
    const live = tempSocket();
    const server = net.createServer();
    await listen(server, live);
    const stale = path.join(root, 'stale.sock');
    fs.linkSync(live, stale);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.ok(fs.statSync(stale).isSocket());
    await fails(transport(stale).unary(req('/t.S/M')), status.UNAVAILABLE, `connect ECONNREFUSED ${stale}`);
  });

  it('a socket we may not open: UNAVAILABLE, EACCES (as an unprivileged user)', { ...T, skip: process.getuid?.() !== 0 && 'needs root to switch to nobody' }, async () => {
    const srv = await grpcH2();
    fs.chmodSync(srv.socket, 0o600);
    const r = await runChild(
      `t.unary({ path: '/t.S/Echo', body: Buffer.from('x'), timeoutMs: 10000, maxBytes: 100 }).then(() => console.log('ok'), (e) => console.log(e.code + ' ' + e.details));`,
      srv.socket,
      { uid: 65534, gid: 65534 },
    );
    assert.equal(r.signal, null);
    assert.equal(r.stdout.trim(), `${status.UNAVAILABLE} connect EACCES ${srv.socket}`);
  });
});

// ---------------------------------------------------------------------------

const DIST_SRC = path.join(__dirname, '..', 'src', 'cri');

/** Runs `code` in a child node process with `t` an Http2Transport on `socket`; kills it after 30 s (then `signal` is set). */
function runChild(code: string, socket: string, opts: { uid?: number; gid?: number } = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const script = `const { Http2Transport } = require(${JSON.stringify(path.join(DIST_SRC, 'transport.js'))});
const { Connection, RuntimeClient } = require(${JSON.stringify(path.join(DIST_SRC, 'client.js'))});
const t = new Http2Transport(${JSON.stringify(socket)});
${code}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('the connection does not keep the process alive', () => {
  let srv: GrpcH2;
  before(async () => {
    srv = await grpcH2();
  });

  it('after a successful call (the server keeps the connection open)', T, async () => {
    const r = await runChild(
      `t.unary({ path: '/t.S/Echo', body: Buffer.from('child'), timeoutMs: 10000, maxBytes: 100 }).then((b) => console.log('ok ' + b), (e) => console.log('err ' + e.code + ' ' + e.details));`,
      srv.socket,
    );
    assert.deepEqual({ signal: r.signal, code: r.code, stdout: r.stdout.trim(), stderr: r.stderr }, { signal: null, code: 0, stdout: 'ok child', stderr: '' });
  });

  it('after a failed call and after a deadline', T, async () => {
    const r = await runChild(
      `t.unary({ path: '/t.S/Status', body: Buffer.from('{"code":5,"message":"gone"}'), timeoutMs: 10000, maxBytes: 100 })
        .catch((e) => console.log('err ' + e.code))
        .then(() => t.unary({ path: '/t.S/Hang', body: Buffer.alloc(0), timeoutMs: 200, maxBytes: 100 }))
        .catch((e) => console.log('err ' + e.code));`,
      srv.socket,
    );
    assert.deepEqual({ signal: r.signal, code: r.code, stdout: r.stdout.trim(), stderr: r.stderr }, { signal: null, code: 0, stdout: `err ${status.NOT_FOUND}\nerr ${status.DEADLINE_EXCEEDED}`, stderr: '' });
  });

  it('while a call runs, it does keep the process alive until the answer', T, async () => {
    const r = await runChild(
      `t.unary({ path: '/t.S/Big', body: Buffer.from('{"bytes":4,"delayMs":300}'), timeoutMs: 0, maxBytes: 100 }).then((b) => console.log('got ' + b.length), (e) => console.log('err ' + e.code + ' ' + e.details));`,
      srv.socket,
    );
    assert.deepEqual({ signal: r.signal, code: r.code, stdout: r.stdout.trim() }, { signal: null, code: 0, stdout: 'got 4' });
  });

  it('Connection + RuntimeClient against the grpc-js fake', T, async () => {
    const fake = await startFakeCri();
    cleanups.push(() => fake.stop());
    const r = await runChild(
      `new RuntimeClient(new Connection(${JSON.stringify(fake.endpoint)}, 5000)).version().then((v) => console.log(v.runtimeName), (e) => console.log('err ' + e.code + ' ' + e.details));`,
      srv.socket,
    );
    assert.deepEqual({ signal: r.signal, code: r.code, stdout: r.stdout.trim(), stderr: r.stderr }, { signal: null, code: 0, stdout: 'fakecri', stderr: '' });
  });
});

describe('@grpc/grpc-js server (the fake CRI runtime) through Connection', () => {
  let fake: FakeCri;
  let unrelated: FakeCri;
  let conn: Connection;
  before(async () => {
    fake = await startFakeCri({
      workload: manyContainers(20_000),
      overrides: {
        ContainerStatus: { code: grpc.status.NOT_FOUND, details: 'container "c\u00e9\u20ac %41" not found' },
        PodSandboxStatus: { hang: true },
      },
    });
    unrelated = await startFakeCri({ mode: 'unrelated' });
    conn = new Connection(fake.endpoint, 10_000);
  });
  after(async () => {
    conn?.close();
    await fake?.stop();
    await unrelated?.stop();
  });

  it('a unary call that succeeds', T, async () => {
    const rt = new RuntimeClient(conn);
    const v = await rt.version();
    assert.equal(v.runtimeName, 'fakecri');
    assert.equal(v.runtimeApiVersion, 'v1');
  });

  it('a big answer (20,000 containers, over 4 MiB)', T, async () => {
    const list = await new RuntimeClient(conn).listContainers();
    assert.equal(list.length, 20_000);
  });

  it('a status error with details: RpcError with code, details, method, endpoint', T, async () => {
    const err = await new RuntimeClient(conn).containerStatus('abc', false).then(
      () => assert.fail('succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof RpcError);
    assert.equal(err.code, status.NOT_FOUND);
    assert.equal(err.details, 'container "c\u00e9\u20ac %41" not found');
    assert.equal(err.method, 'ContainerStatus');
    assert.equal(err.endpoint, fake.endpoint);
  });

  it('UNIMPLEMENTED for an unknown method and for a service the server lacks', T, async () => {
    await fails(new Http2Transport(fake.socket).unary(req('/runtime.v1.RuntimeService/NoSuchMethod')), status.UNIMPLEMENTED, /NoSuchMethod/);
    const other = new Connection(unrelated.endpoint, 10_000);
    cleanups.push(() => other.close());
    const err = await new RuntimeClient(other).version().then(
      () => assert.fail('succeeded'),
      (e: unknown) => e as RpcError,
    );
    assert.equal(err.code, status.UNIMPLEMENTED);
  });

  it('a deadline on a method that hangs: DEADLINE_EXCEEDED with the timeout recorded', T, async () => {
    const err = await new RuntimeClient(conn).call('PodSandboxStatus', { podSandboxId: 'x' }, { timeoutMs: 300 }).then(
      () => assert.fail('succeeded'),
      (e: unknown) => e as RpcError,
    );
    assert.equal(err.code, status.DEADLINE_EXCEEDED);
    assert.equal(err.timeoutMs, 300);
  });

  it('cancellation through the client signal', T, async () => {
    const ac = new AbortController();
    const call = new RuntimeClient(conn, ac.signal).podSandboxStatus('x', false);
    await fake.waitForCall('PodSandboxStatus', 2);
    ac.abort();
    const err = await call.then(
      () => assert.fail('succeeded'),
      (e: unknown) => e as RpcError,
    );
    assert.equal(err.code, status.CANCELLED);
    assert.equal(err.details, 'interrupted');
  });
});
