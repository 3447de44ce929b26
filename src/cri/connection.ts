/**
 * Transport: one @grpc/grpc-js channel per endpoint, unary calls with a
 * deadline and server streams, both cancelled by the command's AbortSignal;
 * messages encoded and decoded by proto-loader's definitions (proto.ts).
 * Nothing here prints; errors are RpcErrors (rpc-error.ts), worded by
 * cli/grpc-errors.ts. The typed service clients are client.ts.
 */
import type * as grpc from '@grpc/grpc-js';
import { rpcFailure } from '../cli/grpc-errors';
import { watchStranded } from './dead-call';
import { guardTruncatedMessages } from './grpc-guard';
import { methodDefinition } from './proto';
import { rawMethod } from './raw-codec';
import { RpcError } from './rpc-error';
import { status } from './status';

/** Big enough for `ps -a` on busy nodes; gRPC's 4 MiB default is not. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface CallOptions {
  /** Deadline for this call (for a stream: for connecting); undefined means the connection's default, 0 none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Unary only: answer protobufjs' decoded message, without the toObject copy (raw-codec.ts). */
  rawMessage?: boolean;
}

/** A server stream's answers, in order; leaving the loop early (break, throw) cancels the call. */
export interface ResponseStream<Res> extends AsyncIterable<Res> {
  /** Ends the call now; a loop over it ends without an error. */
  cancel(): void;
}

export function socketPathOf(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

/** grpc-js is ~1 MB: evaluated by the first call, never by --help or a usage error. */
let grpcJs: typeof grpc | undefined;
const load = (): typeof grpc => {
  if (!grpcJs) guardTruncatedMessages();
  return (grpcJs ??= require('@grpc/grpc-js') as typeof grpc);
};

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  // A CLI makes a call or a few: no retry buffering, no channelz bookkeeping,
  // and subchannels of its own (closed with the channel, so the process exits).
  'grpc.enable_retries': 0,
  'grpc.enable_channelz': 0,
  'grpc.use_local_subchannel_pool': 1,
  // HTTP/2's 64 KiB window made a 15 MB ListContainers (20,000 containers) wait on
  // ~240 WINDOW_UPDATE round trips: 12-30% of that call (bench ps-20000-fake).
  'grpc-node.flow_control_window': 16 * 1024 * 1024,
};

/** One endpoint: one grpc-js channel, made on the first call. */
export class Connection {
  private client?: grpc.Client;
  constructor(readonly endpoint: string, readonly defaultTimeoutMs: number) {}

  private channel(): grpc.Client {
    if (!this.client) {
      const g = load();
      this.client = new g.Client(`unix://${socketPathOf(this.endpoint)}`, g.credentials.createInsecure(), CHANNEL_OPTIONS);
    }
    return this.client;
  }

  private timeoutOf(opts: CallOptions): number {
    return opts.timeoutMs === undefined ? this.defaultTimeoutMs : opts.timeoutMs;
  }

  private failure(err: unknown, method: string, timeoutMs: number, signal?: AbortSignal): RpcError {
    if (signal?.aborted) return RpcError.interrupted(this.endpoint, method);
    const f = rpcFailure(err as grpc.ServiceError, method);
    return new RpcError(f.code, f.details, this.endpoint, method, timeoutMs || undefined);
  }

