/**
 * `pods` output: crictl's table rows, the -v text blocks and the -q lines.
 */
import type { PodSandbox, PodSandboxState } from '../cri/types';
import { mapBlock } from './containers';
import { ago, safeCell, truncateId } from './format';
import { renderTable } from './table';
import { goTimeString } from './time';

export const POD_HEADER = ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME'];

export function prettyPodState(s: string): string {
  const pretty: Record<PodSandboxState, string> = { SANDBOX_READY: 'Ready', SANDBOX_NOTREADY: 'NotReady' };
  return pretty[s as PodSandboxState] ?? s;
}

export function runtimeHandler(p: PodSandbox): string {
  return p.runtimeHandler ? p.runtimeHandler : '(default)';
}

export function podRow(p: PodSandbox, o: { noTrunc?: boolean; nowMs?: number } = {}): string[] {
  return [
    o.noTrunc ? p.id : truncateId(p.id, ''),
    ago(p.createdAt, o.nowMs),
    prettyPodState(p.state),
    p.metadata?.name ?? '',
    p.metadata?.namespace ?? '',
    String(p.metadata?.attempt ?? 0),
    runtimeHandler(p),
  ];
}

/** `pods -v`: one block per pod, each followed by an empty line. */
export function podVerbose(p: PodSandbox): string {
  const lines = [`ID: ${safeCell(p.id)}`];
  const m = p.metadata;
  if (m) {
    if (m.name) lines.push(`Name: ${safeCell(m.name)}`);
    if (m.uid) lines.push(`UID: ${safeCell(m.uid)}`);
    if (m.namespace) lines.push(`Namespace: ${safeCell(m.namespace)}`);
    if (m.attempt) lines.push(`Attempt: ${m.attempt}`);
  }
  lines.push(`Status: ${prettyPodState(p.state)}`, `Created: ${goTimeString(p.createdAt)}`);
  lines.push(...mapBlock('Labels', p.labels), ...mapBlock('Annotations', p.annotations));
  lines.push(`Runtime: ${safeCell(runtimeHandler(p))}`);
  return lines.join('\n') + '\n\n';
}

export function renderPods(list: PodSandbox[], mode: { quiet?: boolean; verbose?: boolean; noTrunc?: boolean; nowMs?: number }): string {
  if (mode.quiet) return list.map((p) => `${safeCell(p.id)}\n`).join('');
  if (mode.verbose) return list.map(podVerbose).join('');
  return renderTable(POD_HEADER, list.map((p) => podRow(p, mode)));
}
