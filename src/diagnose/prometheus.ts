/**
 * The report as node_exporter's textfile format (Prometheus text exposition
 * 0.0.4), so a cron job or the DaemonSet in deploy/ can feed monitoring, and
 * its atomic write (temp file in the same directory, then rename: the
 * collector never reads half a file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from './finding';
import type { Report } from './report';

/** Every metric family the textfile holds; deploy/ and the tests check against this list. */
export const METRICS = {
  finding: 'tcrictl_diagnose_finding',
  findings: 'tcrictl_diagnose_findings',
  checks: 'tcrictl_diagnose_checks_total',
  duration: 'tcrictl_diagnose_duration_seconds',
  lastRun: 'tcrictl_diagnose_last_run_timestamp_seconds',
  exitCode: 'tcrictl_diagnose_exit_code',
  runtime: 'tcrictl_diagnose_runtime_info',
} as const;

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function series(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${label(v)}"`).join(',');
  return `${name}${l ? `{${l}}` : ''} ${value}`;
}

function family(out: string[], name: string, type: 'gauge' | 'counter', help: string, lines: string[]): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

/** The worst severity among a finding and everything that is (transitively) its consequence. */
function groupSeverity(f: Finding, all: Finding[], seen = new Set<string>()): Finding['severity'] {
  if (seen.has(f.id)) return f.severity;
  seen.add(f.id);
  let worst = f.severity;
  for (const c of all.filter((x) => x.consequenceOf === f.id)) {
    const s = groupSeverity(c, all, seen);
    if (RANK[s] < RANK[worst]) worst = s;
  }
  return worst;
}

/**
 * One series per finding id: several findings with one id (subjects) are
 * counted. `severity` is the worst of the findings and, for a root cause, of
 * its consequences: a warning that breaks pods is alerted on as an error.
 */
function findingSeries(findings: Finding[]): string[] {
  const byId = new Map<string, Finding[]>();
  for (const f of findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  return [...byId].map(([id, fs_]) => {
    const sev = (f: Finding) => (f.consequenceOf ? f.severity : groupSeverity(f, findings));
    const worst = fs_.reduce((a, b) => (RANK[sev(b)] < RANK[sev(a)] ? b : a));
    const catalogue = [...new Set(fs_.flatMap((f) => f.catalogue ?? []))].sort().join(',');
    const root = fs_.some((f) => !f.consequenceOf);
    return series(METRICS.finding, { id, severity: sev(worst), catalogue, root_cause: String(root), stage: worst.stage }, fs_.length);
  });
}

/** `nowMs` is the run's end, for the last-run timestamp. */
export function renderPrometheus(r: Report, nowMs: number = Date.now()): string {
  const out: string[] = [];
  family(out, METRICS.finding, 'gauge', 'Findings of tcrictl diagnose by id: how many are present (absent when none). root_cause="true" marks a cause rather than a knock-on effect.', findingSeries(r.findings));
  family(out, METRICS.findings, 'gauge', 'Number of findings of the last run by severity.', (['error', 'warning', 'info'] as const).map((s) => series(METRICS.findings, { severity: s }, r.findings.filter((f) => f.severity === s).length)));
  const passed = r.summary.checksPassed;
  const ran = r.checks.filter((c) => c.status === 'ran').length;
  family(out, METRICS.checks, 'counter', 'Checks of the last run by outcome (passed: ran without an error or warning of its own).', [
    series(METRICS.checks, { status: 'passed' }, passed),
    series(METRICS.checks, { status: 'failed' }, ran - passed),
    series(METRICS.checks, { status: 'skipped' }, r.checks.length - ran),
  ]);
  family(out, METRICS.duration, 'gauge', 'How long the last run took.', [series(METRICS.duration, {}, r.durationMs / 1000)]);
  family(out, METRICS.lastRun, 'gauge', 'When the last run ended, in seconds since the epoch.', [series(METRICS.lastRun, {}, Math.round(nowMs / 1000))]);
  family(out, METRICS.exitCode, 'gauge', 'Exit code of the last run: 0 healthy, 1 warnings, 2 errors.', [series(METRICS.exitCode, {}, r.exitCode)]);
  const rt = r.runtime;
  const info = rt ? { name: rt.name ?? 'containerd', version: rt.version ?? rt.containerdVersion ?? '', api_version: rt.apiVersion ?? '', endpoint: r.endpoint?.endpoint ?? '' } : undefined;
  family(out, METRICS.runtime, 'gauge', 'The runtime diagnosed: name and version as labels (absent when nothing answered).', info ? [series(METRICS.runtime, info, 1)] : []);
  return `${out.join('\n')}\n`;
}

/** Why `file` cannot be written as a textfile, checked before diagnosing so nothing is half done. */
export function textfileProblem(file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  try {
    if (!fs.statSync(dir).isDirectory()) return `${dir} is not a directory`;
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} does not exist` : code === 'EROFS' ? `${dir} is on a read-only file system` : `${dir} is not writable (${code ?? (err as Error).message})`;
  }
  if (!file.endsWith('.prom')) return 'node_exporter reads only files ending in .prom';
  return undefined;
}

/** Writes `text` to `file` atomically: a temp file node_exporter ignores (no .prom suffix), then rename. */
export function writeTextfile(file: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
