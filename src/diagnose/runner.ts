/**
 * The check runner: ordered steps, each recorded as ran, skipped (with why)
 * or failed (an internal error, which never stops the other steps).
 */
import type { CheckRecord } from './facts';

/** Thrown by a step that cannot run; the reason is shown to the user. */
export class Skip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Skip';
  }
}

/** Thrown by a step that does not apply to this node (e.g. nothing to look at); it is left out of the checks list. */
export class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}

export interface Step<C> {
  id: string;
  /** Present-tense description, shown by the spinner and in the checks list. */
  title: string;
  /** May return a limitation: what it could not see although it ran. */
  run(ctx: C): Promise<void | string> | void | string;
}

export type ProgressFn = (title: string) => void;

export async function runSteps<C>(steps: Step<C>[], ctx: C, checks: CheckRecord[], progress?: ProgressFn): Promise<void> {
  for (const step of steps) {
    progress?.(step.title);
    const started = Date.now();
    try {
      const limitation = await step.run(ctx);
      checks.push({ id: step.id, title: step.title, status: 'ran', durationMs: Date.now() - started, ...(limitation ? { limitation } : {}) });
    } catch (err) {
      const durationMs = Date.now() - started;
      if (err instanceof NotApplicable) continue;
      if (err instanceof Skip) checks.push({ id: step.id, title: step.title, status: 'skipped', reason: err.reason, durationMs });
      else checks.push({ id: step.id, title: step.title, status: 'failed', reason: `internal error: ${(err as Error).message ?? String(err)}`, durationMs });
    }
  }
}
