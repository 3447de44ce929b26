/**
 * The one place where failures become a one-line message and an exit code.
 *
 * Commands throw (the errors of cli-error.ts, or gRPC's, which grpc-errors.ts
 * words); `bin/run.js` calls `reportError`, which prints and sets
 * `process.exitCode`. Nothing else in the code base decides an exit code or
 * calls `process.exit` (but lifecycle.ts's backstop, which ends a command
 * still running 1 s after Ctrl-C with the code chosen here).
 *
 * Every message is escaped on its way to the terminal (safeCell: controls and
 * Unicode format characters), and what a server says is cut to
 * MAX_SERVER_TEXT characters with a note (grpc-errors.ts).
 */
import { InputError } from '../cri/input-error';
import { safeCell } from '../output/format';
import { GO_TEMPLATE_HINT } from '../output/render';
import { CliError, EXIT_RUNTIME, ExitCode, ItemFailures, UsageError } from './cli-error';
import { fromGrpcError, isGrpcError, type GrpcLikeError, type RpcContext } from './grpc-errors';
import { signalExitCode, stdoutClosed, userSignal } from './lifecycle';
import { sourceStack } from './stack';
import { suggest } from './suggest';

/** oclif's parse errors (unknown flag, missing argument, bad value) carry `oclif.exit`. */
function oclifExit(err: unknown): number | undefined {
  const o = (err as { oclif?: { exit?: number } }).oclif;
  return typeof o?.exit === 'number' ? o.exit : undefined;
}

/** What reportError knows of the command line. */
export interface ReportContext {
  /** Add the stack trace of unexpected errors (-D/--debug). */
  debug?: boolean;
  /** The command that ran, if one was named. */
  command?: string;
  /** That command's flag names, for "did you mean". */
  flags?: readonly string[];
  /** Where the message goes (default stderr). */
  err?: NodeJS.WritableStream;
}

/**
 * oclif spreads a parse error over lines ("Parsing --last" / "Expected an
 * integer…" / "See more help with --help"): one line, without the help
 * pointer (the hint says it), and the flag that was meant if one is close.
 */
function fromParseError(err: Error & { flags?: string[] }, ctx: ReportContext): UsageError {
  const first = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^See more help with/.test(l))
    .join(' ')
    .replace(/^Parsing (--?\S+) Expected/, '$1: expected')
    .replace(/^Missing (\d+) required args?: (\S+)\s+(.*)$/, 'missing argument $2 ($3)')
    .replace(/:$/, '')
    .trim() || err.message;
  const help = `see 'tcrictl ${ctx.command ?? '<command>'} --help'`;
  if (/^command .* not found/i.test(first)) return new UsageError(first, "run 'tcrictl --help' for the list of commands");
  if (first === 'Nonexistent flag: --template') {
    return new UsageError(first, GO_TEMPLATE_HINT);
  }
  const unknown = err.flags?.length === 1 && err.flags[0].startsWith('--') ? err.flags[0].slice(2) : undefined;
  const meant = unknown && ctx.flags ? suggest(unknown, ctx.flags) : undefined;
  return new UsageError(first, meant ? `did you mean --${meant}? ${help}` : help);
}

/** A closed stdout (`| head`) ends the command; that is not an error. */
function isQuietStop(err: unknown): boolean {
  return stdoutClosed() && (err instanceof Error) && ((err as GrpcLikeError).interrupted === true || (err as NodeJS.ErrnoException).code === 'EPIPE' || err.message === 'interrupted');
}

/** After a command returned: the user's SIGINT/SIGTERM still decides the exit code (130/143). */
export function settleExitCode(): void {
  const sig = userSignal();
  if (sig) process.exitCode = signalExitCode(sig);
}

/** Print one line (plus an optional hint line) and set the exit code. */
export function reportError(err: unknown, ctx: ReportContext = {}): void {
  const out = ctx.err ?? process.stderr;
  if (isQuietStop(err)) return;
  const sig = userSignal();
  // Whatever a command threw once the user interrupted it (a cancelled call, an aborted read) is that interruption.
  if (sig && !(err instanceof ExitCode)) err = new CliError('interrupted', { exitCode: signalExitCode(sig) });
  if (err instanceof ItemFailures) {
    const codes = new Set<number>();
    for (const f of err.failures) {
      reportError(f, ctx);
      codes.add(Number(process.exitCode ?? EXIT_RUNTIME));
    }
    process.exitCode = codes.size === 1 ? [...codes][0] : EXIT_RUNTIME;
    return;
  }
  if (err instanceof ExitCode) {
    if (err.message) out.write(err.message.endsWith('\n') ? err.message : `${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  let cli: CliError;
  if (err instanceof CliError) cli = err;
  else if (err instanceof InputError) cli = new UsageError(err.message, err.hint);
  else if (isGrpcError(err)) cli = fromGrpcError(err, err as RpcContext);
  else if (err instanceof Error && oclifExit(err) !== undefined) cli = fromParseError(err, ctx);
  else if (err instanceof Error) cli = new CliError(err.message);
  else cli = new CliError(String(err));
  // Per line: some messages are lists on purpose (endpoint candidates, ambiguous names).
  const lines = [`tcrictl: ${cli.message.split('\n').map(safeCell).join('\n')}`];
  if (cli.hint) lines.push(`  hint: ${safeCell(cli.hint)}`);
  if (ctx.debug && err instanceof Error && err.stack && !(err instanceof CliError)) lines.push(sourceStack(err.stack));
  out.write(lines.join('\n') + '\n');
  process.exitCode = cli.exitCode;
}

/** The same failure with what was being done in front (`removing container "x": …`), its hint and exit code kept. */
export function inContext(err: unknown, what: string): unknown {
  if (err instanceof ExitCode || err instanceof ItemFailures || isQuietStop(err)) return err;
  const cli = err instanceof CliError ? err : isGrpcError(err) ? fromGrpcError(err, err as RpcContext) : new CliError(err instanceof Error ? err.message : String(err));
  return Object.assign(new CliError(`${what}: ${cli.message}`, { exitCode: cli.exitCode, hint: cli.hint }), { cause: err });
}
