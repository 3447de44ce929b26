/**
 * The multi-item shape shared by rm, rmp, rmi, stop, stopp, start, update and
 * checkpoint: resolve every query first (an ambiguous one stops the command
 * before anything changes), then act on each, a few at a time, printing each
 * success as it happens; every failure is reported and the exit code is 1 if
 * any failed (ItemFailures, see cli-error.ts).
 */
import { AmbiguousError, ItemFailures, UsageError } from './cli-error';
import { status } from '../cri/status';
import { mapLimit } from '../cri/resolve';

export interface Target {
  /** What the user typed (crictl prints this back). */
  query: string;
  id: string;
}

/** Calls in flight at once: enough to hide round trips, few enough not to swamp the runtime. */
export const PARALLEL = 8;

export interface Resolved {
  targets: Target[];
  /** Queries that match nothing: reported at the end, the others still processed. */
  failures: unknown[];
}

export async function resolveAll(queries: string[], pick: (q: string) => string | Promise<string>): Promise<Resolved> {
  const failures: unknown[] = [];
  const ambiguous: AmbiguousError[] = [];
  const ids = await mapLimit(queries, PARALLEL, async (query) => {
    try {
      return await pick(query);
    } catch (err) {
      if (err instanceof AmbiguousError) ambiguous.push(err);
      else if (err instanceof UsageError || isFatal(err)) throw err;
      else failures.push(err);
      return undefined;
    }
  });
  const targets: Target[] = [];
  const seen = new Set<string>();
  queries.forEach((query, i) => {
    const id = ids[i];
    if (id !== undefined && !seen.has(id)) targets.push({ query, id });
    if (id !== undefined) seen.add(id);
  });
  if (ambiguous.length > 0) throw ambiguous.length === 1 ? ambiguous[0] : new ItemFailures(ambiguous);
  return { targets, failures };
}

/** Whether an error means the runtime itself is gone: no point trying the other items. */
function isFatal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === status.UNAVAILABLE || code === status.CANCELLED || (err as Error)?.message === 'interrupted';
}

/**
 * Runs `act` on every target (PARALLEL at a time). Its failures are collected;
 * a lost runtime or Ctrl-C ends the run at once with that error.
 */
export async function runEach<T>(items: readonly T[], act: (item: T) => Promise<void>, signal?: AbortSignal): Promise<unknown[]> {
  const failures: unknown[] = [];
  let fatal: unknown;
  await mapLimit(items, PARALLEL, async (item) => {
    if (fatal !== undefined || signal?.aborted) return;
    try {
      await act(item);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (isFatal(cause)) fatal ??= cause;
      else failures.push(err);
    }
  });
  if (fatal !== undefined) throw fatal;
  if (signal?.aborted) throw new Error('interrupted');
  return failures;
}

/** Throws ItemFailures if anything failed. */
export function finish(failures: unknown[]): void {
  if (failures.length > 0) throw failures.length === 1 ? failures[0] : new ItemFailures(failures);
}
