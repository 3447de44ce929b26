/**
 * `-o go-template --template T`, as crictl has it (events, inspect, inspectp,
 * inspecti, info): T is parsed before any call, so a bad template is a usage
 * error (`failed to parse go-template: …`), and run on the JSON that -o json
 * would print. Go's text/template subset: see parse.ts.
 */
import { UsageError } from '../../cli/cli-error';
import { execute } from './exec';
import { parseTemplate, TemplateError, type Node } from './parse';

export { TemplateError };

export interface GoTemplate {
  nodes: Node[];
}

/** Parses T; a template Go would reject is a usage error in crictl's words. */
export function compileTemplate(src: string): GoTemplate {
  try {
    return { nodes: parseTemplate(src) };
  } catch (err) {
    if (err instanceof TemplateError) throw new UsageError(`failed to parse go-template: ${err.message}`, 'see https://pkg.go.dev/text/template; tcrictl has fields, variables, if/range/with, and/or/not, eq/ne/lt/le/gt/ge, index, len, print/printf/println, json, title/lower/upper');
    throw err;
  }
}

/**
 * The output of T on `json` (the -o json text of one object), without crictl's trailing newline;
 * a failure (e.g. missingkey=error) is a TemplateError with Go's wording.
 */
export function runTemplate(t: GoTemplate, json: string): string {
  return execute(t.nodes, JSON.parse(json));
}

/** The same on a JSON-ready value (what -o json would print); the round trip drops what JSON has not (undefined). */
export function runTemplateOn(t: GoTemplate, value: unknown): string {
  return runTemplate(t, JSON.stringify(value) ?? 'null');
}

/** Whether a -o value is a parsed --template (-o go-template), not a format name. */
export function isTemplate(v: unknown): v is GoTemplate {
  return typeof v === 'object' && v !== null && Array.isArray((v as GoTemplate).nodes);
}

/** crictl's words for a template run that failed (a missing key, a bad comparison). */
export function templateFailure(err: unknown): string {
  return `failed to template data: ${err instanceof Error ? err.message : String(err)}`;
}
