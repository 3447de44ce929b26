/**
 * Random protobuf messages for the decoder and JSON writer tests: a seeded
 * generator, random messages of any type (edge values for every scalar), and
 * an encoder that sends fields out of order, repeated scalars packed or not,
 * singular fields twice and unknown fields of every wire type.
 */
import * as protobuf from 'protobufjs';

export const Long = protobuf.util.Long as unknown as {
  fromString(s: string, unsigned?: boolean): unknown;
  fromBits(lo: number, hi: number, unsigned?: boolean): unknown;
};

/** Deterministic PRNG (mulberry32): a failure names its seed and reproduces. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIGNED64 = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '4294967295', '4294967296', '-4294967296', '-4294967297', '9007199254740991', '9007199254740992', '-9007199254740992', '-9007199254740993', '1795614595949718902', '-1795614595949718902'];
const UNSIGNED64 = ['0', '1', '18446744073709551615', '9223372036854775808', '4294967296', '9007199254740993', '1795614595949718902'];
const INT32 = [0, 1, -1, 2147483647, -2147483648, 127, 128, 16384, -300];
const UINT32 = [0, 1, 127, 128, 4294967295, 2147483648, 300];
const STRINGS = ['', 'a', '__proto__', 'toString', '0', '10', 'é', '\u{1f600}', 'x'.repeat(200), '"\\\n\u0000'];

export class Gen {
  constructor(readonly rand: () => number) {}
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  long(unsigned: boolean): unknown {
    if (this.rand() < 0.6) return Long.fromString(this.pick(unsigned ? UNSIGNED64 : SIGNED64), unsigned);
    return Long.fromBits(this.int(2 ** 32) | 0, this.int(2 ** 32) | 0, unsigned);
  }
  scalar(type: string, resolved: protobuf.ReflectionObject | null): unknown {
    if (resolved instanceof protobuf.Enum) {
      const ids = Object.keys(resolved.valuesById).map(Number);
      return this.rand() < 0.8 ? this.pick(ids) : this.pick([99, -5, 2147483647]); // unknown values stay numbers
    }
    switch (type) {
      case 'int64': case 'sint64': case 'sfixed64': return this.long(false);
      case 'uint64': case 'fixed64': return this.long(true);
      case 'int32': case 'sint32': case 'sfixed32': return this.rand() < 0.5 ? this.pick(INT32) : (this.int(2 ** 32) | 0);
      case 'uint32': case 'fixed32': return this.rand() < 0.5 ? this.pick(UINT32) : this.int(2 ** 32);
      case 'double': return this.pick([0, -0, 1.5, -1e300, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, this.rand() * 1e9]);
      case 'float': return Math.fround(this.pick([0, -0, 1.5, -3.25e10, NaN, -Infinity, this.rand() * 1e6]));
      case 'bool': return this.rand() < 0.5;
      case 'string': return this.rand() < 0.5 ? this.pick(STRINGS) : `s${this.int(1e6)}`;
      case 'bytes': return Uint8Array.from({ length: this.int(40) }, () => this.int(256));
    }
    throw new Error(`no generator for ${type}`);
  }
}

/** A random message of `type` in protobufjs' encodable form (Longs, enum numbers, Uint8Arrays). */
export function randomMessage(g: Gen, type: protobuf.Type, depth: number): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const oneofDone = new Set<string>();
  for (const f of type.fieldsArray) {
    f.resolve();
    if (g.rand() < 0.35) continue;
    if (f.partOf) {
      if (oneofDone.has(f.partOf.name)) continue;
      oneofDone.add(f.partOf.name);
    }
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const value = () => (sub ? (depth > 0 ? randomMessage(g, sub, depth - 1) : {}) : g.scalar(f.type, f.resolvedType));
    if (f.map) {
      const map: Record<string, unknown> = {};
      for (let i = g.int(4); i > 0; i--) {
        const keyType = (f as unknown as protobuf.MapField).keyType;
        const k = keyType === 'string' ? g.scalar('string', null) : keyType === 'bool' ? String(g.rand() < 0.5) : String(g.scalar(keyType, null));
        map[k as string] = value();
      }
      m[f.name] = map;
    } else if (f.repeated) {
      m[f.name] = Array.from({ length: g.int(4) }, value);
    } else {
      m[f.name] = value();
    }
  }
  return m;
}

const WIRE: Record<string, number> = { double: 1, fixed64: 1, sfixed64: 1, float: 5, fixed32: 5, sfixed32: 5 };

/**
 * Encodes `msg` field by field in a random order, with nested messages encoded
 * the same way, repeated scalars packed or not, singular fields sometimes sent
 * twice (the last wins) and unknown fields of every wire type mixed in.
 */
export function noisyEncode(g: Gen, type: protobuf.Type, msg: Record<string, unknown>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of type.fieldsArray) {
    const v = msg[f.name];
    if (v === undefined) continue;
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    if (sub && !f.map) {
      const values = f.repeated ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>];
      const w = protobuf.Writer.create();
      for (const e of values) w.uint32((f.id << 3) | 2).bytes(noisyEncode(g, sub, e));
      parts.push(w.finish());
    } else if (f.repeated && !f.map && f.type !== 'string' && f.type !== 'bytes' && g.rand() < 0.5) {
      const w = protobuf.Writer.create() as unknown as Record<string, (x: unknown) => unknown> & protobuf.Writer;
      const t = f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
      for (const e of v as unknown[]) {
        w.uint32((f.id << 3) | (WIRE[t] ?? 0));
        w[t](e);
      }
      parts.push(w.finish());
    } else {
      if (!f.repeated && !f.map && g.rand() < 0.15) {
        // The same field twice: protobufjs keeps the last value.
        const other = sub ? {} : f.resolvedType instanceof protobuf.Enum ? 0 : undefined;
        if (other !== undefined) parts.push(type.encode({ [f.name]: other }).finish());
      }
      parts.push(type.encode({ [f.name]: v }).finish());
    }
  }
  if (g.rand() < 0.5) parts.push(unknownFields(g, type));
  for (let i = parts.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    [parts[i], parts[j]] = [parts[j], parts[i]];
  }
  return Buffer.concat(parts);
}

function unknownFields(g: Gen, type: protobuf.Type): Uint8Array {
  let id = 1000;
  while (type.fieldsById[id]) id++;
  const w = protobuf.Writer.create();
  w.uint32((id << 3) | 0).uint64('18446744073709551615');
  w.uint32((id << 3) | 1).fixed64(7);
  w.uint32((id << 3) | 2).string('unknown \u{1f600}');
  w.uint32((id << 3) | 5).fixed32(9);
  w.uint32((id << 3) | 3).uint32(((id + 1) << 3) | 0).uint32(5).uint32((id << 3) | 4); // a group
  if (g.rand() < 0.5) w.uint32((id << 3) | 2).bytes(Uint8Array.from([8, 1, 0x12, 0]));
  return w.finish();
}

