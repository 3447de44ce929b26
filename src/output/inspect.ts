/**
 * The status commands (inspect, inspectp, inspecti, info, imagefsinfo) as
 * current crictl prints them (`outputStatusData`): `{"status": …, <info key>: …}`
 * with every key sorted, one object for one ID and an array for several;
 * plus their `-o table` text forms.
 */
import { CliError } from '../cli/cli-error';
import { messageType } from '../cri/proto';
import type { ContainerStatus, Image, PodSandboxStatus } from '../cri/types';
import { ago, humanSize, safeCell } from './format';
import { sortKeysDeep, toProtoJson } from './json';
import { toYaml } from './render';
import { GO_ZERO_TIME, goTimeString, rfc3339Nano } from './time';
import { mapBlock } from './containers';

type JsonObject = Record<string, unknown>;

export interface StatusData {
  /** The status message, already in proto JSON form. */
  status?: unknown;
  /** info: only when non-empty (Go's nil slice is left out). */
  runtimeHandlers?: unknown[];
  /** info: only when the runtime set the message. */
  features?: unknown;
  info?: Record<string, string>;
}

/** One status object: info values that start with "{" are embedded as JSON, others are strings with `"` trimmed. */
export function statusObject(d: StatusData): JsonObject {
  const out: JsonObject = {};
  if (d.status !== undefined) out.status = d.status;
  if (d.runtimeHandlers && d.runtimeHandlers.length > 0) out.runtimeHandlers = d.runtimeHandlers;
  if (d.features !== undefined && d.features !== null) out.features = d.features;
  for (const k of Object.keys(d.info ?? {}).sort()) {
    const v = d.info![k];
    if (v.startsWith('{')) {
      try {
        out[k] = JSON.parse(v);
      } catch (err) {
        throw new CliError(`unmarshal status info JSON (key "${k}"): ${(err as Error).message}`);
      }
    } else out[k] = v.replace(/^"+|"+$/g, '');
  }
  return out;
}

/** Go's encoding/json escapes these inside strings; they can only occur inside strings. */
export function goJsonEscape(text: string): string {
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One entry → the object; several → an array (crictl v1.31+). Nothing for no entries. */
export function renderStatusData(list: StatusData[], format: 'json' | 'yaml'): string {
  if (list.length === 0) return '';
  const objects = list.map(statusObject);
  const value = sortKeysDeep(objects.length === 1 ? objects[0] : objects);
  return format === 'json' ? goJsonEscape(JSON.stringify(value, null, 2)) : toYaml(value);
}

/**
 * crictl re-marshals the status through the Go struct: every top-level field
 * is present (unset messages as null), and the times become RFC3339Nano strings.
 */
function withAllTopFields(typeName: string, msg: unknown): JsonObject {
  const obj = (toProtoJson(typeName, msg ?? {}) ?? {}) as JsonObject;
  for (const f of messageType(typeName).fieldsArray) if (!(f.name in obj)) obj[f.name] = null;
  return obj;
}

export function containerStatusJson(s: ContainerStatus | null): JsonObject {
  const obj = withAllTopFields('runtime.v1.ContainerStatus', s);
  const state = s?.state ?? 'CONTAINER_CREATED';
  obj.createdAt = rfc3339Nano(s?.createdAt ?? '0');
  obj.startedAt = state !== 'CONTAINER_CREATED' ? rfc3339Nano(s?.startedAt ?? '0') : GO_ZERO_TIME;
  const finished = state === 'CONTAINER_EXITED' || (state === 'CONTAINER_UNKNOWN' && BigInt(s?.finishedAt || '0') > 0n);
  obj.finishedAt = finished ? rfc3339Nano(s?.finishedAt ?? '0') : GO_ZERO_TIME;
  return obj;
}

export function podStatusJson(s: PodSandboxStatus | null): JsonObject {
  const obj = withAllTopFields('runtime.v1.PodSandboxStatus', s);
  obj.createdAt = rfc3339Nano(s?.createdAt ?? '0');
  return obj;
}

/** inspecti marshals the Image directly: unset messages are left out. */
export function imageStatusJson(img: Image): unknown {
  return toProtoJson('runtime.v1.Image', img);
}

interface Feature {
  [k: string]: unknown;
}

/** Go's json.Marshal of the proto structs (snake_case tags, omitempty), as crictl prints runtimeHandlers. */
export function runtimeHandlersJson(handlers: readonly { name?: string; features?: Feature | null }[] | undefined): unknown[] {
  return (handlers ?? []).map((h) => {
    const out: JsonObject = {};
    if (h.name) out.name = h.name;
    if (h.features) out.features = snakeOmitEmpty(h.features);
    return out;
  });
}

/** Go's json.Marshal of a flat proto message of bools/strings: snake_case keys, zero values left out. */
export function snakeOmitEmpty(msg: Feature): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(msg)) {
    if (v === false || v === '' || v === 0 || v === null || v === undefined) continue;
    out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return out;
}

