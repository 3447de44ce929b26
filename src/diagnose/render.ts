/**
 * Renderers: the human report (most important first, consequences indented
 * under their cause, then what could not be checked) and JSON.
 */
import { safeCell } from '../output/format';
import type { Finding } from './finding';
import type { Report } from './report';
import { plural } from './text';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const LABEL: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

/** Wraps prose to `width` columns, continuing lines with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && indent.length + cur.length + 1 + w.length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines;
}

export interface TextOptions {
  width?: number;
}

function header(r: Report): string {
  const rt = r.runtime;
  const what = rt?.name ? `${rt.name} ${rt.version ?? ''}`.trim() : rt?.containerdVersion ? `containerd ${rt.containerdVersion}` : 'runtime';
  if (!r.endpoint) return 'tcrictl diagnose: no runtime endpoint to check';
  return `tcrictl diagnose: ${what} at ${r.endpoint.endpoint} (${r.endpoint.source})`;
}

function findingBlock(f: Finding, n: string, indent: string, width: number, isConsequence: boolean, repeated: boolean): string[] {
  const out: string[] = [];
  const tag = isConsequence ? `${indent}↳ consequence of ${f.consequenceOf}: ` : `${indent}${n} `;
  // The subject tells apart findings that share an id; the title already names it otherwise.
  const subject = f.subject && repeated ? ` [${safeCell(f.subject)}]` : '';
  out.push(`${tag}${LABEL[f.severity]}  ${f.id}${subject}`);
  const pad = `${indent}   `;
  out.push(...wrap(safeCell(f.title), width, pad));
  if (f.evidence.length) {
    out.push(`${pad}Evidence:`);
    for (const e of f.evidence) out.push(`${pad}  - ${safeCell(e)}`);
  }
  out.push(`${pad}Why:`);
  out.push(...wrap(safeCell(f.explanation), width, `${pad}  `));
  if (f.fix.length && !isConsequence) {
    out.push(`${pad}Fix:`);
    f.fix.forEach((s, i) => out.push(`${pad}  ${i + 1}. ${safeCell(s)}`));
  } else if (isConsequence) {
    out.push(`${pad}Fix: resolves with ${f.consequenceOf}${f.fix.length ? `; then, if it remains: ${safeCell(f.fix[0])}` : ''}`);
  }
  return out;
}

export function renderText(r: Report, opts: TextOptions = {}): string {
  const width = Math.max(60, Math.min(opts.width ?? 100, 120));
  const lines: string[] = [header(r)];
  const s = r.summary;
  const problems = r.findings.filter((f) => f.severity !== 'info');
  const notes = r.findings.filter((f) => f.severity === 'info' && !f.consequenceOf);
  if (problems.length === 0) {
    lines.push('', 'No problems found.');
  } else {
    const parts = [s.errors ? plural(s.errors, 'error') : '', s.warnings ? plural(s.warnings, 'warning') : ''].filter(Boolean);
    const roots = r.findings.filter((f) => !f.consequenceOf && f.severity !== 'info').length;
    lines.push('', `Found ${parts.join(' and ')}${roots < problems.length ? ` (${plural(roots, 'root cause')}; knock-on effects are shown under their cause)` : ''}:`);
  }
  let n = 0;
  const shown = new Set<Finding>();
  const consequencesOf = (id: string) => r.findings.filter((f) => f.consequenceOf === id && f !== undefined);
  const emit = (f: Finding, depth: number) => {
    if (shown.has(f)) return;
    shown.add(f);
    lines.push('');
    const repeated = r.findings.filter((x) => x.id === f.id).length > 1;
    lines.push(...findingBlock(f, `${++n}.`, '   '.repeat(depth), width, depth > 0, repeated));
    for (const c of consequencesOf(f.id)) emit(c, depth + 1);
  };
  for (const f of r.findings) if (f.severity !== 'info' && (!f.consequenceOf || !r.findings.some((x) => x.id === f.consequenceOf))) emit(f, 0);
  for (const f of r.findings) if (f.severity !== 'info' && !shown.has(f)) emit(f, 0);
  if (notes.length) {
    lines.push('', 'Notes:');
    for (const f of notes) {
      lines.push(`  - ${f.id}: ${safeCell(f.title)}`);
      if (f.fix[0]) lines.push(`      ${safeCell(f.fix[0])}`);
    }
  }
  const skipped = r.checks.filter((c) => c.status !== 'ran');
  if (skipped.length) {
    lines.push('', 'Not checked:');
    // Many checks share one cause (the socket is unreachable): say it once.
    const groups = new Map<string, string[]>();
    for (const c of skipped) {
      const why = (c.reason ?? c.status).replace(/^needs [^;]+; /, '');
      groups.set(why, [...(groups.get(why) ?? []), c.id]);
    }
    for (const [why, ids] of groups) lines.push(`  - ${ids.join(', ')}: ${safeCell(why)}`);
  }
  const limited = r.checks.filter((c) => c.status === 'ran' && c.limitation);
  if (limited.length) {
    lines.push('', 'Checked with limits:');
    for (const c of limited) lines.push(`  - ${c.id}: ${safeCell(c.limitation!)}`);
  }
  const ran = r.checks.filter((c) => c.status === 'ran').length;
  lines.push('', `${plural(ran, 'check')} ran, ${skipped.length} skipped, in ${r.durationMs} ms. Exit code ${r.exitCode} (0 healthy, 1 warnings, 2 errors, 3 could not diagnose).`);
  return `${lines.join('\n')}\n`;
}
