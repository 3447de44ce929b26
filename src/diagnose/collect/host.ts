/**
 * Facts from files: reading a file into a FileState, and who is asking.
 * The kubelet's configuration is kubelet.ts, containerd processes
 * processes.ts, containerd's config file runtime-config-file.ts. Synchronous
 * reads of small files; nothing here waits on the network.
 */
import { FileRefused, MAX_HOST_FILE_BYTES, readHostFile, readRegularFileSync } from '../../cli/regular-file';
import type { CallerFacts, FileState } from '../facts';

export const DEFAULT_CONTAINERD_CONFIG = '/etc/containerd/config.toml';

export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';

export const KUBELET_INSTANCE_CONFIG = '/var/lib/kubelet/instance-config.yaml';

/** The kubelet's default endpoint since dockershim was removed (1.24+). */
export const KUBELET_DEFAULT_ENDPOINT = 'unix:///run/containerd/containerd.sock';

type ReadResult = { text: string; state: FileState } | { text?: undefined; state: FileState };

/** A FIFO here would block diagnose where no signal reaches it (a synchronous read), /dev/zero never end: refused by what it is. */
export function readFileState(p: string): ReadResult {
  try {
    return { text: readRegularFileSync(p, MAX_HOST_FILE_BYTES), state: { path: p, status: 'ok' } };
  } catch (err) {
    if (err instanceof FileRefused) return { state: { path: p, status: 'unreadable', error: err.why } };
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: { path: p, status: 'missing' } };
    if (code === 'EACCES' || code === 'EPERM') return { state: { path: p, status: 'unreadable', error: 'permission denied' } };
    return { state: { path: p, status: 'unreadable', error: (err as Error).message } };
  }
}

function nameOf(file: string, id: number): string | undefined {
  // No passwd/group file: numbers only.
  for (const line of (readHostFile(file) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length > 2 && Number(f[2]) === id) return f[0];
  }
  return undefined;
}

export function userName(uid: number): string | undefined {
  return nameOf('/etc/passwd', uid);
}

export function groupName(gid: number): string | undefined {
  return nameOf('/etc/group', gid);
}

export function collectCaller(): CallerFacts {
  const uid = process.getuid?.() ?? 0;
  return { uid, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [], userName: userName(uid) };
}
