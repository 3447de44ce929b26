/**
 * Host paths tcrictl reads by default. TCRICTL_HOST_ROOT prefixes them so that
 * tests (and operators inspecting a mounted node image) never touch the real
 * /run, /etc or /var/lib/kubelet.
 */
import * as path from 'node:path';

export function hostRoot(): string {
  return process.env.TCRICTL_HOST_ROOT ?? '';
}

export function hostPath(p: string): string {
  const root = hostRoot();
  return root ? path.join(root, p) : p;
}

export const DEFAULT_CRICTL_CONFIG = '/etc/crictl.yaml';
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';
