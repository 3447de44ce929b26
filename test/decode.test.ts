/**
 * The build-time generated decoders (scripts/decoder-gen.js) must return
 * exactly what protobufjs returns: `type.toObject(type.decode(buf),
 * DECODE_OPTIONS)`, same values and same key order, for every response type
 * they cover, on random messages with edge values, fields out of order,
 * repeated singular fields, unknown fields, packed and unpacked repeated
 * scalars, and on a synthetic schema for what CRI does not use (yet): maps
 * with message, enum, bool and int keys/values, oneofs, every scalar type.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import { DECODERS } from '../src/cri/generated/decoders';
import { decoderFor } from '../src/cri/decode';

const Long = protobuf.util.Long as unknown as {
  fromString(s: string, unsigned?: boolean): unknown;
  fromBits(lo: number, hi: number, unsigned?: boolean): unknown;
};

/** Deterministic PRNG (mulberry32): a failure names its seed and reproduces. */
function rng(seed: number): () => number {
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

class Gen {
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
function randomMessage(g: Gen, type: protobuf.Type, depth: number): Record<string, unknown> {
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
function noisyEncode(g: Gen, type: protobuf.Type, msg: Record<string, unknown>): Uint8Array {
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

/** Same values (deepStrictEqual) and the same key order everywhere (JSON text). */
function assertSame(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${what}: key order`);
}

function reference(type: protobuf.Type, buf: Uint8Array): unknown {
  return type.toObject(type.decode(buf), DECODE_OPTIONS);
}

describe('generated decoders (real schema)', () => {
  const names = Object.keys(DECODERS).sort();

  it('cover the responses tcrictl reads, including ListContainersResponse', () => {
    for (const n of ['runtime.v1.ListContainersResponse', 'runtime.v1.VersionResponse', 'runtime.v1.ListImagesResponse', 'runtime.v1.ListPodSandboxResponse']) {
      assert.ok(names.includes(n), n);
    }
  });

  it('decode an empty message to all defaults', () => {
    for (const n of names) assertSame(DECODERS[n](new Uint8Array(0)), reference(messageType(n), new Uint8Array(0)), n);
  });

  for (const n of names) {
    it(`match protobufjs on random ${n}`, () => {
      const type = messageType(n);
      for (let seed = 1; seed <= 60; seed++) {
        const g = new Gen(rng(seed * 7919 + n.length));
        const buf = noisyEncode(g, type, randomMessage(g, type, 3));
        assertSame(DECODERS[n](buf), reference(type, buf), `${n} seed ${seed}`);
      }
    });
  }

  it('read a large ListContainersResponse like protobufjs', () => {
    const type = messageType('runtime.v1.ListContainersResponse');
    const containers = Array.from({ length: 300 }, (_, i) => ({
      id: `${i}`.padStart(64, 'c'),
      podSandboxId: 'p'.repeat(64),
      metadata: { name: `c${i}`, attempt: i },
      image: { image: 'busybox', annotations: { z: '1' } },
      imageRef: 'sha256:' + 'a'.repeat(64),
      state: i % 4,
      createdAt: Long.fromString(`${1795614595949718902n + BigInt(i)}`),
      labels: { 'io.kubernetes.pod.name': `p${i}`, 'io.kubernetes.pod.namespace': 'default' },
      annotations: i % 2 ? { a: 'b' } : {},
    }));
    const buf = type.encode({ containers }).finish();
    assertSame(DECODERS['runtime.v1.ListContainersResponse'](buf), reference(type, buf), 'ListContainersResponse');
  });

  it('reject truncated input like protobufjs', () => {
    const type = messageType('runtime.v1.ListContainersResponse');
    const buf = type.encode({ containers: [{ id: 'abc', labels: { a: 'b' }, createdAt: 5 }] }).finish();
    for (let cut = 1; cut < buf.length; cut++) {
      const part = buf.subarray(0, cut);
      let ref: unknown;
      try {
        ref = reference(type, part);
      } catch {
        assert.throws(() => DECODERS['runtime.v1.ListContainersResponse'](part), `cut at ${cut}`);
        continue;
      }
      assertSame(DECODERS['runtime.v1.ListContainersResponse'](part), ref, `cut at ${cut}`);
    }
  });

  it('decoderFor falls back to protobufjs for types without a generated decoder', () => {
    const type = messageType('runtime.v1.RemoveContainerResponse');
    assert.equal(DECODERS['runtime.v1.RemoveContainerResponse'], undefined);
    assertSame(decoderFor(type)(new Uint8Array(0)), {}, 'fallback');
    const cfg = messageType('runtime.v1.ContainerConfig');
    const buf = cfg.encode({ metadata: { name: 'x' }, labels: { a: 'b' } }).finish();
    assertSame(decoderFor(cfg)(buf), reference(cfg, buf), 'fallback ContainerConfig');
  });
});

const SYNTHETIC = `
syntax = "proto3";
package t;
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message Leaf { string s = 1; int64 n = 2; }
message All {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 x32 = 9; fixed64 x64 = 10; sfixed32 sx32 = 11; sfixed64 sx64 = 12;
  bool b = 13; string s = 14; bytes by = 15; Color c = 16; Leaf leaf = 17;
  repeated double rd = 21; repeated int64 ri64 = 22; repeated uint64 ru64 = 23; repeated sint64 rs64 = 24;
  repeated fixed32 rx32 = 25; repeated sfixed64 rsx64 = 26; repeated bool rb = 27; repeated Color rc = 28;
  repeated string rs = 29; repeated bytes rby = 30; repeated Leaf rleaf = 31; repeated float rf = 32; repeated sint32 rs32 = 33;
  map<string, Leaf> mleaf = 40; map<int32, string> mint = 41; map<bool, Color> mbool = 42; map<string, int64> mlong = 43;
  map<uint32, bytes> mbytes = 44; map<string, double> mdouble = 45;
  oneof choice { string one_s = 50; Leaf one_leaf = 51; uint64 one_u = 52; }
  optional int32 opt_i = 60; optional Color opt_c = 61;
  All child = 70; repeated All children = 71;
}
message Empty {}
`;

/** Generated decoders for SYNTHETIC, compiled here with esbuild like the build does. */
function syntheticDecoders(root: protobuf.Root): Record<string, (b: Uint8Array) => unknown> {
  const repo = path.resolve(__dirname, '..', '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateDecoders } = require(path.join(repo, 'scripts/decoder-gen.js')) as { generateDecoders(r: protobuf.Root, n: string[], m: string): string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as { transformSync(s: string, o: object): { code: string } };
  const ts = generateDecoders(root, ['t.All', 't.Empty', 't.Leaf'], 'runtime');
  const js = esbuild.transformSync(ts, { loader: 'ts', format: 'cjs' }).code;
  const mod = { exports: {} as { DECODERS: Record<string, (b: Uint8Array) => unknown> } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require('../src/cri/decode-runtime');
  new Function('module', 'exports', 'require', js)(mod, mod.exports, (id: string) => (id === 'runtime' ? runtime : require(id)));
  return mod.exports.DECODERS;
}

describe('generated decoders (synthetic schema: every scalar, maps, oneofs)', () => {
  const root = protobuf.parse(SYNTHETIC, { keepCase: false }).root;
  root.resolveAll();
  const decoders = syntheticDecoders(root);
  const all = root.lookupType('t.All');

  it('decode empty messages to all defaults', () => {
    for (const n of ['t.All', 't.Empty', 't.Leaf']) assertSame(decoders[n](new Uint8Array(0)), reference(root.lookupType(n), new Uint8Array(0)), n);
  });

  it('match protobufjs on random messages', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const g = new Gen(rng(seed));
      const buf = noisyEncode(g, all, randomMessage(g, all, 2));
      assertSame(decoders['t.All'](buf), reference(all, buf), `seed ${seed}`);
    }
  });

  it('match protobufjs on edge values, packed and unpacked', () => {
    const msg = {
      i64: Long.fromString('-9223372036854775808'),
      u64: Long.fromString('18446744073709551615', true),
      s64: Long.fromString('-1'),
      x64: Long.fromString('18446744073709551615', true),
      sx64: Long.fromString('-9007199254740993'),
      i32: -1,
      c: 7,
      ri64: [Long.fromString('-1'), Long.fromString('9223372036854775807')],
      rc: [0, 2, 42],
      mleaf: { __proto__x: { s: 'v' }, '': {} },
      mint: { '-3': 'neg', '7': 'pos' },
      oneU: Long.fromString('18446744073709551615', true),
      optI: 0,
    };
    const packed = all.encode(msg).finish();
    assertSame(decoders['t.All'](packed), reference(all, packed), 'packed');
    const unpacked = protobuf.Writer.create();
    for (const v of msg.ri64) unpacked.uint32((22 << 3) | 0).int64(v as never);
    for (const v of msg.rc) unpacked.uint32((28 << 3) | 0).int32(v);
    const mixed = Buffer.concat([unpacked.finish(), packed]);
    assertSame(decoders['t.All'](mixed), reference(all, mixed), 'unpacked then packed');
  });

  it('keep a "__proto__" map key as an own property', () => {
    const w = protobuf.Writer.create();
    const entry = protobuf.Writer.create().uint32(10).string('__proto__').uint32(18).bytes(root.lookupType('t.Leaf').encode({ s: 'x' }).finish()).finish();
    w.uint32((40 << 3) | 2).bytes(entry);
    const buf = w.finish();
    const got = decoders['t.All'](buf) as { mleaf: Record<string, unknown> };
    assertSame(got, reference(all, buf), '__proto__');
    assert.ok(Object.prototype.hasOwnProperty.call(got.mleaf, '__proto__'));
  });
});
