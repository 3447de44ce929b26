/**
 * crictl-compatible JSON (Go protojson with EmitDefaultValues): lowerCamelCase
 * names in proto field order, int64 as strings, enums as names, defaults
 * emitted, unset message fields omitted, map keys sorted.
 */
import type * as protobuf from 'protobufjs';
import { messageType } from '../cri/proto';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function convertValue(field: protobuf.Field, value: unknown): Json {
  const rt = field.resolvedType;
  if (rt && (rt as protobuf.Type).fieldsArray !== undefined) return orderMessage(rt as protobuf.Type, value as Record<string, unknown>);
  return value as Json;
}

/** Reorders a decoded message (see DECODE_OPTIONS) into protojson's shape. */
export function orderMessage(type: protobuf.Type, msg: Record<string, unknown> | null | undefined): Json {
  if (msg === null || msg === undefined) return null;
  const out: Record<string, Json> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    const name = field.name;
    const value = msg[name];
    if (field.map) {
      const map = (value ?? {}) as Record<string, unknown>;
      const sorted: Record<string, Json> = {};
      for (const k of Object.keys(map).sort()) sorted[k] = convertValue(field, map[k]);
      out[name] = sorted;
    } else if (field.repeated) {
      out[name] = ((value ?? []) as unknown[]).map((v) => convertValue(field, v));
    } else if (field.resolvedType && (field.resolvedType as protobuf.Type).fieldsArray !== undefined) {
      if (value !== null && value !== undefined) out[name] = convertValue(field, value);
    } else if (value !== undefined) {
      out[name] = value as Json;
    }
  }
  return out;
}

export function toProtoJson(typeName: string, msg: unknown): Json {
  return orderMessage(messageType(typeName), msg as Record<string, unknown>);
}

/** Deep copy with object keys sorted, as Go's json.Marshal of a map does. */
export function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function stringifyJson(v: unknown): string {
  return JSON.stringify(v, null, 2);
}
