/**
 * An in-process Kubernetes-style streaming server speaking SPDY/3 for
 * tests: it answers `Upgrade: SPDY/3.1` with 101 and the negotiated
 * `X-Stream-Protocol-Version`, inflates every SYN_STREAM's header block
 * with its own zlib context (as Go's framer does), replies to each stream,
 * and hands the streams to a per-path script.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from '../../src/streaming/spdy/dictionary';
import * as F from '../../src/streaming/spdy/frame';

export interface ServerStream {
  id: number;
  headers: Record<string, string>;
  data: Buffer[];
  /** The client half-closed (FIN). */
  ended: boolean;
  onData?: (d: Buffer) => void;
  onEnd?: () => void;
}

export interface Peer {
  socket: Socket;
  streams: ServerStream[];
  /** Every raw frame the client sent, in order. */
  frames: F.Frame[];
  write(id: number, data: string | Buffer, fin?: boolean): void;
  rst(id: number): void;
  /** Called when a stream arrives (after its SYN_REPLY was sent). */
  onStream?: (s: ServerStream) => void;
  /** Awaited before a stream's SYN_REPLY is sent (a slow server); frames that arrive meanwhile wait too. */
  beforeReply?: (s: ServerStream) => Promise<void>;
}

export type Script = (peer: Peer) => void;

export interface FakeSpdyServer {
  base: string;
  scripts: Map<string, Script>;
  /** Paths answered with an HTTP error instead of 101. */
  refuse: Map<string, { status: number; body: string }>;
  close(): Promise<void>;
}

/** Header blocks inflate as one stream per connection; SYN_STREAM's block starts after 10 bytes. */
function headerReader(): (block: Buffer) => Promise<Record<string, string>> {
  const inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const chunks: Buffer[] = [];
  inflate.on('data', (c: Buffer) => chunks.push(c));
  let queue = Promise.resolve<unknown>(undefined);
  return (block) => {
    const next = queue.then(
      () =>
        new Promise<Record<string, string>>((resolve, reject) => {
          inflate.write(block, () => {
            inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              setImmediate(() => {
                const raw = Buffer.concat(chunks.splice(0));
                try {
                  resolve(parseBlock(raw));
                } catch (err) {
                  reject(err);
                }
              });
            });
          });
        }),
    );
    queue = next.catch(() => undefined);
    return next;
  };
}

function parseBlock(raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 4;
  for (let i = raw.readUInt32BE(0); i > 0; i--) {
    const nl = raw.readUInt32BE(off);
    const name = raw.subarray(off + 4, off + 4 + nl).toString();
    off += 4 + nl;
    const vl = raw.readUInt32BE(off);
    out[name] = raw.subarray(off + 4, off + 4 + vl).toString();
    off += 4 + vl;
  }
  return out;
}

/** An empty header block, compressed by the server's own context (a fresh one per reply is what a stateless encoder would do wrong, so keep one). */
function replyEncoder(): () => Promise<Buffer> {
  const deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  return () => new Promise((resolve) => deflate.write(Buffer.alloc(4), () => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => setImmediate(() => resolve(Buffer.concat(chunks.splice(0)))))));
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x80030000 + type, 0);
  head.writeUInt32BE(flags * 0x1000000 + payload.length, 4);
  return Buffer.concat([head, payload]);
}

function serve(socket: Socket, script: Script | undefined): void {
  const reader = new F.FrameReader();
  const inflateHeaders = headerReader();
  const encodeReply = replyEncoder();
  const byId = new Map<number, ServerStream>();
  const peer: Peer = {
    socket,
    streams: [],
    frames: [],
    write: (id, data, fin = false) => socket.write(F.dataFrame(id, typeof data === 'string' ? Buffer.from(data) : data, fin)),
    rst: (id) => socket.write(F.rstStream(id, 5)),
  };
  let order = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      peer.frames.push(f);
      order = order.then(() => handle(f));
    }
  });
  socket.on('error', () => undefined);
  const handle = async (f: F.Frame) => {
    if (f.kind === 'data') {
      const s = byId.get(f.streamId);
      if (!s) return;
      if (f.data.length) {
        s.data.push(f.data);
        s.onData?.(f.data);
      }
      if (f.fin) {
        s.ended = true;
        s.onEnd?.();
      }
      return;
    }
    if (f.type !== F.FrameType.SynStream) return;
    const id = f.payload.readUInt32BE(0) & 0x7fffffff;
    const s: ServerStream = { id, headers: await inflateHeaders(f.payload.subarray(10)), data: [], ended: false };
    byId.set(id, s);
    peer.streams.push(s);
    await peer.beforeReply?.(s);
    const idBytes = Buffer.alloc(4);
    idBytes.writeUInt32BE(id);
    socket.write(control(F.FrameType.SynReply, 0, Buffer.concat([idBytes, await encodeReply()])));
    peer.onStream?.(s);
  };
  script?.(peer);
}

export async function startFakeSpdyServer(protocols: string[]): Promise<FakeSpdyServer> {
  const scripts = new Map<string, Script>();
  const refuse = new Map<string, { status: number; body: string }>();
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end('not a streaming request');
  });
  server.on('upgrade', (req, socket: Socket) => {
    const path = req.url ?? '';
    const bad = refuse.get(path);
    if (bad) {
      socket.end(`HTTP/1.1 ${bad.status} Refused\r\nContent-Length: ${bad.body.length}\r\n\r\n${bad.body}`);
      return;
    }
    const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(/,\s*/);
    const chosen = offered.find((p) => protocols.includes(p));
    if (req.headers.upgrade !== 'SPDY/3.1' || !chosen) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${chosen}\r\n\r\n`);
    serve(socket, scripts.get(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set<Socket>();
  server.on('upgrade', (_req, socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    scripts,
    refuse,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
