/**
 * Client side of an exec/attach stream over WebSocket with the
 * `v5.channel.k8s.io` protocol: connect to the URL the runtime returned,
 * pump stdin/stdout/stderr over the channel protocol, close stdin at its
 * end (channel 255), keep the remote terminal's size in step with ours, and
 * return the exit status. Runtimes without v5 answer 400/403
 * (ProtocolRefused) and get SPDY instead (remote-command.ts).
 */
import WebSocket from 'ws';
import { CliError, EXIT_INTERRUPTED } from '../cli/cli-error';
import {
  closeFrame,
  ERROR,
  frame,
  parseStatus,
  resizeFrame,
  STDERR,
  STDIN,
  STDOUT,
  PROTOCOL_V5,
  type ExecOutcome,
} from './channel';

export interface Output {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

export interface ExecStreamOptions {
  url: string;
  /** Send this to the remote stdin (the caller puts a terminal in raw mode). */
  stdin?: NodeJS.ReadableStream;
  stdout: Output;
  stderr: Output;
  signal?: AbortSignal;
  /** With a TTY: the size now, and a way to hear about changes (returns an unsubscribe function). */
  terminal?: { size: () => TerminalSize; onResize: (listener: () => void) => () => void };
  /** Bounds connecting and the server's answer to the upgrade (0 or unset: none). */
  connectTimeoutMs?: number;
  /** Called once the stream is open, with the negotiated subprotocol. */
  onOpen?: (protocol: string) => void;
}

/** Streaming URLs are http(s); the WebSocket is the same URL with a ws(s) scheme. */
export function websocketUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  return u.toString();
}

function readBody(res: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      if (body.length < 4096) body += c;
    });
    res.on('end', () => resolve(body.trim()));
    res.on('error', () => resolve(body.trim()));
  });
}

/** The server answered the upgrade with 400/403: it speaks none of the sub-protocols offered. */
export class ProtocolRefused extends CliError {}

export function runExecStream(o: ExecStreamOptions): Promise<ExecOutcome> {
  return new Promise<ExecOutcome>((resolve, reject) => {
    const ws = new WebSocket(websocketUrl(o.url), [PROTOCOL_V5], {
      perMessageDeflate: false,
      ...(o.connectTimeoutMs ? { handshakeTimeout: o.connectTimeoutMs } : {}),
      // containerd's streaming server uses a self-signed certificate when TLS is on.
      rejectUnauthorized: false,
    });
    let status: string | undefined;
    let settled = false;
    const cleanups: (() => void)[] = [];
    const finish = (err: Error | undefined, outcome?: ExecOutcome) => {
      if (settled) return;
      settled = true;
      for (const c of cleanups) c();
      if (err) reject(err);
      else resolve(outcome!);
    };

    const onAbort = () => {
      ws.terminate();
      finish(new CliError('interrupted', { exitCode: EXIT_INTERRUPTED }));
    };
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => o.signal?.removeEventListener('abort', onAbort));

    ws.on('unexpected-response', (_req, res) => {
      void readBody(res).then((body) => {
        const refused = res.statusCode === 403 || res.statusCode === 400;
        const why = refused ? ` (it does not speak ${PROTOCOL_V5}?)` : '';
        const message = `the runtime's streaming server refused the stream: HTTP ${res.statusCode}${why}${body ? `: ${body}` : ''}`;
        finish(refused ? new ProtocolRefused(message) : new CliError(message));
      });
    });
    ws.on('error', (err) => finish(new CliError(`cannot connect to the exec stream at ${o.url}: ${err.message}`, {
      hint: 'the runtime returned this URL from Exec; its streaming server must be reachable from here (containerd: stream_server_address)',
    })));

    ws.on('open', () => {
      o.onOpen?.(ws.protocol);
      if (o.terminal) {
        const send = () => {
          const { columns, rows } = o.terminal!.size();
          if (columns > 0 && rows > 0 && ws.readyState === WebSocket.OPEN) ws.send(resizeFrame(columns, rows));
        };
        send();
        cleanups.push(o.terminal.onResize(send));
      }
      if (o.stdin) pumpStdin(ws, o.stdin, cleanups);
    });

    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const payload = data.subarray(1);
      if (payload.length === 0) return; // the server's "stream open" marker
      switch (data[0]) {
        case STDOUT:
          if (!o.stdout.write(payload)) pauseUntilDrain(ws, o.stdout);
          break;
        case STDERR:
          if (!o.stderr.write(payload)) pauseUntilDrain(ws, o.stderr);
          break;
        case ERROR:
          status = (status ?? '') + payload.toString('utf8');
          break;
        default:
          break;
      }
    });

    ws.on('close', () => {
      if (status !== undefined) finish(undefined, parseStatus(status));
      else finish(new CliError('the exec stream closed without an exit status (the connection to the runtime was lost?)'));
    });
  });
}

/** Slow local output: stop reading from the socket until it catches up (one wait at a time). */
function pauseUntilDrain(ws: WebSocket & { waitingForDrain?: boolean }, out: Output): void {
  if (ws.waitingForDrain) return;
  ws.waitingForDrain = true;
  ws.pause();
  out.once('drain', () => {
    ws.waitingForDrain = false;
    ws.resume();
  });
}

function pumpStdin(ws: WebSocket, stdin: NodeJS.ReadableStream, cleanups: (() => void)[]): void {
  const onData = (chunk: Buffer | string) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(frame(STDIN, typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  };
  const onEnd = () => {
    if (ws.readyState === WebSocket.OPEN) ws.send(closeFrame(STDIN));
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  cleanups.push(() => {
    stdin.removeListener('data', onData);
    stdin.removeListener('end', onEnd);
    stdin.pause();
  });
  stdin.resume();
}
