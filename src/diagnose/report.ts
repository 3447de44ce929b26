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
  /** `checksPassed`: checks that ran with no error or warning of theirs. */
  summary: Summary & { checksPassed: number };
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

/** The check whose observations a finding comes from (for "checks passed" and --verbose). */
const CHECK_BY_PREFIX: [RegExp, string][] = [
  [/^(socket-|endpoint-not-cri|crictl-|multiple-runtimes)/, 'endpoints'],
  [/^(runtime-config-|runtime-path-|cri-plugin-will-fail)/, 'runtime-config'],
  [/^(cri-plugin-|cri-api-|runtime-deprecations)/, 'containerd-api'],
  [/^(runtime-not-ready|network-not-ready|cri-call-|cri-slow)/, 'cri'],
  [/^runtime-(shim|binary)-/, 'runtime-handlers'],
  [/^runtime-handler-unknown/, 'runtime-class-handlers'],
  [/^cni-/, 'cni'],
  [/^(kubelet-|cgroup-|host-cgroup|sandbox-image-mismatch)/, 'kubelet'],
  [/^sandbox-image-/, 'sandbox-image'],
  [/^registry-hosts-/, 'registry-hosts'],
  [/^(imagefs-|snapshotter-)/, 'imagefs'],
  [/^pod-log-dir/, 'log-dir'],
  [/^container-/, 'containers'],
];

export function checkOf(findingId: string): string | undefined {
  return CHECK_BY_PREFIX.find(([re]) => re.test(findingId))?.[1];
}

/** Checks that ran and raised no error or warning. */
export function passedChecks(checks: CheckRecord[], findings: Finding[]): CheckRecord[] {
  const failing = new Set(findings.filter((x) => x.severity !== 'info').map((x) => checkOf(x.id)));
  return checks.filter((c) => c.status === 'ran' && !failing.has(c.id));
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
    summary: { ...summarize(findings), checksPassed: passedChecks(f.checks, findings).length },
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
