/**
 * Host paths tcrictl reads by default. TCRICTL_HOST_ROOT prefixes them so that
 * tests (and operators inspecting a mounted node image) never touch the real
 * /run, /etc or /var/lib/kubelet.
 */
import * as fs from 'node:fs';
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

/** Folds symlinks and /var/run into one spelling, so two names of one socket compare equal. */
export function canonicalSocket(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      // Not there at all: fold the usual /var/run → /run link by name (also under TCRICTL_HOST_ROOT).
      return p.replace(/\/var\/run\//, '/run/');
    }
  }
}
