/**
 * Transport: one gRPC channel per endpoint, unary calls with a deadline and
 * cancellation, messages encoded and decoded with the schema in proto.ts.
 * Nothing here prints; errors are RpcErrors that errors.ts turns into text.
 */
import * as grpc from '@grpc/grpc-js';
import { decoderFor, type Decoder } from './decode';
import { method as lookupMethod, type MethodInfo } from './proto';
import type * as T from './types';

/** Big enough for `ps -a` on busy nodes; gRPC's 4 MiB default is not. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface CallOptions {
  /** Deadline for this call; undefined or 0 means none. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A failed RPC, with what errors.ts needs to explain it. */
export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly endpoint: string,
    readonly method: string,
    readonly timeoutMs?: number,
  ) {
    super(`${method}: ${details}`);
    this.name = 'RpcError';
  }
}

export function socketPathOf(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

export class Connection {
  private readonly client: grpc.Client;
  constructor(readonly endpoint: string, readonly defaultTimeoutMs: number) {
    this.client = new grpc.Client(`unix://${socketPathOf(endpoint)}`, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.enable_retries': 0,
      // A unix socket either answers or it does not; do not keep re-dialling in the background.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    });
  }

  /** `service` is fully qualified, e.g. `runtime.v1.RuntimeService`. */
  unary<Res>(service: string, name: string, req: object, opts: CallOptions = {}): Promise<Res> {
    const m = lookupMethod(service, name);
    const decode = responseDecoder(m);
    const timeoutMs = opts.timeoutMs === undefined ? this.defaultTimeoutMs : opts.timeoutMs;
    const callOpts: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    return new Promise<Res>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new RpcError(grpc.status.CANCELLED, 'interrupted', this.endpoint, name));
        return;
      }
      const call = this.client.makeUnaryRequest(
        m.path,
        (msg: object) => Buffer.from(m.requestType.encode(m.requestType.fromObject(msg)).finish()),
        (buf: Buffer) => decode(buf) as Res,
        req,
        new grpc.Metadata(),
        callOpts,
        (err, value) => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (err) reject(new RpcError(err.code, err.details, this.endpoint, name, timeoutMs || undefined));
          else resolve(value as Res);
        },
      );
      const onAbort = () => call.cancel();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}

const decoders = new WeakMap<MethodInfo, Decoder>();

function responseDecoder(m: MethodInfo): Decoder {
  let d = decoders.get(m);
  if (!d) decoders.set(m, (d = decoderFor(m.responseType)));
  return d;
}

const RUNTIME = 'runtime.v1.RuntimeService';
const IMAGE = 'runtime.v1.ImageService';

/** `runtime.v1.RuntimeService`, typed where tcrictl reads the answer. */
export class RuntimeClient {
  constructor(readonly conn: Connection, private readonly signal?: AbortSignal) {}

  get endpoint(): string {
    return this.conn.endpoint;
  }

  call<Res = Record<string, unknown>>(name: string, req: object = {}, opts: CallOptions = {}): Promise<Res> {
    return this.conn.unary<Res>(RUNTIME, name, req, { signal: this.signal, ...opts });
  }

  version(): Promise<T.VersionResponse> {
    return this.call('Version', { version: 'v1' });
  }
  status(verbose: boolean): Promise<T.StatusResponse> {
    return this.call('Status', { verbose });
  }
  async listContainers(filter: T.ContainerFilter = {}): Promise<T.Container[]> {
    return (await this.call<{ containers: T.Container[] }>('ListContainers', { filter })).containers;
  }
  containerStatus(containerId: string, verbose: boolean): Promise<{ status: T.ContainerStatus | null; info: Record<string, string> }> {
    return this.call('ContainerStatus', { containerId, verbose });
  }
  async listPodSandbox(filter: T.PodSandboxFilter = {}): Promise<T.PodSandbox[]> {
    return (await this.call<{ items: T.PodSandbox[] }>('ListPodSandbox', { filter })).items;
  }
  podSandboxStatus(podSandboxId: string, verbose: boolean): Promise<{ status: T.PodSandboxStatus | null; info: Record<string, string> }> {
    return this.call('PodSandboxStatus', { podSandboxId, verbose });
  }
}

/** `runtime.v1.ImageService`. */
export class ImageClient {
  constructor(readonly conn: Connection, private readonly signal?: AbortSignal) {}

  get endpoint(): string {
    return this.conn.endpoint;
  }

  call<Res = Record<string, unknown>>(name: string, req: object = {}, opts: CallOptions = {}): Promise<Res> {
    return this.conn.unary<Res>(IMAGE, name, req, { signal: this.signal, ...opts });
  }

  async listImages(image?: string): Promise<T.Image[]> {
    const filter = image ? { image: { image } } : {};
    return (await this.call<{ images: T.Image[] }>('ListImages', { filter })).images;
  }
  imageStatus(image: string, verbose: boolean): Promise<{ image: T.Image | null; info: Record<string, string> }> {
    return this.call('ImageStatus', { image: { image }, verbose });
  }
  imageFsInfo(): Promise<Record<string, unknown>> {
    return this.call('ImageFsInfo', {});
  }
}
