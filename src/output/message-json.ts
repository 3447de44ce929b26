/**
 * crictl's JSON written straight from protobufjs' decoded messages (the
 * rawMessage answers of src/cri/raw-codec.ts), byte for byte what stream.ts
 * writes from proto-loader's toObject copy: the conversions toObject would
 * make (int64 Long → decimal string, enum number → name, bytes → base64,
 * oneof members only when set) are made while writing, once per value.
 * Unset fields read the defaults protobufjs keeps on each message prototype.
 */
import type * as protobuf from 'protobufjs';
import { int64Of } from '../cri/filters';
import { messageType } from '../cri/proto';
import { listChunks, scalar, type Writer } from './stream';

const PLAIN = 0;
const LONG = 1;
const ENUM = 2;
const BYTES = 3;

interface Field {
  name: string;
  key: string; // '"name": '
  map: boolean;
  repeated: boolean;
  /** Only written when set (a oneof member, proto3 optional): toObject leaves these out otherwise. */
  oneof: boolean;
  sub: Plan | null;
  conv: number;
  enumNames?: Record<number, string>;
}

interface Plan {
  fields: Field[];
}

type PbUtil = { base64: { encode(b: Uint8Array, start: number, end: number): string } };
let util: PbUtil | undefined;
const pbUtil = (): PbUtil => (util ??= (require('protobufjs') as { util: PbUtil }).util);

const plans = new Map<protobuf.Type, Plan>();
const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function planOf(type: protobuf.Type): Plan {
  const known = plans.get(type);
  if (known) return known;
  const plan: Plan = { fields: [] };
  plans.set(type, plan); // before planning the fields: messages may refer to themselves
  for (const f of type.fieldsArray) {
    f.resolve();
    const rt = f.resolvedType as (protobuf.Type & protobuf.Enum) | null;
    const isMsg = !!rt && rt.fieldsArray !== undefined;
    const isEnum = !!rt && !isMsg;
    plan.fields.push({
      name: f.name,
      key: `${JSON.stringify(f.name)}: `,
      map: f.map,
      repeated: f.repeated,
      oneof: !!f.partOf && !f.map && !f.repeated,
      sub: isMsg ? planOf(rt) : null,
      conv: isEnum ? ENUM : LONGS.has(f.type) ? LONG : f.type === 'bytes' ? BYTES : PLAIN,
      enumNames: isEnum ? rt.valuesById : undefined,
    });
  }
  return plan;
}

/** A scalar as toObject (DECODE_OPTIONS) would have left it. */
function converted(f: Field, v: unknown): unknown {
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

function element(f: Field, v: unknown, ind: string): string {
  return f.sub === null ? scalar(f.conv === PLAIN ? v : converted(f, v)) : writeMessage(f.sub, v, ind);
}

/** One decoded message at indentation `ind`, as stream.ts writeMessage writes its toObject copy. */
function writeMessage(plan: Plan, value: unknown, ind: string): string {
  if (value === null || value === undefined) return 'null';
  const msg = value as Record<string, unknown>;
  const inner = `${ind}  `;
  const deeper = `${inner}  `;
  let out = '';
  for (const f of plan.fields) {
    const v = msg[f.name];
    let s: string;
    if (f.map) {
      const map = (v ?? {}) as Record<string, unknown>;
      const keys = Object.keys(map);
      if (keys.length === 0) s = '{}';
      else {
        keys.sort();
        s = '{\n';
        for (let j = 0; j < keys.length; j++) s += `${j ? ',\n' : ''}${deeper}${scalar(keys[j])}: ${element(f, map[keys[j]], deeper)}`;
        s += `\n${inner}}`;
      }
    } else if (f.repeated) {
      const arr = (v ?? []) as unknown[];
      if (arr.length === 0) s = '[]';
      else {
        s = '[\n';
        for (let j = 0; j < arr.length; j++) s += `${j ? ',\n' : ''}${deeper}${element(f, arr[j], deeper)}`;
        s += `\n${inner}]`;
      }
    } else {
      if (v === null || v === undefined) continue;
      if (f.oneof && !Object.prototype.hasOwnProperty.call(msg, f.name)) continue;
      s = element(f, v, inner);
    }
    out += `${out ? ',\n' : '{\n'}${inner}${f.key}${s}`;
  }
  return out ? `${out}\n${ind}}` : '{}';
}

/**
 * stream.ts jsonListChunks for a list of decoded messages: `listType`'s only
 * field, `field`, repeated, holds them.
 */
export function messageListChunks(listType: string, field: string, items: readonly unknown[]): Generator<string> {
  const type = messageType(listType);
  const f = type.fields[field];
  const rt = f?.resolve().resolvedType as protobuf.Type | null;
  if (!f || type.fieldsArray.length !== 1 || !f.repeated || f.map || !rt || rt.fieldsArray === undefined) {
    throw new Error(`message-json: ${listType}.${field} is not a list message's one repeated message field`);
  }
  const plan = planOf(rt);
  const write: Writer = (v, ind) => writeMessage(plan, v, ind);
  return listChunks(field, items, write);
}
