/**
 * Big lists (ps -a on a busy node: 20,000 containers) rendered piece by
 * piece: the whole document never exists as one string, one Buffer or one
 * converted object graph, and each message is written straight from the
 * decoded object by a writer compiled once per message type. The text is
 * byte for byte what render.ts (toProtoJson + JSON.stringify(…, null, 2)) makes.
 */
import type * as protobuf from 'protobufjs';
import { stdoutClosed } from '../cli/lifecycle';
import { messageType } from '../cri/proto';
import { renderMessage } from './render';

const CHUNK_CHARS = 1 << 16;

/** Writes one value at indentation `ind` (the indentation of the line it starts on). */
type Writer = (value: unknown, ind: string) => string;

const scalar: Writer = (v) => JSON.stringify(v) ?? 'null';
const writers = new Map<protobuf.Type, Writer>();

function isType(t: unknown): t is protobuf.Type {
  return !!t && (t as protobuf.Type).fieldsArray !== undefined;
}

interface FieldPlan {
  name: string;
  key: string; // '"name": '
  kind: 'map' | 'repeated' | 'message' | 'scalar';
  elem: Writer;
}

/** protojson's shape (see json.ts orderMessage): proto field order, unset messages left out, map keys sorted. */
function messageWriter(type: protobuf.Type): Writer {
  const known = writers.get(type);
  if (known) return known;
  const plan: FieldPlan[] = [];
  const write: Writer = (value, ind) => {
    if (value === null || value === undefined) return 'null';
    const msg = value as Record<string, unknown>;
    const inner = `${ind}  `;
    const deeper = `${inner}  `;
    let out = '';
    for (const f of plan) {
      const v = msg[f.name];
      let s: string;
      if (f.kind === 'map') {
        const map = (v ?? {}) as Record<string, unknown>;
        const keys = Object.keys(map).sort();
        s = keys.length === 0 ? '{}' : `{\n${keys.map((k) => `${deeper}${JSON.stringify(k)}: ${f.elem(map[k], deeper)}`).join(',\n')}\n${inner}}`;
      } else if (f.kind === 'repeated') {
        const arr = (v ?? []) as unknown[];
        s = arr.length === 0 ? '[]' : `[\n${arr.map((e) => `${deeper}${f.elem(e, deeper)}`).join(',\n')}\n${inner}]`;
      } else if (f.kind === 'message') {
        if (v === null || v === undefined) continue;
        s = f.elem(v, inner);
      } else {
        if (v === undefined) continue;
        s = scalar(v, inner);
      }
      out += `${out ? ',\n' : ''}${inner}${f.key}${s}`;
    }
    return out ? `{\n${out}\n${ind}}` : '{}';
  };
  writers.set(type, write); // before planning: messages may refer to themselves
  for (const field of type.fieldsArray) {
    field.resolve();
    const sub = isType(field.resolvedType) ? messageWriter(field.resolvedType) : scalar;
    const kind = field.map ? 'map' : field.repeated ? 'repeated' : isType(field.resolvedType) ? 'message' : 'scalar';
    plan.push({ name: field.name, key: `${JSON.stringify(field.name)}: `, kind, elem: sub });
  }
  return write;
}

/** One decoded message as render.ts would print it (used by the tests to compare). */
export function messageJson(typeName: string, msg: unknown): string {
  return messageWriter(messageType(typeName))(msg, '');
}

/**
 * `renderMessage(listType, {[field]: items}, 'json')` plus its newline, as
 * chunks. For a list message whose only field is the repeated one.
 */
export function* jsonListChunks(listType: string, field: string, items: readonly unknown[]): Generator<string> {
  const type = messageType(listType);
  const f = type.fields[field];
  if (!f || type.fieldsArray.length !== 1 || !f.repeated || f.map) {
    yield renderMessage(listType, { [field]: items }, 'json') + '\n';
    return;
  }
  f.resolve();
  const write = isType(f.resolvedType) ? messageWriter(f.resolvedType) : scalar;
  if (items.length === 0) {
    yield `{\n  ${JSON.stringify(field)}: []\n}\n`;
    return;
  }
  let buf = `{\n  ${JSON.stringify(field)}: [\n`;
  for (let i = 0; i < items.length; i++) {
    buf += `    ${write(items[i], '    ')}${i < items.length - 1 ? ',' : ''}\n`;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}  ]\n}\n`;
}

/**
 * Writes chunks to stdout, waiting for the reader when the pipe is full (so a
 * slow reader never makes tcrictl buffer the whole document), and stopping as
 * soon as the reader has gone (`tcrictl ps -a -o json | head`).
 */
export async function writeChunks(chunks: Iterable<string>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  for (const chunk of chunks) {
    if (stdoutClosed()) return;
    if (!out.write(chunk)) await drained(out);
  }
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.removeListener('drain', done);
      out.removeListener('close', done);
      out.removeListener('error', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
    out.once('error', done);
  });
}
