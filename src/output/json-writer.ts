/**
 * crictl's JSON of a decoded message, written straight from the decoded
 * object by a writer planned once per message type from the schema (field
 * order, maps, repeated and message fields). Big lists (ps -a on a busy node:
 * 20,000 containers) are written piece by piece (stream.ts): the whole document
 * never exists as one string or one converted object graph. The text is byte for
 * byte what render.ts (toProtoJson + JSON.stringify(…, null, 2)) would make,
 * except that map keys are always in sorted string order (as Go prints them),
 * where a JS object would put integer-like keys ("10") first.
 *
 * Two shapes of decoded message come in: proto-loader's plain objects
 * (DECODE_OPTIONS: int64 as strings, enums as names), and, for `ps -o json`,
 * protobufjs' own messages (src/cri/raw-codec.ts: int64 as Long, enums as
 * numbers, unset fields from the prototype), which are converted while
 * written, once per value: on 20,000 containers the toObject copy cost as
 * much as the decode.
 */
import type * as protobuf from 'protobufjs';
import { int64Of } from '../cri/int64';
import { messageType } from '../cri/proto';

const MAP = 0;
const REPEATED = 1;
const MESSAGE = 2;
const SCALAR = 3;

/** What a protobufjs message holds where toObject would have made a string. */
const PLAIN = 0;
const LONG = 1;
const ENUM = 2;
const BYTES = 3;

/** How one message type is written: its fields in proto order. */
interface Plan {
  fields: FieldPlan[];
}

interface FieldPlan {
  name: string;
  key: string; // '"name": '
  kind: typeof MAP | typeof REPEATED | typeof MESSAGE | typeof SCALAR;
  /** The element's plan (messages), or null (scalars). */
  sub: Plan | null;
  /** Only written when set (a oneof member, proto3 optional): toObject leaves these out otherwise. */
  oneof: boolean;
  conv: number;
  enumNames?: Record<number, string>;
}

const plans = new Map<protobuf.Type, Plan>();
const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function isType(t: unknown): t is protobuf.Type {
  return !!t && (t as protobuf.Type).fieldsArray !== undefined;
}

function planOf(type: protobuf.Type): Plan {
  const known = plans.get(type);
  if (known) return known;
  const plan: Plan = { fields: [] };
  plans.set(type, plan); // before planning the fields: messages may refer to themselves
  for (const field of type.fieldsArray) {
    field.resolve();
    const rt = field.resolvedType;
    const sub = isType(rt) ? planOf(rt) : null;
    const kind = field.map ? MAP : field.repeated ? REPEATED : sub ? MESSAGE : SCALAR;
    const isEnum = !!rt && !sub;
    const conv = isEnum ? ENUM : LONGS.has(field.type) ? LONG : field.type === 'bytes' ? BYTES : PLAIN;
    const oneof = !!field.partOf && !field.map && !field.repeated;
    plan.fields.push({ name: field.name, key: `${JSON.stringify(field.name)}: `, kind, sub, oneof, conv, enumNames: isEnum ? (rt as protobuf.Enum).valuesById : undefined });
  }
  return plan;
}

type PbUtil = { base64: { encode(b: Uint8Array, start: number, end: number): string } };
let util: PbUtil | undefined;
const pbUtil = (): PbUtil => (util ??= (require('protobufjs') as { util: PbUtil }).util);

/** A protobufjs message's scalar as toObject (DECODE_OPTIONS) would have left it. */
function converted(f: FieldPlan, v: unknown): unknown {
  switch (f.conv) {
    case LONG:
      return typeof v === 'number' ? String(v) : int64Of(v as { toString(): string }).toString();
    case ENUM: {
      const name = f.enumNames![v as number];
      return name === undefined ? v : name;
    }
    case BYTES:
      return pbUtil().base64.encode(v as Uint8Array, 0, (v as Uint8Array).length);
    default:
      return v;
  }
}

/** Characters JSON.stringify escapes in a string; without them quoting is just the quotes. */
const NEEDS_ESCAPE = /[\x00-\x1f"\\\ud800-\udfff]/;

/** JSON.stringify(v) (undefined: 'null'), answered without a call into JSON for plain strings. */
function scalar(v: unknown): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
  return JSON.stringify(v) ?? 'null';
}

function element(f: FieldPlan, v: unknown, ind: string, pb: boolean): string {
  if (f.sub !== null) return writeMessage(f.sub, v, ind, pb);
  return scalar(pb && f.conv !== PLAIN ? converted(f, v) : v);
}

/**
 * One message at indentation `ind` (the indentation of the line it starts on),
 * in protojson's shape (see json.ts orderMessage): proto field order, unset
 * messages left out, map keys sorted. `pb`: a protobufjs message, not a plain object.
 */
function writeMessage(plan: Plan, value: unknown, ind: string, pb: boolean): string {
  if (value === null || value === undefined) return 'null';
  const msg = value as Record<string, unknown>;
  const inner = `${ind}  `;
  const deeper = `${inner}  `;
  const fields = plan.fields;
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = msg[f.name];
    let s: string;
    if (f.kind === SCALAR) {
      if (v === undefined) continue;
      // An unset oneof member: absent from a plain object, null on a message's prototype.
      if (f.oneof && (v === null || !Object.prototype.hasOwnProperty.call(msg, f.name))) continue;
      s = element(f, v, inner, pb);
    } else if (f.kind === MESSAGE) {
      if (v === null || v === undefined) continue;
      s = writeMessage(f.sub!, v, inner, pb);
    } else if (f.kind === REPEATED) {
      const arr = (v ?? []) as unknown[];
      if (arr.length === 0) s = '[]';
      else {
        s = '[\n';
        for (let j = 0; j < arr.length; j++) s += `${j ? ',\n' : ''}${deeper}${element(f, arr[j], deeper, pb)}`;
        s += `\n${inner}]`;
      }
    } else {
      const map = (v ?? {}) as Record<string, unknown>;
      const keys = Object.keys(map);
      if (keys.length === 0) s = '{}';
      else {
        keys.sort();
        s = '{\n';
        for (let j = 0; j < keys.length; j++) s += `${j ? ',\n' : ''}${deeper}${scalar(keys[j])}: ${element(f, map[keys[j]], deeper, pb)}`;
        s += `\n${inner}}`;
      }
    }
    out += `${out ? ',\n' : '{\n'}${inner}${f.key}${s}`;
  }
  return out ? `${out}\n${ind}}` : '{}';
}

/** Writes one list element at indentation `ind`. */
export type Writer = (value: unknown, ind: string) => string;

/** One decoded message (a plain object) as crictl prints it with -o json (render.ts). */
export function messageJson(typeName: string, msg: unknown): string {
  return writeMessage(planOf(messageType(typeName)), msg, '', false);
}

/** The element writer of a list message whose only field is `field`, repeated (of messages, if `pb`); else undefined. */
export function listWriter(listType: string, field: string, pb: boolean): Writer | undefined {
  const type = messageType(listType);
  const f = type.fields[field];
  if (!f || type.fieldsArray.length !== 1 || !f.repeated || f.map) return undefined;
  f.resolve();
  const rt = f.resolvedType;
  if (!isType(rt)) return pb ? undefined : scalar;
  const plan = planOf(rt);
  return (value, ind) => writeMessage(plan, value, ind, pb);
}
