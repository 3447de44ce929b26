/**
 * Steps 2 and 3 of the cascade: containerd's own API (which still answers
 * when CRI is broken) and the CRI calls. Every call has a deadline no longer
 * than the timeout (and never past the run's budget); calls of one step run
 * concurrently. Failures become data, never exceptions.
 */
import { status as GrpcStatus } from '../../cri/status';
import { execFile } from 'node:child_process';
import { Connection } from '../../cri/connection';
import { RpcError } from '../../cri/rpc-error';
import type { ContainerdFacts, ContainerFacts, CriCondition, CriFacts, PluginFacts, RpcFailure } from '../facts';

export const INTROSPECTION = 'containerd.services.introspection.v1.Introspection';
export const CTD_VERSION = 'containerd.services.version.v1.Version';
export const RUNTIME = 'runtime.v1.RuntimeService';
export const IMAGE = 'runtime.v1.ImageService';

export interface RpcContext {
  conn: Connection;
  timeoutMs: number;
  /** Absolute time (ms) by which the whole run must be over. */
  deadline: number;
  signal?: AbortSignal;
}

export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: RpcFailure; ms: number };

export function toFailure(err: unknown): RpcFailure {
  if (err instanceof RpcError) return { code: err.code, codeName: GrpcStatus[err.code] ?? String(err.code), details: err.details };
  return { code: GrpcStatus.UNKNOWN, codeName: 'UNKNOWN', details: err instanceof Error ? err.message : String(err) };
}

export async function call<T>(ctx: RpcContext, service: string, method: string, req: object = {}): Promise<Outcome<T>> {
  const started = Date.now();
  const left = ctx.deadline - started;
  if (left <= 0) return { ok: false, error: { code: GrpcStatus.DEADLINE_EXCEEDED, codeName: 'DEADLINE_EXCEEDED', details: 'time budget of the diagnosis exhausted' }, ms: 0 };
  try {
    const value = await ctx.conn.unary<T>(service, method, req, { timeoutMs: Math.min(ctx.timeoutMs, left), signal: ctx.signal });
    return { ok: true, value, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, error: toFailure(err), ms: Date.now() - started };
  }
}

export const isUnimplemented = (e: RpcFailure | undefined) => e?.code === GrpcStatus.UNIMPLEMENTED;

interface RawPlugin {
  type: string;
  id: string;
  exports: Record<string, string>;
  initErr: { code: number; message: string } | null;
}

