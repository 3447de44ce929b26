/**
 * Transport: one HTTP/2 connection per endpoint (transport.ts), unary calls
 * with a deadline and cancellation, messages encoded and decoded by the
 * build-time generated codecs (codec.ts).
 * Nothing here prints; errors are RpcErrors that errors.ts turns into text.
 */
import { methodCodec } from './codec';
import { status } from './status';
import { Http2Transport, type CallFailure } from './transport';
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
    readonly code: status,
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

/** One endpoint: unary calls with a deadline and cancellation. */
export class Connection {
  private readonly transport: Http2Transport;
  constructor(readonly endpoint: string, readonly defaultTimeoutMs: number) {
    this.transport = new Http2Transport(socketPathOf(endpoint));
  }

  /** `service` is fully qualified, e.g. `runtime.v1.RuntimeService`. */
  unary<Res>(service: string, name: string, req: object, opts: CallOptions = {}): Promise<Res> {
    return this.unaryRaw<Res>(service, name, req, opts, (bytes, decode) => decode(bytes) as Res);
  }

  /**
   * unary() with the response bytes handed to `read` (with the response's
   * decoder) instead of decoded: what `read` throws fails the call exactly as
   * a response that cannot be decoded does.
   */
  async unaryRaw<Res>(service: string, name: string, req: object, opts: CallOptions, read: (bytes: Buffer, decode: (bytes: Buffer) => unknown) => Res): Promise<Res> {
    const codec = methodCodec(service, name);
    const timeoutMs = opts.timeoutMs === undefined ? this.defaultTimeoutMs : opts.timeoutMs;
    let bytes: Buffer;
    try {
      bytes = await this.transport.unary({ path: codec.path, body: codec.encode(req), timeoutMs, signal: opts.signal, maxBytes: MAX_MESSAGE_BYTES });
    } catch (err) {
      const f = err as CallFailure;
      throw new RpcError(f.code, f.details, this.endpoint, name, timeoutMs || undefined);
    }
    try {
      return read(bytes, codec.decode);
    } catch (err) {
      throw new RpcError(status.INTERNAL, `cannot decode the ${name} response: ${(err as Error).message}`, this.endpoint, name);
    }
  }

  close(): void {
    this.transport.close();
  }
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

  /** call() with the response bytes handed to `read` (see Connection.unaryRaw). */
  callRaw<Res>(name: string, req: object, read: (bytes: Buffer, decode: (bytes: Buffer) => unknown) => Res): Promise<Res> {
    return this.conn.unaryRaw<Res>(RUNTIME, name, req, { signal: this.signal }, read);
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

  /** call() with the response bytes handed to `read` (see Connection.unaryRaw). */
  callRaw<Res>(name: string, req: object, read: (bytes: Buffer, decode: (bytes: Buffer) => unknown) => Res): Promise<Res> {
    return this.conn.unaryRaw<Res>(IMAGE, name, req, { signal: this.signal }, read);
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
