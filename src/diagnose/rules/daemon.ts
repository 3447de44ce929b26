/**
 * Why a containerd that is down refused to start when its config parses
 * (a path it cannot create or bind: exists-but-unusable, never "missing"),
 * its own last words, and pods that ask for a runtime handler containerd
 * does not have (F26).
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { CRI_V1 } from '../runtime-config';
import { formatRef } from '../text';
import { configPath, restartContainerd } from './common';

export function pathRules(f: Facts): Finding[] {
  return (f.pathProblems ?? []).map((p) => ({
    id: 'runtime-path-unusable',
    severity: 'error',
    stage: 'runtime-config',
    title: `containerd cannot start: its ${p.key} ${p.path} cannot be used (${p.why.replace(/ \(containerd: .*\)$/, '')})`,
    subject: p.key,
    evidence: [p.ref?.line ? formatRef(p.ref) : `${p.key} = ${JSON.stringify(p.path)} (${p.ref?.file ? `not set in ${p.ref.file}: ` : ''}containerd's default)`, p.why],
    explanation: `containerd creates its ${p.key === 'root' || p.key === 'state' ? `${p.key} directory` : 'sockets'} at start-up and exits when it cannot, before it listens on its socket; the kubelet then finds no runtime and the node goes NotReady.`,
    fix: [
      /too long/.test(p.why)
        ? `Choose a shorter path for ${p.key} in ${configPath(f)} (at most 104 characters, ".ttrpc" included), and point the kubelet and crictl at it`
        : /file, not a directory|not a directory|is a directory/.test(p.why)
          ? `Move the file that is in the way, or point ${p.key} in ${configPath(f)} somewhere else`
          : `Make ${p.path} writable for containerd (a read-only mount cannot hold it), or point ${p.key} in ${configPath(f)} to a writable place`,
      restartContainerd(f),
    ],
    catalogue: ['F01'],
  }));
}

/** F26: pods ask for a handler (RuntimeClass) that containerd has no runtime for. */
export function handlerRequestRules(f: Facts): Finding[] {
  const known = new Set(Object.keys(f.settings?.runtimes ?? {}));
  if (!f.settings || known.size === 0) return [];
  const out: Finding[] = [];
  const v = f.runtimeConfig?.version ?? 2;
  const table = v >= 3 ? 'io.containerd.cri.v1.runtime' : CRI_V1;
  const fix = (h: string) => [
    `If pods should run with "${h}": define it in ${configPath(f)} as [plugins."${table}".containerd.runtimes.${h}] with its runtime_type (and install that runtime)`,
    restartContainerd(f),
    `Or, if "${h}" is a mistake, fix the RuntimeClass whose handler it is (or the pods' runtimeClassName): $ kubectl get runtimeclass -o custom-columns=NAME:.metadata.name,HANDLER:.handler`,
  ];
  for (const r of f.handlerRequests ?? []) {
    if (known.has(r.handler)) continue;
    out.push({
      id: 'runtime-handler-unknown',
      severity: 'error',
      stage: 'node',
      title: `Pods ask for runtime handler "${r.handler}", which containerd does not have`,
      subject: r.handler,
      evidence: [`${r.source}: ${r.line.length > 300 ? `${r.line.slice(0, 300)}…` : r.line}`, `Handlers containerd has: ${[...known].join(', ')} (${f.settings.sourceLabel})`],
      explanation: `A pod's RuntimeClass names a handler that is not a runtime in containerd's config, so its sandbox is never created: "failed to get sandbox runtime: no runtime for "${r.handler}" is configured". The pod stays in ContainerCreating; every other pod is fine.`,
      fix: fix(r.handler),
      catalogue: ['F26'],
    });
  }
  for (const [h, n] of Object.entries(f.cri?.sandboxHandlers ?? {})) {
    if (h === '' || known.has(h) || out.some((x) => x.subject === h)) continue;
    out.push({
      id: 'runtime-handler-unknown',
      severity: 'warning',
      stage: 'node',
      title: `${n} pod sandbox${n === 1 ? '' : 'es'} run${n === 1 ? 's' : ''} with handler "${h}", which containerd's config no longer has`,
      subject: h,
      evidence: [`ListPodSandbox: ${n} sandbox${n === 1 ? '' : 'es'} with runtime_handler "${h}"`, `Handlers containerd has: ${[...known].join(', ')} (${f.settings.sourceLabel})`],
      explanation: `These pods were created while "${h}" existed. A new pod with the same RuntimeClass, or these pods once recreated, fail with "no runtime for "${h}" is configured".`,
      fix: fix(h),
      catalogue: ['F26'],
    });
  }
  return out;
}

/** containerd's last words go with the finding that explains why it is down. */
export function attachLastWords(findings: Finding[], f: Facts): void {
  const words = f.lastWords;
  if (!words || f.daemon) return;
  const target = findings.find((x) => !x.consequenceOf && (x.stage === 'runtime-config' || x.stage === 'endpoint') && x.severity === 'error');
  if (!target) return;
  const when = words.mtimeMs ? ` (last written ${new Date(words.mtimeMs).toISOString()})` : '';
  target.evidence.push(`containerd's last words, from ${words.source}${when}:`, ...words.lines.map((l) => `  ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`));
}
