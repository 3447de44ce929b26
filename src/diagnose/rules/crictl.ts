/**
 * crictl's endpoint (F05): crictl.yaml pointing at a socket that does not
 * work, no crictl.yaml at all, or several runtimes answering.
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';

/** crictl.yaml: a wrong endpoint while the runtime works elsewhere (F05). */
export function crictlRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  const chosen = f.endpoints.chosen;
  const crictlProbe = f.endpoints.probes.find((p) => p.kind === 'crictl');
  const cfg = f.crictl.config;
  if (crictlProbe && chosen && chosen !== crictlProbe && chosen.outcome === 'ok') {
    out.push({
      id: 'crictl-endpoint-wrong',
      severity: 'warning',
      stage: 'endpoint',
      title: `${cfg.path} points crictl at ${crictlProbe.socket}, which does not work; the runtime answers at ${chosen.socket}`,
      evidence: [`${cfg.path}: runtime-endpoint: ${crictlProbe.endpoint} → ${crictlProbe.detail}`, `${chosen.socket} (${chosen.source}): ${chosen.detail}`],
      explanation: 'crictl and tcrictl read this file first, so every command fails although the runtime is up. The kubelet is not affected.',
      fix: [`$ sudo crictl config --set runtime-endpoint=${chosen.endpoint}`],
      catalogue: ['F05'],
    });
  } else if (cfg.status === 'missing' && !f.endpoints.explicit && chosen?.outcome === 'ok') {
    out.push({
      id: 'crictl-endpoint-unset',
      severity: 'info',
      stage: 'endpoint',
      title: `No ${cfg.path}: crictl guesses the runtime endpoint`,
      evidence: [`${cfg.path} does not exist`, `The runtime answers at ${chosen.endpoint} (${chosen.source})`],
      explanation: 'Without it, crictl probes default sockets and warns "runtime connect using default endpoints … deprecated" on every command.',
      fix: [`$ sudo crictl config --set runtime-endpoint=${chosen.endpoint}`],
      catalogue: ['F05'],
    });
  }
  const live = f.endpoints.probes.filter((p) => p.outcome === 'ok');
  if (live.length > 1) {
    out.push({
      id: 'multiple-runtimes',
      severity: 'info',
      stage: 'endpoint',
      title: `${live.length} container runtimes answer on this node`,
      evidence: live.map((p) => `${p.socket} (${p.source}): ${p.detail}`),
      explanation: 'kubeadm refuses to choose ("found multiple CRI endpoints on the host"), and auto-detecting clients may pick a different runtime than the kubelet uses.',
      fix: ["Set the endpoint explicitly: kubeadm's criSocket, the kubelet's containerRuntimeEndpoint and crictl.yaml's runtime-endpoint"],
      catalogue: ['F04'],
    });
  }
  return out;
}
