/**
 * `port-forward` over SPDY/3.1 with the `portforward.k8s.io` protocol, as
 * client-go's portforward speaks it: one session for the whole run; each
 * local connection gets a request ID and two streams, `error` (read only;
 * the client half-closes it at once) and `data`, both with the `port` and
 * `requestID` headers. Local end-of-input half-closes the data stream;
 * the server's end of it ends the local connection.
 */
import * as net from 'node:net';
import { CliError, EXIT_INTERRUPTED, UsageError } from '../cli/cli-error';
import type { SpdySession, SpdyStream } from './spdy/session';
import { upgradeToSpdy, UpgradeRefused } from './spdy/upgrade';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

export interface PortSpec {
  /** 0: any free port. */
  local: number;
  remote: number;
}

/** crictl's (client-go's) `[LOCAL_PORT:]REMOTE_PORT`; `:REMOTE` picks a free local port. */
export function parsePortSpec(text: string): PortSpec {
  const m = /^(?:(\d*):)?(\d+)$/.exec(text);
  const local = m ? (m[1] === undefined ? Number(m[2]) : m[1] === '' ? 0 : Number(m[1])) : NaN;
  const remote = m ? Number(m[2]) : NaN;
  if (!m || !(remote >= 1 && remote <= 65535) || !(local >= 0 && local <= 65535)) {
    throw new UsageError(`"${text}" is not a port to forward`, 'use [LOCAL_PORT:]REMOTE_PORT with ports 1-65535, e.g. 8080:80 or :80 for any free local port');
  }
  return { local, remote };
}

export interface PortForwardOptions {
  url: string;
  ports: PortSpec[];
  /** Where to listen; 127.0.0.1 unless told otherwise. */
  address: string;
  signal?: AbortSignal;
  /** Bounds the upgrade (0: none). */
  timeoutMs?: number;
  /** "Forwarding from …" and "Handling connection for …", as crictl prints them. */
  print: (line: string) => void;
  warn: (line: string) => void;
}

/** Forwards until Ctrl-C (rejects with 130) or until the runtime ends the session (rejects with 1). */
export async function runPortForward(o: PortForwardOptions): Promise<never> {
  if (o.signal?.aborted) throw interrupted();
  let session: SpdySession;
  try {
    session = (await upgradeToSpdy(o.url, [PORT_FORWARD_PROTOCOL], o.signal, o.timeoutMs)).session;
  } catch (err) {
    if (o.signal?.aborted) throw interrupted();
    if (err instanceof UpgradeRefused) throw new CliError(`the runtime's streaming server refused the port-forward upgrade: ${err.message}`);
    throw new CliError(`cannot connect to the port-forward stream at ${o.url}: ${(err as Error).message}`, {
      hint: 'the runtime returned this URL; its streaming server must be reachable from here (containerd: stream_server_address)',
    });
  }
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  let stopped = false;
  // Connections cut short by the end of the forward are not worth a warning each.
  const warn = (line: string) => {
    if (!stopped) o.warn(line);
  };
  const stop = () => {
    stopped = true;
    for (const s of servers) s.close();
    for (const s of sockets) s.destroy();
    session.destroy();
  };
  try {
    let nextRequest = 0;
    for (const p of o.ports) {
      const server = await listen(o.address, p.local);
      servers.push(server);
      const local = (server.address() as net.AddressInfo).port;
      o.print(`Forwarding from ${o.address.includes(':') ? `[${o.address}]` : o.address}:${local} -> ${p.remote}`);
      server.on('connection', (sock) => {
        sockets.add(sock);
        sock.once('close', () => sockets.delete(sock));
        o.print(`Handling connection for ${local}`);
        forward(session, sock, String(nextRequest++), local, p.remote, warn);
      });
    }
  } catch (err) {
    stop();
    throw err;
  }
  return new Promise<never>((_resolve, reject) => {
    let ended = false;
    const end = (err: CliError) => {
      if (ended) return; // stop() closes the session, which comes back here
      ended = true;
      o.signal?.removeEventListener('abort', onAbort);
      stop();
      reject(err);
    };
    const onAbort = () => end(interrupted());
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const why = () => (session.failure ? `: ${session.failure.message}` : ' (the pod was stopped, or the runtime restarted or ended an idle session)');
    session.once('close', () => end(new CliError(`lost the connection to the runtime's streaming server${why()}`)));
  });
}

function interrupted(): CliError {
  return new CliError('interrupted', { exitCode: EXIT_INTERRUPTED });
}

function listen(address: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: a client's end of input must not close our side before the pod has answered.
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new CliError(`cannot listen on ${address}:${port}: ${why}`, { hint: 'pick another local port (LOCAL:REMOTE), or :REMOTE for any free one' }));
    });
    server.listen(port, address, () => resolve(server));
  });
}

/** One local connection: its own error and data streams, bytes both ways, then both ends closed. */
function forward(session: SpdySession, sock: net.Socket, requestID: string, local: number, remote: number, warn: (line: string) => void): void {
  const headers = { streamType: 'error', port: String(remote), requestID };
  const error = session.open(headers);
  const data = session.open({ ...headers, streamType: 'data' });
  let message = '';
  error.on('data', (d: Buffer) => {
    if (message.length < 4096) message += d.toString('utf8');
  });
  const errorEnded = new Promise<void>((r) => error.once('end', r));
  sock.on('error', () => undefined); // a reset by the local client ends it like a close
  toLocal(session, data, sock); // at once: data may come in the same read as the reply
  Promise.all([error.replied, data.replied]).then(
    () => {
      error.end(); // we never write to the error stream
      toRemote(sock, data);
    },
    (err: Error) => {
      warn(`cannot forward a connection on ${local} -> ${remote}: ${err.message}`);
      sock.destroy();
    },
  );
  data.once('end', () => {
    // The server is done with this connection: report its error, if any, then close ours.
    void errorEnded.then(() => {
      if (message) warn(`error forwarding ${local} -> ${remote}: ${message.trim()}`);
      sock.end();
      sock.once('finish', () => sock.destroy());
    });
  });
  // Like client-go, never RST_STREAM: containerd 1.6 stops answering new streams after some resets.
  sock.once('close', () => data.end());
}

/** Pod to local client; reading the session pauses while the client is slow. */
function toLocal(session: SpdySession, data: SpdyStream, sock: net.Socket): void {
  let waiting = false;
  data.on('data', (d: Buffer) => {
    if (!sock.write(d) && !waiting) {
      waiting = true;
      session.pause();
      sock.once('drain', () => {
        waiting = false;
        session.resume();
      });
    }
  });
}

/** Local client to pod, once the server accepted the stream; its end half-closes the stream. */
function toRemote(sock: net.Socket, data: SpdyStream): void {
  let waiting = false;
  sock.on('data', (d: Buffer) => {
    if (!data.write(d) && !waiting) {
      waiting = true;
      sock.pause();
      data.session.socket.once('drain', () => {
        waiting = false;
        sock.resume();
      });
    }
  });
  sock.once('end', () => data.end());
  sock.resume();
}
