/**
 * diagnose: collect facts, evaluate the rules, build the report. The command
 * (src/commands/diagnose.ts) only parses flags and prints.
 */
import { collectFacts } from './collect';
import type { CollectOptions } from './collect/context';
import { buildReport, type Report } from './report';
import { evaluate } from './rules';

export type { CollectOptions } from './collect/context';
export type { Report } from './report';
export { renderJson, renderText } from './render';

export async function diagnose(opts: CollectOptions): Promise<Report> {
  const started = Date.now();
  const facts = await collectFacts(opts);
  const findings = evaluate(facts);
  return buildReport(facts, findings, Date.now() - started);
}
