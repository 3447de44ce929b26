/**
 * What users type for a container, pod or image — a full ID, a unique
 * prefix, or a name — resolved to one full ID, or a clear error listing the
 * candidates.
 */
import { AmbiguousError, CliError } from '../cli/cli-error';
import type { ImageClient, RuntimeClient } from './client';
import { safeCell } from '../output/format';
import { InputError } from './input-error';
import type { Container, Image, PodSandbox } from './types';

const FULL_ID = /^[0-9a-f]{64}$/;
const MAX_LISTED = 10;

export interface Candidate {
  id: string;
  describe: string;
}

/**
 * Names in the list come from the runtime: escaped here, one candidate per
 * line, since reportError escapes line by line and a raw newline in a name
 * would otherwise make a line of its own (a forged candidate).
 */
function ambiguous(kind: string, query: string, matches: Candidate[], hint: string): AmbiguousError {
  const shown = matches.slice(0, MAX_LISTED).map((m) => `    ${safeCell(m.id.slice(0, 13))}  ${safeCell(m.describe)}`);
  if (matches.length > MAX_LISTED) shown.push(`    … and ${matches.length - MAX_LISTED} more`);
  return new AmbiguousError(`"${safeCell(query)}" matches ${matches.length} ${kind}s:\n${shown.join('\n')}`, hint);
}

/**
 * The generic rule: exact ID, then unique ID prefix, then exact name; several
 * same-named objects resolve to the single "live" one if there is exactly one.
 * A name made of hex digits ("db", "cafe") can also be an ID prefix: when the
 * query is both, tcrictl refuses to guess rather than act on the wrong object.
 */
export function pick<T extends { id: string }>(
  kind: string,
  query: string,
  items: T[],
  nameOf: (t: T) => string,
  isLive: (t: T) => boolean,
  describe: (t: T) => string,
  listCommand: string,
): T {
  if (query === '') throw new InputError(`${kind} ID cannot be empty`);
  const exact = items.find((t) => t.id === query);
  if (exact) return exact;
  const list = (ts: T[]) => ts.map((t) => ({ id: t.id, describe: describe(t) }));
  const byPrefix = items.filter((t) => t.id.startsWith(query));
  const byName = items.filter((t) => nameOf(t) === query);
  if (byPrefix.length > 0 && byName.length > 0) {
    const both = [...new Set([...byName, ...byPrefix])];
    if (both.length === 1) return both[0];
    throw ambiguous(kind, query, list(both), `"${query}" is a name and also the start of an ID: give the full ID`);
  }
  if (byPrefix.length === 1) return byPrefix[0];
  if (byPrefix.length > 1) throw ambiguous(kind, query, list(byPrefix), 'give more characters of the ID');
  if (byName.length === 1) return byName[0];
  const live = byName.filter(isLive);
  if (live.length === 1) return live[0];
  if (byName.length > 1) throw ambiguous(kind, query, list(live.length ? live : byName), 'use the ID instead of the name');
  throw new CliError(`no ${kind} matches "${query}" (by ID, ID prefix or name)`, { hint: `list them with '${listCommand}'` });
}

export function containerLabel(c: Container): string {
  const pod = c.labels['io.kubernetes.pod.name'];
  const ns = c.labels['io.kubernetes.pod.namespace'];
  const where = pod ? ` in pod ${ns ? `${ns}/` : ''}${pod}` : '';
  return `${c.metadata?.name ?? ''} (${c.state.replace('CONTAINER_', '').toLowerCase()})${where}`;
}

/** Resolves one container reference to its full ID. */
export async function resolveContainer(rt: RuntimeClient, query: string): Promise<string> {
  if (FULL_ID.test(query)) return query;
  const all = await rt.listContainers({});
  return pick('container', query, all, (c) => c.metadata?.name ?? '', (c) => c.state === 'CONTAINER_RUNNING', containerLabel, 'tcrictl ps -a').id;
}

export async function resolveContainers(rt: RuntimeClient, queries: string[]): Promise<string[]> {
  if (queries.every((q) => FULL_ID.test(q))) return queries;
  const all = await rt.listContainers({});
  return queries.map((q) =>
    FULL_ID.test(q) ? q : pick('container', q, all, (c) => c.metadata?.name ?? '', (c) => c.state === 'CONTAINER_RUNNING', containerLabel, 'tcrictl ps -a').id,
  );
}

export function podLabel(p: PodSandbox): string {
  return `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} (${p.state === 'SANDBOX_READY' ? 'ready' : 'notready'})`;
}

export async function resolvePods(rt: RuntimeClient, queries: string[]): Promise<string[]> {
  if (queries.every((q) => FULL_ID.test(q))) return queries;
  const all = await rt.listPodSandbox({});
  return queries.map((q) =>
    FULL_ID.test(q) ? q : pick('pod', q, all, (p) => p.metadata?.name ?? '', (p) => p.state === 'SANDBOX_READY', podLabel, 'tcrictl pods').id,
  );
}

export async function resolvePod(rt: RuntimeClient, query: string): Promise<string> {
  return (await resolvePods(rt, [query]))[0];
}

/** Image references the way people type them: "busybox" means docker.io/library/busybox:latest. */
export function normalizeImageRef(ref: string): string {
  if (/^(sha256:)?[0-9a-f]{64}$/.test(ref) || ref.includes('@')) return ref;
  let name = ref;
  const lastSlash = name.lastIndexOf('/');
  if (name.lastIndexOf(':') <= lastSlash) name += ':latest';
  const first = name.split('/')[0];
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasHost) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
  return name;
}

/** Resolves an image reference, tag or ID prefix to the image's full ID. */
export async function resolveImage(img: ImageClient, query: string): Promise<Image> {
  if (query === '') throw new InputError('image ID cannot be empty');
  const direct = await img.imageStatus(query, false);
  if (direct.image) return direct.image;
  const all = await img.listImages();
  const norm = normalizeImageRef(query);
  const tagged = all.filter((i) => i.repoTags.includes(query) || i.repoTags.includes(norm) || i.repoDigests.includes(query));
  if (tagged.length === 1) return tagged[0];
  const bare = query.replace(/^sha256:/, '');
  const byId = all.filter((i) => i.id.replace(/^sha256:/, '').startsWith(bare));
  if (/^[0-9a-f]+$/.test(bare) && byId.length === 1) return byId[0];
  if (byId.length > 1) throw ambiguous('image', query, byId.map((i) => ({ id: i.id.replace(/^sha256:/, ''), describe: i.repoTags.join(', ') || '<none>' })), 'give more characters of the ID');
  throw new CliError(`no such image "${query}" present`, { hint: "list them with 'tcrictl images'" });
}

/**
 * A NotFound from a status call on an ID the user gave (full IDs skip the
 * list lookup) becomes the same one-line error as an unknown prefix.
 */
export function notFoundAs(err: unknown, kind: string, query: string, listCommand: string): unknown {
  const e = err as { code?: unknown; details?: string };
  if (e && e.code === 5 /* grpc NOT_FOUND */) {
    return new CliError(`no ${kind} matches "${query}" (by ID, ID prefix or name)`, { hint: `list them with '${listCommand}'` });
  }
  return err;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
