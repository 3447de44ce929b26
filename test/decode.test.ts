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
import { signedDecimal, unsignedDecimal } from '../src/cri/decode-runtime';
import { Gen, Long, noisyEncode, randomMessage, rng } from './decode-random';

/** Same values (deepStrictEqual) and the same key order everywhere (JSON text). */
function assertSame(actual: unknown, expected: unknown, what: string): void {
  assert.deepStrictEqual(actual, expected, what);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${what}: key order`);
}

function reference(type: protobuf.Type, buf: Uint8Array): unknown {
  return type.toObject(type.decode(buf), DECODE_OPTIONS);
}

describe('64-bit integers in decimal', () => {
  it('agree with BigInt on edges and random bit patterns, signed and unsigned', () => {
    const edges = [0, 1, 9, 10, 0x7fffffff, 0x80000000, 0xffffffff, 0x1fffff, 0x200000, 0xffe00000, 0xffdfffff, 0xfffffffe];
    const pairs: Array<[number, number]> = [];
    for (const lo of edges) for (const hi of edges) pairs.push([lo, hi]);
    const rand = rng(42);
    const u32 = () => Math.floor(rand() * 2 ** 32);
    for (let i = 0; i < 50_000; i++) pairs.push([u32(), i % 2 ? u32() : u32() >>> Math.floor(rand() * 32)]);
    for (const [lo, hi] of pairs) {
      const bits = (BigInt(hi) << 32n) | BigInt(lo);
      assert.equal(unsignedDecimal(lo, hi), bits.toString(), `unsigned ${hi}:${lo}`);
      assert.equal(signedDecimal(lo, hi), BigInt.asIntN(64, bits).toString(), `signed ${hi}:${lo}`);
    }
  });
});

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
