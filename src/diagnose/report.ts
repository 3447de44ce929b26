/**
 * The report: findings plus what was checked, in the documented JSON shape
 * (docs/diagnose.md, schemaVersion 1). Renderers read only this.
 */
import type { CheckRecord, Facts, FileState } from './facts';
import { exitCodeFor, statusWord, summarize, type Finding, type Summary } from './finding';

export const SCHEMA_VERSION = 1;

export interface ReportFile {
  path: string;
  status: FileState['status'];
}

export interface Report {
  schemaVersion: number;
  status: 'healthy' | 'warnings' | 'errors';
  exitCode: number;
  summary: Summary;
  /** The endpoint diagnosed, or null when none could be chosen. */
  endpoint: {
    endpoint: string;
    source: string;
    outcome: string;
    detail: string;
  } | null;
  runtime: {
    name?: string;
    version?: string;
    apiVersion?: string;
    containerdVersion?: string;
    containerdRevision?: string;
  } | null;
  endpointsProbed: { endpoint: string; source: string; outcome: string; detail: string; elapsedMs: number }[];
  files: {
    runtimeConfig: (ReportFile & { chosenBy: string; version?: number }) | null;
    kubeletConfig: ReportFile;
    kubeadmFlags: ReportFile;
    crictlConfig: ReportFile;
  };
  caller: { uid: number; user?: string };
  checks: CheckRecord[];
  findings: Finding[];
  durationMs: number;
}

export function buildReport(f: Facts, findings: Finding[], durationMs: number): Report {
  const exitCode = exitCodeFor(findings);
  const c = f.endpoints.chosen;
  const cv = f.cri?.version ?? c?.criVersion;
  const ctd = f.containerd?.version;
  const rc = f.runtimeConfig;
  const file = (s: FileState): ReportFile => ({ path: s.path, status: s.status });
  return {
    schemaVersion: SCHEMA_VERSION,
    status: statusWord(exitCode),
    exitCode,
    summary: summarize(findings),
    endpoint: c ? { endpoint: c.endpoint, source: c.source, outcome: c.outcome, detail: c.detail } : null,
    runtime:
      cv || ctd
        ? { name: cv?.runtimeName, version: cv?.runtimeVersion, apiVersion: cv?.runtimeApiVersion, containerdVersion: ctd?.version, containerdRevision: ctd?.revision }
        : null,
    endpointsProbed: f.endpoints.probes.map((p) => ({ endpoint: p.endpoint, source: p.source, outcome: p.outcome, detail: p.detail, elapsedMs: p.elapsedMs })),
    files: {
      runtimeConfig: rc ? { ...file(rc.state), chosenBy: rc.how, version: rc.data ? rc.version : undefined } : null,
      kubeletConfig: file(f.kubelet.config),
      kubeadmFlags: file(f.kubelet.flags),
      crictlConfig: file(f.crictl.config),
    },
    caller: { uid: f.caller.uid, user: f.caller.userName },
    checks: f.checks,
    findings,
    durationMs,
  };
}
