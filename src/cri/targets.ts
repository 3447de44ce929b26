/**
 * What a mutating command acts on, one query at a time: each query becomes a
 * full ID, or a failure of its own (unknown), while an ambiguous query stops
 * the whole command before anything changes (see resolveAll in cli/each.ts).
 */
import type { RuntimeClient } from './client';
import { containerLabel, pick, podLabel } from './resolve';
import type { Container, PodSandbox } from './types';

const FULL_ID = /^[0-9a-f]{64}$/;

/** Turns one query into a full ID; throws AmbiguousError or CliError (unknown). */
export type Picker = (query: string) => string;

/** Lists containers once (only if some query is not a full ID) and picks each query from that list. */
export async function containerPicker(rt: RuntimeClient, queries: string[], known?: Container[]): Promise<Picker> {
  if (queries.every((q) => FULL_ID.test(q))) return (q) => q;
  const all = known ?? (await rt.listContainers({}));
  return (q) => (FULL_ID.test(q) ? q : pick('container', q, all, (c) => c.metadata?.name ?? '', (c) => c.state === 'CONTAINER_RUNNING', containerLabel, 'tcrictl ps -a').id);
}

/** The same for pod sandboxes. */
export async function podPicker(rt: RuntimeClient, queries: string[], known?: PodSandbox[]): Promise<Picker> {
  if (queries.every((q) => FULL_ID.test(q))) return (q) => q;
  const all = known ?? (await rt.listPodSandbox({}));
  return (q) => (FULL_ID.test(q) ? q : pick('pod', q, all, (p) => p.metadata?.name ?? '', (p) => p.state === 'SANDBOX_READY', podLabel, 'tcrictl pods').id);
}
