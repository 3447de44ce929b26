/**
 * Process-wide cancellation: the first Ctrl-C (or SIGTERM) and a closed stdout
 * abort the running command through one AbortSignal; a second Ctrl-C lets the
 * default signal action end the process.
 *
 * The rule every command follows (streams, watchers, exec, attach, port-forward
 * included): end promptly when `processSignal()` aborts, and throw or return —
 * never pick an exit code. Exit codes for signals are decided in errors.ts
 * from `userSignal()`: 130 after the user's SIGINT, 143 after SIGTERM, whatever
 * the command then did (returned, or threw a CANCELLED of its own making). A
 * CANCELLED status sent by the server is a runtime error (exit 1), not an
 * interruption. A command still running 1 s after the signal is ended here
 * (BACKSTOP_MS), so a hung await cannot keep it alive.
 */
const controller = new AbortController();
let installed = false;
let closedStdout = false;
let signalled: NodeJS.Signals | undefined;

/** How long a command may take to wind down after SIGINT/SIGTERM or a closed stdout. */
export const BACKSTOP_MS = 1000;

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

export function processSignal(): AbortSignal {
  install();
  return controller.signal;
}

export function stdoutClosed(): boolean {
  return closedStdout;
}

/** The signal (SIGINT or SIGTERM) the user sent this process, if any. */
export function userSignal(): NodeJS.Signals | undefined {
  return signalled;
}

/** 128 + the signal's number, the shell's convention: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (SIGNAL_NUMBERS[sig] ?? 2);
}

/** Ends the process if the command has not ended by itself within BACKSTOP_MS (the timer does not keep it alive). */
function backstop(code: () => number): void {
  setTimeout(() => {
    process.exitCode = code();
    process.exit();
  }, BACKSTOP_MS).unref();
}

function install(): void {
  if (installed) return;
  installed = true;
  const onSignal = (sig: NodeJS.Signals) => {
    process.removeAllListeners(sig);
    signalled ??= sig;
    if (!controller.signal.aborted) controller.abort(new Error('interrupted'));
    backstop(() => signalExitCode(sig));
    // A second signal gets the default action (the process ends at once).
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (closedStdout) return;
    closedStdout = true;
    if (!controller.signal.aborted) controller.abort(new Error('stdout closed'));
    backstop(() => (typeof process.exitCode === 'number' ? process.exitCode : 0));
  });
}
