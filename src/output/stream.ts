/**
 * crictl's JSON of a decoded message, written straight from the decoded
 * object by a writer planned once per message type from the schema (field
 * order, maps, repeated and message fields). Big lists (ps -a on a busy node:
 * 20,000 containers) are written piece by piece: the whole document never
 * exists as one string or one converted object graph. The text is byte for
 * byte what render.ts (toProtoJson + JSON.stringify(…, null, 2)) would make,
 * except that map keys are always in sorted string order (as Go prints them),
 * where a JS object would put integer-like keys ("10") first.
 */
import type * as protobuf from 'protobufjs';
import { drained, ioStreams } from '../cli/io';
import { stdoutClosed } from '../cli/lifecycle';
import { messageType } from '../cri/proto';
import { renderMessage } from './render';

const CHUNK_CHARS = 1 << 16;

const MAP = 0;
const REPEATED = 1;
const MESSAGE = 2;
const SCALAR = 3;

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
}

const plans = new Map<protobuf.Type, Plan>();

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
    const sub = isType(field.resolvedType) ? planOf(field.resolvedType) : null;
    const kind = field.map ? MAP : field.repeated ? REPEATED : sub ? MESSAGE : SCALAR;
    plan.fields.push({ name: field.name, key: `${JSON.stringify(field.name)}: `, kind, sub });
  }
  return plan;
}

/** Characters JSON.stringify escapes in a string; without them quoting is just the quotes. */
const NEEDS_ESCAPE = /[\x00-\x1f"\\\ud800-\udfff]/;

/** JSON.stringify(v) (undefined: 'null'), answered without a call into JSON for plain strings. */
export function scalar(v: unknown): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
  return JSON.stringify(v) ?? 'null';
}

function element(sub: Plan | null, v: unknown, ind: string): string {
  return sub === null ? scalar(v) : writeMessage(sub, v, ind);
}

/**
 * One message at indentation `ind` (the indentation of the line it starts on),
 * in protojson's shape (see json.ts orderMessage): proto field order, unset
 * messages left out, map keys sorted.
 */
function writeMessage(plan: Plan, value: unknown, ind: string): string {
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
      s = scalar(v);
    } else if (f.kind === MESSAGE) {
      if (v === null || v === undefined) continue;
      s = writeMessage(f.sub!, v, inner);
    } else if (f.kind === REPEATED) {
      const arr = (v ?? []) as unknown[];
      if (arr.length === 0) s = '[]';
      else {
        s = '[\n';
        for (let j = 0; j < arr.length; j++) s += `${j ? ',\n' : ''}${deeper}${element(f.sub, arr[j], deeper)}`;
        s += `\n${inner}]`;
      }
    } else {
      const map = (v ?? {}) as Record<string, unknown>;
      const keys = Object.keys(map);
      if (keys.length === 0) s = '{}';
      else {
        keys.sort();
        s = '{\n';
        for (let j = 0; j < keys.length; j++) s += `${j ? ',\n' : ''}${deeper}${scalar(keys[j])}: ${element(f.sub, map[keys[j]], deeper)}`;
        s += `\n${inner}}`;
      }
    }
    out += `${out ? ',\n' : '{\n'}${inner}${f.key}${s}`;
  }
  return out ? `${out}\n${ind}}` : '{}';
}

export type Writer = (value: unknown, ind: string) => string;

function writerOf(type: protobuf.Type): Writer {
  const plan = planOf(type);
  return (value, ind) => writeMessage(plan, value, ind);
}

/** One decoded message as crictl prints it with -o json (render.ts). */
export function messageJson(typeName: string, msg: unknown): string {
  return writeMessage(planOf(messageType(typeName)), msg, '');
}

/**
 * `renderMessage(listType, {[field]: items}, 'json')` plus its newline, as
 * chunks. For a list message whose only field is the repeated one.
 */
export function* jsonListChunks(listType: string, field: string, items: readonly unknown[]): Generator<string> {
  const write = listWriter(listType, field);
  if (!write) {
    yield renderMessage(listType, { [field]: items }, 'json') + '\n';
    return;
  }
  yield* listChunks(field, items, write);
}

/** `{"field": [items…]}` and a newline, in chunks of about CHUNK_CHARS, each item written by `write`. */
export function* listChunks(field: string, items: readonly unknown[], write: Writer): Generator<string> {
  if (items.length === 0) {
    yield `{\n  ${JSON.stringify(field)}: []\n}\n`;
    return;
  }
  let buf = `{\n  ${JSON.stringify(field)}: [\n`;
  const last = items.length - 1;
  for (let i = 0; i <= last; i++) {
    buf += `    ${write(items[i], '    ')}${i < last ? ',\n' : '\n'}`;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}  ]\n}\n`;
}

/** The element writer of a list message whose only field is `field`, repeated; else undefined. */
function listWriter(listType: string, field: string): Writer | undefined {
  const type = messageType(listType);
  const f = type.fields[field];
  if (!f || type.fieldsArray.length !== 1 || !f.repeated || f.map) return undefined;
  f.resolve();
  return isType(f.resolvedType) ? writerOf(f.resolvedType) : scalar;
}

/**
 * Writes chunks to stdout, waiting for the reader when the pipe is full (so a
 * slow reader never makes tcrictl buffer the whole document), and stopping as
 * soon as the reader has gone (`tcrictl ps -a -o json | head`).
 */
export async function writeChunks(chunks: Iterable<string | Uint8Array>, out: NodeJS.WritableStream = ioStreams().out): Promise<void> {
  for (const chunk of chunks) {
    if (stdoutClosed()) return;
    if (!out.write(chunk)) await drained(out);
  }
}

