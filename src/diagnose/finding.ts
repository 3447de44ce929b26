/**
 * The Finding model: what diagnose reports, how findings are ordered (root
 * causes first, their knock-on effects right after them) and what exit code a
 * set of findings means.
 */

export type Severity = 'error' | 'warning' | 'info';

/**
 * Where in the failure cascade a finding sits. A problem early in the chain
 * (no socket) hides everything after it, so earlier stages sort first.
 */
export type Stage = 'endpoint' | 'runtime-config' | 'containerd' | 'cri' | 'node';

export const STAGES: readonly Stage[] = ['endpoint', 'runtime-config', 'containerd', 'cri', 'node'];

export interface Finding {
  /** Stable identifier, e.g. `cri-plugin-failed`; see docs/diagnose.md. */
  id: string;
  severity: Severity;
  stage: Stage;
  /** One line: what is wrong. */
  title: string;
  /** What the finding is about when an id can occur more than once (a handler, a container). */
  subject?: string;
  /** Facts as observed: exact error text, file:line, socket modes, processes. */
  evidence: string[];
  /** Why this breaks pods, in plain words. */
  explanation: string;
  /** Steps that fix it; items starting with "$ " are shell commands. */
  fix: string[];
  /** The id of the finding this one is a knock-on effect of. */
  consequenceOf?: string;
  /** Failure-catalogue entries (F01–F35) this finding covers. */
  catalogue?: string[];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Root causes first: a finding's consequences follow it directly, whatever
 * their own severity. Groups are ordered by their worst severity, then by
 * stage (earlier in the cascade first), then by the order rules produced them.
 */
export function orderFindings(findings: Finding[]): Finding[] {
  const ids = new Set(findings.map((f) => f.id));
  const isRoot = (f: Finding) => !f.consequenceOf || !ids.has(f.consequenceOf) || f.consequenceOf === f.id;
  const childrenOf = (id: string) => findings.filter((f) => !isRoot(f) && f.consequenceOf === id);
  const groupOf = (root: Finding): Finding[] => {
    const out: Finding[] = [root];
    const seen = new Set<Finding>([root]);
    for (let i = 0; i < out.length; i++) {
      for (const child of childrenOf(out[i].id)) {
        if (!seen.has(child)) {
          seen.add(child);
          out.push(child);
        }
      }
    }
    return out;
  };
  const groups = findings.filter(isRoot).map((root, index) => {
    const members = groupOf(root);
    const worst = Math.min(...members.map((f) => SEVERITY_RANK[f.severity]));
    return { members, worst, stage: STAGES.indexOf(root.stage), index };
  });
  groups.sort((a, b) => a.worst - b.worst || a.stage - b.stage || a.index - b.index);
  const ordered = groups.flatMap((g) => g.members);
  // A cycle of consequences would leave findings out; keep them rather than lose them.
  for (const f of findings) if (!ordered.includes(f)) ordered.push(f);
  return ordered;
}

export interface Summary {
  errors: number;
  warnings: number;
  info: number;
}

export function summarize(findings: Finding[]): Summary {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    info: findings.filter((f) => f.severity === 'info').length,
  };
}

export const EXIT_HEALTHY = 0;
export const EXIT_WARNINGS = 1;
export const EXIT_ERRORS = 2;
export const EXIT_CANNOT_DIAGNOSE = 3;

/** 0 healthy, 1 warnings only, 2 errors found (3, could not diagnose, is decided by the command). */
export function exitCodeFor(findings: Finding[]): number {
  const s = summarize(findings);
  if (s.errors > 0) return EXIT_ERRORS;
  if (s.warnings > 0) return EXIT_WARNINGS;
  return EXIT_HEALTHY;
}

export function statusWord(code: number): 'healthy' | 'warnings' | 'errors' {
  return code === EXIT_ERRORS ? 'errors' : code === EXIT_WARNINGS ? 'warnings' : 'healthy';
}
