/**
 * A small standalone CRI client for tests, independent of src/ (so a broken
 * transport in src/ cannot hide behind a broken fixture), plus helpers that
 * create kubelet-like pods and containers in a harness containerd.
 *
 *   criCall(endpoint, 'RuntimeService', 'ListContainers', { filter: {} })
 *     -> plain object, camelCase fields, int64 as strings, enums as names
 *        (the same proto-loader options the product uses).
 *   seedWorkload(ctd) -> pod 'web' in 'default' with 'app' RUNNING and 'job' EXITED.
 *   runPod(ctd, { name, namespace })             -> pod id (host network, cgroup parent set)
 *   runContainer(ctd, podId, { name, command })  -> container id (started unless start: false)
 *   waitForState(ctd, id, 'CONTAINER_EXITED')
 *
 * Pods use host networking (the harness CNI is loopback-only) and a cgroup
 * parent /kubepods/besteffort/pod<uid> (containerd needs one for pod stats).
 * Requests are camelCase objects; enum fields accept names like 'NODE'.
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { criDefinition, repoRoot } from '../support/proto';
import type { Containerd } from './containerd';

export { repoRoot };

export type CriService = 'RuntimeService' | 'ImageService';

let criPackage: grpc.GrpcObject | undefined;

function loadCri(): grpc.GrpcObject {
  criPackage ??= grpc.loadPackageDefinition(criDefinition(true));
  return criPackage;
}

type ServiceCtor = new (address: string, creds: grpc.ChannelCredentials, options?: object) => grpc.Client;

function serviceCtor(service: CriService): ServiceCtor {
  const v1 = (loadCri().runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
  return v1[service] as unknown as ServiceCtor;
}

/** Error from criCall, keeping the gRPC status code for assertions. */
export class CriCallError extends Error {
  constructor(readonly code: grpc.status, readonly details: string, method: string) {
    super(`${method}: ${grpc.status[code] ?? code}: ${details}`);
    this.name = 'CriCallError';
  }
}

/** One unary CRI call on a fresh channel, closed afterwards so no handle outlives the call. */
export function criCall<T = any>(
  endpoint: string,
  service: CriService,
  method: string,
  req: object,
  timeoutMs = 10_000,
): Promise<T> {
  const Ctor = serviceCtor(service);
  const target = endpoint.startsWith('unix://') ? endpoint : `unix://${endpoint}`;
  const client = new Ctor(target, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  });
  const fn = (client as unknown as Record<string, Function>)[method];
  if (typeof fn !== 'function') {
    client.close();
    return Promise.reject(new Error(`criCall: ${service} has no method ${method}`));
  }
  return new Promise<T>((resolve, reject) => {
    fn.call(client, req, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: T) => {
      client.close();
      if (err) reject(new CriCallError(err.code, err.details, method));
      else resolve(res);
    });
  });
}

// ---------------------------------------------------------------- workload helpers

export interface Workload {
  podId: string;
  podName: string;
  namespace: string;
  /** Container 'app': a shell loop that exits promptly on SIGTERM. */
  runningId: string;
  /** Container 'job': printed a line and exited 0. */
  exitedId: string;
  /** Container 'idle', created but never started (only with withCreated). */
  createdId?: string;
}

export interface PodOptions {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ContainerOptions {
  name: string;
  /** Defaults to the harness busybox image. */
  image?: string;
  command: string[];
  args?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  envs?: Record<string, string>;
  /** Start after creating; default true. */
  start?: boolean;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
}

// The full PodSandboxConfig of each pod made here: CreateContainer needs it again.
const podConfigs = new Map<string, object>();

const hostNamespaces = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };

export function podConfig(ctd: Containerd, opts: PodOptions): object {
  const namespace = opts.namespace ?? 'default';
  const uid = opts.uid ?? randomUUID();
  return {
    metadata: { name: opts.name, namespace, uid, attempt: 0 },
    // No hostname: with the host's UTS namespace runc refuses to set one.
    logDirectory: path.join(ctd.logDir, `${namespace}_${opts.name}_${uid}`),
    labels: {
      ...opts.labels,
      'io.kubernetes.pod.name': opts.name,
      'io.kubernetes.pod.namespace': namespace,
      'io.kubernetes.pod.uid': uid,
    },
    annotations: {
      'kubernetes.io/config.source': 'api',
      'kubernetes.io/config.seen': '1970-01-01T00:00:00.000000000Z',
      ...opts.annotations,
    },
    linux: {
      cgroupParent: `/kubepods/besteffort/pod${uid}`,
      securityContext: { namespaceOptions: hostNamespaces },
    },
  };
}

/** Runs a ready pod sandbox and returns its id. */
export async function runPod(ctd: Containerd, opts: PodOptions): Promise<string> {
  const config = podConfig(ctd, opts);
  const res = await criCall<{ podSandboxId: string }>(ctd.endpoint, 'RuntimeService', 'RunPodSandbox', { config }, 60_000);
  podConfigs.set(`${ctd.endpoint}|${res.podSandboxId}`, config);
  return res.podSandboxId;
}