export async function collectContainerd(ctx: RpcContext): Promise<ContainerdFacts> {
  const [version, plugins, server] = await Promise.all([
    call<{ version: string; revision: string }>(ctx, CTD_VERSION, 'Version'),
    call<{ plugins: RawPlugin[] }>(ctx, INTROSPECTION, 'Plugins', { filters: [] }),
    call<{ deprecations: { id: string; message: string }[] }>(ctx, INTROSPECTION, 'Server'),
  ]);
  const facts: ContainerdFacts = { errors: {} };
  if (version.ok) facts.version = { version: version.value.version, revision: version.value.revision };
  else facts.errors.Version = version.error;
  if (plugins.ok) {
    facts.plugins = plugins.value.plugins.map(
      (p): PluginFacts => ({
        type: p.type,
        id: p.id,
        exports: p.exports ?? {},
        initErr: p.initErr ? { code: p.initErr.code, message: p.initErr.message } : undefined,
      }),
    );
  } else facts.errors.Plugins = plugins.error;
  if (server.ok) facts.deprecations = (server.value.deprecations ?? []).map((d) => ({ id: d.id, message: d.message }));
  else facts.errors.Server = server.error;
  // "unknown service containerd…" on both: this socket is not containerd (CRI-O, cri-dockerd).
  facts.notContainerd = !version.ok && isUnimplemented(version.error) && !plugins.ok && isUnimplemented(plugins.error);
  return facts;
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface RawStatus {
  status: { conditions: CriCondition[] } | null;
  info: Record<string, string>;
  runtimeHandlers?: { name: string }[];
}

interface RawImageFs {
  imageFilesystems: { fsId: { mountpoint: string } | null; usedBytes: { value: string } | null; inodesUsed: { value: string } | null }[];
}

interface RawContainer {
  id: string;
  podSandboxId: string;
  metadata: { name: string; attempt: number } | null;
  state: string;
  labels: Record<string, string>;
}

/** CRI Version, verbose Status, RuntimeConfig, ImageFsInfo, and the list calls the kubelet makes every second (timed). */
export async function collectCri(ctx: RpcContext, knownVersion?: CriFacts['version']): Promise<{ facts: CriFacts; containers?: RawContainer[] }> {
  const [version, status, runtimeConfig, imageFs, pods, containers] = await Promise.all([
    knownVersion ? Promise.resolve(undefined) : call<NonNullable<CriFacts['version']>>(ctx, RUNTIME, 'Version', { version: 'v1' }),
    call<RawStatus>(ctx, RUNTIME, 'Status', { verbose: true }),
    call<{ linux: { cgroupDriver: 'SYSTEMD' | 'CGROUPFS' } | null }>(ctx, RUNTIME, 'RuntimeConfig'),
    call<RawImageFs>(ctx, IMAGE, 'ImageFsInfo'),
    call<{ items: { runtimeHandler?: string }[] }>(ctx, RUNTIME, 'ListPodSandbox', { filter: {} }),
    call<{ containers: RawContainer[] }>(ctx, RUNTIME, 'ListContainers', { filter: {} }),
  ]);
  const facts: CriFacts = { timings: [], errors: {} };
  const record = (method: string, o: Outcome<unknown> | undefined) => {
    if (!o) return;
    facts.timings.push({ method, ms: o.ms, error: o.ok ? undefined : o.error });
    if (!o.ok) facts.errors[method] = o.error;
  };
  facts.version = knownVersion;
  if (version?.ok) facts.version = version.value;
  record('Version', version);
  record('Status', status);
  record('ImageFsInfo', imageFs);
  record('ListPodSandbox', pods);
  record('ListContainers', containers);
  if (!runtimeConfig.ok && !isUnimplemented(runtimeConfig.error)) facts.errors.RuntimeConfig = runtimeConfig.error;
  if (runtimeConfig.ok && runtimeConfig.value.linux) facts.cgroupDriver = runtimeConfig.value.linux.cgroupDriver;
  if (status.ok) {
    facts.conditions = status.value.status?.conditions ?? [];
    const info = status.value.info ?? {};
    facts.config = parseJson(info.config);
    facts.cniConfig = parseJson(info.cniconfig);
    if (info.lastCNILoadStatus !== undefined) facts.lastCNILoadStatus = info.lastCNILoadStatus;
    facts.runtimeHandlers = (status.value.runtimeHandlers ?? []).map((h) => h.name);
  }
  if (pods.ok) {
    facts.sandboxHandlers = {};
    for (const p of pods.value.items ?? []) facts.sandboxHandlers[p.runtimeHandler ?? ''] = (facts.sandboxHandlers[p.runtimeHandler ?? ''] ?? 0) + 1;
  }
  if (imageFs.ok) {
    facts.imageFilesystems = imageFs.value.imageFilesystems.map((f) => ({
      mountpoint: f.fsId?.mountpoint ?? '',
      usedBytes: f.usedBytes ? Number(f.usedBytes.value) : undefined,
      inodesUsed: f.inodesUsed ? Number(f.inodesUsed.value) : undefined,
    }));
  }
  return { facts, containers: containers.ok ? containers.value.containers : undefined };
}

/** The latest attempt of each pod container that has exited, with its exit code and reason. */
export async function collectExitedContainers(ctx: RpcContext, containers: RawContainer[], limit = 20): Promise<ContainerFacts[]> {
  const latest = new Map<string, RawContainer>();
  for (const c of containers) {
    const key = `${c.podSandboxId}/${c.metadata?.name ?? c.id}`;
    const prev = latest.get(key);
    if (!prev || (c.metadata?.attempt ?? 0) > (prev.metadata?.attempt ?? 0)) latest.set(key, c);
  }
  const exited = [...latest.values()].filter((c) => c.state === 'CONTAINER_EXITED').slice(0, limit);
  const statuses = await Promise.all(
    exited.map((c) => call<{ status: { exitCode: number; reason: string } | null }>(ctx, RUNTIME, 'ContainerStatus', { containerId: c.id })),
  );
  return exited.map((c, i) => {
    const st = statuses[i];
    return {
      id: c.id,
      name: c.metadata?.name ?? c.id,
      pod: c.labels?.['io.kubernetes.pod.name'] ?? c.podSandboxId.slice(0, 13),
      namespace: c.labels?.['io.kubernetes.pod.namespace'] ?? '',
      attempt: c.metadata?.attempt ?? 0,
      state: c.state,
      exitCode: st.ok ? st.value.status?.exitCode : undefined,
      reason: st.ok ? st.value.status?.reason : undefined,
    };
  });
}

/** `containerd --version`, for when the daemon cannot be asked (F16 needs the version). */
export function containerdBinaryVersion(binary: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: timeoutMs }, (err, stdout) => {
      if (err) return resolve(undefined);
      // "containerd github.com/containerd/containerd 1.6.20~ds1 <revision>"
      resolve(/\s(v?\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1]);
    });
  });
}
