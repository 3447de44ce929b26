/**
 * The paths containerd must create or bind at start-up (root, state, its two
 * sockets), checked when the daemon is down: a path that exists but cannot be
 * used is said exactly (a file in the way, a read-only file system, a socket
 * path over containerd's limit), never "missing".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PathProblem, Ref } from '../facts';

/** containerd's limit for a unix socket path ("unix socket path too long (> 104)"). */
const MAX_SOCKET_PATH = 104;

/** Why containerd cannot create directory `dir` (or write in it), or undefined when it can. */
function dirProblem(dir: string): string | undefined {
  let cur = dir;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        cur = path.dirname(cur);
        continue;
      }
      if (code !== 'ENOENT') return `cannot be checked: ${code ?? (err as Error).message}`;
    }
    if (st && !st.isDirectory()) return cur === dir ? `${dir} exists but is not a directory (containerd: mkdir ${dir}: not a directory)` : `${cur} is a file, not a directory (containerd: mkdir ${cur}: not a directory)`;
    if (st) {
      try {
        fs.accessSync(cur, fs.constants.W_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
        return cur === dir ? `${dir} exists but ${why}` : `${dir} does not exist and cannot be created: ${cur} ${why}`;
      }
      return undefined;
    }
    const up = path.dirname(cur);
    if (up === cur) return undefined;
    cur = up;
  }
}

/** A socket containerd must bind: its directory usable, its path short enough, no directory in its place. */
function socketProblem(sock: string): string | undefined {
  if (sock.length > MAX_SOCKET_PATH) return `the path is ${sock.length} characters long; containerd refuses more than ${MAX_SOCKET_PATH} ("unix socket path too long (> ${MAX_SOCKET_PATH})")`;
  try {
    if (fs.statSync(sock).isDirectory()) return `${sock} exists but is a directory, so containerd cannot create its socket there`;
  } catch {
    /* absent: fine, containerd creates it */
  }
  return dirProblem(path.dirname(sock));
}

/** The paths of a config containerd must create or bind at start-up that exist but cannot be used. */
export function checkDaemonPaths(data: Record<string, unknown> | undefined, refOf: (keys: string[]) => Ref | undefined): PathProblem[] {
  const str = (v: unknown, d: string) => (typeof v === 'string' && v !== '' ? v : d);
  const grpc = (data?.grpc ?? {}) as Record<string, unknown>;
  const ttrpc = (data?.ttrpc ?? {}) as Record<string, unknown>;
  const address = str(grpc.address, '/run/containerd/containerd.sock');
  const checks: { key: string; keys: string[]; path: string; check: (p: string) => string | undefined }[] = [
    { key: 'root', keys: ['root'], path: str(data?.root, '/var/lib/containerd'), check: dirProblem },
    { key: 'state', keys: ['state'], path: str(data?.state, '/run/containerd'), check: dirProblem },
    { key: 'grpc.address', keys: ['grpc', 'address'], path: address, check: socketProblem },
    { key: 'ttrpc.address', keys: ttrpc.address ? ['ttrpc', 'address'] : ['grpc', 'address'], path: str(ttrpc.address, `${address}.ttrpc`), check: socketProblem },
  ];
  const out: PathProblem[] = [];
  for (const c of checks) {
    const why = c.check(c.path);
    // One cause, one finding: the ttrpc socket shares the gRPC socket's directory.
    if (c.key === 'ttrpc.address' && out.some((o) => o.key === 'grpc.address')) continue;
    if (why && !out.some((o) => o.why === why)) out.push({ key: c.key, path: c.path, why, ref: refOf(c.keys) });
  }
  return out;
}
