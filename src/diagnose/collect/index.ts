/**
 * The facts collector: runs the steps in cascade order (endpoints →
 * containerd API → CRI → cross-checks), each bounded by the timeout, the
 * whole run bounded by a budget. A step whose prerequisite failed is skipped
 * with the reason, so the report can say what it could not see.
 */
import { hostRoot } from '../../config/host';
import type { Facts } from '../facts';
import { runSteps, type Step } from '../runner';
import { budgetMs, type CollectOptions, type Ctx } from './context';
import { DAEMON_STEPS } from './steps-daemon';
import { describeChecks } from './looked-at';
import { NODE_STEPS } from './steps-node';

/** In cascade order: a node step needs the daemon's answers and settings. */
const steps: Step<Ctx>[] = [...DAEMON_STEPS, ...NODE_STEPS];

export function emptyFacts(timeoutMs: number): Facts {
  return {
    timeoutMs,
    hostRoot: hostRoot(),
    caller: { uid: 0, gid: 0, groups: [] },
    kubelet: { config: { path: '', status: 'not-checked' }, flags: { path: '', status: 'not-checked' } },
    crictl: { config: { path: '', status: 'not-checked' } },
    processes: [],
    endpoints: { explicit: false, probes: [] },
    host: {},
    checks: [],
  };
}

export async function collectFacts(opts: CollectOptions): Promise<Facts> {
  const facts = emptyFacts(opts.timeoutMs);
  const ctx: Ctx = { opts, facts, deadline: Date.now() + budgetMs(opts.timeoutMs) };
  try {
    await runSteps(steps, ctx, facts.checks, opts.progress);
    describeChecks(facts);
  } finally {
    ctx.conn?.close();
  }
  return facts;
}