  /**
   * `service` is fully qualified, e.g. `runtime.v1.RuntimeService`. Read as a
   * stream of answers, so that a second answer fails the call at once (grpc-js'
   * unary reader would wait for the deadline).
   */
  unary<Res>(service: string, name: string, req: object, opts: CallOptions = {}): Promise<Res> {
    const timeoutMs = this.timeoutOf(opts);
    return new Promise<Res>((resolve, reject) => {
      if (opts.signal?.aborted) return reject(RpcError.interrupted(this.endpoint, name));
      let call: grpc.ClientReadableStream<unknown>;
      try {
        const m = opts.rawMessage ? rawMethod(service, name) : methodDefinition(service, name);
        const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
        call = this.channel().makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, req, { deadline });
      } catch (err) {
        return reject(this.failure(err, name, timeoutMs));
      }
      const answers: unknown[] = [];
      let ok = false;
      const onAbort = () => call.cancel();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // A deadline ends a call on a connection gone silent (its timer keeps the loop alive);
      // without one (PullImage without --pull-timeout) the call would wait for nothing.
      const stranded = watchStranded(call);
      call.on('data', (msg: unknown) => {
        answers.push(msg);
        if (answers.length === 2) call.cancel();
      });
      call.on('error', (err) => {
        opts.signal?.removeEventListener('abort', onAbort);
        stranded.stop();
        if (stranded.lost && !opts.signal?.aborted) reject(RpcError.lost(this.endpoint, name));
        else if (answers.length > 1 && !opts.signal?.aborted) reject(new RpcError(status.INTERNAL, 'the server sent more than one response message', this.endpoint, name));
        else reject(this.failure(err, name, timeoutMs, opts.signal));
      });
      call.on('status', (s: grpc.StatusObject) => (ok = s.code === status.OK));
      // 'end' comes after every 'data' (an error ends the call with 'error' instead).
      call.on('end', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        stranded.stop();
        if (!ok) return;
        if (answers.length === 1) resolve(answers[0] as Res);
        else reject(new RpcError(status.INTERNAL, 'the server sent no response message', this.endpoint, name));
      });
    });
  }

  /**
   * A server stream: connecting is bounded by the timeout (the call fails
   * with DEADLINE_EXCEEDED if the connection is not up by then), the stream
   * itself lasts until the server ends it, the loop leaves, or the signal aborts.
   */
  stream<Res>(service: string, name: string, req: object, opts: CallOptions = {}): ResponseStream<Res> {
    const timeoutMs = this.timeoutOf(opts);
    const endpoint = this.endpoint;
    const open = () => {
      const m = methodDefinition(service, name);
      const client = this.channel();
      const call = client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, req, {});
      let timedOut = false;
      // A timer of our own, cleared when the stream ends (grpc-js's waitForReady keeps its
      // deadline timer running, and the process alive, after the call failed), or answers:
      // left running, it would keep the loop busy and so delay dead-call.ts's sign of a
      // connection that went silent mid-stream until the timeout.
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              if (client.getChannel().getConnectivityState(false) === load().connectivityState.READY) return;
              timedOut = true;
              call.cancel();
            }, timeoutMs)
          : undefined;
      call.once('metadata', () => clearTimeout(timer));
      call.once('data', () => clearTimeout(timer));
      return { call, timedOut: () => timedOut, done: () => clearTimeout(timer) };
    };
    let current: grpc.ClientReadableStream<unknown> | undefined;
    let cancelled = false;
    const failure = (err: unknown, timedOut: boolean) =>
      timedOut ? new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded', endpoint, name, timeoutMs) : this.failure(err, name, timeoutMs, opts.signal);
    async function* iterate(): AsyncGenerator<Res> {
      if (opts.signal?.aborted) throw RpcError.interrupted(endpoint, name);
      let opened: ReturnType<typeof open>;
      try {
        opened = open();
      } catch (err) {
        throw failure(err, false);
      }
      const call = (current = opened.call);
      const onAbort = () => call.cancel();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // A stream has no deadline once connected: on a connection gone silent it would wait for nothing.
      const stranded = watchStranded(call);
      try {
        for await (const msg of call) yield msg as Res;
      } catch (err) {
        if (stranded.lost && !opts.signal?.aborted) throw RpcError.lost(endpoint, name);
        if (cancelled && !opts.signal?.aborted && !opened.timedOut()) return;
        throw failure(err, opened.timedOut());
      } finally {
        stranded.stop();
        opened.done();
        opts.signal?.removeEventListener('abort', onAbort);
        call.cancel();
      }
    }
    const it = iterate();
    return {
      [Symbol.asyncIterator]: () => it,
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }

  close(): void {
    // Running calls end with their own deadline or cancellation; the channel takes no new ones.
    this.client?.close();
    this.client = undefined;
  }
}
