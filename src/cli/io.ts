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
