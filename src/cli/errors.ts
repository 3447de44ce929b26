/**
 * The one place where failures become a one-line message and an exit code.
 *
 * Commands throw; `bin/run.js` calls `reportError`, which prints and sets
 * `process.exitCode`. Nothing else in the code base decides an exit code or
 * calls `process.exit` (but lifecycle.ts's backstop, which ends a command
 * still running 1 s after Ctrl-C with the code chosen here).
 *
 * Every message is escaped on its way to the terminal (safeCell: controls and
 * Unicode format characters), and what a server says is cut to
 * MAX_SERVER_TEXT characters with a note.
 */
import * as fs from 'node:fs';
import { InputError } from '../cri/input-error';
import { status as GrpcStatus } from '../cri/status';
import { formatGoDuration } from './duration';
import { errnoKind } from './errno';
import { signalExitCode, stdoutClosed, userSignal } from './lifecycle';
import { suggest } from './suggest';
import { sourceStack } from './stack';
import { safeCell } from '../output/format';
import { GO_TEMPLATE_HINT } from '../output/render';

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

interface GrpcLikeError extends Error {
  code?: number | string;
  details?: string;
  /** Set by the client when the command's own signal cancelled the call (src/cri/client.ts). */
  interrupted?: boolean;
}

/**
 * grpc-js's failure → the code and words tcrictl reports (RpcError's code and
 * details; diagnose shows the details): a failed dial is the socket's own
 * error (`connect ENOENT /run/…`, which endpoint detection and
 * describeDialFailure read), a deadline is just `Deadline exceeded` (without
 * grpc-js's timing breakdown), a response the decoder rejects names the call.
 * Timestamps are dropped so the same failure always reads the same.
 */
export function rpcFailure(err: GrpcLikeError, method: string): { code: number; details: string } {
  const raw = err.details ?? err.message ?? String(err);
  if (typeof err.code !== 'number') return { code: GrpcStatus.INTERNAL, details: raw };
  let details = raw;
  const dial = /^No connection established\. Last error: (?:Error: )?([\s\S]*?)(?: \(\d{4}-\d\d-\d\dT[^)]*\))?\.(?: Resolution note: [\s\S]*)?$/.exec(raw);
  if (err.code === GrpcStatus.UNAVAILABLE && dial) details = dial[1];
  else if (err.code === GrpcStatus.DEADLINE_EXCEEDED && /^Deadline exceeded/.test(raw)) details = 'Deadline exceeded';
  else if (err.code === GrpcStatus.RESOURCE_EXHAUSTED) details = raw.replace(/^(Received message larger than max \(\d+) vs (\d+\))$/, '$1 vs. $2');
  else if (/^Response message parsing error: /.test(raw)) details = `cannot decode the ${method} response: ${raw.slice('Response message parsing error: '.length)}`;
  return { code: err.code, details };
}

const DIAGNOSE_HINT = "run 'tcrictl diagnose' for a full check";

/** RpcError details for a call whose connection went silent for good (src/cri/dead-call.ts says when). */
export const CONNECTION_LOST = 'connection lost';

/** A server's error message longer than this is cut (a 10 MB grpc-message is not a message). */
export const MAX_SERVER_TEXT = 500;

/** Text a server sent, made safe for one line of a terminal: escaped, and cut with a note. */
export function serverText(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= MAX_SERVER_TEXT) return safeCell(text);
  return `${safeCell(chars.slice(0, MAX_SERVER_TEXT).join(''))}… (${chars.length - MAX_SERVER_TEXT} more characters cut)`;
}

/** Codes that say the exchange itself broke (or that no code came at all): name the endpoint and the call. */
const BROKEN_EXCHANGE = new Set<unknown>([GrpcStatus.UNKNOWN, GrpcStatus.INTERNAL, GrpcStatus.DATA_LOSS]);

function existsButNotSocket(p: string): boolean {
  try {
    return !fs.statSync(p).isSocket();
  } catch {
    return false;
  }
}

/** What a failed dial says, by errno, about a socket path. */
export function describeDialFailure(detail: string, socket: string): { what: string; hint: string } | undefined {
  const kind = errnoKind(detail);
  if (kind === 'missing') {
    return { what: `socket ${socket} does not exist`, hint: `start the runtime or point -r/--runtime-endpoint at its socket; ${DIAGNOSE_HINT}` };
  }
  if (kind === 'refused') {
    // Linux also says "connection refused" for a regular file at the path.
    if (existsButNotSocket(socket)) return { what: `${socket} is not a socket`, hint: `check -r/--runtime-endpoint; ${DIAGNOSE_HINT}` };
    return { what: `connection refused on ${socket} (a stale socket: the runtime is not running)`, hint: `restart the runtime (e.g. 'systemctl restart containerd'); ${DIAGNOSE_HINT}` };
  }
  if (kind === 'permission-denied') {
    return { what: `permission denied on ${socket}`, hint: 'run as root (sudo tcrictl …) or as a member of the socket\'s group' };
  }
  if (kind === 'not-a-socket' || kind === 'not-a-directory') {
    return { what: `${socket} is not a socket`, hint: `check -r/--runtime-endpoint; ${DIAGNOSE_HINT}` };
  }
  return undefined;
}

