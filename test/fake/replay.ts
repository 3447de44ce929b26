/**
 * A server that replays given bytes as its answer on each connection (the
 * fuzz test's server): what comes before the first HEADERS frame at once,
 * the rest once the client's request is in, DATA frames within the client's
 * windows (waiting at most WINDOW_WAIT_MS for one, then sending anyway),
 * then it closes the connection, so a client waiting for more sees the end at
 * once instead of its deadline.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HostileConn } from './hostile-conn';
import { encodeFrame, parseFrames, T } from './h2-frames';

const WINDOW_WAIT_MS = 250;
const REQUEST_WAIT_MS = 500;
const CLOSE_AFTER_MS = 50;
const MAX_CONNECTION_MS = 1500;

export interface ReplayServer {
  endpoint: string;
  /** The bytes the next connection gets. */
  next: Buffer;
  stop(): Promise<void>;
}

async function replay(c: HostileConn, bytes: Buffer): Promise<void> {
  const { frames, rest } = parseFrames(bytes);
  let patient = true;
  let requested = false;
  for (const f of frames) {
    if (c.done) return;
    if (!requested && (f.type === T.HEADERS || f.type === T.DATA)) {
      requested = true;
      await c.requestWithin(REQUEST_WAIT_MS);
    }
    if (f.type === T.DATA && patient) patient = await c.takeWindow(f.stream, f.payload.length, WINDOW_WAIT_MS);
    if (!(await c.send(encodeFrame(f)))) return;
  }
  if (rest.length) await c.send(Buffer.from(rest));
  // Half-closing is not enough for every client to give up on an unfinished
  // stream: after a moment for the client to read, the connection goes.
  c.socket.end();
  await c.sleep(CLOSE_AFTER_MS);
  c.socket.destroy();
}

export async function startReplay(): Promise<ReplayServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcreplay-'));
  const socket = path.join(dir, 'cri.sock');
  let stopped = false;
  const conns = new Set<net.Socket>();
  const handle: ReplayServer = {
    endpoint: `unix://${socket}`,
    next: Buffer.alloc(0),
    async stop() {
      stopped = true;
      for (const s of conns) s.destroy();
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const server = net.createServer((sock) => {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    const c = new HostileConn(sock, () => stopped);
    // A connection the client neither reads nor closes (a failed dial grpc-js abandoned) goes anyway.
    setTimeout(() => sock.destroy(), MAX_CONNECTION_MS).unref();
    replay(c, handle.next).catch(() => sock.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return handle;
}
