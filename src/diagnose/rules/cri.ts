/**
 * Rules on the CRI's own answers: RuntimeReady, calls that hang or fail, and
 * slow list calls (the kubelet's PLEG relists every second: F32).
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { restartContainerd } from './common';

/** A list call slower than this makes the kubelet's once-a-second relist fall behind. */
export const SLOW_LIST_MS = 1000;

export function criStatusRules(f: Facts): Finding[] {
  const cri = f.cri;
  if (!cri) return [];
  const out: Finding[] = [];
  const rr = cri.conditions?.find((c) => c.type === 'RuntimeReady');
  if (cri.conditions && (!rr || !rr.status)) {
    out.push({
      id: 'runtime-not-ready',
      severity: 'error',
      stage: 'cri',
      title: `The runtime reports RuntimeReady=false${rr?.reason ? ` (${rr.reason})` : rr ? '' : ' (condition missing)'}`,
      evidence: [`CRI Status: RuntimeReady=${rr ? String(rr.status) : 'absent'}${rr?.reason ? ` reason=${rr.reason}` : ''}${rr?.message ? ` message=${rr.message}` : ''}`],
      explanation: 'The kubelet marks the node NotReady ("container runtime is down") while the runtime says it is not ready; no pods are started.',
      fix: ['Act on the reason above; then the condition clears by itself', restartContainerd(f)],
      catalogue: ['F34'],
    });
  }
  const timedOut = cri.timings.filter((t) => t.error?.codeName === 'DEADLINE_EXCEEDED');
  if (timedOut.length) {
    out.push({
      id: 'cri-call-timeout',
      severity: 'error',
      stage: 'cri',
      title: `The runtime answers, but ${timedOut.map((t) => t.method).join(', ')} did not answer within ${f.timeoutMs / 1000}s`,
      evidence: cri.timings.map((t) => `${t.method}: ${t.error ? `${t.error.codeName} after ${t.ms} ms` : `${t.ms} ms`}`),
      explanation:
        'Part of the runtime is stuck (typically a shim, a CNI plugin or a slow disk under one container). The kubelet\'s calls time out ("context deadline exceeded"); once relisting stalls for 3 minutes it reports "PLEG is not healthy" and the node goes NotReady.',
      fix: ['Look for stuck shims or CNI plugins: $ ps -eo pid,stat,etime,cmd | grep -E "containerd-shim|/cni/"', `${restartContainerd(f)}  (running containers survive a containerd restart)`],
      catalogue: ['F32'],
    });
  }
  const failed = cri.timings.filter((t) => t.error && t.error.codeName !== 'DEADLINE_EXCEEDED' && t.error.codeName !== 'CANCELLED');
  for (const t of failed) {
    out.push({
      id: 'cri-call-failed',
      severity: 'error',
      stage: 'cri',
      title: `CRI ${t.method} failed: ${t.error!.codeName} ${t.error!.details}`,
      subject: t.method,
      evidence: [`${t.method}: ${t.error!.codeName}: ${t.error!.details}`],
      explanation: `The kubelet calls ${t.method} all the time; while it fails the kubelet cannot track pods on this node.`,
      fix: ['Read the runtime\'s log for this error', restartContainerd(f)],
    });
  }
  const slow = cri.timings.filter((t) => !t.error && (t.method === 'ListPodSandbox' || t.method === 'ListContainers') && t.ms >= SLOW_LIST_MS);
  if (slow.length && !timedOut.length) {
    out.push({
      id: 'cri-slow',
      severity: 'warning',
      stage: 'cri',
      title: `Slow list calls: ${slow.map((t) => `${t.method} took ${t.ms} ms`).join(', ')}`,
      evidence: cri.timings.map((t) => `${t.method}: ${t.ms} ms`),
      explanation: 'The kubelet relists pods and containers every second (PLEG). Lists this slow make it fall behind; sustained, it reports "PLEG is not healthy" and the node flaps NotReady.',
      fix: ['Check the disk under containerd\'s root (iostat, full disk), and the number of containers and exited leftovers ($ tcrictl ps -a | wc -l)', 'Remove exited containers the kubelet no longer needs'],
      catalogue: ['F32'],
    });
  }
  return out;
}
