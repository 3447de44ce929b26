/**
 * An in-process fake CRI runtime: a real @grpc/grpc-js server on a temp unix
 * socket serving runtime.v1.RuntimeService and runtime.v1.ImageService from
 * proto/cri-api/api.proto, with knobs to misbehave.
 *
 *   const fake = await startFakeCri({ workload: manyContainers(20_000) });
 *   run tcrictl with -r fake.endpoint …;  fake.calls → ['Version', 'ListContainers']
 *   await fake.stop();
 *
 * Modes:
 *   'cri'            (default) the CRI services, answering from `workload`
 *   'unrelated'      only an unrelated service: CRI calls get grpc-js's UNIMPLEMENTED
 *   'go-unknown-service'  CRI calls get Go gRPC's wording,
 *                    "unknown service runtime.v1.RuntimeService" (containerd without CRI)
 *   'silent'         a raw net server that accepts connections and never answers (not HTTP/2)
 *
 * Per-method overrides (`overrides: { ListContainers: { hang: true } }`):
 *   hang             never answer (until the client gives up or stop())
 *   delayMs          answer late
 *   code, details    fail with this gRPC status (e.g. status.UNIMPLEMENTED, status.NOT_FOUND)
 *   respond(req)     answer with this object instead of the canned one
 * Methods the fake does not implement answer UNIMPLEMENTED, as an old runtime would.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { criDefinition, repoRoot } from '../support/proto';
import { smallWorkload, type FakeContainer, type FakeImage, type FakePod, type Workload } from './data';

export * from './data';
export { repoRoot };

export type FakeMode = 'cri' | 'unrelated' | 'go-unknown-service' | 'silent';

export interface MethodOverride {
  hang?: boolean;
  delayMs?: number;
  code?: grpc.status;
  details?: string;
  respond?: (request: any) => object;
  /** For a server-streaming method: write the answers (see containerEvents). */
  stream?: (call: grpc.ServerWritableStream<any, any>) => void;
}

/**
 * A GetContainerEvents stream: `count` events (default: until the client
 * leaves), `perSecond` of them each second (written in batches every 10 ms),
 * alternating created/started/stopped/deleted for containers of one pod.
 */
export function containerEvents(opts: { perSecond?: number; count?: number } = {}): (call: grpc.ServerWritableStream<any, any>) => void {
  const types = ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'];
  const event = (i: number) => ({
    containerId: (i.toString(16) + 'c'.repeat(64)).slice(0, 64),
    containerEventType: types[i % 4],
    createdAt: String(BigInt(Date.now()) * 1_000_000n),
    podSandboxStatus: { id: 'p'.repeat(64), metadata: { name: 'web', uid: 'u1', namespace: 'default', attempt: 0 }, state: 'SANDBOX_READY' },
    containersStatuses: [],
  });
  return (call) => {
    const perTick = Math.max(1, Math.round((opts.perSecond ?? 100) / 100));
    let i = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < perTick; k++) {
        if (opts.count !== undefined && i >= opts.count) {
          clearInterval(timer);
          call.end();
          return;
        }
        call.write(event(i++));
      }
    }, 10);
    call.on('cancelled', () => clearInterval(timer));
    call.on('close', () => clearInterval(timer));
  };
}

export interface FakeCriOptions {
  mode?: FakeMode;
  workload?: Workload;
  overrides?: Record<string, MethodOverride>;
  /** Version's answer; defaults to a containerd-like runtime named 'fakecri'. */
  version?: { version?: string; runtimeName?: string; runtimeVersion?: string; runtimeApiVersion?: string };
  /** Where to listen; default a fresh temp dir. The directory is created if needed. */
  socketPath?: string;
}

