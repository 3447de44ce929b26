/**
 * crictl's list filters: what is sent to the runtime (ContainerFilter,
 * PodSandboxFilter) and what crictl applies on the client side afterwards
 * (name/namespace regexps, --image, sorting by creation, -l/-n).
 * Pure functions, except the list* orchestrators that take the clients.
 */
import type { ImageClient, RuntimeClient } from './client';
import { InputError } from './input-error';
import { suggest } from '../cli/suggest';
import { normalizeImageRef } from './resolve';
import type { Container, ContainerFilter, RawContainer, ContainerState, Image, Labels, PodSandbox, PodSandboxFilter, PodSandboxState } from './types';

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';

/** crictl's getFromLabels: the label's value, or the literal "unknown". */
export function fromLabels(labels: Labels | null | undefined, key: string): string {
  return labels && Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : 'unknown';
}

/** `--label k=v` (repeatable) as crictl parses it: exactly one "=". */
export function parseLabels(values: readonly string[] | undefined): Labels | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Labels = {};
  for (const s of values) {
    const pair = s.split('=');
    if (pair.length !== 2) throw new InputError(`incorrectly specified label: ${s}`, 'use --label key=value');
    out[pair[0]] = pair[1];
  }
  return out;
}

/** A --name/--namespace pattern; crictl silently matches nothing on a bad one, tcrictl says so. */
export function compileRegex(pattern: string | undefined, flag: string): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new InputError(`${flag}: invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

const CONTAINER_STATES: Record<string, ContainerState> = {
  created: 'CONTAINER_CREATED',
  running: 'CONTAINER_RUNNING',
  exited: 'CONTAINER_EXITED',
  unknown: 'CONTAINER_UNKNOWN',
};

export function parseContainerState(s: string): ContainerState {
  const st = CONTAINER_STATES[s.toLowerCase()];
  if (!st) throw new InputError('--state should be one of created, running, exited or unknown', stateHint(s, Object.keys(CONTAINER_STATES)));
  return st;
}

export function parsePodState(s: string): PodSandboxState {
  const v = s.toLowerCase();
  if (v === 'ready') return 'SANDBOX_READY';
  if (v === 'notready') return 'SANDBOX_NOTREADY';
  throw new InputError('--state should be ready or notready', stateHint(s, ['ready', 'notready']));
}

function stateHint(typed: string, states: string[]): string {
  const meant = suggest(typed.toLowerCase(), states);
  return meant ? `did you mean --state ${meant}?` : `e.g. --state ${states[0]}`;
}

export interface ContainerListOptions {
  id?: string;
  pod?: string;
  state?: string;
  all?: boolean;
  latest?: boolean;
  last?: number;
  labels?: Labels;
  name?: RegExp;
  namespace?: RegExp;
  image?: string;
}

/**
 * crictl's ListContainers filter: RUNNING unless -a or --state; -l/-n drop the
 * state filter entirely, even an explicit --state (which is still validated).
 */
export function containerFilter(o: ContainerListOptions): ContainerFilter {
  const filter: ContainerFilter = {};
  if (o.id) filter.id = o.id;
  if (o.pod) filter.podSandboxId = o.pod;
  if (o.state) filter.state = { state: parseContainerState(o.state) };
  else if (!o.all) filter.state = { state: 'CONTAINER_RUNNING' };
  if (o.latest || (o.last ?? 0) > 0) delete filter.state;
  if (o.labels) filter.labelSelector = o.labels;
  return filter;
}

export interface PodListOptions {
  id?: string;
  state?: string;
  latest?: boolean;
  last?: number;
  labels?: Labels;
  name?: RegExp;
  namespace?: RegExp;
}

/** Pods have no default state filter, and -l/-n keep --state. */
export function podFilter(o: PodListOptions): PodSandboxFilter {
  const filter: PodSandboxFilter = {};
  if (o.id) filter.id = o.id;
  if (o.state) filter.state = { state: parsePodState(o.state) };
  if (o.labels) filter.labelSelector = o.labels;
  return filter;
}

/** Newest first (createdAt descending), then -n N (wins) or -l (1); 0 or less means all. */
export function newestFirst<T extends { createdAt: string | { toString(): string } }>(items: T[], latest?: boolean, last?: number): T[] {
  // Each timestamp read once, as two exact 32-bit halves (number comparisons: BigInt ones cost
  // 50 ms on 20,000 containers before the JIT warms up); the sort is stable, so ties keep the runtime's order.
  const keyed = items.map((item) => halvesOf(item, item.createdAt));
  keyed.sort((a, b) => b.hi - a.hi || b.lo - a.lo);
  let n = keyed.length;
  if (latest) n = 1;
  if (last !== undefined && last > 0) n = last;
  const out: T[] = [];
  for (let i = 0; i < Math.min(n, keyed.length); i++) out.push(keyed[i].item);
  return out;
}

/**
 * An int64 as a BigInt: a decimal string (toObject's shape), or a decoded
 * message's long.js Long (RawContainer), read from its two 32-bit halves:
 * Long's own toString() divides in JS and cost 90 ms on 20,000 containers.
 */
export function int64Of(v: string | { toString(): string }): bigint {
  if (typeof v === 'string') return BigInt(v || '0');
  const l = v as { low?: number; high?: number; unsigned?: boolean };
  if (typeof l.low !== 'number' || typeof l.high !== 'number') return BigInt(String(v));
  return (BigInt(l.unsigned ? l.high >>> 0 : l.high) << 32n) + BigInt(l.low >>> 0);
}

/** `item` with its int64 `v`'s high (signed) and low (unsigned) 32 bits, exactly, as numbers. */
function halvesOf<T>(item: T, v: string | { toString(): string }): { item: T; hi: number; lo: number } {
  const l = v as { low?: number; high?: number; unsigned?: boolean };
  if (typeof v !== 'string' && typeof l.low === 'number' && typeof l.high === 'number') return { item, hi: l.unsigned ? l.high >>> 0 : l.high, lo: l.low >>> 0 };
  const n = int64Of(v);
  return { item, hi: Number(n >> 32n), lo: Number(n & 0xffffffffn) };
}

/** crictl's client-side container filters: --name on metadata.name, --namespace on the pod-namespace label. */
export function matchContainer(c: RawContainer, o: Pick<ContainerListOptions, 'name' | 'namespace'>): boolean {
  if (!c.metadata) return false;
  if (o.name && !o.name.test(c.metadata.name)) return false;
  if (o.namespace && !o.namespace.test(fromLabels(c.labels, POD_NAMESPACE_LABEL))) return false;
  return true;
}

export function matchPod(p: PodSandbox, o: Pick<PodListOptions, 'name' | 'namespace'>): boolean {
  if (!p.metadata) return false;
  if (o.name && !o.name.test(p.metadata.name)) return false;
  if (o.namespace && !o.namespace.test(p.metadata.namespace)) return false;
  return true;
}

/** Resolves an image reference to its image ID (undefined if the runtime does not know it). */
export type ImageIdLookup = (ref: string) => Promise<string | undefined>;

/** One ImageStatus per distinct reference, however many containers use it. */
export function cachedImageLookup(img: ImageClient): ImageIdLookup {
  const cache = new Map<string, Promise<string | undefined>>();
  return (ref) => {
    if (!ref) return Promise.resolve(undefined); // no image: matches nothing (ImageStatus("") is an error)
    let p = cache.get(ref);
    if (!p) {
      p = img.imageStatus(ref, false).then((r) => r.image?.id || undefined);
      cache.set(ref, p);
    }
    return p;
  };
}

/** crictl's --image: the filter image and the container's image resolve to the same image ID. */
export async function filterByImage<C extends RawContainer>(containers: C[], image: string, lookup: ImageIdLookup): Promise<C[]> {
  const want = await lookup(image);
  if (!want) return [];
  const out: C[] = [];
  for (const c of containers) {
    if ((await lookup(c.image?.image ?? '')) === want) out.push(c);
  }
  return out;
}

/** ps / inspect without IDs: the runtime's list, crictl's client-side filters, newest first. */
export async function listContainers(rt: RuntimeClient, lookup: ImageIdLookup | undefined, o: ContainerListOptions): Promise<Container[]> {
  return selectContainers(await rt.listContainers(containerFilter(o)), lookup, o);
}

export async function selectContainers<C extends RawContainer>(all: C[], lookup: ImageIdLookup | undefined, o: ContainerListOptions): Promise<C[]> {
  let list = all.filter((c) => matchContainer(c, o));
  if (o.image && lookup) list = await filterByImage(list, o.image, lookup);
  return newestFirst(list, o.latest, o.last);
}

export async function listPods(rt: RuntimeClient, o: PodListOptions): Promise<PodSandbox[]> {
  return selectPods(await rt.listPodSandbox(podFilter(o)), o);
}

export function selectPods(all: PodSandbox[], o: PodListOptions): PodSandbox[] {
  return newestFirst(all.filter((p) => matchPod(p, o)), o.latest, o.last);
}

// ---------------------------------------------------------------- images

/** What images are sorted by. */
export type ImageSortKey = Pick<Image, 'id' | 'repoTags' | 'repoDigests'>;

/** crictl's imageByRef order: first repoTag, else first repoDigest, else ID (ascending). */
export function compareImages(a: ImageSortKey, b: ImageSortKey): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  if (a.repoTags.length > 0 && b.repoTags.length > 0) return cmp(a.repoTags[0], b.repoTags[0]);
  if (a.repoDigests.length > 0 && b.repoDigests.length > 0) return cmp(a.repoDigests[0], b.repoDigests[0]);
  return cmp(a.id, b.id);
}

export function sortImages<T extends ImageSortKey>(images: T[]): T[] {
  return [...images].sort(compareImages);
}

/** crictl's normalizeRepoDigest: [repo, digest] from the first repoDigest. */
export function repoDigestPair(repoDigests: readonly string[]): [string, string] {
  if (repoDigests.length === 0) return ['<none>', '<none>'];
  const pair = repoDigests[0].split('@');
  if (pair.length !== 2) return ['errorName', 'errorRepoDigest'];
  return [pair[0], pair[1]];
}

/** crictl's normalizeRepoTagPair: one [repo, tag] per repoTag, split at the last ":". */
export function repoTagPairs(repoTags: readonly string[], digestRepo: string): [string, string][] {
  if (repoTags.length === 0) return [[digestRepo, '<none>']];
  return repoTags.map((t): [string, string] => {
    const i = t.lastIndexOf(':');
    if (i === -1) return ['errorRepoTag', 'errorRepoTag'];
    const name = t.slice(0, i);
    return [name === '<none>' ? digestRepo : name, t.slice(i + 1)];
  });
}

/**
 * The `images [REPOSITORY[:TAG]]` argument, applied on the client side too
 * (containerd ignores the CRI filter). Without a tag it matches every tag of
 * the repository; short names match as a path suffix ("busybox" matches
 * docker.io/library/busybox and quay.io/x/busybox); hex matches an ID prefix.
 */
export function imageArgMatcher(arg: string): (img: Image) => boolean {
  const bareHex = arg.replace(/^sha256:/, '');
  const idMatch = /^[0-9a-f]+$/.test(bareHex) ? (img: Image) => img.id.replace(/^sha256:/, '').startsWith(bareHex) : () => false;
  const same = (candidate: string, want: string[]) => want.some((w) => candidate === w || candidate.endsWith(`/${w}`));
  const at = arg.indexOf('@');
  if (at >= 0) {
    const want = [arg, `${normalizeImageRef(arg.slice(0, at)).replace(/:latest$/, '')}${arg.slice(at)}`];
    return (img) => img.repoDigests.some((d) => same(d, want));
  }
  const hasTag = arg.lastIndexOf(':') > arg.lastIndexOf('/');
  if (hasTag) {
    const want = [arg, normalizeImageRef(arg)];
    return (img) => idMatch(img) || img.repoTags.some((t) => same(t, want));
  }
  const want = [arg, normalizeImageRef(arg).replace(/:latest$/, '')];
  const repoOfTag = (t: string) => (t.lastIndexOf(':') > t.lastIndexOf('/') ? t.slice(0, t.lastIndexOf(':')) : t);
  return (img) =>
    idMatch(img) || img.repoTags.some((t) => same(repoOfTag(t), want)) || img.repoDigests.some((d) => same(d.split('@')[0], want));
}

function beforeSince(value: string, list: Image[]): Image[] {
  // crictl's filterByBeforeSince: keep images up to (not including) the first match.
  const out: Image[] = [];
  const hasColon = value.includes(':');
  const hasAt = value.includes('@');
  for (const img of list) {
    if (hasColon && !hasAt) {
      const [repo, tag] = repoTagPairs(img.repoTags, repoDigestPair(img.repoDigests)[0])[0];
      if (`${repo}:${tag}` === value) break;
      out.push(img);
    }
    if (!hasColon && !hasAt) {
      // crictl compares the raw ID ("sha256:…"), which a colon-free value never prefixes; allow the bare hex.
      if (img.id.startsWith(value) || img.id.replace(/^sha256:/, '').startsWith(value)) break;
      out.push(img);
    }
    if (hasColon && hasAt && img.repoDigests.length > 0) {
      if (img.repoDigests[0].startsWith(value)) break;
      out.push(img);
    }
  }
  return out;
}

/** crictl's `images -f` (HEAD): dangling=, reference=, before=, since=, applied in order to the sorted list. */
export function applyImageFilters(images: Image[], filters: readonly string[] | undefined): Image[] {
  let list = [...images];
  for (const f of filters ?? []) {
    const eq = f.indexOf('=');
    const [key, value] = eq >= 0 ? [f.slice(0, eq), f.slice(eq + 1)] : [f, ''];
    if (key === 'before') list = beforeSince(value, [...list].reverse()).reverse();
    else if (key === 'since') list = beforeSince(value, list);
    else if (key === 'dangling') list = list.filter((i) => (value === 'true' && i.repoTags.length === 0) || (value === 'false' && i.repoTags.length > 0));
    else if (key === 'reference') {
      const re = compileRegex(value, '--filter reference');
      list = list.filter((i) => {
        const name = repoDigestPair(i.repoDigests)[0];
        return (re ? re.test(name) : true) || name === value;
      });
    } else throw new InputError(`unknown filter flag: ${f}`, 'use dangling=, reference=, before= or since=');
  }
  return list;
}
