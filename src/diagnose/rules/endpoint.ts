/**
 * Rules for the first stage: can the runtime's socket be reached at all?
 * (F01 missing, F02 stale, F03 permission denied, F06/F32 no answer, F05
 * crictl's endpoint.)
 */
import * as fs from 'node:fs';
import type { EndpointProbe, Facts, ProcessFacts } from '../facts';
import type { Finding } from '../finding';
import { groupName, userName } from '../collect/host';
import { modeString } from '../text';
import { keyPath } from '../toml';
import { configPath, containerdLogs, restartContainerd } from './common';

const STATE_TEXT: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'uninterruptible sleep (waiting on disk or NFS I/O)',
  T: 'stopped, e.g. by SIGSTOP',
  t: 'stopped by a debugger',
  Z: 'zombie',
};

function stateText(s: string): string {
  return `${s} (${STATE_TEXT[s] ?? 'unknown'})`;
}

function who(uid: number, gid?: number): string {
  const u = `${userName(uid) ?? 'uid'} (${uid})`;
  return gid === undefined ? u : `${u}, group ${groupName(gid) ?? 'gid'} (${gid})`;
}

function daemonLines(f: Facts, socket: string): string[] {
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
function answers(p: ProcessFacts): boolean {
  return p.socketProbe?.outcome === 'ok' || p.socketProbe?.outcome === 'not-cri';
}

/** Two spellings of one file (a symlink, /var/run): compared by real path. */
function sameFile(a: string | undefined, b: string | undefined): boolean {
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
function pointAt(p: EndpointProbe, socket: string): string {
  const ep = `unix://${socket}`;
  if (p.source === 'CONTAINER_RUNTIME_ENDPOINT') return `Point the environment at the live socket: $ export CONTAINER_RUNTIME_ENDPOINT=${ep}`;
  if (p.kind === 'crictl') return `Point crictl at the live socket: $ sudo crictl config --set runtime-endpoint=${ep}`;
  if (p.kind === 'kubelet') return `Set the kubelet's containerRuntimeEndpoint to ${ep} (${p.source}) and restart the kubelet`;
  return `Point clients at the live socket: tcrictl -r ${ep} …, and the same in crictl.yaml (runtime-endpoint) and the kubelet's containerRuntimeEndpoint`;
}

function otherCandidates(f: Facts, chosen: EndpointProbe): string[] {
  return f.endpoints.probes.filter((p) => p !== chosen).map((p) => `Also tried ${p.socket} (${p.source}): ${p.detail}`);
}

/** A grpc.address in the config that differs from the socket probed. */
function configuredAddress(f: Facts, socket: string): string | undefined {
  const rc = f.runtimeConfig;
  const ref = rc?.keyLines[keyPath(['grpc', 'address'])];
  const data = rc?.data as { grpc?: { address?: unknown } } | undefined;
  const addr = data?.grpc?.address;
  if (typeof addr !== 'string' || addr === socket) return undefined;
  return ref?.line ? `${ref.file}:${ref.line}: ${ref.text}` : `${configPath(f)}: [grpc] address = ${JSON.stringify(addr)}`;
}

/**
 * The socket is missing. A containerd whose own socket answers means the
 * endpoint is wrong, unless the config in play names this very socket (then
 * that config's daemon is down, and the live ones are other instances).
 */
function socketMissing(f: Facts, p: EndpointProbe): Finding {
  const cfgAddr = configuredAddress(f, p.socket);
  const rc = f.runtimeConfig;
  // A file that does not parse still shows its [grpc] address line.
  const addrLine = rc?.keyLines[keyPath(['grpc', 'address'])]?.text;
  const cfgHere = rc?.data ? !cfgAddr && (rc.data as { grpc?: { address?: unknown } }).grpc?.address === p.socket : !!addrLine?.includes(JSON.stringify(p.socket));
  // The daemon started with the config under diagnosis (or listening where it says) comes first, never just the first in /proc.
  const cfgAddrValue = (rc?.data as { grpc?: { address?: unknown } } | undefined)?.grpc?.address;
  const mine = (d: ProcessFacts) => (!!rc && sameFile(d.configPath, rc.state.path)) || (typeof cfgAddrValue === 'string' && d.address === cfgAddrValue);
  const answering = f.processes.filter((d) => d.address && d.address !== p.socket && answers(d) && !(cfgHere && d.configPath !== rc!.state.path));
  const live = [...answering.filter(mine), ...answering.filter((d) => !mine(d))];
  const ambiguous = live.length > 1 && !mine(live[0]);
  const evidence = [`stat ${p.socket}: no such file or directory (endpoint from ${p.source})`, ...daemonLines(f, p.socket)];
  if (cfgAddr) evidence.push(`containerd's config names another socket: ${cfgAddr}`);
  if (!f.endpoints.explicit) evidence.push(...otherCandidates(f, p));
  const common = 'the kubelet and crictl cannot reach the runtime: the node is NotReady and no pod can start or stop';
  if (live.length) {
    const where = live.map((d) => d.address).join(', ');
    if (ambiguous) {
      return {
        id: 'socket-missing',
        severity: 'error',
        stage: 'endpoint',
        title: `Wrong endpoint: ${p.socket} does not exist; ${live.length} containerds answer elsewhere${rc && rc.state.status !== 'missing' ? ` and none was started with ${configPath(f)}` : ''}`,
        subject: p.endpoint,
        evidence,
        explanation: `Nothing listens at ${p.socket}. containerd daemons answer on ${where}, each with its own config; which one the clients mean cannot be told from here. Until clients and daemon agree, ${common}.`,
        fix: [
          ...live.slice(0, 3).map((d) => `If the runtime meant is pid ${d.pid} (--config ${d.configPath}): ${pointAt(p, d.address!)}`),
          `Or pass the config meant with --runtime-config, and diagnose that daemon`,
        ],
        catalogue: ['F01'],
      };
    }
    const first = `${live[0].address}${live.length > 1 ? ` (and ${live.length - 1} more)` : ''}`;
    return {
      id: 'socket-missing',
      severity: 'error',
      stage: 'endpoint',
      title: `Wrong endpoint: ${p.socket} does not exist, but containerd is running and listening on ${first} (pid ${live[0].pid}, --config ${live[0].configPath})`,
      subject: p.endpoint,
      evidence,
      explanation: `Nothing listens at ${p.socket}. containerd is running and answers on ${where}: the client and the daemon disagree on the path. Nothing needs restarting; until they agree, ${common}.`,
      fix: [
        pointAt(p, live[0].address!),
        `Or make containerd listen where clients look: set [grpc] address = ${JSON.stringify(p.socket)} in ${live[0].configPath ?? configPath(f)}, then restart it`,
      ],
      catalogue: ['F01'],
    };
  }
  const others = f.processes.filter((d) => d.address && d.address !== p.socket && answers(d));
  const elsewhere = others.length ? ` (the containerd${others.length > 1 ? 's' : ''} that ${others.length > 1 ? 'run' : 'runs'} use${others.length > 1 ? '' : 's'} another config and socket)` : '';
  return {
    id: 'socket-missing',
    severity: 'error',
    stage: 'endpoint',
    title: f.endpoints.explicit || p.kind !== 'known' ? `Runtime socket ${p.socket} does not exist` : `No container runtime socket found (looked for ${p.socket} and ${f.endpoints.probes.length - 1} others)`,
    subject: p.endpoint,
    evidence,
    explanation: `Nothing listens at ${p.socket}, so ${common}. containerd is not running here${elsewhere}: it was never started, it crashed, or it failed to start (a broken config makes it exit at once).`,
    fix: [restartContainerd(f), containerdLogs(f), `If it exits at once, run it in the foreground to see why: ${foregroundCommand(f)}`],
    catalogue: ['F01'],
  };
}

/** How to run containerd in the foreground: never with a --config that does not exist. */
function foregroundCommand(f: Facts): string {
  const st = f.runtimeConfig?.state.status;
  if (st === 'missing' || st === 'not-checked' || !f.runtimeConfig) return 'sudo containerd  (add --config <file> if this host starts it with one)';
  return `sudo containerd --config ${configPath(f)}`;
}

function socketStale(f: Facts, p: EndpointProbe): Finding {
  const evidence = [`connect(${p.socket}): connection refused`];
  if (p.stat) evidence.push(`${p.socket} is a socket file (${modeString(p.stat.mode)}), but /proc/net/unix shows ${p.listening ? 'a listener in another network namespace' : 'no process listening on it'}`);
  evidence.push(...daemonLines(f, p.socket));
  const alive = f.daemon ?? f.processes.find((d) => d.address === p.socket);
  return {
    id: 'socket-stale',
    severity: 'error',
    stage: 'endpoint',
    title: `Stale runtime socket ${p.socket}: connection refused, nothing is listening`,
    subject: p.endpoint,
    evidence,
    explanation: alive
      ? `containerd (pid ${alive.pid}) is running but is not accepting connections on ${p.socket}: it may still be starting, or it is stuck before serving. The kubelet gets "connection refused" on every call: node NotReady, no pod can start or stop.`
      : `The socket file was left behind by a runtime that was killed or crashed without removing it; no process serves it. The kubelet gets "connection refused" on every call: the node is NotReady and no pod can start or stop.`,
    fix: [containerdLogs(f), `${restartContainerd(f)}  (containerd replaces the stale socket file when it starts)`, `If it will not start, run it in the foreground to see why: ${foregroundCommand(f)}`],
    catalogue: ['F02'],
  };
}

function permissionDenied(f: Facts, p: EndpointProbe): Finding {
  const me = f.caller;
  const groups = me.groups.filter((g) => g !== me.gid);
  const evidence = [`connect(${p.socket}): permission denied`];
  if (p.stat) evidence.push(`${p.socket}: ${modeString(p.stat.mode)} owner ${who(p.stat.uid, p.stat.gid)}`);
  if (p.blockedDir) evidence.push(`Directory ${p.blockedDir.path} is ${modeString(p.blockedDir.mode)} owner ${who(p.blockedDir.uid, p.blockedDir.gid)}: uid ${me.uid} cannot enter it`);
  evidence.push(`You are ${who(me.uid, me.gid)}, supplementary groups: ${groups.length ? groups.map((g) => `${groupName(g) ?? g} (${g})`).join(', ') : 'none'}`);
  const alive = f.daemon ?? f.processes.find((d) => d.address === p.socket);
  if (alive) evidence.push(`containerd pid ${alive.pid} is running: this is an access problem, not a dead runtime`);
  else {
    const unknown = f.processes.filter((d) => !d.address);
    const one = unknown.length === 1;
    if (unknown.length) {
      evidence.push(
        `containerd pid${one ? '' : 's'} ${unknown.map((d) => d.pid).join(', ')} ${one ? 'is' : 'are'} running; which socket ${one ? 'it serves' : 'each serves'} is unknown (cannot read ${unknown.map((d) => d.configPath).slice(0, 2).join(', ')}: ${unknown[0].configError ?? 'unknown'})`,
      );
    }
  }
  const gid = p.stat?.gid;
  const rest = 'The runtime itself may be healthy; the checks below that need the socket were skipped, and the rest ran with what this user can read.';
  const dir = p.blockedDir;
  if (dir) {
    // The directory stops the lookup before the socket's own mode is looked at: [grpc] gid cannot help.
    return {
      id: 'socket-permission-denied',
      severity: 'error',
      stage: 'endpoint',
      title: `Permission denied on ${p.socket} for ${who(me.uid)}: its directory ${dir.path} (${modeString(dir.mode)}) cannot be entered`,
      subject: p.endpoint,
      evidence,
      explanation: `The blocker is the directory ${dir.path}, not the socket: this user may not search it, so the socket cannot even be reached, whatever its own mode or [grpc] uid/gid say. ${rest}`,
      fix: [
        '$ sudo tcrictl diagnose',
        `Or, if non-root access is intended, let the user reach the socket: give ${dir.path} search permission for it (e.g. $ sudo chmod o+x ${dir.path}, or g+x with a group the user is in); the socket's own mode and [grpc] gid then decide (anyone who can open the socket is effectively root)`,
      ],
      catalogue: ['F03'],
    };
  }
  return {
    id: 'socket-permission-denied',
    severity: 'error',
    stage: 'endpoint',
    title: `Permission denied on ${p.socket} for ${who(me.uid)}`,
    subject: p.endpoint,
    evidence,
    explanation: `Only root${gid !== undefined && gid !== 0 ? ` and members of group ${groupName(gid) ?? gid}` : ''} may open the runtime's socket, so this user cannot talk to the runtime. ${rest}`,
    fix: [
      '$ sudo tcrictl diagnose',
      `Or allow a group: set [grpc] gid = <gid> in ${configPath(f)}, add the user to that group and restart containerd (anyone who can open the socket is effectively root)`,
    ],
    catalogue: ['F03'],
  };
}

function noAnswer(f: Facts, p: EndpointProbe): Finding {
  const secs = `${f.timeoutMs / 1000}s`;
  const evidence = [`CRI Version on ${p.socket}: connection accepted, no answer within ${secs} (DEADLINE_EXCEEDED)`];
  const listeners = p.listeners ?? [];
  for (const l of listeners) evidence.push(`Listening process: pid ${l.pid} (${l.name}), state ${stateText(l.state)}`);
  if (listeners.length === 0) evidence.push(f.caller.uid === 0 ? 'No process found holding the listening socket' : 'The listening process is not visible (run as root to see it)');
  const stopped = listeners.find((l) => l.state === 'T' || l.state === 't');
  const diskWait = listeners.find((l) => l.state === 'D');
  const ttrpc = p.socket.endsWith('.ttrpc');
  const isRuntime = listeners.some((l) => /containerd|crio|cri-dockerd|dockerd/.test(l.name));
  let explanation: string;
  const fix: string[] = [];
  if (ttrpc) {
    explanation = `${p.socket} is containerd's ttrpc socket (used by shims); it does not speak gRPC, so every call hangs until the deadline. The CRI is served on ${p.socket.replace(/\.ttrpc$/, '')}.`;
    fix.push(`Use the gRPC socket: -r unix://${p.socket.replace(/\.ttrpc$/, '')} (and the same in the kubelet's containerRuntimeEndpoint)`);
  } else if (stopped) {
    explanation = `The process behind the socket is stopped: the kernel still accepts connections into the listen backlog, but nothing reads them. Every kubelet call times out ("context deadline exceeded"), the node goes NotReady ("PLEG is not healthy").`;
    fix.push(`$ sudo kill -CONT ${stopped.pid}`);
  } else if (listeners.length && !isRuntime) {
    explanation = `The process listening here (pid ${listeners[0].pid}) is not a container runtime and does not speak gRPC: calls wait until the deadline. The endpoint is wrong.`;
    fix.push("Point -r/--runtime-endpoint and the kubelet's containerRuntimeEndpoint at the runtime's gRPC socket");
  } else {
    explanation =
      `The runtime accepts connections but does not answer: it is hung or badly overloaded${diskWait ? ' (its main thread waits on disk I/O)' : ''}. ` +
      'The kubelet sees "context deadline exceeded", then "PLEG is not healthy", and marks the node NotReady; retried pod creations fail with "name is reserved".';
    fix.push('Look for what it waits on: a stuck shim or CNI plugin ($ ps -eo pid,stat,etime,cmd | grep -E "containerd-shim|/cni/"), a full or slow disk');
    if (listeners[0]) fix.push(`$ sudo kill -USR1 ${listeners[0].pid}   (containerd writes its goroutine stacks to its log)`);
    fix.push(`${restartContainerd(f)}  (running containers survive a containerd restart)`);
  }
  return {
    id: 'socket-no-answer',
    severity: 'error',
    stage: 'endpoint',
    title: `${p.socket} accepts connections but does not answer (nothing within ${secs})`,
    subject: p.endpoint,
    evidence,
    explanation,
    fix,
    catalogue: ['F06', 'F32'],
  };
}

function notASocket(f: Facts, p: EndpointProbe): Finding {
  return {
    id: 'socket-not-a-socket',
    severity: 'error',
    stage: 'endpoint',
    title: `${p.socket} exists but is not a socket`,
    subject: p.endpoint,
    evidence: [`${p.socket}: ${p.stat ? modeString(p.stat.mode) : 'not a socket'} (endpoint from ${p.source})`],
    explanation: 'A regular file or directory sits where the runtime socket should be. Clients cannot connect, and containerd cannot create its socket there either.',
    fix: ['Check the endpoint path (-r, the kubelet\'s containerRuntimeEndpoint, crictl.yaml)', `If it is a leftover, move it away and restart the runtime: ${restartContainerd(f)}`],
    catalogue: ['F01'],
  };
}

/** The socket answers but neither CRI nor containerd's API: some other service. */
function notCri(f: Facts, p: EndpointProbe): Finding[] {
  const ctd = f.containerd;
  if (ctd && !ctd.notContainerd && (ctd.version || ctd.plugins)) return []; // containerd with CRI trouble: plugin rules explain
  const docker = /docker\.sock$/.test(p.socket);
  return [
    {
      id: 'endpoint-not-cri',
      severity: 'error',
      stage: 'endpoint',
      title: `${p.socket} answers, but serves neither CRI v1 nor containerd's API`,
      subject: p.endpoint,
      evidence: [`CRI Version: ${p.detail}`, ...(ctd?.errors.Version ? [`containerd Version: ${ctd.errors.Version.codeName} ${ctd.errors.Version.details}`] : [])],
      explanation: docker
        ? "This is Docker's API socket. Since Kubernetes 1.24 the kubelet talks CRI only; Docker needs cri-dockerd in front of it."
        : 'Some other service listens here (or a runtime too old for CRI v1). The kubelet cannot use it as a container runtime.',
      fix: docker ? ['Install cri-dockerd and use unix:///run/cri-dockerd.sock, or switch to containerd'] : ["Point -r/--runtime-endpoint and the kubelet's containerRuntimeEndpoint at the runtime's CRI socket"],
      catalogue: ['F04', 'F06'],
    },
  ];
}

export function socketRules(f: Facts): Finding[] {
  const p = f.endpoints.chosen;
  if (!p) return [];
  switch (p.outcome) {
    case 'missing':
      return [socketMissing(f, p)];
    case 'refused':
      return [socketStale(f, p)];
    case 'permission-denied':
      return [permissionDenied(f, p)];
    case 'no-answer':
      return [noAnswer(f, p)];
    case 'not-a-socket':
      return [notASocket(f, p)];
    case 'not-cri':
      return notCri(f, p);
    case 'error':
      return [
        {
          id: 'socket-error',
          severity: 'error',
          stage: 'endpoint',
          title: `Cannot use ${p.socket}: ${p.detail}`,
          subject: p.endpoint,
          evidence: [`${p.socket} (${p.source}): ${p.detail}`],
          explanation: 'The runtime endpoint cannot be used, so the kubelet cannot reach the runtime.',
          fix: ['Check the endpoint path and the runtime'],
          catalogue: ['F01'],
        },
      ];
    default:
      return [];
  }
}

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
