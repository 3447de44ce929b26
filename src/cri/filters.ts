/**
 * crictl's list filters: what is sent to the runtime (ContainerFilter,
 * PodSandboxFilter) and what crictl applies on the client side afterwards
 * (name/namespace regexps, --image, sorting by creation, -l/-n).
 * Pure functions, except the list* orchestrators that take the clients.
 */
import type { ImageClient, RuntimeClient } from './client';
import { InputError } from './input-error';
import { suggest } from '../cli/suggest';
import { halvesOf } from './int64';
import type { Container, ContainerFilter, RawContainer, ContainerState, Labels, PodSandbox, PodSandboxFilter, PodSandboxState } from './types';

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
