/**
 * Finding the runtime: endpoint syntax, the candidate list (the kubelet's own
 * endpoint first, then the known sockets of containerd, CRI-O and cri-dockerd),
 * and a probe that says precisely why a candidate failed.
 */
import * as fs from 'node:fs';
import { status as GrpcStatus } from './status';
import { errnoKind } from '../cli/errno';
import { CliError, EXIT_INTERRUPTED } from '../cli/cli-error';
import { canonicalSocket, hostPath, hostRoot, KUBEADM_FLAGS, KUBELET_CONFIG } from '../config/host';
import { flagEndpoint, yamlEndpoint } from '../config/kubelet';
import { Connection, socketPathOf } from './connection';
import { RpcError } from './rpc-error';
import { InputError } from './input-error';
import { safeCell } from '../output/format';
import type { VersionResponse } from './types';

/** Turns a user-given endpoint into `unix:///abs/path`, or a usage error naming the fix. */
export function normalizeEndpoint(raw: string, what = '--runtime-endpoint'): string {
  const value = raw.trim();
  if (value === '') throw new InputError(`${what} is set but empty`, 'give a socket such as unix:///run/containerd/containerd.sock, or unset it to auto-detect');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (value.startsWith('/')) return `unix://${value}`;
    throw new InputError(`${what} "${value}" is not an absolute socket path`, 'use unix:///path/to/runtime.sock');
  }
  if (scheme === 'unix') {
    const p = value.slice('unix://'.length);
    if (!p.startsWith('/')) throw new InputError(`${what} "${value}" must name an absolute path`, 'use unix:///path/to/runtime.sock (three slashes)');
    return `unix://${p}`;
  }
  if (scheme === 'tcp') throw new InputError(`${what} "${value}": tcp endpoints are not supported on Linux; the CRI is served on a unix socket`, 'use unix:///path/to/runtime.sock');
  throw new InputError(`${what} "${value}": protocol "${scheme}" is not supported`, 'use unix:///path/to/runtime.sock');
}

export interface Candidate {
  endpoint: string;
  /** Why this socket is on the list, e.g. "kubelet config" or "containerd". */
  source: string;
}

const KNOWN_SOCKETS: Array<[string, string]> = [
  ['/run/containerd/containerd.sock', 'containerd'],
  ['/var/run/containerd/containerd.sock', 'containerd'],
  ['/run/k3s/containerd/containerd.sock', 'containerd (k3s/rke2)'],
  ['/var/snap/microk8s/common/run/containerd.sock', 'containerd (microk8s)'],
  ['/run/crio/crio.sock', 'CRI-O'],
  ['/var/run/crio/crio.sock', 'CRI-O'],
  ['/run/cri-dockerd.sock', 'cri-dockerd'],
  ['/var/run/cri-dockerd.sock', 'cri-dockerd'],
];

/** The endpoints the kubelet is configured for, in the kubelet's own precedence (flags override the file). */
export function kubeletEndpoints(): Candidate[] {
  const out: Candidate[] = [];
  const flag = flagEndpoint(hostPath(KUBEADM_FLAGS));
  if (flag) out.push({ endpoint: flag, source: `kubelet flag in ${KUBEADM_FLAGS}` });
  const fromFile = yamlEndpoint(hostPath(KUBELET_CONFIG));
  if (fromFile) out.push({ endpoint: fromFile, source: `kubelet config ${KUBELET_CONFIG}` });
  return out;
}

/** Candidates in priority order, without duplicates (by socket path, /var/run folded into /run). */
export function candidateEndpoints(): Candidate[] {
  const override = process.env.TCRICTL_ENDPOINTS;
  let list: Candidate[];
  if (override !== undefined && override.trim() !== '') {
    list = override.split(',').map((e) => e.trim()).filter(Boolean).map((endpoint) => ({ endpoint, source: 'TCRICTL_ENDPOINTS' }));
  } else {
    const kubelet = kubeletEndpoints().flatMap((c) => {
      try {
        const ep = normalizeEndpoint(c.endpoint);
        // A kubelet inside TCRICTL_HOST_ROOT names paths of that root.
        return [{ ...c, endpoint: hostRoot() ? `unix://${hostPath(socketPathOf(ep))}` : ep }];
      } catch {
        return []; // diagnose reports a malformed kubelet endpoint; detection just skips it
      }
    });
    list = [...kubelet, ...KNOWN_SOCKETS.map(([p, source]) => ({ endpoint: `unix://${hostPath(p)}`, source }))];
  }
  return uniqueBySocket(list);
}