export interface FakeCri {
  socket: string;
  endpoint: string;
  /** Method names in arrival order, e.g. ['Version', 'ListContainers']. */
  calls: string[];
  /** The decoded requests, in arrival order. */
  requests: Array<{ method: string; request: any }>;
  /** Resolves when `method` has been called (at least) `count` times. */
  waitForCall(method: string, count?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The service definition with one change: a handler may answer with a
 * pre-encoded Buffer, so a 20,000-container list is encoded once, not on every
 * call (the benchmark measures tcrictl, not this fake).
 */
function serviceDefinition(name: string): grpc.ServiceDefinition {
  const svc = criDefinition(false)[name] as protoLoader.ServiceDefinition;
  const out: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const [method, def] of Object.entries(svc)) {
    out[method] = { ...def, responseSerialize: (v: unknown) => (Buffer.isBuffer(v) ? v : def.responseSerialize(v as object)) };
  }
  return out as grpc.ServiceDefinition;
}

/** The wire encoding of a CRI response, e.g. to check that a list really is over 4 MiB. */
export function encode(service: 'RuntimeService' | 'ImageService', method: string, value: object): Buffer {
  const svc = criDefinition(false)[`runtime.v1.${service}`] as protoLoader.ServiceDefinition;
  return svc[method].responseSerialize(value);
}

function tempSocket(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir().length <= 60 ? os.tmpdir() : '/tmp', 'tcfake-'));
  return path.join(dir, 'cri.sock');
}

type Handler = (req: any) => object | Buffer;

