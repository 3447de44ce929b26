/**
 * grpc-js's failures in words a node operator can act on: which runtime,
 * which call, what the socket said, and the next step. The one table for
 * them (errors.ts reportError and inContext use it; the client keeps the
 * details in the same words, see rpcFailure).
 */
import * as fs from 'node:fs';
import { status as GrpcStatus } from '../cri/status';
import { safeCell } from '../output/format';
import { CliError, EXIT_INTERRUPTED } from './cli-error';
import { formatGoDuration } from './duration';
import { errnoKind } from './errno';
import { signalExitCode, userSignal } from './lifecycle';

export interface GrpcLikeError extends Error {
  code?: number | string;
  details?: string;
  /** Set by the transport when the command's own signal cancelled the call (src/cri/connection.ts). */
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
