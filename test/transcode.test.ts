/**
 * The wire → JSON transcoders (scripts/transcoder-gen.js,
 * src/output/transcode-runtime.ts) must write byte for byte what the JSON
 * writers print for what the decoders return — `w_<type>(d_<type>(bytes))` —
 * and throw whenever the decoders throw: on random messages of every
 * transcoded type (fields out of order, sent twice, unknown fields), on
 * strings JSON escapes or that are not valid UTF-8, on odd but valid
 * encodings (long varints, map entries inside out, repeated map keys), on
 * truncated and corrupted input, and on a synthetic schema for what CRI does
 * not use (every scalar, packed repeated fields, maps of every kind, oneofs).
 * Whole lists: `-o json` through the transcoders equals the decoding path
 * (newestFirst with ties, -l/-n, pods, images, empty lists, big lists).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import type { ImageClient, RuntimeClient } from '../src/cri/client';
import { listContainers, listPods, sortImages, type ContainerListOptions, type PodListOptions } from '../src/cri/filters';
import { containersJsonDirect, listContainersJson, listImagesJson, listPodsJson, podsJsonDirect, type JsonChunks } from '../src/output/list-json';
import { DECODERS } from '../src/cri/generated/decoders';
import { JSON_WRITERS } from '../src/cri/generated/json-writers';
import { LIST_TRANSCODERS, MESSAGE_TRANSCODERS } from '../src/cri/generated/transcoders';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import type { Container, Image, PodSandbox } from '../src/cri/types';
import { jsonListChunks } from '../src/output/stream';
import * as runtime from '../src/output/transcode-runtime';
import { Gen, Long, noisyEncode, randomMessage, rng } from './decode-random';

const { transcodeOne } = runtime;

/** What the decoders return for one message (protobufjs; test/decode.test.ts shows they agree). */
function reference(type: protobuf.Type, buf: Uint8Array): unknown {
  return type.toObject(type.decode(buf), DECODE_OPTIONS);
}

/** The transcoder's text equals the writer's for `buf`, or both sides throw. */
function assertTranscodes(n: string, buf: Buffer, ind: number, what: string, transcoders = MESSAGE_TRANSCODERS, writers = JSON_WRITERS, type = messageType(n)): void {
  let want: string;
  try {
    want = writers[n](reference(type, buf), ' '.repeat(ind));
  } catch {
    assert.throws(() => transcodeOne(buf, transcoders[n], ind), `${what}: the decoder throws, the transcoder must too`);
    return;
  }
  const got = transcodeOne(buf, transcoders[n], ind);
  assert.equal(got, want, what);
}

const TRICKY = ['"', '\\', 'a"b\\c', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\u{1f600}', 'é', 'plain', '', '__proto__', '10', '9', 'x'.repeat(300)];

/** Replaces strings (values and map keys) of an encodable message with TRICKY ones, in place. */
function spice(g: Gen, type: protobuf.Type, msg: Record<string, unknown>): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === 'string' && g.rand() < 0.4 ? g.pick(TRICKY) : v);
  for (const f of type.fieldsArray) {
    const v = msg[f.name];
    if (v === undefined) continue;
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const one = (e: unknown) => (sub ? spice(g, sub, e as Record<string, unknown>) : str(e));
    if (f.map) {
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
        const key = (f as unknown as protobuf.MapField).keyType === 'string' ? (str(k) as string) : k;
        Object.defineProperty(out, key, { value: one(e), enumerable: true, writable: true, configurable: true });
      }
      msg[f.name] = out;
    } else if (f.repeated) msg[f.name] = (v as unknown[]).map(one);
    else msg[f.name] = one(v);
  }
  return msg;
}

