/**
 * Process-wide cancellation: the first Ctrl-C (or SIGTERM) and a closed stdout
 * abort the running command through one AbortSignal; a second Ctrl-C lets the
 * default signal action end the process.
 */
const controller = new AbortController();
let installed = false;
let closedStdout = false;

export function processSignal(): AbortSignal {
  install();
  return controller.signal;
}

export function stdoutClosed(): boolean {
  return closedStdout;
}

function install(): void {
  if (installed) return;
  installed = true;
  const onSignal = (sig: NodeJS.Signals) => {
    process.removeAllListeners(sig);
    if (!controller.signal.aborted) controller.abort(new Error('interrupted'));
    // A second signal gets the default action (the process ends at once).
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closedStdout = true;
    if (!controller.signal.aborted) controller.abort(new Error('stdout closed'));
  });
}