/** Context a command can attach so transport errors name the endpoint and the RPC. */
export interface RpcContext {
  endpoint?: string;
  method?: string;
  timeoutMs?: number;
}

/** Turns a gRPC error into a CliError with a message a node operator can act on. */
export function fromGrpcError(err: GrpcLikeError, ctx: RpcContext = {}): CliError {
  const details = serverText(err.details ?? err.message);
  const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
  const socket = ctx.endpoint?.replace(/^unix:\/\//, '') ?? 'the socket';
  switch (err.code) {
    case GrpcStatus.UNAVAILABLE: {
      if (err.details === CONNECTION_LOST) {
        return new CliError(`the connection to the runtime${where} was lost during ${ctx.method ?? 'the call'}: nothing more could arrive on it (most likely the runtime broke the HTTP/2 protocol)`, { hint: DIAGNOSE_HINT });
      }
      const dial = describeDialFailure(details, socket);
      if (dial) return new CliError(`cannot connect to the runtime${where}: ${dial.what}`, { hint: dial.hint });
      return new CliError(`the runtime${where} is unavailable: ${details}`, { hint: DIAGNOSE_HINT });
    }
    case GrpcStatus.DEADLINE_EXCEEDED: {
      const secs = ctx.timeoutMs !== undefined ? formatGoDuration(ctx.timeoutMs) : 'the timeout';
      const what = ctx.method ? `${ctx.method} ` : '';
      return new CliError(`the runtime${where} did not answer ${what}within ${secs}`, {
        hint: `raise -t/--timeout if it is just slow; ${DIAGNOSE_HINT}`,
      });
    }
    case GrpcStatus.UNIMPLEMENTED:
      // Every CRI v1 runtime answers Version, so a server that does not is not one
      // (Go servers say "unknown service runtime.v1.…", grpc-js "does not implement the method").
      if (ctx.method === 'Version' || /unknown service runtime\.v1\./.test(details)) {
        return new CliError(`${ctx.endpoint ?? 'the endpoint'} is not a CRI v1 endpoint: ${details}`, {
          hint: `check -r/--runtime-endpoint, or whether the runtime's CRI plugin is loaded; ${DIAGNOSE_HINT}`,
        });
      }
      return new CliError(`the runtime${where} does not implement ${ctx.method ?? 'this call'}: ${details}`, {
        hint: 'this runtime version does not support the command',
      });
    case GrpcStatus.CANCELLED: {
      // 130 (143) is the user's own Ctrl-C (SIGTERM); a runtime that cancels the call is a runtime error.
      const sig = userSignal();
      if (sig || err.interrupted) return new CliError('interrupted', { exitCode: sig ? signalExitCode(sig) : EXIT_INTERRUPTED });
      return new CliError(`the runtime${where} cancelled ${ctx.method ?? 'the call'}: ${details || 'no reason given'}`, { hint: DIAGNOSE_HINT });
    }
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return new CliError(`the runtime's answer${where} was too large or it refused the request: ${details}`);
    default: {
      // A status without words, or one that says the exchange broke: which runtime, which call.
      if (!details || BROKEN_EXCHANGE.has(err.code) || typeof err.code !== 'number' || !(err.code in GrpcStatus)) {
        const what = ctx.method ? `${ctx.method} ` : '';
        return new CliError(`the runtime${where} failed ${what}(${GrpcStatus[err.code as number] ?? `status ${safeCell(String(err.code))}`}): ${details || 'no details'}`, { hint: DIAGNOSE_HINT });
      }
      // containerd's words for exec/attach on a stopped container name no next step.
      const state = /container is in (CONTAINER_\w+) state/.exec(details)?.[1];
      if (state && state !== 'CONTAINER_RUNNING') {
        return new CliError(`the container is not running (${state})`, { hint: "see why with 'tcrictl ps -a' and 'tcrictl logs <container>'" });
      }
      return new CliError(details || String(err.code));
    }
  }
}

/** True for RPC failures (RpcError, or anything shaped like a gRPC error). */
export function isGrpcError(err: unknown): err is GrpcLikeError {
  return err instanceof Error && typeof (err as GrpcLikeError).code === 'number' && 'details' in err;
}

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