const w = () => protobuf.Writer.create();
/** A length-delimited field with these bytes. */
const ld = (id: number, bytes: Uint8Array | number[]) => w().uint32((id << 3) | 2).bytes(Uint8Array.from(bytes)).finish();
/** A varint encoded in `extra` more bytes than it needs (valid protobuf, unusual). */
function longVarint(v: number, extra: number): number[] {
  const out: number[] = [];
  do {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  } while (v > 0);
  for (let i = 0; i < extra; i++) out.push(0x80);
  out.push(0);
  return out;
}
const cat = (...parts: Array<Uint8Array | number[]>) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const entry = (k: Uint8Array | number[], v: Uint8Array | number[]) => cat(ld(1, k), ld(2, v));
const bytesOf = (s: string) => Buffer.from(s, 'utf8');
const threw = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe('transcoders for every CRI list element type', () => {
  const names = Object.keys(MESSAGE_TRANSCODERS).sort();

  it('cover the list elements and everything in them', () => {
    for (const n of ['runtime.v1.Container', 'runtime.v1.ContainerMetadata', 'runtime.v1.ImageSpec', 'runtime.v1.PodSandbox', 'runtime.v1.PodSandboxMetadata', 'runtime.v1.Image', 'runtime.v1.Int64Value']) {
      assert.equal(typeof MESSAGE_TRANSCODERS[n], 'function', n);
    }
    assert.deepEqual(Object.keys(LIST_TRANSCODERS).sort(), ['runtime.v1.ListContainersResponse', 'runtime.v1.ListImagesResponse', 'runtime.v1.ListPodSandboxResponse']);
  });

  it('write an empty message as the writers write the defaults', () => {
    for (const n of names) for (const ind of [0, 4]) assertTranscodes(n, Buffer.alloc(0), ind, `${n} empty`);
  });

  for (const n of names) {
    it(`match the writers on random ${n} (noisy encodings, tricky strings)`, () => {
      const type = messageType(n);
      for (let seed = 1; seed <= 80; seed++) {
        const g = new Gen(rng(seed * 104729 + n.length));
        const msg = randomMessage(g, type, 3);
        if (seed % 2) spice(g, type, msg);
        assertTranscodes(n, Buffer.from(noisyEncode(g, type, msg)), g.pick([0, 4, 6]), `${n} seed ${seed}`);
      }
    });
  }

  it('decode strings as Buffer#toString does: invalid UTF-8, encoded surrogates, truncated sequences', () => {
    const bad = [[0xff, 0xfe, 0x61], [0xed, 0xa0, 0x80], [0xed, 0xb0, 0x80, 0x41], [0xc3], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xe2, 0x80, 0xa8], [0x61, 0x80, 0x62], [0xf4, 0x90, 0x80, 0x80]];
    for (const b of bad) {
      const c = cat(ld(1, b), ld(3, ld(1, b)), ld(8, entry(b, b)), ld(9, entry([0x6b], b)), ld(4, cat(ld(1, b), ld(2, entry(b, [0x76])))));
      assertTranscodes('runtime.v1.Container', c, 4, `bytes ${b}`);
    }
  });

  it('keep the last of map keys that decode alike, and sort keys as JS strings', () => {
    // \xff and \xfe both decode to U+FFFD: one key for the decoded object, the last value wins.
    const c = cat(ld(8, entry([0xff], bytesOf('first'))), ld(8, entry(bytesOf('b'), bytesOf('x'))), ld(8, entry([0xfe], bytesOf('second'))));
    assertTranscodes('runtime.v1.Container', c, 4, 'replacement-character keys');
    const keys = ['10', '9', '', '__proto__', 'a', 'A', 'é', '\u{1f600}', '\uffff', 'a"', 'a\\', 'io.kubernetes.pod.name', 'io.kubernetes.pod.namespace', 'a', '9'];
    const labels = cat(...keys.map((k, i) => ld(8, entry(bytesOf(k), bytesOf(`v${i}`)))));
    assertTranscodes('runtime.v1.Container', labels, 4, 'key order and duplicates');
    const many = cat(...Array.from({ length: 40 }, (_, i) => ld(9, entry(bytesOf(`k${(i * 7) % 23}`), bytesOf(`v${i}`)))));
    assertTranscodes('runtime.v1.Container', many, 4, 'many entries, repeated keys');
  });

  it('read map entries that are not laid out as encoders write them', () => {
    const weird = [
      cat(ld(2, bytesOf('v')), ld(1, bytesOf('k'))), // value first
      ld(2, bytesOf('only value')),
      ld(1, bytesOf('only key')),
      [],
      cat(ld(1, bytesOf('k')), ld(1, bytesOf('k2')), ld(2, bytesOf('v'))), // key twice
      cat(ld(1, bytesOf('k')), w().uint32((7 << 3) | 0).uint32(5).finish(), ld(2, bytesOf('v'))), // an unknown field
      cat([0x0a], longVarint(1, 3), bytesOf('k'), [0x12, 1], bytesOf('v')), // a long length
      cat(ld(1, bytesOf('k')), ld(2, bytesOf('v')), [0x18, 0x01]), // trailing unknown varint
    ];
    for (const [i, e] of weird.entries()) {
      assertTranscodes('runtime.v1.Container', cat(ld(8, e), ld(8, entry(bytesOf('z'), bytesOf('last')))), 4, `entry ${i}`);
      assertTranscodes('runtime.v1.PodSandbox', cat(ld(5, e), ld(6, e)), 4, `pod entry ${i}`);
    }
  });

  it('read long varints (tags, lengths, values) as protobufjs reads them', () => {
    const c = cat(
      [(1 << 3) | 2],
      longVarint(3, 4),
      bytesOf('abc'),
      [(6 << 3) | 0],
      longVarint(2, 8), // an int32 in 10 bytes: protobufjs skips the last five
      [(3 << 3) | 2],
      longVarint(4, 2),
      [0x10],
      longVarint(7, 3),
      ...[longVarint((7 << 3) | 0, 3), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]], // createdAt: -1 in 10 bytes, behind a long tag
    );
    assertTranscodes('runtime.v1.Container', c, 4, 'long varints');
    assertTranscodes('runtime.v1.Container', cat([(7 << 3) | 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 4, 'an 11-byte varint');
    assertTranscodes('runtime.v1.ContainerMetadata', cat([0x10], [0xff, 0xff, 0xff, 0xff, 0x7f]), 2, 'uint32 max');
  });

  it('throw where the decoders throw: lengths out of range, bad wire types, a replaced sub-message that is broken', () => {
    const cases: Array<[string, Buffer, boolean]> = [
      ['a string past the end (clamped)', cat([0x0a], longVarint(200, 0), bytesOf('short')), false],
      ['a sub-message past the end', cat([(3 << 3) | 2, 50, 0x0a, 0x01]), true],
      ['a broken sub-message, then a good one', cat(ld(3, [0x1a, 0x05, 0x61]), ld(3, ld(1, bytesOf('ok')))), true],
      ['a broken map entry', cat(ld(8, [0x1a, 0x09, 0x61]), ld(8, entry(bytesOf('k'), bytesOf('v')))), true],
      ['wire type 7', cat([(11 << 3) | 7, 0x00]), true],
      ['a group', cat([(11 << 3) | 3, (12 << 3) | 0, 0x01, (11 << 3) | 4]), false],
      ['an unterminated group', cat([(11 << 3) | 3, (12 << 3) | 0, 0x01]), true],
      ['an end group alone', cat([(11 << 3) | 4]), true],
      ['fixed64 past the end', cat([(11 << 3) | 1, 1, 2, 3]), true],
      ['fixed32 past the end', cat([(11 << 3) | 5, 1, 2]), true],
      ['a truncated varint', cat([(7 << 3) | 0, 0x80]), true],
      ['a length far past the end', cat([(3 << 3) | 2, 0x80, 0x80, 0x80, 0x80, 0x01]), true],
    ];
    for (const [what, c, throws] of cases) {
      assert.equal(threw(() => reference(messageType('runtime.v1.Container'), c)), throws, `${what}: the decoder`);
      for (const n of ['runtime.v1.Container', 'runtime.v1.PodSandbox', 'runtime.v1.Image']) assertTranscodes(n, c, 4, `${what} as ${n}`);
    }
    // Wire types the decoders ignore: fields are read by their declared type.
    for (const c of [cat([(4 << 3) | 0, 0x05]), cat([(1 << 3) | 0, 0x03, 0x61, 0x62, 0x63]), cat([(7 << 3) | 2, 0x05])]) assertTranscodes('runtime.v1.Container', c, 4, `wire type ${c[0] & 7}`);
    // An int64 whose last bytes run past its sub-message (protobufjs reads the fourth byte unchecked, then the length check fails).
    const uid = cat(ld(5, [0x08, 0x80, 0x80, 0x80]), ld(6, bytesOf('user')));
    assert.ok(threw(() => reference(messageType('runtime.v1.Image'), uid)), 'the decoder rejects the overrun');
    assertTranscodes('runtime.v1.Image', uid, 4, 'int64 past its sub-message');
  });

  it('throw where the decoders throw on every truncation and on random corruption of a list', () => {
    const type = messageType('runtime.v1.ListContainersResponse');
    const g = new Gen(rng(99));
    const buf = Buffer.from(noisyEncode(g, type, { containers: Array.from({ length: 3 }, () => spice(g, messageType('runtime.v1.Container'), randomMessage(g, messageType('runtime.v1.Container'), 2))) }));
    const t = LIST_TRANSCODERS['runtime.v1.ListContainersResponse'];
    const check = (b: Buffer, what: string, outcomes: { threw: number; read: number }) => {
      let decoded: { containers: unknown[] };
      try {
        decoded = DECODERS['runtime.v1.ListContainersResponse'](b) as { containers: unknown[] };
      } catch {
        outcomes.threw++;
        assert.throws(() => t.transcode(b), what);
        return;
      }
      outcomes.read++;
      const list = t.transcode(b);
      assert.equal(list.items.length, decoded.containers.length, what);
      const text = Buffer.concat([...runtime.listChunks('containers', list, list.items)].map((c) => Buffer.from(c))).toString();
      assert.equal(text, [...jsonListChunks('runtime.v1.ListContainersResponse', 'containers', decoded.containers)].join(''), what);
    };
    const outcomes = { threw: 0, read: 0 };
    for (let cut = 0; cut < buf.length; cut++) check(buf.subarray(0, cut), `cut at ${cut}`, outcomes);
    for (let i = 0; i < 1500; i++) {
      const b = Buffer.from(buf);
      for (let k = g.int(3) + 1; k > 0; k--) b[g.int(b.length)] = g.pick([0, 0x80, 0xff, 0x0a, 0x12, 0x22, g.int(256)]);
      check(b, `corruption ${i}`, outcomes);
    }
    // Both kinds happen, or the comparison proves little.
    assert.ok(outcomes.threw > 300 && outcomes.read > 300, JSON.stringify(outcomes));
  });

  it('need a Buffer (BufferReader: strings decoded as Buffer#toString)', () => {
    assert.throws(() => transcodeOne(new Uint8Array(2) as Buffer, MESSAGE_TRANSCODERS['runtime.v1.Container'], 0), /Buffer/);
  });
});