const prefixMatch = (id: string, want: string | undefined) => !want || id.startsWith(want);
const labelsMatch = (labels: Record<string, string>, selector: Record<string, string> | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** The canned answers, computed from the workload, filtered as containerd filters. */
function criHandlers(w: Workload, version: Required<NonNullable<FakeCriOptions['version']>>): Record<string, Handler> {
  const encodedAll = new Map<string, Buffer>();
  const cachedAll = (service: 'RuntimeService' | 'ImageService', method: string, make: () => object): Buffer => {
    let b = encodedAll.get(method);
    if (!b) encodedAll.set(method, (b = encode(service, method, make())));
    return b;
  };
  // Encode the unfiltered lists now, so no client's first call waits for it.
  cachedAll('RuntimeService', 'ListContainers', () => ({ containers: w.containers }));
  cachedAll('RuntimeService', 'ListPodSandbox', () => ({ items: w.pods }));
  const isEmpty = (f: any) =>
    !f || (!f.id && !f.state && !f.podSandboxId && Object.keys(f.labelSelector ?? {}).length === 0);

  const findContainer = (id: string): FakeContainer => {
    const hits = w.containers.filter((c) => c.id.startsWith(id));
    if (!id || hits.length !== 1) throw notFound(`an error occurred when try to find container "${id}": not found`);
    return hits[0];
  };
  const findPod = (id: string): FakePod => {
    const hits = w.pods.filter((p) => p.id.startsWith(id));
    if (!id || hits.length !== 1) throw notFound(`an error occurred when try to find sandbox "${id}": not found`);
    return hits[0];
  };
  const findImage = (ref: string): FakeImage | undefined =>
    w.images.find((i) => i.id === ref || i.id === `sha256:${ref}` || i.repoTags.includes(ref) || i.repoDigests.includes(ref) || (ref.length >= 4 && i.id.replace(/^sha256:/, '').startsWith(ref)));

  return {
    Version: () => version,
    Status: (req) => ({
      status: {
        conditions: [
          { type: 'RuntimeReady', status: true, reason: '', message: '' },
          { type: 'NetworkReady', status: true, reason: '', message: '' },
        ],
      },
      info: req.verbose ? { config: JSON.stringify({ fake: true }) } : {},
      runtimeHandlers: [],
      features: null,
    }),
    ListContainers: (req) => {
      const f = req.filter;
      if (isEmpty(f)) return cachedAll('RuntimeService', 'ListContainers', () => ({ containers: w.containers }));
      return {
        containers: w.containers.filter(
          (c) =>
            prefixMatch(c.id, f.id) &&
            prefixMatch(c.podSandboxId, f.podSandboxId) &&
            (!f.state || c.state === f.state.state) &&
            labelsMatch(c.labels, f.labelSelector),
        ),
      };
    },
    ListPodSandbox: (req) => {
      const f = req.filter;
      if (isEmpty(f)) return cachedAll('RuntimeService', 'ListPodSandbox', () => ({ items: w.pods }));
      return {
        items: w.pods.filter((p) => prefixMatch(p.id, f.id) && (!f.state || p.state === f.state.state) && labelsMatch(p.labels, f.labelSelector)),
      };
    },
    ContainerStatus: (req) => {
      const c = findContainer(req.containerId);
      const started = c.state === 'CONTAINER_CREATED' ? '0' : c.createdAt;
      const finished = c.state === 'CONTAINER_EXITED' ? c.createdAt : '0';
      return {
        status: {
          id: c.id,
          metadata: c.metadata,
          state: c.state,
          createdAt: c.createdAt,
          startedAt: started,
          finishedAt: finished,
          exitCode: 0,
          image: c.image,
          imageRef: c.imageRef,
          reason: c.state === 'CONTAINER_EXITED' ? 'Completed' : '',
          message: '',
          labels: c.labels,
          annotations: c.annotations,
          mounts: [],
          logPath: `/var/log/pods/${c.podSandboxId}/${c.metadata.name}/0.log`,
          imageId: c.imageId,
        },
        info: req.verbose ? { info: JSON.stringify({ sandboxID: c.podSandboxId, pid: 4242 }) } : {},
      };
    },
    PodSandboxStatus: (req) => {
      const p = findPod(req.podSandboxId);
      return {
        status: {
          id: p.id,
          metadata: p.metadata,
          state: p.state,
          createdAt: p.createdAt,
          network: { ip: '10.88.0.7', additionalIps: [] },
          linux: { namespaces: { options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '' } } },
          labels: p.labels,
          annotations: p.annotations,
          runtimeHandler: p.runtimeHandler,
        },
        info: req.verbose ? { info: JSON.stringify({ pid: 4241 }) } : {},
        containersStatuses: [],
        timestamp: '0',
      };
    },
    ListImages: (req) => {
      const want = req.filter?.image?.image;
      if (!want) return { images: w.images };
      const hit = findImage(want);
      return { images: hit ? [hit] : [] };
    },
    ImageStatus: (req) => ({ image: findImage(req.image?.image ?? '') ?? null, info: {} }),
    ImageFsInfo: () => ({
      imageFilesystems: [
        {
          timestamp: String(BigInt(Date.now()) * 1_000_000n),
          fsId: { mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs' },
          usedBytes: { value: '1351680' },
          inodesUsed: { value: '130' },
        },
      ],
      containerFilesystems: [],
    }),
  };
}

class StatusError extends Error {
  constructor(readonly code: grpc.status, readonly details: string) {
    super(details);
  }
}

function notFound(details: string): StatusError {
  return new StatusError(grpc.status.NOT_FOUND, details);
}

interface Recorder {
  calls: string[];
  requests: Array<{ method: string; request: any }>;
  waiters: Array<{ method: string; count: number; resolve: () => void }>;
}

function record(rec: Recorder, method: string, request: unknown): void {
  rec.calls.push(method);
  rec.requests.push({ method, request });
  const n = rec.calls.filter((m) => m === method).length;
  rec.waiters = rec.waiters.filter((w) => {
    if (w.method === method && n >= w.count) {
      w.resolve();
      return false;
    }
    return true;
  });
}

/** One service's implementation: record, apply the override, answer or fail. */
function implement(
  serviceName: string,
  handlers: Record<string, Handler>,
  opts: FakeCriOptions,
  rec: Recorder,
  pending: Set<() => void>,
): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  const def = criDefinition(false)[`runtime.v1.${serviceName}`] as protoLoader.ServiceDefinition;
  for (const [method, mdef] of Object.entries(def)) {
    if (mdef.responseStream || mdef.requestStream) {
      impl[method] = (call: grpc.ServerWritableStream<any, any>) => {
        record(rec, method, call.request);
        const ov = opts.overrides?.[method];
        if (ov?.stream) return ov.stream(call);
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `${method} is not implemented by the fake` });
      };
      continue;
    }
    impl[method] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      record(rec, method, call.request);
      const ov = opts.overrides?.[method] ?? {};
      const answer = () => {
        if (ov.code !== undefined) return callback({ code: ov.code, details: ov.details ?? grpc.status[ov.code] });
        const h = ov.respond ?? handlers[method];
        if (!h) return callback({ code: grpc.status.UNIMPLEMENTED, details: `unknown method ${method} for service runtime.v1.${serviceName}` });
        try {
          callback(null, h(call.request));
        } catch (err) {
          if (err instanceof StatusError) callback({ code: err.code, details: err.details });
          else callback({ code: grpc.status.UNKNOWN, details: String(err) });
        }
      };
      // Never answer; stop() (forceShutdown) ends the call.
      if (ov.hang) return;
      if (ov.delayMs) {
        const t = setTimeout(() => {
          pending.delete(cancel);
          answer();
        }, ov.delayMs);
        const cancel = () => clearTimeout(t);
        pending.add(cancel);
        return;
      }
      answer();
    };
  }
  return impl;
}

