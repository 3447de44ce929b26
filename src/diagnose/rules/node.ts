/**
 * Cross-checks on the node, made without starting anything: the image
 * filesystem (F29, F30), the pod log directory, and containers that
 * crash-loop or were OOM-killed. Runtime handler binaries (F27, F28) are
 * handlers.ts, CNI (F24, F25) cni.ts, the sandbox image (F22, F23) and
 * hosts.toml (F31) images.ts.
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { formatRef, plural } from '../text';
import { restartContainerd } from './common';

const UNSUPPORTED_UPPER = new Set(['overlay', 'nfs', 'nfs4', 'aufs', 'fuse.overlayfs', 'tmpfs-overlay']);

function parsePercentOrBytes(v: string, total: number): number | undefined {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  if (m) return (Number(m[1]) / 100) * total;
  const b = /^(\d+(?:\.\d+)?)([KMGT]i?)?$/.exec(v.trim());
  if (!b) return undefined;
  const unit: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(b[1]) * (b[2] ? unit[b[2]] : 1);
}

function gib(n: number): string {
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export function storageRules(f: Facts): Finding[] {
  const out: Finding[] = [];
  const snap = f.settings?.snapshotter?.value;
  for (const fs of f.imagefs ?? []) {
    if (fs.fsType && snap === 'overlayfs' && UNSUPPORTED_UPPER.has(fs.fsType) && /overlayfs/.test(fs.mountpoint)) {
      out.push({
        id: 'snapshotter-unsupported-fs',
        severity: 'error',
        stage: 'node',
        title: `The overlayfs snapshotter sits on a ${fs.fsType} filesystem (${fs.mountpoint})`,
        evidence: [`ImageFsInfo mountpoint ${fs.mountpoint}`, `/proc/self/mountinfo: filesystem type ${fs.fsType}`, `snapshotter = overlayfs (${formatRef(f.settings!.snapshotter!.ref)})`],
        explanation: `overlayfs cannot use a ${fs.fsType} directory as its upper layer. containerd still reports the plugin as ok, but every container fails: "failed to mount rootfs component … invalid argument".`,
        fix: ['Move containerd\'s root to ext4 or xfs (ftype=1)', 'Or use snapshotter = "native" (slower, more disk) or fuse-overlayfs', restartContainerd(f)],
        catalogue: ['F29'],
      });
    }
    if (fs.totalBytes && fs.availBytes !== undefined && fs.totalBytes > 0) {
      const usedPct = ((fs.totalBytes - fs.availBytes) / fs.totalBytes) * 100;
      const evictionRaw = f.kubelet.evictionHard?.['imagefs.available'];
      const evictionAvail = evictionRaw ? parsePercentOrBytes(evictionRaw.value, fs.totalBytes) : 0.15 * fs.totalBytes;
      const gcHigh = f.kubelet.imageGCHighThresholdPercent?.value ?? 85;
      const evidence = [
        `${fs.mountpoint}: ${gib(fs.totalBytes - fs.availBytes)} of ${gib(fs.totalBytes)} used (${usedPct.toFixed(0)}%), ${gib(fs.availBytes)} available`,
        `kubelet evictionHard imagefs.available: ${evictionRaw ? `${evictionRaw.value} (${formatRef(evictionRaw.ref)})` : '15% (default)'}`,
        `kubelet imageGCHighThresholdPercent: ${gcHigh}${f.kubelet.imageGCHighThresholdPercent ? ` (${formatRef(f.kubelet.imageGCHighThresholdPercent.ref)})` : ' (default)'}`,
      ];
      if (evictionAvail !== undefined && fs.availBytes < evictionAvail) {
        out.push({ id: 'imagefs-usage-high', severity: 'error', stage: 'node', title: `Image filesystem ${fs.mountpoint} is below the kubelet's eviction threshold (${usedPct.toFixed(0)}% used)`, evidence, explanation: 'The kubelet reports DiskPressure, evicts pods ("The node was low on resource: ephemeral-storage") and deletes unused images; new pods are not scheduled here.', fix: ['Free space on that filesystem (old logs, unused images: $ tcrictl rmi --prune)', 'Give containerd\'s root its own disk'], catalogue: ['F30'] });
      } else if (usedPct >= gcHigh) {
        out.push({ id: 'imagefs-usage-high', severity: 'warning', stage: 'node', title: `Image filesystem ${fs.mountpoint} is ${usedPct.toFixed(0)}% full, above the kubelet's image GC threshold (${gcHigh}%)`, evidence, explanation: 'The kubelet keeps deleting unused images to get below the low threshold; images then have to be pulled again, and eviction follows if space keeps shrinking.', fix: ['Free space on that filesystem, or give containerd\'s root its own disk'], catalogue: ['F30'] });
      }
      if (fs.totalInodes && fs.freeInodes !== undefined && fs.freeInodes < 0.05 * fs.totalInodes) {
        out.push({ id: 'imagefs-inodes-low', severity: 'error', stage: 'node', title: `Image filesystem ${fs.mountpoint} is out of inodes (${fs.freeInodes} of ${fs.totalInodes} free)`, evidence: [`${fs.mountpoint}: ${fs.freeInodes} free inodes of ${fs.totalInodes}`], explanation: 'Below 5% free inodes the kubelet evicts pods (imagefs.inodesFree); image unpacking fails with "no space left on device" although bytes are free.', fix: ['Remove unused images and exited containers', 'Recreate the filesystem with more inodes'], catalogue: ['F30'] });
      }
    }
  }
  const log = f.logDir;
  if (log?.exists && (log.writable === false || log.readOnlyMount)) {
    out.push({
      id: 'pod-log-dir-not-writable',
      severity: 'error',
      stage: 'node',
      title: `The pod log directory ${log.path} is not writable${log.readOnlyMount ? ' (read-only mount)' : ''}`,
      evidence: [`${log.path}: ${log.readOnlyMount ? 'on a read-only mount' : `not writable (${log.error ?? 'access denied'})`}`, `podLogsDir from ${formatRef(log.ref)}`],
      explanation: 'The runtime writes every container\'s stdout/stderr under this directory; when it cannot, container creation fails ("failed to create containerd container: … log") and kubectl logs shows nothing.',
      fix: ['Remount the filesystem read-write, or fix the directory\'s permissions (root must be able to write it)'],
    });
  }
  return out;
}

/** A container on its third restart or later whose last run failed. */
export const CRASH_LOOP_ATTEMPTS = 3;