// ------------------------------------------------------------------ synthetic schema

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
  map<uint32, bytes> mbytes = 44; map<string, double> mdouble = 45; map<string, string> mss = 46;
  oneof choice { string one_s = 50; Leaf one_leaf = 51; uint64 one_u = 52; }
  optional int32 opt_i = 60; optional Color opt_c = 61;
  All child = 70; repeated All children = 71;
}
message Empty {}
message OnlyOptional { Leaf a = 1; optional string b = 2; }
message Wrap { All all = 1; int64 created_at = 2; Leaf meta = 3; string name = 4; repeated string tags = 5; Empty e = 6; OnlyOptional oo = 7; }
message WrapList { repeated Wrap items = 1; }
`;

interface Synthetic {
  transcoders: typeof MESSAGE_TRANSCODERS;
  lists: Record<string, { field: string; transcode(b: Buffer): runtime.Transcoded<runtime.Item & Record<string, unknown>> }>;
  writers: typeof JSON_WRITERS;
}

/** Transcoders and writers for SYNTHETIC, generated and compiled here with esbuild like the build does. */
function synthetic(root: protobuf.Root): Synthetic {
  const repo = path.resolve(__dirname, '..', '..');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { generateTranscoders } = require(path.join(repo, 'scripts/transcoder-gen.js')) as { generateTranscoders(r: protobuf.Root, l: object, m: string): string };
  const { generateJsonWriters } = require(path.join(repo, 'scripts/decoder-gen.js')) as { generateJsonWriters(r: protobuf.Root, n: string[]): string };
  const esbuild = require('esbuild') as { transformSync(s: string, o: object): { code: string } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const load = (ts: string) => {
    const js = esbuild.transformSync(ts, { loader: 'ts', format: 'cjs' }).code;
    const mod = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', 'require', js)(mod, mod.exports, (id: string) => (id === 'runtime' ? runtime : require(id)));
    return mod.exports;
  };
  const t = load(generateTranscoders(root, { 't.WrapList': ['createdAt', 'meta', 'name', 'tags'] }, 'runtime'));
  const wr = load(generateJsonWriters(root, ['t.WrapList', 't.All', 't.Leaf', 't.Empty', 't.OnlyOptional']));
  return { transcoders: t.MESSAGE_TRANSCODERS as Synthetic['transcoders'], lists: t.LIST_TRANSCODERS as Synthetic['lists'], writers: wr.JSON_WRITERS as Synthetic['writers'] };
}

describe('transcoders on a synthetic schema (every scalar, packed fields, maps, oneofs)', () => {
  const root = protobuf.parse(SYNTHETIC, { keepCase: false }).root;
  root.resolveAll();
  const s = synthetic(root);
  const same = (n: string, buf: Buffer, ind: number, what: string) => assertTranscodes(n, buf, ind, what, s.transcoders, s.writers, root.lookupType(n));

  it('write empty messages as the writers write the defaults', () => {
    for (const n of ['t.All', 't.Leaf', 't.Empty', 't.OnlyOptional', 't.Wrap']) same(n, Buffer.alloc(0), 2, n);
  });

  it('match the writers on random messages', () => {
    for (const n of ['t.All', 't.Wrap', 't.OnlyOptional']) {
      const type = root.lookupType(n);
      for (let seed = 1; seed <= 250; seed++) {
        const g = new Gen(rng(seed * 31 + n.length));
        const msg = randomMessage(g, type, 2);
        if (seed % 3 === 0) spice(g, type, msg);
        same(n, Buffer.from(noisyEncode(g, type, msg)), g.pick([0, 2, 4]), `${n} seed ${seed}`);
      }
    }
  });

  it('match the writers on edge values, packed and unpacked, and __proto__ keys', () => {
    const all = root.lookupType('t.All');
    const msg = {
      d: NaN,
      f: -0,
      i64: Long.fromString('-9223372036854775808'),
      u64: Long.fromString('18446744073709551615', true),
      s64: Long.fromString('-1'),
      x64: Long.fromString('18446744073709551615', true),
      sx64: Long.fromString('-9007199254740993'),
      i32: -1,
      c: 7,
      by: Uint8Array.from([0, 255, 1, 254]),
      rd: [1.5, -0, Infinity, NaN, 1e21, 5e-324],
      ri64: [Long.fromString('-1'), Long.fromString('9223372036854775807')],
      rc: [0, 2, 42, -3],
      rb: [true, false],
      rby: [Uint8Array.from([1, 2, 3]), new Uint8Array(0)],
      mleaf: { __proto__x: { s: 'v' }, '': {} },
      mint: { '-3': 'neg', '7': 'pos', '10': 'ten' },
      mbool: { true: 2, false: 9 },
      mlong: { a: Long.fromString('-5') },
      mbytes: { 1: Uint8Array.from([9]) },
      mdouble: { x: NaN, y: -0 },
      mss: { b: 'B', a: 'A', '"': '\\' },
      oneU: Long.fromString('18446744073709551615', true),
      optI: 0,
      optC: 0,
    };
    const packed = Buffer.from(all.encode(msg).finish());
    same('t.All', packed, 0, 'packed');
    const unpacked = w();
    for (const v of msg.ri64) unpacked.uint32((22 << 3) | 0).int64(v as never);
    for (const v of msg.rc) unpacked.uint32((28 << 3) | 0).int32(v);
    for (const v of msg.rd) unpacked.uint32((21 << 3) | 1).double(v);
    same('t.All', cat(unpacked.finish(), packed), 2, 'unpacked then packed');
    const proto = w();
    const e = w().uint32(10).string('__proto__').uint32(18).bytes(root.lookupType('t.Leaf').encode({ s: 'x' }).finish()).finish();
    proto.uint32((40 << 3) | 2).bytes(e);
    proto.uint32((46 << 3) | 2).bytes(w().uint32(10).string('__proto__').uint32(18).string('y').finish());
    same('t.All', Buffer.from(proto.finish()), 0, '__proto__');
  });

  it('throw where the decoders throw: a map<string, Leaf> entry without a value, broken replaced entries', () => {
    same('t.All', cat(ld(40, ld(1, bytesOf('k')))), 0, 'no value');
    same('t.All', cat(ld(40, cat(ld(1, bytesOf('k')), ld(2, [0x0a, 0x09]))), ld(40, cat(ld(1, bytesOf('k')), ld(2, [])))), 0, 'broken, then replaced');
    same('t.All', cat(ld(40, cat(ld(1, bytesOf('k')), ld(2, [0x0a, 0x09]), ld(2, [])))), 0, 'broken value, replaced in the entry');
    same('t.All', cat(ld(22, [0xff, 0xff])), 0, 'a packed run cut short');
    same('t.All', cat(ld(25, [1, 2, 3])), 0, 'packed fixed32 not a multiple of 4');
  });

  it('transcode a list and report the captured fields', () => {
    const list = root.lookupType('t.WrapList');
    const g = new Gen(rng(5));
    const items = Array.from({ length: 30 }, () => spice(g, root.lookupType('t.Wrap'), randomMessage(g, root.lookupType('t.Wrap'), 2)));
    const buf = Buffer.from(noisyEncode(g, list, { items }));
    const decoded = reference(list, buf) as { items: Array<{ createdAt: string; meta: unknown; name: string; tags: string[] }> };
    const res = s.lists['t.WrapList'].transcode(buf);
    assert.equal(res.items.length, decoded.items.length);
    res.items.forEach((k, i) => {
      const d = decoded.items[i];
      assert.deepEqual([k.createdAt, k.meta, k.name, k.tags], [d.createdAt, d.meta !== null, d.name, d.tags], `item ${i}`);
      assert.equal(res.text.toString('utf8', k.start + 4, k.end - 2), s.writers['t.Wrap'](d, '    '), `item ${i} text`);
    });
  });
});

// ------------------------------------------------------------------ whole lists

const toBytes = (chunks: JsonChunks) => Buffer.concat([...chunks].map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c))));

/** A runtime client answering every call with `bytes` (as the transport hands them over). */
function fakeClient(bytes: Buffer, listType: string): RuntimeClient & ImageClient {
  const decode = DECODERS[listType];
  const field = LIST_TRANSCODERS[listType as keyof typeof LIST_TRANSCODERS].field;
  const list = async () => (decode(bytes) as Record<string, unknown[]>)[field];
  return {
    callRaw: async (_name: string, _req: object, read: (b: Buffer, d: (b: Buffer) => unknown) => unknown) => read(bytes, decode),
    listContainers: list,
    listPodSandbox: list,
    listImages: list,
  } as unknown as RuntimeClient & ImageClient;
}

function randomContainers(g: Gen, n: number, times: string[]): Record<string, unknown>[] {
  const type = messageType('runtime.v1.Container');
  return Array.from({ length: n }, (_, i) => {
    const c = randomMessage(g, type, 2);
    c.createdAt = Long.fromString(g.pick(times));
    if (i % 5 === 0) delete c.metadata; // dropped by matchContainer
    else c.metadata = { name: `c${i}`, attempt: i % 3 };
    c.id = `${i}`.padStart(64, 'a');
    return g.rand() < 0.2 ? spice(g, type, c) : c;
  });
}

describe('-o json lists through the transcoders equal the decoding path', () => {
  const TIMES = ['0', '1', '-1', '1795614595949718902', '1795614595949718902', '1795614595949718903', '9223372036854775807', '-9223372036854775808', '42'];
  const CT = 'runtime.v1.ListContainersResponse';

  const containerCases: ContainerListOptions[] = [{ all: true }, { all: true, latest: true }, { all: true, last: 3 }, { all: true, last: 0 }, { last: 1000 }, {}];

  for (const size of [0, 1, 7, 120, 700]) {
    it(`ps: ${size} containers, shuffled createdAt with ties, with and without -l/-n`, async () => {
      const g = new Gen(rng(size + 1));
      const buf = Buffer.from(noisyEncode(g, messageType(CT), { containers: randomContainers(g, size, TIMES) }));
      const rt = fakeClient(buf, CT);
      for (const o of containerCases) {
        assert.ok(containersJsonDirect(o));
        const want = [...jsonListChunks(CT, 'containers', await listContainers(rt, undefined, o))].join('');
        const chunks = [...(await listContainersJson(rt, o))];
        assert.equal(toBytes(chunks).toString('utf8'), want, JSON.stringify(o));
        assert.deepEqual(toBytes(chunks), Buffer.from(want), `${JSON.stringify(o)} bytes`);
        for (const c of chunks) assert.ok(c.length <= 1 << 16, 'chunks of at most 64 KiB');
        if (size === 700 && !o.latest && !o.last) assert.ok(chunks.length > 1, 'a big list in several chunks');
      }
    });
  }

  it('ps: filters that need decoded containers keep the decoding path', () => {
    assert.equal(containersJsonDirect({ name: /x/ }), false);
    assert.equal(containersJsonDirect({ namespace: /x/ }), false);
    assert.equal(containersJsonDirect({ image: 'busybox' }), false);
    assert.equal(containersJsonDirect({ id: 'abc', pod: 'p', state: 'running', labels: { a: 'b' }, last: 2 }), true);
  });

  it('pods: shuffled createdAt with ties, -l/-n, pods without metadata', async () => {
    const PT = 'runtime.v1.ListPodSandboxResponse';
    const type = messageType('runtime.v1.PodSandbox');
    for (const size of [0, 3, 90]) {
      const g = new Gen(rng(size + 17));
      const items = Array.from({ length: size }, (_, i) => {
        const p = randomMessage(g, type, 2);
        p.createdAt = Long.fromString(g.pick(TIMES));
        if (i % 4 === 0) delete p.metadata;
        else p.metadata = { name: `p${i}`, namespace: 'ns', uid: `u${i}`, attempt: 1 };
        return g.rand() < 0.3 ? spice(g, type, p) : p;
      });
      const buf = Buffer.from(noisyEncode(g, messageType(PT), { items }));
      const rt = fakeClient(buf, PT);
      for (const o of [{}, { latest: true }, { last: 2 }, { state: 'ready' }] as PodListOptions[]) {
        assert.ok(podsJsonDirect(o));
        const want = [...jsonListChunks(PT, 'items', await listPods(rt, o))].join('');
        assert.equal(toBytes(await listPodsJson(rt, o)).toString('utf8'), want, `${size} ${JSON.stringify(o)}`);
      }
    }
    assert.equal(podsJsonDirect({ name: /x/ }), false);
    assert.equal(podsJsonDirect({ namespace: /x/ }), false);
  });

  it('images: sorted by first tag, first digest, then ID, with ties', async () => {
    const IT = 'runtime.v1.ListImagesResponse';
    const type = messageType('runtime.v1.Image');
    const tags = [[], ['b:1'], ['a:1'], ['a:1', 'z:9'], ['é:1'], ['"q"'], ['a:1']];
    const digests = [[], ['r@sha256:2'], ['r@sha256:1'], ['r@sha256:1', 'x@y']];
    for (const size of [0, 1, 40]) {
      const g = new Gen(rng(size + 3));
      const images = Array.from({ length: size }, (_, i) => {
        const m = randomMessage(g, type, 2);
        m.repoTags = g.pick(tags);
        m.repoDigests = g.pick(digests);
        m.id = g.pick(['sha256:1', 'sha256:2', `sha256:${i}`, '']);
        return m;
      });
      const buf = Buffer.from(noisyEncode(g, messageType(IT), { images }));
      const want = [...jsonListChunks(IT, 'images', sortImages(DECODERS[IT](buf).images as Image[]))].join('');
      assert.equal(toBytes(await listImagesJson(fakeClient(buf, IT))).toString('utf8'), want, `${size} images`);
    }
  });

  it('take the decoding path when a transcoder fails on a response the decoder reads', async () => {
    const g = new Gen(rng(8));
    const buf = Buffer.from(noisyEncode(g, messageType(CT), { containers: randomContainers(g, 20, TIMES) }));
    const rt = fakeClient(buf, CT);
    const t = LIST_TRANSCODERS[CT] as { transcode: unknown };
    const real = t.transcode;
    t.transcode = () => {
      throw new Error('transcoder bug');
    };
    try {
      const want = [...jsonListChunks(CT, 'containers', await listContainers(rt, undefined, { all: true, last: 4 }))].join('');
      assert.equal(toBytes(await listContainersJson(rt, { all: true, last: 4 })).toString('utf8'), want);
    } finally {
      t.transcode = real;
    }
  });

  it("fail with the decoder's error on a response the decoder rejects", async () => {
    const buf = Buffer.from([0x0a, 0x05, 0x0a, 0x09, 0x61]);
    const rt = fakeClient(buf, CT);
    const slow = await listContainers(rt, undefined, { all: true }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    assert.ok(slow, 'the decoder rejects it');
    await assert.rejects(listContainersJson(rt, { all: true }), (e: Error) => e.message === slow);
  });

  it('keep containers without metadata out, as matchContainer does', async () => {
    const buf = Buffer.from(messageType(CT).encode({ containers: [{ id: 'a', createdAt: 2 }, { id: 'b', metadata: {}, createdAt: 1 }] }).finish());
    const text = toBytes(await listContainersJson(fakeClient(buf, CT), { all: true })).toString('utf8');
    const parsed = JSON.parse(text) as { containers: Container[] };
    assert.deepEqual(
      parsed.containers.map((c) => c.id),
      ['b'],
    );
    assert.equal(text, [...jsonListChunks(CT, 'containers', (await listContainers(fakeClient(buf, CT), undefined, { all: true })) as Container[])].join(''));
  });

  it('use the same envelope as jsonListChunks for an empty list', async () => {
    const empty = Buffer.alloc(0);
    assert.equal(toBytes(await listContainersJson(fakeClient(empty, CT), {})).toString(), '{\n  "containers": []\n}\n');
    assert.equal(toBytes(await listPodsJson(fakeClient(empty, 'runtime.v1.ListPodSandboxResponse'), {})).toString(), '{\n  "items": []\n}\n');
    const pods: PodSandbox[] = [];
    assert.equal(toBytes(await listImagesJson(fakeClient(empty, 'runtime.v1.ListImagesResponse'))).toString(), [...jsonListChunks('runtime.v1.ListImagesResponse', 'images', pods)].join(''));
  });
});
