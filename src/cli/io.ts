/**
 * Where tcrictl reads and writes (gh's IOStreams): the process's streams when
 * it runs, buffers when a test runs a command in process
 * (test/support/in-process.ts). Output goes through `ioStreams()`, never to
 * `process.stdout` directly, except exec's terminal handling.
 */
export interface IOStreams {
  in: NodeJS.ReadableStream & { isTTY?: boolean };
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

let current: IOStreams | undefined;

export function ioStreams(): IOStreams {
  return current ?? { in: process.stdin, out: process.stdout, err: process.stderr };
}

/** Replaces the streams (tests); `undefined` goes back to the process's. */
export function setIOStreams(io: IOStreams | undefined): void {
  current = io;
}

/**
 * Waits until `out` wants more, or never will: a stream that errored or
 * closed (the reader of a pipe went away: EPIPE) emits no 'drain', and a
 * command awaiting one would hang until lifecycle's backstop ended it.
 * Resolves on drain, close, error or `signal`'s abort.
 */
export function drained(out: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