export function containerRules(f: Facts): Finding[] {
  const cs = f.containers ?? [];
  const out: Finding[] = [];
  const oom = cs.filter((c) => c.reason === 'OOMKilled');
  const looping = cs.filter((c) => c.attempt >= CRASH_LOOP_ATTEMPTS && c.exitCode !== 0 && c.reason !== 'OOMKilled' && c.exitCode !== undefined);
  const line = (c: (typeof cs)[number]) => `${c.namespace ? `${c.namespace}/` : ''}${c.pod} container ${c.name} (${c.id.slice(0, 13)}): attempt ${c.attempt}, exit code ${c.exitCode ?? '?'}${c.reason ? `, reason ${c.reason}` : ''}`;
  if (oom.length) {
    out.push({
      id: 'container-oom-killed',
      severity: 'warning',
      stage: 'node',
      title: `${plural(oom.length, 'container')} ended OOM-killed`,
      evidence: oom.slice(0, 10).map(line),
      explanation: 'The kernel killed these containers for exceeding their memory limit (or the node ran out of memory); the kubelet restarts them, with growing back-off.',
      fix: ['Raise the containers\' memory limits, or find the leak: $ tcrictl logs <container-id>', 'Check node memory pressure: $ dmesg | grep -i "killed process"'],
    });
  }
  if (looping.length) {
    out.push({
      id: 'container-crash-looping',
      severity: 'warning',
      stage: 'node',
      title: `${plural(looping.length, 'container')} keep${looping.length === 1 ? 's' : ''} crashing (restarted ${CRASH_LOOP_ATTEMPTS}+ times, last run failed)`,
      evidence: looping.slice(0, 10).map(line),
      explanation: 'These are workload failures, not runtime failures; the runtime starts them fine and they exit with an error, so the kubelet restarts them in CrashLoopBackOff.',
      fix: ['Read the last run\'s output: $ tcrictl logs <container-id>', 'And the pod\'s events: $ kubectl describe pod <pod>'],
    });
  }
  return out;
}
