/**
 * The build-time generated request encoders (scripts/encoder-gen.js →
 * src/cri/generated/encoders.ts) must give exactly what protobufjs gives:
 * `type.encode(type.fromObject(obj)).finish()`, byte for byte, and where
 * fromObject throws, the same error (class and message). Checked for every
 * request type of every rpc, on random plain objects (int64 as numbers,
 * strings and Longs, enums as names, numbers and unknown names, bytes as
 * Uint8Array, Buffer and base64, explicit defaults, null and undefined), on
 * objects with values of the wrong kind anywhere, and on a synthetic schema for
 * what CRI requests do not use (yet): every scalar type, maps with other key
 * and value types, repeated enums and bytes, oneofs, recursion.
 * Also: METHODS lists every rpc of the schema, and methodCodec (src/cri/codec.ts)
 * encodes and decodes with them, loading the full protobufjs only when a
 * response has no generated decoder.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { DECODE_OPTIONS, messageType, schemaRoot } from '../src/cri/proto';
import { ENCODERS, METHODS } from '../src/cri/generated/encoders';
import { DECODERS } from '../src/cri/generated/decoders';
import { methodCodec } from '../src/cri/codec';
import { Gen, Long, noisyEncode, randomMessage, rng } from './decode-random';

type Encoder = (obj: unknown) => Uint8Array;

/** What an encoding gave: its bytes in hex, or the error it threw. */
function outcome(f: () => Uint8Array): { hex: string } | { error: string } {
  try {
    return { hex: Buffer.from(f()).toString('hex') };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

function reference(type: protobuf.Type, obj: unknown): Uint8Array {
  return type.encode(type.fromObject(obj as Record<string, unknown>)).finish();
}

function assertSameEncoding(encode: Encoder, type: protobuf.Type, obj: unknown, what: string): void {
  assert.deepStrictEqual(outcome(() => encode(obj)), outcome(() => reference(type, obj)), what);
}

// ------------------------------------------------------------ plain objects

const SIGNED64 = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9007199254740991', '-9007199254740993', '4294967296', '1795614595949718902'];
const UNSIGNED64 = ['0', '1', '18446744073709551615', '9223372036854775808', '9007199254740993'];
const NUMBERS64 = [0, -0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 4294967296, 2 ** 63, -(2 ** 64), 1.5];
const INT32 = [0, -1, 1, 2147483647, -2147483648, 4294967295, 2 ** 32 + 5, 1.7, -300];
const STRINGS = ['', 'a', 'é', '\u{1f600}', '\ud800', 'x'.repeat(300), '"\\\n\u0000', 'docker.io/library/busybox:latest'];
const MAP_KEYS = ['a', '', 'é', '10', '0', 'io.kubernetes.pod.name', '__proto__', 'toString'];

/** A value of one scalar or enum, in one of the forms fromObject accepts. */
function plainScalar(g: Gen, field: protobuf.Field): unknown {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum) {
    const names = Object.keys(t.values);
    const r = g.rand();
    if (r < 0.45) return g.pick(names);
    if (r < 0.85) return t.values[g.pick(names)];
    return g.pick(['NO_SUCH_VALUE', 99, -5, 'tcp']); // unknown: a number is kept, a name dropped
  }
  const r = g.rand();
  switch (field.type) {
    case 'int64': case 'sint64': case 'sfixed64':
      return r < 0.4 ? g.pick(SIGNED64) : r < 0.8 ? g.pick(NUMBERS64) : g.long(false);
    case 'uint64': case 'fixed64':
      return r < 0.4 ? g.pick(UNSIGNED64) : r < 0.8 ? g.pick(NUMBERS64) : g.long(true);
    case 'int32': case 'sint32': case 'sfixed32': case 'uint32': case 'fixed32':
      return r < 0.6 ? g.pick(INT32) : r < 0.9 ? g.int(2 ** 32) - 2 ** 31 : String(g.int(1000));
    case 'double': case 'float':
      return r < 0.8 ? g.pick([0, -0, 1.5, -1e300, NaN, Infinity, 3.25e10, g.rand()]) : g.pick(['NaN', '1.5', '-Infinity']);
    case 'bool':
      return r < 0.8 ? r < 0.4 : g.pick([0, 1, '', 'false']);
    case 'string':
      return r < 0.8 ? g.pick(STRINGS) : `s${g.int(1e6)}`;
    case 'bytes': {
      const raw = Uint8Array.from({ length: g.int(50) }, () => g.int(256));
      return r < 0.4 ? raw : r < 0.7 ? Buffer.from(raw) : Buffer.from(raw).toString('base64');
    }
  }
  throw new Error(`no generator for ${field.type}`);
}

function setKey(obj: Record<string, unknown>, k: string, v: unknown): void {
  // A plain assignment to "__proto__" would set the prototype; JSON.parse makes it an own key.
  Object.defineProperty(obj, k, { value: v, enumerable: true, configurable: true, writable: true });
}

/** A random plain object of `type`: the shapes callers pass (and null/undefined fields, explicit defaults). */
function plainMessage(g: Gen, type: protobuf.Type, depth: number): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    const r = g.rand();
    if (r < 0.3) continue;
    if (r < 0.38) {
      m[f.name] = g.pick([null, undefined]);
      continue;
    }
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const value = () => (sub ? (depth > 0 ? plainMessage(g, sub, depth - 1) : {}) : plainScalar(g, f));
    if (f.map) {
      const map: Record<string, unknown> = {};
      const keyType = (f as unknown as protobuf.MapField).keyType;
      for (let i = g.int(4); i > 0; i--) {
        const k = keyType === 'string' ? g.pick(MAP_KEYS) : keyType === 'bool' ? g.pick(['true', 'false']) : String(g.pick(INT32) | 0);
        setKey(map, k, value());
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

// ------------------------------------------------------------ wrong kinds

const HOSTILE: unknown[] = [null, undefined, 0, 1, -1, NaN, '', 'x', 'AAAA', 'not base64!', true, false, [], [1, 'a'], [{}], {}, { low: 1, high: 2 }, 10n, Symbol('s'), new Uint8Array([1, 2])];

/** A plain object of `type` where some values (at any depth) are of the wrong kind. */
function hostileMessage(g: Gen, type: protobuf.Type, depth: number): unknown {
  const m = plainMessage(g, type, depth);
  for (const f of type.fieldsArray) {
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const r = g.rand();
    if (r < 0.15) m[f.name] = g.pick(HOSTILE);
    else if (r < 0.25 && f.repeated) m[f.name] = [g.pick(HOSTILE), sub ? {} : plainScalar(g, f), g.pick(HOSTILE)];
    else if (r < 0.35 && f.map) m[f.name] = { k: g.pick(HOSTILE), [g.pick(MAP_KEYS)]: g.pick(HOSTILE) };
    else if (r < 0.5 && sub && !f.map && depth > 0) m[f.name] = f.repeated ? [hostileMessage(g, sub, depth - 1)] : hostileMessage(g, sub, depth - 1);
  }
  return m;
}

function allServices(root: protobuf.NamespaceBase): protobuf.Service[] {
  const out: protobuf.Service[] = [];
  for (const o of root.nestedArray) {
    if (o instanceof protobuf.Service) out.push(o);
    if (o instanceof protobuf.Namespace) out.push(...allServices(o));
  }
  return out;
}

const bare = (name: string) => name.replace(/^\./, '');

describe('generated request encoders (real schema)', () => {
  const root = schemaRoot();
  const requests = Object.keys(ENCODERS).sort();

  it('METHODS lists every rpc of every service in the schema, and nothing else', () => {
    const expected = new Map<string, { path: string; request: string; response: string; serverStreaming: boolean }>();
    for (const svc of allServices(root)) {
      for (const m of svc.methodsArray) {
        m.resolve();
        const key = `${bare(svc.fullName)}/${m.name}`;
        expected.set(key, { path: `/${key}`, request: bare(m.resolvedRequestType!.fullName), response: bare(m.resolvedResponseType!.fullName), serverStreaming: !!m.responseStream });
      }
    }
    for (const svc of ['runtime.v1.RuntimeService', 'runtime.v1.ImageService', 'containerd.services.version.v1.Version', 'containerd.services.introspection.v1.Introspection']) {
      assert.ok([...expected.keys()].some((k) => k.startsWith(`${svc}/`)), `schema has ${svc}`);
    }
    assert.deepStrictEqual(Object.keys(METHODS).sort(), [...expected.keys()].sort());
    for (const [key, want] of expected) {
      const { encode, ...entry } = METHODS[key];
      assert.deepStrictEqual(entry, want, key);
      assert.equal(encode, ENCODERS[want.request], `${key}: encoder`);
    }
    assert.deepStrictEqual(requests, [...new Set([...expected.values()].map((e) => e.request))].sort());
  });

  it('encode an empty object, null and non-objects like protobufjs', () => {
    for (const n of requests) {
      for (const obj of [{}, null, undefined, 5, 'x', [], Symbol('top')]) assertSameEncoding(ENCODERS[n], messageType(n), obj, `${n} ${String(obj)}`);
    }
    assert.throws(() => ENCODERS['runtime.v1.VersionRequest'](null), { name: 'TypeError', message: '.runtime.v1.VersionRequest: object expected' });
  });

  for (const n of requests) {
    it(`match protobufjs on random ${n}`, () => {
      const type = messageType(n);
      for (let seed = 1; seed <= 80; seed++) {
        const g = new Gen(rng(seed * 7919 + n.length));
        const obj = plainMessage(g, type, 4);
        assertSameEncoding(ENCODERS[n], type, obj, `${n} seed ${seed}`);
      }
      for (let seed = 1; seed <= 80; seed++) {
        const g = new Gen(rng(seed * 104729 + n.length));
        assertSameEncoding(ENCODERS[n], type, hostileMessage(g, type, 3), `${n} hostile seed ${seed}`);
      }
    });
  }

  it('encode explicit defaults, as protobufjs does (proto3 presence is the caller\'s object)', () => {
    const enc = ENCODERS['runtime.v1.VersionRequest'];
    assert.equal(Buffer.from(enc({ version: '' })).toString('hex'), '0a00');
    assert.equal(Buffer.from(enc({ version: undefined })).toString('hex'), '');
    assert.equal(Buffer.from(enc({ version: null })).toString('hex'), '');
    const stop = ENCODERS['runtime.v1.StopContainerRequest'];
    assert.equal(Buffer.from(stop({ containerId: 'c', timeout: 0 })).toString('hex'), '0a01631000');
  });

  it('encode 64-bit edges and enums like protobufjs', () => {
    const cases: unknown[] = [
      ...[...SIGNED64, ...NUMBERS64, 2 ** 53 - 1, -1, '-0', '+5', '0x10', 'abc', '', ' 1'].map((v) => ({ cpuPeriod: v, cpuQuota: v, memoryLimitInBytes: v })),
      { oomScoreAdj: Long.fromString('-9223372036854775808') },
      { cpuShares: { low: -1, high: 0x7fffffff } },
      { cpuShares: 123n },
    ];
    for (const obj of cases) assertSameEncoding(ENCODERS['runtime.v1.UpdateContainerResourcesRequest'], messageType('runtime.v1.UpdateContainerResourcesRequest'), { linux: obj }, JSON.stringify(obj, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    const filter = messageType('runtime.v1.ListContainersRequest');
    for (const state of ['CONTAINER_RUNNING', 'CONTAINER_EXITED', 1, 3, 99, -1, 'running', '1', null, undefined, NaN, -0]) {
      assertSameEncoding(ENCODERS['runtime.v1.ListContainersRequest'], filter, { filter: { state: { state } } }, `state ${String(state)}`);
    }
    // An unknown name leaves the field unset; a known one is written even when it is the default.
    assert.equal(Buffer.from(ENCODERS['runtime.v1.ListContainersRequest']({ filter: { state: { state: 'nope' } } })).toString('hex'), '0a021200');
    assert.equal(Buffer.from(ENCODERS['runtime.v1.ListContainersRequest']({ filter: { state: { state: 'CONTAINER_CREATED' } } })).toString('hex'), '0a0412020800');
  });

  it('throw the TypeError fromObject throws, the first one in declaration order', () => {
    const cases: Array<[string, unknown, string]> = [
      ['runtime.v1.RunPodSandboxRequest', { config: 'x' }, '.runtime.v1.RunPodSandboxRequest.config: object expected'],
      ['runtime.v1.ListContainersRequest', { filter: { labelSelector: 'x' } }, '.runtime.v1.ContainerFilter.labelSelector: object expected'],
      ['runtime.v1.ExecSyncRequest', { containerId: 'c', cmd: 'ls' }, '.runtime.v1.ExecSyncRequest.cmd: array expected'],
      ['runtime.v1.CreateContainerRequest', { config: { mounts: [null] } }, '.runtime.v1.ContainerConfig.mounts: object expected'],
      // runAsGroup (field 12) is declared before supplementalGroups (field 8): fromObject meets it first.
      ['runtime.v1.CreateContainerRequest', { config: { linux: { securityContext: { supplementalGroups: 'x', runAsGroup: 'y' } } } }, '.runtime.v1.LinuxContainerSecurityContext.runAsGroup: object expected'],
    ];
    for (const [n, obj, message] of cases) {
      assert.throws(() => ENCODERS[n](obj), { name: 'TypeError', message }, n);
      assertSameEncoding(ENCODERS[n], messageType(n), obj, n);
    }
  });
});

describe('methodCodec', () => {
  it('gives the path, the generated encoder and the generated decoder', () => {
    const c = methodCodec('runtime.v1.RuntimeService', 'ListContainers');
    assert.equal(c.path, '/runtime.v1.RuntimeService/ListContainers');
    assert.equal(c.serverStreaming, false);
    assert.equal(c.encode, ENCODERS['runtime.v1.ListContainersRequest']);
    assert.equal(c.decode, DECODERS['runtime.v1.ListContainersResponse']);
    assert.equal(methodCodec('runtime.v1.RuntimeService', 'ListContainers'), c, 'cached');
    assert.equal(methodCodec('runtime.v1.RuntimeService', 'GetContainerEvents').serverStreaming, true);
  });

  it('decode like protobufjs, with a generated decoder or the fallback', () => {
    for (const [service, name, response] of [
      ['runtime.v1.RuntimeService', 'Version', 'runtime.v1.VersionResponse'],
      ['runtime.v1.RuntimeService', 'ListContainers', 'runtime.v1.ListContainersResponse'],
      ['runtime.v1.RuntimeService', 'RunPodSandbox', 'runtime.v1.RunPodSandboxResponse'],
      ['runtime.v1.ImageService', 'PullImage', 'runtime.v1.PullImageResponse'],
      ['runtime.v1.RuntimeService', 'ListMetricDescriptors', 'runtime.v1.ListMetricDescriptorsResponse'],
    ]) {
      const type = messageType(response);
      const codec = methodCodec(service, name);
      for (let seed = 1; seed <= 20; seed++) {
        const g = new Gen(rng(seed));
        const buf = noisyEncode(g, type, randomMessage(g, type, 3));
        const got = codec.decode(buf);
        const want = type.toObject(type.decode(buf), DECODE_OPTIONS);
        assert.deepStrictEqual(got, want, `${name} seed ${seed}`);
        assert.equal(JSON.stringify(got), JSON.stringify(want), `${name} seed ${seed}: key order`);
      }
    }
    assert.equal(DECODERS['runtime.v1.RunPodSandboxResponse'], undefined, 'RunPodSandbox has no generated decoder (the fallback is tested)');
    const run = methodCodec('runtime.v1.RuntimeService', 'RunPodSandbox');
    assert.deepStrictEqual(run.decode(messageType('runtime.v1.RunPodSandboxResponse').encode({ podSandboxId: 'abc' }).finish()), { podSandboxId: 'abc' });
  });

  it('reject an unknown service or method', () => {
    assert.throws(() => methodCodec('runtime.v1.RuntimeService', 'Nope'), { message: 'unknown method runtime.v1.RuntimeService/Nope' });
    assert.throws(() => methodCodec('runtime.v1.Nope', 'Version'), { message: 'unknown method runtime.v1.Nope/Version' });
    assert.throws(() => methodCodec('runtime.v1.RuntimeService', 'toString'), { message: 'unknown method runtime.v1.RuntimeService/toString' });
  });

  it('load neither the full protobufjs nor the schema until a response needs the fallback', () => {
    const codec = path.join(__dirname, '..', 'src', 'cri', 'codec.js');
    const script = `
      const { methodCodec } = require(${JSON.stringify(codec)});
      const heavy = () => Object.keys(require.cache).filter((f) => /protobufjs[\\\\/](index|src[\\\\/](index|type|root))\\.js$|[\\\\/]cri[\\\\/](proto|decode)\\.js$/.test(f)).length;
      const v = methodCodec('runtime.v1.RuntimeService', 'Version');
      v.decode(Buffer.from(v.encode({ version: 'v1' })));
      methodCodec('runtime.v1.RuntimeService', 'RunPodSandbox').encode({ config: { metadata: { name: 'p' } } });
      const before = heavy();
      methodCodec('runtime.v1.RuntimeService', 'RunPodSandbox').decode(Buffer.alloc(0));
      console.log(JSON.stringify([before, heavy()]));`;
    const [before, after] = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as number[];
    assert.equal(before, 0, 'nothing heavy loaded by encoding and generated decoding');
    assert.ok(after > 0, 'the fallback loads protobufjs and the schema (so the check above can see them)');
  });
});

// ------------------------------------------------------------ synthetic schema

const SYNTHETIC = `
syntax = "proto3";
package t;
enum Color { option allow_alias = true; RED = 0; GREEN = 1; BLUE = 2; AZURE = 2; NEG = -3; }
message Leaf { string s = 1; int64 n = 2; }
message Empty {}
message All {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 x32 = 9; fixed64 x64 = 10; sfixed32 sx32 = 11; sfixed64 sx64 = 12;
  bool b = 13; string s = 14; bytes by = 15; Color c = 16; Leaf leaf = 17;
  repeated double rd = 21; repeated int64 ri64 = 22; repeated uint64 ru64 = 23; repeated sint64 rs64 = 24;
  repeated fixed32 rx32 = 25; repeated sfixed64 rsx64 = 26; repeated bool rb = 27; repeated Color rc = 28;
  repeated string rs = 29; repeated bytes rby = 30; repeated Leaf rleaf = 31; repeated float rf = 32; repeated sint32 rs32 = 33;
  repeated int32 unpacked = 34 [packed = false];
  map<string, Leaf> mleaf = 40; map<int32, string> mint = 41; map<bool, Color> mbool = 42; map<string, int64> mlong = 43;
  map<uint32, bytes> mbytes = 44; map<string, double> mdouble = 45; map<int64, string> mkey64 = 46; map<sint32, Empty> mempty = 47;
  oneof choice { string one_s = 50; Leaf one_leaf = 51; uint64 one_u = 52; }
  optional int32 opt_i = 60; optional Color opt_c = 61;
  string value_of = 62; Empty empty = 63;
  All child = 70; repeated All children = 71;
}
message Order { repeated string late = 9; Leaf first = 1; map<string, string> mid = 5; Leaf also = 2; }
message Node { Node child = 1; Empty end = 2; int32 v = 3; }
service S {
  rpc Do(All) returns (Empty);
  rpc Sort(Order) returns (Leaf);
  rpc Deep(Node) returns (stream Node);
  rpc Nothing(Empty) returns (Empty);
}
`;

/** Generated encoders for SYNTHETIC, compiled here with esbuild like the build does. */
function syntheticEncoders(root: protobuf.Root): { ENCODERS: Record<string, Encoder>; METHODS: typeof METHODS } {
  const repo = path.resolve(__dirname, '..', '..');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generateEncoders } = require(path.join(repo, 'scripts/encoder-gen.js')) as { generateEncoders(r: protobuf.Root, m: string): string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as { transformSync(s: string, o: object): { code: string } };
  const js = esbuild.transformSync(generateEncoders(root, 'runtime'), { loader: 'ts', format: 'cjs' }).code;
  const mod = { exports: {} as { ENCODERS: Record<string, Encoder>; METHODS: typeof METHODS } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require('../src/cri/encode-runtime');
  new Function('module', 'exports', 'require', js)(mod, mod.exports, (id: string) => (id === 'runtime' ? runtime : require(id)));
  return mod.exports;
}

describe('generated request encoders (synthetic schema: every scalar, maps, oneofs, recursion)', () => {
  const root = protobuf.parse(SYNTHETIC, { keepCase: false }).root;
  root.resolveAll();
  const { ENCODERS: enc, METHODS: methods } = syntheticEncoders(root);

  it('cover every rpc and its request types', () => {
    assert.deepStrictEqual(Object.keys(methods).sort(), ['t.S/Deep', 't.S/Do', 't.S/Nothing', 't.S/Sort']);
    assert.deepStrictEqual(Object.keys(enc).sort(), ['t.All', 't.Empty', 't.Node', 't.Order']);
    assert.equal(methods['t.S/Deep'].serverStreaming, true);
  });

  for (const n of ['t.All', 't.Order', 't.Node', 't.Empty']) {
    it(`match protobufjs on random and hostile ${n}`, () => {
      const type = root.lookupType(n);
      for (let seed = 1; seed <= 300; seed++) {
        const g = new Gen(rng(seed));
        assertSameEncoding(enc[n], type, plainMessage(g, type, 2), `${n} seed ${seed}`);
        assertSameEncoding(enc[n], type, hostileMessage(g, type, 2), `${n} hostile seed ${seed}`);
      }
    });
  }

  it('match protobufjs on list elements and map values fromObject drops or defaults', () => {
    const all = root.lookupType('t.All');
    const cases: unknown[] = [
      { rc: ['GREEN', 'nope', 7, null, 'AZURE', 'NEG', -3] },
      { rby: ['AQID', 5] }, // a bytes element fromObject cannot use at the end: the list is shorter
      { rby: [5, 'AQID'] }, // … and in the middle: protobufjs' encoder throws on the hole
      { rby: ['AQI', ''] },
      { mbool: { true: 'nope', false: 'BLUE', x: 2 } },
      { mbytes: { 1: 5, 2: 'AQID', 3: new Uint8Array([9]) } },
      { mkey64: { '-1': 'a', 18446744073709551615: 'b', x: 'c' }, mint: { '-7': 'a', 2147483648: 'b' } },
      { mempty: { 1: {}, 2: 'x' } },
      JSON.parse('{"mleaf": {"__proto__": {"s": "p"}}, "mbool": {"__proto__": "nope"}}'),
      { oneS: 'a', oneU: '5', oneLeaf: { s: 'b' } }, // several members of one oneof: all written, like protobufjs
      { optI: 0, optC: 'RED', valueOf: '', empty: {}, unpacked: [1, -1, 0] },
    ];
    for (const obj of cases) assertSameEncoding(enc['t.All'], all, obj, JSON.stringify(obj));
  });

  it('report the first error in declaration order, not field-number order', () => {
    const order = root.lookupType('t.Order');
    const obj = { late: 'x', first: 'y', mid: 'z', also: 'w' };
    assert.throws(() => enc['t.Order'](obj), { name: 'TypeError', message: '.t.Order.late: array expected' });
    assertSameEncoding(enc['t.Order'], order, obj, 'order');
    assertSameEncoding(enc['t.Order'], order, { first: { s: 'a' }, mid: { b: '1', a: '2' }, late: ['1', '2'], also: {} }, 'written by number');
  });

  it('stop at protobufjs\' nesting limits with its errors', () => {
    const node = root.lookupType('t.Node');
    const chain = (depth: number, end: unknown): unknown => {
      let obj: unknown = end;
      for (let i = 0; i < depth; i++) obj = { child: obj, v: i };
      return obj;
    };
    for (const depth of [99, 100, 101, 102]) {
      for (const end of [{ v: 1 }, { end: {} }, {}]) {
        const obj = chain(depth, end);
        assertSameEncoding(enc['t.Node'], node, obj, `depth ${depth} ${JSON.stringify(end)}`);
      }
    }
    assert.throws(() => enc['t.Node'](chain(101, {})), { message: 'maximum nesting depth exceeded' });
    assert.throws(() => enc['t.Node'](chain(100, { end: {} })), { message: 'max depth exceeded' });
  });
});
