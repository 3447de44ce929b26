/**
 * The errors commands throw, and the exit codes they carry. What becomes of
 * them (one line, a hint, the exit code) is errors.ts's reportError; gRPC
 * failures get their words in grpc-errors.ts.
 */
export const EXIT_RUNTIME = 1;
// crictl exits 1 for every failure, bad flags included; a script cannot tell usage errors apart there either.
export const EXIT_USAGE = 1;
export const EXIT_INTERRUPTED = 130;

export interface CliErrorOptions {
  exitCode?: number;
  /** The next step for the user, printed after the message. */
  hint?: string;
}

/** An error whose message is meant for the user as it is (no stack trace). */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = opts.exitCode ?? EXIT_RUNTIME;
    this.hint = opts.hint;
  }
}

/** Bad flags, arguments or config: exit code 1, as crictl's (EXIT_USAGE). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT_USAGE, hint });
    this.name = 'UsageError';
  }
}

/** A name or prefix that matches several objects: a mutating command changes nothing. */
export class AmbiguousError extends CliError {
  constructor(message: string, hint: string) {
    super(message, { hint });
    this.name = 'AmbiguousError';
  }
}

/**
 * Some items of a multi-item command (rm, rmi, stop, …) failed while the
 * others were done: each failure is reported on its own line, exit code 1
 * (or the failures' own code, if they all agree).
 */
export class ItemFailures extends Error {
  constructor(readonly failures: unknown[]) {
    super(`${failures.length} failed`);
    this.name = 'ItemFailures';
  }
}

/** The command's own result (e.g. a remote exit code) — not an error message. */
export class ExitCode extends Error {
  constructor(readonly exitCode: number, message = '') {
    super(message);
    this.name = 'ExitCode';
  }
}
