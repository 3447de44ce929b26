/**
 * Step 1 of the cascade: which runtime sockets exist and answer. Every
 * candidate is probed at once (one deadline for all), then one is chosen to
 * diagnose: the one the user named, else the first that answers, else the
 * most telling broken one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connection, socketPathOf } from '../../cri/connection';
import { candidateEndpoints, probeEndpoint, uniqueBySocket, type ProbeOutcome } from '../../cri/endpoint';
import type { EndpointFacts, EndpointKind, EndpointProbe, KubeletFacts, ListenerFacts } from '../facts';
import { formatRef } from '../text';
import { canonicalSocket } from '../../config/host';
import { procStat } from './processes';

export interface Candidate {
  endpoint: string;
  kind: EndpointKind;
  source: string;
}

export interface EndpointOptions {
  /** -r/--runtime-endpoint (kind 'flag') or runtime-endpoint of crictl.yaml (kind 'crictl'). */
  explicit?: Candidate;
  kubelet?: KubeletFacts['endpoint'];
  timeoutMs: number;
  signal?: AbortSignal;
}

export function buildCandidates(opts: EndpointOptions): Candidate[] {
  const list: Candidate[] = [];
  if (opts.explicit) list.push(opts.explicit);
  if (opts.kubelet?.endpoint) list.push({ endpoint: opts.kubelet.endpoint, kind: 'kubelet', source: `kubelet (${formatRef(opts.kubelet.ref) || 'kubelet config'})` });
  for (const c of candidateEndpoints()) {
    const kind: EndpointKind = c.source === 'TCRICTL_ENDPOINTS' ? 'override' : c.source.startsWith('kubelet') ? 'kubelet' : 'known';
    list.push({ endpoint: c.endpoint, kind, source: kind === 'known' ? `known ${c.source} socket` : c.source });
  }
  // diagnose's key also resolves the socket's directory, as it does to match a daemon's --address.
  return uniqueBySocket(list, canonicalSocket);
}

/** The nearest ancestor of `p` the caller cannot search (x), for "permission denied" evidence. */
function blockedAncestor(p: string): EndpointProbe['blockedDir'] {
  let dir = path.dirname(p);
  const chain: string[] = [];
  while (true) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of chain) {
    try {
      fs.accessSync(d, fs.constants.X_OK);
    } catch {
      try {
        const st = fs.statSync(d);
        return { path: d, mode: st.mode, uid: st.uid, gid: st.gid };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Listening unix sockets bound to `socket`, by inode, from /proc/net/unix. */
export function listeningInodes(socket: string): Set<string> {
  const out = new Set<string>();
  let text = '';
  try {
    text = fs.readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Num RefCount Protocol Flags Type St Inode Path; flag 0x10000 is __SO_ACCEPTCON (listening).
    if (f.length >= 8 && f[7] === socket && (parseInt(f[3], 16) & 0x10000) !== 0) out.add(f[6]);
  }
  return out;
}

/** Processes holding any of the inodes open (needs root to see other users' fds). */
export function processesHolding(inodes: Set<string>): ListenerFacts[] {
  if (inodes.size === 0) return [];
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  const out: ListenerFacts[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(link)) {
        const st = procStat(pid);
        let cmd = st?.comm ?? '?';
        try {
          cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || cmd;
        } catch {
          /* gone */
        }
        out.push({ pid: Number(pid), name: cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd, state: st?.state ?? '?' });
        break;
      }
    }
  }
  return out;
}

async function probeOne(c: Candidate, timeoutMs: number, signal?: AbortSignal): Promise<{ probe: EndpointProbe; conn?: Connection }> {
  const socket = socketPathOf(c.endpoint);
  const r = await probeEndpoint({ endpoint: c.endpoint, source: c.source }, timeoutMs, true, signal);
  const probe: EndpointProbe = { endpoint: c.endpoint, socket, kind: c.kind, source: c.source, outcome: r.outcome, detail: r.detail, elapsedMs: r.elapsedMs };
  try {
    const st = fs.statSync(socket);
    probe.stat = { mode: st.mode, uid: st.uid, gid: st.gid, isSocket: st.isSocket() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EACCES') probe.blockedDir = blockedAncestor(socket);
  }
  if (r.version) probe.criVersion = r.version;
  const colon = r.detail.indexOf('): ');
  if ((r.outcome === 'not-cri' || r.outcome === 'error') && colon > 0) probe.rpcDetails = r.detail.slice(colon + 3);
  if (r.outcome === 'refused' || r.outcome === 'no-answer') {
    const inodes = listeningInodes(socket);
    probe.listening = inodes.size > 0;
    if (r.outcome === 'no-answer') probe.listeners = processesHolding(inodes);
  }
  return { probe, conn: r.conn };
}

const RANK: Record<ProbeOutcome, number> = {
  ok: 0,
  'not-cri': 1,
  'no-answer': 2,
  refused: 2,
  'permission-denied': 2,
  'not-a-socket': 2,
  error: 2,
  missing: 3,
};

/** Which probe to diagnose. The user's -r is never second-guessed. */
export function chooseEndpoint(probes: EndpointProbe[], explicitKind?: EndpointKind): EndpointProbe | undefined {
  if (probes.length === 0) return undefined;
  if (explicitKind === 'flag') return probes[0];
  // crictl.yaml's endpoint is used when it answers; otherwise a working runtime elsewhere wins.
  if (explicitKind === 'crictl' && probes[0].outcome === 'ok') return probes[0];
  let best = probes[0];
  for (const p of probes) if (RANK[p.outcome] < RANK[best.outcome]) best = p;
  return best;
}

export async function collectEndpoints(opts: EndpointOptions): Promise<{ facts: EndpointFacts; conn?: Connection }> {
  const candidates = buildCandidates(opts);
  const results = await Promise.all(candidates.map((c) => probeOne(c, opts.timeoutMs, opts.signal)));
  const probes = results.map((r) => r.probe);
  const chosen = chooseEndpoint(probes, opts.explicit?.kind);
  let conn: Connection | undefined;
  for (const r of results) {
    if (r.probe === chosen && r.conn) conn = r.conn;
    else r.conn?.close();
  }
  // A socket that answers but not CRI may still be containerd with a broken CRI plugin.
  if (!conn && chosen?.outcome === 'not-cri') conn = new Connection(chosen.endpoint, opts.timeoutMs);
  return { facts: { explicit: opts.explicit?.kind === 'flag', chosen, probes }, conn };
}