/** The list without the later entries that name the same socket as an earlier one; `canonical` gives the comparison key. */
export function uniqueBySocket<T extends { endpoint: string }>(list: T[], canonical: (socket: string) => string = canonicalSocket): T[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = canonical(socketPathOf(c.endpoint));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type ProbeOutcome = 'ok' | 'missing' | 'refused' | 'permission-denied' | 'not-a-socket' | 'not-cri' | 'no-answer' | 'error';

export interface ProbeResult {
  candidate: Candidate;
  outcome: ProbeOutcome;
  /** One line saying what happened, for messages. */
  detail: string;
  version?: VersionResponse;
  /** The open connection when outcome is 'ok' and the caller asked to keep it. */
  conn?: Connection;
  elapsedMs: number;
}

const OUTCOME_TEXT: Record<ProbeOutcome, string> = {
  ok: 'answers CRI Version',
  missing: 'no such socket',
  refused: 'connection refused (stale socket, nothing listening)',
  'permission-denied': 'permission denied',
  'not-a-socket': 'exists but is not a socket',
  'not-cri': 'answers, but does not serve CRI v1 (runtime.v1.RuntimeService)',
  'no-answer': 'accepted the connection but did not answer in time',
  error: 'failed',
};

function classify(err: RpcError): ProbeOutcome {
  if (err.code === GrpcStatus.UNIMPLEMENTED) return 'not-cri';
  if (err.code === GrpcStatus.DEADLINE_EXCEEDED) return 'no-answer';
  const kind = errnoKind(err.details);
  if (kind === 'refused' || kind === 'permission-denied' || kind === 'missing' || kind === 'not-a-socket') return kind;
  if (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.INTERNAL) return 'not-cri';
  return 'error';
}

/** Dials one endpoint and asks CRI Version, with a deadline. Never throws. */
export async function probeEndpoint(candidate: Candidate, timeoutMs: number, keep = false, signal?: AbortSignal): Promise<ProbeResult> {
  const started = Date.now();
  const done = (outcome: ProbeOutcome, extra: Partial<ProbeResult> = {}): ProbeResult => ({
    candidate,
    outcome,
    detail: extra.detail ?? OUTCOME_TEXT[outcome],
    elapsedMs: Date.now() - started,
    ...extra,
  });
  const socket = socketPathOf(candidate.endpoint);
  try {
    if (!fs.statSync(socket).isSocket()) return done('not-a-socket');
  } catch (err) {
    const kind = errnoKind((err as NodeJS.ErrnoException).code);
    if (kind === 'missing' || kind === 'not-a-directory') return done('missing');
    if (kind === 'permission-denied') return done('permission-denied', { detail: 'permission denied (cannot reach the socket\'s directory)' });
    return done('error', { detail: (err as Error).message });
  }
  const conn = new Connection(candidate.endpoint, timeoutMs);
  try {
    const version = await conn.unary<VersionResponse>('runtime.v1.RuntimeService', 'Version', { version: 'v1' }, { signal });
    if (!keep) conn.close();
    return done('ok', { version, conn: keep ? conn : undefined, detail: `${version.runtimeName} ${version.runtimeVersion}` });
  } catch (err) {
    conn.close();
    if (!(err instanceof RpcError)) return done('error', { detail: String(err) });
    const outcome = classify(err);
    return done(outcome, { detail: outcome === 'error' || outcome === 'not-cri' ? `${OUTCOME_TEXT[outcome]}: ${err.details}` : OUTCOME_TEXT[outcome] });
  }
}

export interface Detection {
  conn: Connection;
  candidate: Candidate;
  version: VersionResponse;
  tried: ProbeResult[];
}

/**
 * Probes all candidates at once and takes the first, in priority order, that
 * answers; a slow early candidate delays the choice by at most the timeout.
 */
export async function detectRuntime(timeoutMs: number, log?: (line: string) => void, signal?: AbortSignal): Promise<Detection> {
  const candidates = candidateEndpoints();
  const probes = candidates.map((c) => probeEndpoint(c, timeoutMs, true, signal));
  const tried: ProbeResult[] = [];
  let winner: ProbeResult | undefined;
  for (const p of probes) {
    const r = await p;
    tried.push(r);
    log?.(`probe ${r.candidate.endpoint} (${r.candidate.source}): ${r.detail} [${r.elapsedMs}ms]`);
    if (r.outcome === 'ok' && !winner) {
      winner = r;
      break;
    }
  }
  // Close whatever the others opened, without waiting for slow ones.
  for (const p of probes) void p.then((r) => r !== winner && r.conn?.close());
  // Ctrl-C cancels the probes; that is not "no runtime found".
  if (signal?.aborted) throw new CliError('interrupted', { exitCode: EXIT_INTERRUPTED });
  if (!winner) throw noRuntimeError(tried);
  return { conn: winner.conn!, candidate: winner.candidate, version: winner.version!, tried };
}

/** One candidate per line: a kubelet config's endpoint is the node's text, escaped here so a newline in it cannot forge a line. */
function noRuntimeError(tried: ProbeResult[]): CliError {
  const lines = tried.map((r) => `    ${safeCell(socketPathOf(r.candidate.endpoint))} (${safeCell(r.candidate.source)}): ${safeCell(r.detail)}`);
  const denied = tried.some((r) => r.outcome === 'permission-denied');
  return new CliError(`no container runtime found; tried:\n${lines.join('\n')}`, {
    hint: denied
      ? "a socket exists but you may not open it: run as root (sudo), or run 'tcrictl diagnose'"
      : "start the runtime, or set -r/--runtime-endpoint (or runtime-endpoint in /etc/crictl.yaml); run 'tcrictl diagnose' to see why",
  });
}
