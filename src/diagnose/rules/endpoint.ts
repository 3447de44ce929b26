/**
 * Rules for the first stage: can the runtime's socket be reached at all?
 * Missing (F01) and stale (F02) sockets here; permission denied (F03), no
 * answer (F06/F32), not a socket and not CRI in endpoint-access.ts; crictl's
 * endpoint (F05) in crictl.ts; the evidence lines they share in
 * endpoint-evidence.ts.
 */
import type { EndpointProbe, Facts, ProcessFacts } from '../facts';
import type { Finding } from '../finding';
import { modeString } from '../text';
import { keyPath } from '../toml';
import { configPath, containerdLogs, restartContainerd } from './common';
import { answers, configuredAddress, daemonLines, foregroundCommand, otherCandidates, pointAt, sameFile } from './endpoint-evidence';
import { noAnswer, notASocket, notCri, permissionDenied } from './endpoint-access';

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
