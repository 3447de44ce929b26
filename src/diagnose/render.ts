/**
 * Renderers: the human report and JSON. The human report puts each root
 * cause first with its consequences indented beneath it, wraps every line to
 * the terminal's width, colours severities on a terminal, and ends with a
 * one-line summary. `verbose` also lists every check that passed and what it
 * looked at.
 */
import { safeCell } from '../output/format';
import type { Finding } from './finding';
import { passedChecks, type Report } from './report';
import { COLOURS, NO_COLOURS, wrapLine, type Palette } from './style';
import { plural } from './text';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface TextOptions {
  /** The terminal's width; 100 when unknown (piped). */
  width?: number;
  color?: boolean;
  verbose?: boolean;
}

const LABEL: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function severityText(p: Palette, f: Finding): string {
  const l = LABEL[f.severity];
  return f.severity === 'error' ? p.red(l) : f.severity === 'warning' ? p.yellow(l) : l;
}

function header(r: Report): string {
  const rt = r.runtime;
  const what = rt?.name ? `${rt.name} ${rt.version ?? ''}`.trim() : rt?.containerdVersion ? `containerd ${rt.containerdVersion}` : 'runtime';
  if (!r.endpoint) return 'tcrictl diagnose: no runtime endpoint to check';
  return `tcrictl diagnose: ${what} at ${r.endpoint.endpoint} (${r.endpoint.source})`;
}

class Out {
  readonly lines: string[] = [];
  constructor(readonly width: number) {}
  /** A wrapped paragraph: `first` before its first line, `rest` before the others. */
  para(text: string, first: string, rest = ' '.repeat(first.length)): void {
    this.lines.push(...wrapLine(text, this.width, first, rest));
  }
  blank(): void {
    this.lines.push('');
  }
}

function findingBlock(o: Out, p: Palette, f: Finding, n: string, depth: number, repeated: boolean): void {
  const indent = '   '.repeat(depth);
  const consequence = depth > 0;
  const tag = consequence ? `${indent}↳ consequence of ${f.consequenceOf}: ` : `${indent}${n} `;
  // The subject tells apart findings that share an id; the title already names it otherwise.
  const subject = f.subject && repeated ? ` [${safeCell(f.subject)}]` : '';
  o.para(`${severityText(p, f)}  ${p.bold(f.id)}${subject}`, tag, `${indent}   `);
  const pad = `${indent}   `;
  o.para(safeCell(f.title), pad);
  if (f.evidence.length) {
    o.lines.push(`${pad}Evidence:`);
    // An evidence line that starts with spaces continues the one before it (e.g. containerd's log lines).
    for (const e of f.evidence) {
      const extra = /^ */.exec(e)![0];
      o.para(safeCell(e.trimStart()), `${pad}${extra ? `    ${extra}` : '  - '}`, `${pad}    ${extra}`);
    }
  }
  o.lines.push(`${pad}Why:`);
  o.para(safeCell(f.explanation), `${pad}  `);
  if (f.fix.length && !consequence) {
    o.lines.push(`${pad}Fix:`);
    f.fix.forEach((s, i) => o.para(safeCell(s), `${pad}  ${i + 1}. `));
  } else if (consequence) {
    o.para(`Fix: resolves with ${f.consequenceOf}${f.fix.length ? `; then, if it remains: ${safeCell(f.fix[0])}` : ''}`, pad);
  }
}

function problemsSection(o: Out, p: Palette, r: Report): void {
  const s = r.summary;
  const problems = r.findings.filter((f) => f.severity !== 'info');
  if (problems.length === 0) {
    o.blank();
    o.lines.push(p.green('No problems found.'));
    return;
  }
  const parts = [s.errors ? plural(s.errors, 'error') : '', s.warnings ? plural(s.warnings, 'warning') : ''].filter(Boolean);
  const roots = r.findings.filter((f) => !f.consequenceOf && f.severity !== 'info').length;
  o.blank();
  o.para(`Found ${parts.join(' and ')}${roots < problems.length ? ` (${plural(roots, 'root cause')}; knock-on effects are shown under their cause)` : ''}:`, '');
  let n = 0;
  const shown = new Set<Finding>();
  const emit = (f: Finding, depth: number) => {
    if (shown.has(f)) return;
    shown.add(f);
    o.blank();
    findingBlock(o, p, f, `${++n}.`, depth, r.findings.filter((x) => x.id === f.id).length > 1);
    for (const c of r.findings.filter((x) => x.consequenceOf === f.id)) emit(c, depth + 1);
  };
  for (const f of problems) if (!f.consequenceOf || !r.findings.some((x) => x.id === f.consequenceOf)) emit(f, 0);
  for (const f of problems) emit(f, 0);
}

function checksSections(o: Out, p: Palette, r: Report, verbose: boolean): void {
  const notes = r.findings.filter((f) => f.severity === 'info' && !f.consequenceOf);
  if (notes.length) {
    o.blank();
    o.lines.push('Notes:');
    for (const f of notes) {
      o.para(`${f.id}: ${safeCell(f.title)}`, '  - ', '    ');
      if (f.fix[0]) o.para(safeCell(f.fix[0]), '      ');
    }
  }
  const skipped = r.checks.filter((c) => c.status !== 'ran');
  if (skipped.length) {
    o.blank();
    o.lines.push('Not checked:');
    // Many checks share one cause (the socket is unreachable): say it once.
    const groups = new Map<string, string[]>();
    for (const c of skipped) {
      const why = (c.reason ?? c.status).replace(/^needs [^;]+; /, '');
      groups.set(why, [...(groups.get(why) ?? []), c.id]);
    }
    for (const [why, ids] of groups) o.para(`${ids.join(', ')}: ${safeCell(why)}`, '  - ', '    ');
  }
  const limited = r.checks.filter((c) => c.status === 'ran' && c.limitation);
  if (limited.length) {
    o.blank();
    o.lines.push('Checked with limits:');
    for (const c of limited) o.para(`${c.id}: ${safeCell(c.limitation!)}`, '  - ', '    ');
  }
  if (verbose) {
    const passed = passedChecks(r.checks, r.findings);
    o.blank();
    o.lines.push(`Passed (${passed.length}):`);
    for (const c of passed) o.para(`${p.green('ok')}  ${c.id}: ${safeCell(c.lookedAt ?? c.title)} (${c.durationMs} ms)`, '  ', '      ');
  }
}

/** `2 errors, 1 warning · 14 checks passed · 0.3 s` */
export function summaryLine(r: Report, p: Palette = NO_COLOURS): string {
  const s = r.summary;
  const errors = plural(s.errors, 'error');
  const warnings = plural(s.warnings, 'warning');
  const counts = `${s.errors ? p.red(errors) : errors}, ${s.warnings ? p.yellow(warnings) : warnings}`;
  const passed = `${plural(s.checksPassed, 'check')} passed`;
  return `${counts} · ${s.errors || s.warnings ? passed : p.green(passed)} · ${(r.durationMs / 1000).toFixed(1)} s`;
}

export function renderText(r: Report, opts: TextOptions = {}): string {
  const p = opts.color ? COLOURS : NO_COLOURS;
  const o = new Out(Math.max(40, opts.width ?? 100));
  o.para(header(r), '', '  ');
  problemsSection(o, p, r);
  checksSections(o, p, r, !!opts.verbose);
  o.blank();
  o.para(`Exit code ${r.exitCode} (0 healthy, 1 warnings, 2 errors, 3 could not diagnose).`, '');
  o.para(summaryLine(r, p), '');
  return `${o.lines.join('\n')}\n`;
}