/** Go gRPC's answer for a service the server does not have. */
function goUnknownService(serviceName: string, rec: Recorder): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  const def = criDefinition(false)[`runtime.v1.${serviceName}`] as protoLoader.ServiceDefinition;
  for (const method of Object.keys(def)) {
    impl[method] = (call: any, callback?: grpc.sendUnaryData<any>) => {
      record(rec, method, call.request);
      const err = { code: grpc.status.UNIMPLEMENTED, details: `unknown service runtime.v1.${serviceName}` };
      if (callback) callback(err);
      else call.emit('error', err);
    };
  }
  return impl;
}

/** A service nobody would mistake for CRI. */
const UNRELATED: grpc.ServiceDefinition = {
  Ping: {
    path: '/tcrictl.fake.Unrelated/Ping',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

function makeRecorder(): Recorder {
  return { calls: [], requests: [], waiters: [] };
}

function fakeHandle(socket: string, rec: Recorder, stop: () => Promise<void>): FakeCri {
  return {
    socket,
    endpoint: `unix://${socket}`,
    calls: rec.calls,
    requests: rec.requests,
    waitForCall(method, count = 1) {
      if (rec.calls.filter((m) => m === method).length >= count) return Promise.resolve();
      return new Promise((resolve) => rec.waiters.push({ method, count, resolve }));
    },
    stop,
  };
}

async function startSilent(socket: string, rec: Recorder, cleanupDir: string | undefined): Promise<FakeCri> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    // Read and drop whatever the client sends (its HTTP/2 preface); never write.
    rec.calls.push('(connection)');
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  let stopped: Promise<void> | undefined;
  return fakeHandle(socket, rec, () => {
    stopped ??= new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => {
        if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
        resolve();
      });
    });
    return stopped;
  });
}

/** Starts the fake; always `await fake.stop()` (in an after hook). */
export async function startFakeCri(opts: FakeCriOptions = {}): Promise<FakeCri> {
  const socket = opts.socketPath ?? tempSocket();
  fs.mkdirSync(path.dirname(socket), { recursive: true });
  const cleanupDir = opts.socketPath ? undefined : path.dirname(socket);
  const rec = makeRecorder();
  const mode = opts.mode ?? 'cri';
  if (mode === 'silent') return startSilent(socket, rec, cleanupDir);

  const server = new grpc.Server({ 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  const pending = new Set<() => void>();
  if (mode === 'cri') {
    const version = {
      version: '0.1.0',
      runtimeName: 'fakecri',
      runtimeVersion: 'v9.9.9',
      runtimeApiVersion: 'v1',
      ...opts.version,
    };
    const handlers = criHandlers(opts.workload ?? smallWorkload(), version);
    server.addService(serviceDefinition('runtime.v1.RuntimeService'), implement('RuntimeService', handlers, opts, rec, pending));
    server.addService(serviceDefinition('runtime.v1.ImageService'), implement('ImageService', handlers, opts, rec, pending));
  } else if (mode === 'go-unknown-service') {
    server.addService(serviceDefinition('runtime.v1.RuntimeService'), goUnknownService('RuntimeService', rec));
    server.addService(serviceDefinition('runtime.v1.ImageService'), goUnknownService('ImageService', rec));
  } else {
    server.addService(UNRELATED, { Ping: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.alloc(0)) });
  }
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  let stopped: Promise<void> | undefined;
  return fakeHandle(socket, rec, () => {
    stopped ??= (async () => {
      for (const cancel of pending) cancel();
      pending.clear();
      server.forceShutdown();
      if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
      else fs.rmSync(socket, { force: true });
    })();
    return stopped;
  });
}
