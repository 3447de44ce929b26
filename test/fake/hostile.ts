/**
 * A hostile CRI server: raw HTTP/2 frames on a temp unix socket, misbehaving
 * in one named way per server (HOSTILE_MODES). Every mode answers each
 * connection; `answer` is the protobuf message a correct server would send
 * (e.g. a VersionResponse), so the modes that lie about it have something to
 * lie about.
 *
 *   const h = await startHostile('ping-flood', { answer });
 *   run tcrictl with -r h.endpoint …;  await h.stop();
 *
 * Bounded: floods stop at FLOOD_BYTES (or FLOOD_FRAMES) or when the client
 * goes, the trickle at the end of the answer, waits when the server stops;
 * unix sockets only.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HostileConn } from './hostile-conn';
import { modeActions } from './hostile-modes';

export { HOSTILE_MODES, type HostileMode, type Expect } from './hostile-modes';
import type { HostileMode } from './hostile-modes';

export interface HostileOptions {
  /** The protobuf bytes of a correct answer to the call being tested. */
  answer: Buffer;
  /** Messages for a server-streaming call: the answer is sent this many times (default 1). */
  repeat?: number;
}

export interface HostileServer {
  mode: HostileMode;
  socket: string;
  endpoint: string;
  /** Connections accepted so far. */
  connections: number;
  /** process.hrtime.bigint() at the first accept: where tcrictl's call (and its deadline) begins. */
  firstAcceptNs?: bigint;
  stop(): Promise<void>;
}

export async function startHostile(mode: HostileMode, opts: HostileOptions): Promise<HostileServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tchostile-'));
  const socket = path.join(dir, 'cri.sock');
  let stopped = false;
  const conns = new Set<HostileConn>();
  const act = modeActions(mode);
  const handle: HostileServer = {
    mode,
    socket,
    endpoint: `unix://${socket}`,
    connections: 0,
    async stop() {
      stopped = true;
      for (const c of conns) {
        c.wake();
        c.socket.destroy();
      }
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const server = net.createServer((sock) => {
    handle.connections++;
    handle.firstAcceptNs ??= process.hrtime.bigint();
    const conn = new HostileConn(sock, () => stopped);
    conns.add(conn);
    sock.on('close', () => conns.delete(conn));
    act(conn, opts).catch(() => sock.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, resolve);
  });
  return handle;
}
