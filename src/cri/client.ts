/**
 * The CRI's two services over a Connection (connection.ts), typed where
 * tcrictl reads the answer; every call carries the command's AbortSignal.
 */
import type { CallOptions, Connection, ResponseStream } from './connection';
import type * as T from './types';

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

  /** A server-streaming method, e.g. `stream<T.ContainerEventResponse>('GetContainerEvents')`. */
  stream<Res = Record<string, unknown>>(name: string, req: object = {}, opts: CallOptions = {}): ResponseStream<Res> {
    return this.conn.stream<Res>(RUNTIME, name, req, { signal: this.signal, ...opts });
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
  /** ListContainers' decoded messages (protobufjs Message objects: int64 as Long, enums as numbers), for output/json-writer.ts. */
  async listContainerMessages(filter: T.ContainerFilter = {}): Promise<T.RawContainer[]> {
    return (await this.call<{ containers: T.RawContainer[] }>('ListContainers', { filter }, { rawMessage: true })).containers;
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

  /** A server-streaming method of the image service. */
  stream<Res = Record<string, unknown>>(name: string, req: object = {}, opts: CallOptions = {}): ResponseStream<Res> {
    return this.conn.stream<Res>(IMAGE, name, req, { signal: this.signal, ...opts });
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
