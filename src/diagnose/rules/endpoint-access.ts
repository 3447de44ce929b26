/**
 * A socket that exists but cannot be used: permission denied (F03), no answer
 * (F06/F32), not a socket, or a service that is not a CRI runtime (F04/F06).
 */
import type { EndpointProbe, Facts } from '../facts';
import type { Finding } from '../finding';
import { groupName } from '../collect/host';
import { modeString } from '../text';
import { configPath, restartContainerd } from './common';
import { stateText, who } from './endpoint-evidence';

export function permissionDenied(f: Facts, p: EndpointProbe): Finding {
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

export function noAnswer(f: Facts, p: EndpointProbe): Finding {
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

export function notASocket(f: Facts, p: EndpointProbe): Finding {
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
export function notCri(f: Facts, p: EndpointProbe): Finding[] {
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