function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = camelCaseKeys(v);
  return out;
}

/** The config a pod was created with: remembered, or read back from containerd's verbose status. */
async function sandboxConfigOf(ctd: Containerd, podId: string): Promise<object> {
  const known = podConfigs.get(`${ctd.endpoint}|${podId}`);
  if (known) return known;
  const st = await criCall<{ info: Record<string, string> }>(ctd.endpoint, 'RuntimeService', 'PodSandboxStatus', {
    podSandboxId: podId,
    verbose: true,
  });
  const info = st.info?.info ? JSON.parse(st.info.info) : undefined;
  if (!info?.config) throw new Error(`runContainer: cannot recover the sandbox config of pod ${podId}`);
  return camelCaseKeys(info.config) as object;
}

/** Creates (and by default starts) a container with kubelet-like labels; returns its id. */
export async function runContainer(ctd: Containerd, podId: string, opts: ContainerOptions): Promise<string> {
  const sandboxConfig = (await sandboxConfigOf(ctd, podId)) as {
    metadata: { name: string; namespace: string; uid: string };
  };
  const pod = sandboxConfig.metadata;
  const config = {
    metadata: { name: opts.name, attempt: 0 },
    image: { image: opts.image ?? ctd.images.busybox },
    command: opts.command,
    args: opts.args ?? [],
    workingDir: '/',
    envs: Object.entries(opts.envs ?? {}).map(([key, value]) => ({ key, value })),
    labels: {
      ...opts.labels,
      'io.kubernetes.container.name': opts.name,
      'io.kubernetes.pod.name': pod.name,
      'io.kubernetes.pod.namespace': pod.namespace,
      'io.kubernetes.pod.uid': pod.uid,
    },
    annotations: {
      'io.kubernetes.container.hash': '0',
      'io.kubernetes.container.restartCount': '0',
      'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
      'io.kubernetes.container.terminationMessagePolicy': 'File',
      'io.kubernetes.pod.terminationGracePeriod': '30',
      ...opts.annotations,
    },
    logPath: `${opts.name}/0.log`,
    stdin: opts.stdin ?? false,
    stdinOnce: opts.stdinOnce ?? false,
    tty: opts.tty ?? false,
    // Containers must repeat the pod's host namespaces, else containerd gives them a fresh netns.
    linux: { resources: {}, securityContext: { namespaceOptions: hostNamespaces } },
  };
  const created = await criCall<{ containerId: string }>(
    ctd.endpoint,
    'RuntimeService',
    'CreateContainer',
    { podSandboxId: podId, config, sandboxConfig },
    60_000,
  );
  if (opts.start ?? true) {
    await criCall(ctd.endpoint, 'RuntimeService', 'StartContainer', { containerId: created.containerId }, 60_000);
  }
  return created.containerId;
}

export type WaitableState = 'CONTAINER_EXITED' | 'CONTAINER_RUNNING';

/** Polls ContainerStatus until the state is reached; the timeout only bounds a hang. */
export async function waitForState(
  ctd: Containerd,
  containerId: string,
  state: WaitableState,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'unknown';
  for (;;) {
    const st = await criCall<{ status: { state: string } }>(ctd.endpoint, 'RuntimeService', 'ContainerStatus', {
      containerId,
    });
    last = st.status.state;
    if (last === state) return;
    if (Date.now() > deadline) {
      throw new Error(`container ${containerId} is ${last}, not ${state}, after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A shell loop that ends at once on SIGTERM (pid 1 ignores signals it does not trap). */
export const SLEEPER_COMMAND = ['/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"];

/** Pod 'web' in 'default': 'app' running, 'job' exited 0 after printing a line, kubelet labels on all. */
export async function seedWorkload(
  ctd: Containerd,
  opts: { podName?: string; namespace?: string; withCreated?: boolean } = {},
): Promise<Workload> {
  const podName = opts.podName ?? 'web';
  const namespace = opts.namespace ?? 'default';
  const podId = await runPod(ctd, { name: podName, namespace, labels: { app: podName } });
  const runningId = await runContainer(ctd, podId, { name: 'app', command: SLEEPER_COMMAND });
  const exitedId = await runContainer(ctd, podId, {
    name: 'job',
    command: ['/bin/sh', '-c', 'echo hello from job; exit 0'],
  });
  const createdId = opts.withCreated
    ? await runContainer(ctd, podId, { name: 'idle', command: ['sleep', '3600'], start: false })
    : undefined;
  await waitForState(ctd, runningId, 'CONTAINER_RUNNING');
  await waitForState(ctd, exitedId, 'CONTAINER_EXITED');
  return { podId, podName, namespace, runningId, exitedId, ...(createdId ? { createdId } : {}) };
}