// ---------------------------------------------------------------- -o table

/** Go's `%v` of a map[string]string: `map[k1:v1 k2:v2]`, keys sorted. */
export function goMapString(m: Record<string, string> | null | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return `map[${keys.map((k) => `${k}:${m![k]}`).join(' ')}]`;
}

export interface StatusResponse<S> {
  status: S | null;
  info: Record<string, string>;
}

export function containerStatusTable(r: StatusResponse<ContainerStatus>, verbose: boolean, nowMs?: number): string {
  const s = r.status;
  const lines = [`ID: ${safeCell(s?.id ?? '')}`];
  if (s?.metadata) {
    if (s.metadata.name) lines.push(`Name: ${safeCell(s.metadata.name)}`);
    if (s.metadata.attempt) lines.push(`Attempt: ${s.metadata.attempt}`);
  }
  const state = s?.state ?? 'CONTAINER_CREATED';
  lines.push(`State: ${state}`, `Created: ${ago(s?.createdAt ?? '0', nowMs)}`);
  if (state !== 'CONTAINER_CREATED') lines.push(`Started: ${ago(s?.startedAt ?? '0', nowMs)}`);
  if (state === 'CONTAINER_EXITED') {
    if (BigInt(s?.finishedAt || '0') > 0n) lines.push(`Finished: ${ago(s!.finishedAt, nowMs)}`);
    lines.push(`Exit Code: ${s?.exitCode ?? 0}`);
  }
  lines.push(...mapBlock('Labels', s?.labels), ...mapBlock('Annotations', s?.annotations));
  if (verbose) lines.push(`Info: ${safeCell(goMapString(r.info))}`);
  return lines.join('\n') + '\n';
}

interface PodNetwork {
  ip: string;
  additionalIps: { ip: string }[];
}

export function podStatusTable(r: StatusResponse<PodSandboxStatus & { network?: PodNetwork | null }>, verbose: boolean): string {
  const s = r.status;
  const lines = [`ID: ${safeCell(s?.id ?? '')}`];
  const m = s?.metadata;
  if (m) {
    if (m.name) lines.push(`Name: ${safeCell(m.name)}`);
    if (m.uid) lines.push(`UID: ${safeCell(m.uid)}`);
    if (m.namespace) lines.push(`Namespace: ${safeCell(m.namespace)}`);
    lines.push(`Attempt: ${m.attempt}`);
  }
  lines.push(`Status: ${s?.state ?? 'SANDBOX_READY'}`, `Created: ${goTimeString(s?.createdAt ?? '0')}`);
  if (s?.network) {
    lines.push(`IP Addresses: ${safeCell(s.network.ip)}`);
    for (const ip of s.network.additionalIps ?? []) lines.push(`Additional IP: ${safeCell(ip.ip)}`);
  }
  lines.push(...mapBlock('Labels', s?.labels), ...mapBlock('Annotations', s?.annotations));
  if (verbose) lines.push(`Info: ${safeCell(goMapString(r.info))}`);
  return lines.join('\n') + '\n';
}

export function imageStatusTable(r: { image: Image; info: Record<string, string> }, verbose: boolean): string {
  const lines = [`ID: ${safeCell(r.image.id)}`];
  for (const t of r.image.repoTags) lines.push(`Tag: ${safeCell(t)}`);
  for (const d of r.image.repoDigests) lines.push(`Digest: ${safeCell(d)}`);
  lines.push(`Size: ${humanSize(Number(r.image.size || '0'), 3)}`);
  if (verbose) lines.push(`Info: ${safeCell(goMapString(r.info))}`);
  return lines.join('\n') + '\n';
}

interface FilesystemUsage {
  timestamp: string;
  fsId: { mountpoint: string } | null;
  usedBytes: { value: string } | null;
  inodesUsed: { value: string } | null;
}

export interface ImageFsInfo {
  imageFilesystems: FilesystemUsage[];
  containerFilesystems: FilesystemUsage[];
}

/** HEAD's `imagefsinfo -o table` (note the space after "Filesystem"). */
export function imageFsInfoTable(r: ImageFsInfo): string {
  const block = (label: string, list: FilesystemUsage[] | undefined) => [
    `${label} Filesystem `,
    ...(list ?? []).flatMap((fs, i) => [
      `TimeStamp[${i}]: ${fs.timestamp || '0'}`,
      `Disk[${i}]: ${humanSize(Number(fs.usedBytes?.value ?? '0'), 4)}`,
      `Inodes[${i}]: ${fs.inodesUsed?.value ?? '0'}`,
      `Mountpoint[${i}]: ${safeCell(fs.fsId?.mountpoint ?? '')}`,
    ]),
  ];
  return [...block('Container', r.containerFilesystems), ...block('Image', r.imageFilesystems)].join('\n') + '\n';
}
