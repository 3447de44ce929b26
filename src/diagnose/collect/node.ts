/**
 * Step 4 of the cascade: cross-checks that start nothing. Here: the image
 * filesystem (statfs), the pod log directory and the host's basics (pid 1,
 * cgroup v2). Shim and runc lookup is binaries.ts, CNI cni.ts, the sandbox
 * image and registries registry.ts.
 */
import * as fs from 'node:fs';
import type { CriFacts, ImageFsFacts } from '../facts';

export interface MountInfo {
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** This process's mounts from /proc/self/mountinfo ([] where it cannot be read). Also used by the test harness. */
export function mounts(): MountInfo[] {
  try {
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    return fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const f = line.split(' ');
        const sep = f.indexOf('-');
        return { mountPoint: unescape(f[4]), fsType: f[sep + 1], options: f[5].split(',') };
      });
  } catch {
    return [];
  }
}

/** The mount holding `p` (longest mount-point prefix). */
export function mountOf(p: string, all: MountInfo[] = mounts()): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const m of all) {
    const under = m.mountPoint === '/' || p === m.mountPoint || p.startsWith(`${m.mountPoint}/`);
    if (under && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function collectImageFs(cri: CriFacts): ImageFsFacts[] {
  const all = mounts();
  return (cri.imageFilesystems ?? []).map((f) => {
    const out: ImageFsFacts = { mountpoint: f.mountpoint, usedBytes: f.usedBytes };
    if (!f.mountpoint) return out;
    out.fsType = mountOf(f.mountpoint, all)?.fsType;
    try {
      const s = fs.statfsSync(f.mountpoint);
      out.totalBytes = s.blocks * s.bsize;
      out.availBytes = s.bavail * s.bsize;
      out.totalInodes = s.files;
      out.freeInodes = s.ffree;
    } catch {
      /* not visible from here (other mount namespace): usage unknown */
    }
    return out;
  });
}

export function collectLogDir(p: string, isRoot: boolean): { exists: boolean; writable?: boolean; readOnlyMount?: boolean; error?: string } {
  try {
    if (!fs.statSync(p).isDirectory()) return { exists: true, writable: false, error: 'not a directory' };
  } catch {
    return { exists: false };
  }
  const readOnlyMount = mountOf(p)?.options.includes('ro') ?? false;
  if (!isRoot) return { exists: true, readOnlyMount };
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return { exists: true, writable: !readOnlyMount, readOnlyMount };
  } catch (err) {
    return { exists: true, writable: false, readOnlyMount, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** PID 1's name and whether /sys/fs/cgroup is the unified (v2) hierarchy. */
export function collectHostBasics(): { pid1?: string; cgroupV2?: boolean } {
  let pid1: string | undefined;
  try {
    pid1 = fs.readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    /* hidepid: unknown */
  }
  let cgroupV2: boolean | undefined;
  try {
    cgroupV2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  } catch {
    /* unknown */
  }
  return { pid1, cgroupV2 };
}
