/**
 * Exec and attach over SPDY/3.1 with the `v4.channel.k8s.io` protocol, as
 * client-go's remotecommand speaks it to containerd 1.6/1.7 (whose streaming
 * server has no v5 WebSocket): one stream per channel, opened by the client
 * with a `streamType` header — error, stdin, stdout, stderr, resize — and
 * stdin half-closed (FIN) at end of input, which the remote command reads as
 * end-of-file. The error stream carries the v4 metav1.Status (exit code).
 */
import { CliError, EXIT_INTERRUPTED } from '../cli/cli-error';
import { parseStatus, PROTOCOL_V4, type ExecOutcome } from './channel';
import type { ExecStreamOptions, Output } from './exec-stream';
import type { SpdySession, SpdyStream } from './spdy/session';
import { upgradeToSpdy, UpgradeRefused } from './spdy/upgrade';

export type SpdyCommandOptions = ExecStreamOptions;

export async function runSpdyCommand(o: SpdyCommandOptions): Promise<ExecOutcome> {
  if (o.signal?.aborted) throw interrupted();
  let session: SpdySession;
  try {
    const up = await upgradeToSpdy(o.url, [PROTOCOL_V4], o.signal, o.connectTimeoutMs);
    session = up.session;
    if (up.protocol !== PROTOCOL_V4) {
      session.destroy();
      throw new CliError(`the runtime's streaming server chose protocol "${up.protocol}", but tcrictl speaks ${PROTOCOL_V4} over SPDY`);
    }
    o.onOpen?.(`SPDY/3.1 ${up.protocol}`);
  } catch (err) {
    throw connectError(err, o);
  }
  return pump(session, o);
}

function interrupted(): CliError {
  return new CliError('interrupted', { exitCode: EXIT_INTERRUPTED });
}

function connectError(err: unknown, o: SpdyCommandOptions): unknown {
  if (o.signal?.aborted) return interrupted();
  if (err instanceof CliError) return err;
  if (err instanceof UpgradeRefused) return new CliError(`the runtime's streaming server refused the SPDY upgrade: ${err.message}`);
  return new CliError(`cannot connect to the stream at ${o.url}: ${(err as Error).message}`, {
    hint: 'the runtime returned this URL; its streaming server must be reachable from here (containerd: stream_server_address)',
  });
}

function pump(session: SpdySession, o: SpdyCommandOptions): Promise<ExecOutcome> {
  return new Promise<ExecOutcome>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let settled = false;
    const finish = (err: unknown, outcome?: ExecOutcome) => {
      if (settled) return;
      settled = true;
      for (const c of cleanups) c();
      session.close();
      if (err) reject(err);
      else resolve(outcome!);
    };
    const onAbort = () => {
      finish(interrupted()); // first: the close that destroy() causes must not decide
      session.destroy();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => o.signal?.removeEventListener('abort', onAbort));

    // Streams in client-go's order; the server waits for exactly this set.
    const error = session.open({ streamType: 'error' });
    const stdin = o.stdin ? session.open({ streamType: 'stdin' }) : undefined;
    const stdout = session.open({ streamType: 'stdout' });
    const stderr = o.terminal ? undefined : session.open({ streamType: 'stderr' });
    const outputs = [copyOut(session, stdout, o.stdout)];
    if (stderr) outputs.push(copyOut(session, stderr, o.stderr));
    const resize = o.terminal ? session.open({ streamType: 'resize' }) : undefined;

    let status = '';
    error.on('data', (d: Buffer) => {
      if (status.length < 65536) status += d.toString('utf8');
    });
    const errorEnded = new Promise<void>((r) => error.once('end', r));
    session.once('close', () => {
      if (status) finish(undefined, parseStatus(status));
      else finish(new CliError(`the stream closed without an exit status (${session.failure?.message ?? 'the connection to the runtime was lost?'})`));
    });
    void Promise.all([errorEnded, ...outputs]).then(() => {
      if (status) finish(undefined, parseStatus(status));
    });

    // Stdin waits until every stream is accepted, as client-go's does: the
    // server reads frames in order and blocks on stdin data until its handler
    // has all the streams, so a SYN_STREAM queued behind stdin data would
    // never be read (seen: a 3 MB exec -i hung on a loaded machine).
    const streams = [error, stdin, stdout, stderr, resize].filter((s): s is SpdyStream => s !== undefined);
    Promise.all(streams.map((s) => s.replied)).then(
      () => {
        if (resize) cleanups.push(sendSizes(resize, o.terminal!));
        if (stdin) cleanups.push(pumpStdin(stdin, o.stdin!));
      },
      (err: Error) => finish(new CliError(`the runtime's streaming server refused a stream: ${err.message}`)),
    );
  });
}

/** Server output to a local stream, reading paused while the local side is full. */
function copyOut(session: SpdySession, stream: SpdyStream, out: Output): Promise<void> {
  let waiting = false;
  stream.on('data', (d: Buffer) => {
    if (!out.write(d) && !waiting) {
      // Frames already parsed still arrive; one wait is enough.
      waiting = true;
      session.pause();
      out.once('drain', () => {
        waiting = false;
        session.resume();
      });
    }
  });
  return new Promise((r) => stream.once('end', r));
}

function sendSizes(resize: SpdyStream, terminal: NonNullable<SpdyCommandOptions['terminal']>): () => void {
  const send = () => {
    const { columns, rows } = terminal.size();
    if (columns > 0 && rows > 0) resize.write(Buffer.from(`${JSON.stringify({ Width: columns, Height: rows })}\n`));
  };
  send();
  return terminal.onResize(send);
}

/** Local stdin to the stdin stream; its end half-closes the stream. */
function pumpStdin(stream: SpdyStream, stdin: NodeJS.ReadableStream): () => void {
  let waiting = false;
  const onData = (chunk: Buffer | string) => {
    if (!stream.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk) && !waiting) {
      waiting = true;
      stdin.pause();
      stream.session.socket.once('drain', () => {
        waiting = false;
        stdin.resume();
      });
    }
  };
  const onEnd = () => stream.end();
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return () => {
    stdin.removeListener('data', onData);
    stdin.removeListener('end', onEnd);
    stdin.pause();
  };
}
