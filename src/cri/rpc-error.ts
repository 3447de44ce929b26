/**
 * A failed RPC: grpc-js's status and details in tcrictl's words (rpcFailure),
 * with the endpoint, method and timeout that cli/grpc-errors.ts names.
 */
import { CONNECTION_LOST } from '../cli/grpc-errors';
import { status } from './status';

/** A failed RPC, with what grpc-errors.ts needs to explain it. */
export class RpcError extends Error {
  /** True when the command's own signal (Ctrl-C, a closed stdout) cancelled the call, not the server. */
  interrupted = false;
  constructor(
    readonly code: status,
    readonly details: string,
    readonly endpoint: string,
    readonly method: string,
    readonly timeoutMs?: number,
  ) {
    super(`${method}: ${details}`);
    this.name = 'RpcError';
  }

  /** The call's connection went silent for good: the event loop emptied with the call still open (dead-call.ts). */
  static lost(endpoint: string, method: string): RpcError {
    return new RpcError(status.UNAVAILABLE, CONNECTION_LOST, endpoint, method);
  }

  static interrupted(endpoint: string, method: string): RpcError {
    const e = new RpcError(status.CANCELLED, 'interrupted', endpoint, method);
    e.interrupted = true;
    return e;
  }
}
