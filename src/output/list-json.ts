/**
 * `ps`/`pods`/`images -o json` lists written straight from the response
 * bytes by the build-time generated transcoders
 * (src/cri/generated/transcoders.ts): byte for byte what decoding and
 * jsonListChunks print, without the decoded objects. Each transcoded element
 * comes with the fields the client side needs (see LISTS in
 * scripts/transcoder-gen.js): createdAt for newestFirst, whether metadata is
 * set (matchContainer/matchPod without --name or --namespace check only
 * that), an image's id, repoTags and repoDigests for compareImages. So only
 * when no other client-side filter needs an object.
 *
 * If the transcoder throws, the response is decoded the usual way: a response
 * the decoder rejects fails with the decoder's error (the transcoders throw on
 * everything the decoders throw on), one it accepts takes the usual path.
 */
import type { ImageClient, RuntimeClient } from '../cri/client';
import {
  containerFilter,
  newestFirst,
  podFilter,
  selectContainers,
  selectPods,
  sortImages,
  type ContainerListOptions,
  type PodListOptions,
} from '../cri/filters';
import { LIST_TRANSCODERS } from '../cri/generated/transcoders';
import type { Container, Image, PodSandbox } from '../cri/types';
import { jsonListChunks } from './stream';
import { listChunks } from './transcode-runtime';

export type JsonChunks = Iterable<string | Uint8Array>;

type Read<T> = { transcoded: T } | { decoded: unknown };

function transcodeOrDecode<T>(transcode: (bytes: Buffer) => T): (bytes: Buffer, decode: (bytes: Buffer) => unknown) => Read<T> {
  return (bytes, decode) => {
    try {
      return { transcoded: transcode(bytes) };
    } catch {
      return { decoded: decode(bytes) };
    }
  };
}

/** Whether `ps -o json` can be transcoded: no --name, --namespace or --image. */
export function containersJsonDirect(o: ContainerListOptions): boolean {
  return !o.name && !o.namespace && !o.image;
}

/** `ps -o json` (when containersJsonDirect(o)): the chunks writeChunks prints. */
export async function listContainersJson(rt: RuntimeClient, o: ContainerListOptions): Promise<JsonChunks> {
  const LIST = 'runtime.v1.ListContainersResponse';
  const t = LIST_TRANSCODERS[LIST];
  const res = await rt.callRaw('ListContainers', { filter: containerFilter(o) }, transcodeOrDecode(t.transcode));
  if ('decoded' in res) return jsonListChunks(LIST, t.field, await selectContainers((res.decoded as { containers: Container[] }).containers, undefined, o));
  const list = res.transcoded;
  return listChunks(t.field, list, newestFirst(list.items.filter((c) => c.metadata), o.latest, o.last));
}

/** Whether `pods -o json` can be transcoded: no --name or --namespace. */
export function podsJsonDirect(o: PodListOptions): boolean {
  return !o.name && !o.namespace;
}

/** `pods -o json` (when podsJsonDirect(o)): the chunks writeChunks prints. */
export async function listPodsJson(rt: RuntimeClient, o: PodListOptions): Promise<JsonChunks> {
  const LIST = 'runtime.v1.ListPodSandboxResponse';
  const t = LIST_TRANSCODERS[LIST];
  const res = await rt.callRaw('ListPodSandbox', { filter: podFilter(o) }, transcodeOrDecode(t.transcode));
  if ('decoded' in res) return jsonListChunks(LIST, t.field, selectPods((res.decoded as { items: PodSandbox[] }).items, o));
  const list = res.transcoded;
  return listChunks(t.field, list, newestFirst(list.items.filter((p) => p.metadata), o.latest, o.last));
}

/** `images -o json` without a REPOSITORY[:TAG] or -f filter: the chunks writeChunks prints (see listContainersJson). */
export async function listImagesJson(img: ImageClient): Promise<JsonChunks> {
  const LIST = 'runtime.v1.ListImagesResponse';
  const t = LIST_TRANSCODERS[LIST];
  const res = await img.callRaw('ListImages', { filter: {} }, transcodeOrDecode(t.transcode));
  if ('decoded' in res) return jsonListChunks(LIST, t.field, sortImages((res.decoded as { images: Image[] }).images));
  return listChunks(t.field, res.transcoded, sortImages(res.transcoded.items));
}
