/**
 * Evidence and fixes the endpoint rules share: which containerd processes run
 * and where they listen, who a uid is, how a client is pointed at a socket.
 */
import * as fs from 'node:fs';
import type { EndpointProbe, Facts, ProcessFacts } from '../facts';
import { groupName, userName } from '../collect/host';
import { keyPath } from '../toml';
import { configPath } from './common';

const STATE_TEXT: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'uninterruptible sleep (waiting on disk or NFS I/O)',
  T: 'stopped, e.g. by SIGSTOP',
  t: 'stopped by a debugger',
  Z: 'zombie',
};

export function stateText(s: string): string {
  return `${s} (${STATE_TEXT[s] ?? 'unknown'})`;
}

export function who(uid: number, gid?: number): string {
  const u = `${userName(uid) ?? 'uid'} (${uid})`;
  return gid === undefined ? u : `${u}, group ${groupName(gid) ?? 'gid'} (${gid})`;
}

export function daemonLines(f: Facts, socket: string): string[] {
  const procs = f.processes;
  if (procs.length === 0) return ['No containerd process is running (checked /proc/*/cmdline)'];
  return procs.slice(0, 3).map((p: ProcessFacts) => {
    const where =
      p.address === socket || f.daemon === p
        ? 'serving this socket'
        : p.address
          ? `listening on ${p.address}${p.socketProbe ? (answers(p) ? ` (answers: ${p.socketProbe.detail})` : ` (${p.socketProbe.detail})`) : ''}`
          : `its socket is unknown (cannot read its config: ${p.configError ?? 'unknown'})`;
    const foreign = f.hostRoot && !answers(p) && f.daemon !== p ? ` (a process of this machine; it may not belong to the inspected root ${f.hostRoot})` : '';
    return `containerd pid ${p.pid} is running (state ${stateText(p.state)}), --config ${p.configPath}, ${where}${foreign}`;
  });
}

/** Its own socket answered CRI or containerd's API (not-cri: containerd with CRI trouble still counts). */
export function answers(p: ProcessFacts): boolean {
  return p.socketProbe?.outcome === 'ok' || p.socketProbe?.outcome === 'not-cri';
}

/** Two spellings of one file (a symlink, /var/run): compared by real path. */
export function sameFile(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const real = (x: string) => {
    try {
      return fs.realpathSync(x);
    } catch {
      return x;
    }
  };
  return a === b || real(a) === real(b);
}

/** How the client that chose this endpoint is pointed at `socket`. */
export function pointAt(p: EndpointProbe, socket: string): string {
  const ep = `unix://${socket}`;
  if (p.source === 'CONTAINER_RUNTIME_ENDPOINT') return `Point the environment at the live socket: $ export CONTAINER_RUNTIME_ENDPOINT=${ep}`;
  if (p.kind === 'crictl') return `Point crictl at the live socket: $ sudo crictl config --set runtime-endpoint=${ep}`;
  if (p.kind === 'kubelet') return `Set the kubelet's containerRuntimeEndpoint to ${ep} (${p.source}) and restart the kubelet`;
  return `Point clients at the live socket: tcrictl -r ${ep} …, and the same in crictl.yaml (runtime-endpoint) and the kubelet's containerRuntimeEndpoint`;
}

export function otherCandidates(f: Facts, chosen: EndpointProbe): string[] {
  return f.endpoints.probes.filter((p) => p !== chosen).map((p) => `Also tried ${p.socket} (${p.source}): ${p.detail}`);
}

/** A grpc.address in the config that differs from the socket probed. */
export function configuredAddress(f: Facts, socket: string): string | undefined {
  const rc = f.runtimeConfig;
  const ref = rc?.keyLines[keyPath(['grpc', 'address'])];
  const data = rc?.data as { grpc?: { address?: unknown } } | undefined;
  const addr = data?.grpc?.address;
  if (typeof addr !== 'string' || addr === socket) return undefined;
  return ref?.line ? `${ref.file}:${ref.line}: ${ref.text}` : `${configPath(f)}: [grpc] address = ${JSON.stringify(addr)}`;
}

/** How to run containerd in the foreground: never with a --config that does not exist. */
export function foregroundCommand(f: Facts): string {
  const st = f.runtimeConfig?.state.status;
  if (st === 'missing' || st === 'not-checked' || !f.runtimeConfig) return 'sudo containerd  (add --config <file> if this host starts it with one)';
  return `sudo containerd --config ${configPath(f)}`;
}
