/**
 * json-writer.ts also writes from protobufjs' decoded messages (no toObject,
 * `{ pb: true }`): it must print byte for byte what it prints from
 * proto-loader's toObject copy (DECODE_OPTIONS) of the same bytes, for every field kind the
 * CRI lists have: int64 and uint64 (Long), enums (known and unknown numbers),
 * maps, repeated, unset and set message fields, wrapper messages, escapes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import { newestFirst } from '../src/cri/filters';
import { int64Of } from '../src/cri/int64';
import { jsonListChunks } from '../src/output/stream';

const join = (it: Iterable<string>) => [...it].join('');

/** The same wire bytes decoded both ways: [toObject copy, decoded message]. */
function both(listType: string, field: string, items: object[]): [unknown[], unknown[]] {
  const t = messageType(listType);
  const bytes = t.encode(t.fromObject({ [field]: items })).finish();
  const msg = t.decode(bytes) as unknown as Record<string, unknown[]>;
  const obj = t.toObject(t.decode(bytes), DECODE_OPTIONS) as Record<string, unknown[]>;
  return [obj[field], msg[field]];
}

function sameJson(listType: string, field: string, items: object[]): void {
  const [objects, messages] = both(listType, field, items);
  assert.equal(join(jsonListChunks(listType, field, messages, { pb: true })), join(jsonListChunks(listType, field, objects)));
}

describe('jsonListChunks of protobufjs messages', () => {
  it('containers: int64 near the limits, enums, maps in Go order, unset metadata and image, escapes', () => {
    sameJson('runtime.v1.ListContainersResponse', 'containers', [
      {
        id: 'c1', podSandboxId: 'p', metadata: { name: 'a\u001b"\\\u2028é', attempt: 4294967295 }, image: { image: 'busybox', annotations: { z: '1', '10': '2', a: '' } },
        imageRef: 'sha256:x', state: 'CONTAINER_EXITED', createdAt: '9223372036854775807', labels: { b: 'x', a: 'y\n', 'x.y/z': '\ud83d\ude00' }, annotations: {},
      },
      { id: 'c2', createdAt: '-9223372036854775808', state: 'CONTAINER_RUNNING' },
      {},
      { id: 'c4', state: 99 as unknown as string, createdAt: '1795614595949718902' },
    ]);
  });

  it('pods, images (uint64 size, Int64Value uid) and container stats (UInt64Value)', () => {
    sameJson('runtime.v1.ListPodSandboxResponse', 'items', [{ id: 'p', metadata: { name: 'web', namespace: 'default', uid: 'u', attempt: 1 }, state: 'SANDBOX_NOTREADY', createdAt: '1', runtimeHandler: 'runc' }, {}]);
    sameJson('runtime.v1.ListImagesResponse', 'images', [
      { id: 'sha256:1', repoTags: ['a:1', 'b:2'], repoDigests: [], size: '18446744073709551615', uid: { value: '0' }, username: 'u', pinned: true },
      { id: 'sha256:2', uid: { value: '-5' } },
    ]);
    sameJson('runtime.v1.ListContainerStatsResponse', 'stats', [
      { attributes: { id: 'c', metadata: { name: 'n' }, labels: { a: 'b' } }, cpu: { timestamp: '5', usageCoreNanoSeconds: { value: '18446744073709551615' } }, memory: { workingSetBytes: { value: '0' } } },
      {},
    ]);
  });

  it('an empty list', () => {
    sameJson('runtime.v1.ListContainersResponse', 'containers', []);
  });
});

describe('int64Of', () => {
  it('reads decimal strings and Longs (signed and unsigned) alike', () => {
    const t = messageType('runtime.v1.Container');
    for (const v of ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '1795614595949718902']) {
      const msg = t.decode(t.encode(t.fromObject({ createdAt: v })).finish()) as unknown as { createdAt: { toString(): string } };
      assert.equal(int64Of(msg.createdAt), BigInt(v));
      assert.equal(int64Of(v), BigInt(v));
    }
    assert.equal(int64Of(''), 0n);
    assert.equal(int64Of({ low: -1, high: -1, unsigned: true, toString: () => '' } as unknown as string), 18446744073709551615n);
  });
});

describe('newestFirst on decoded messages', () => {
  it('orders Longs and strings by the exact int64, ties in the runtime order', () => {
    const t = messageType('runtime.v1.Container');
    const values = ['1795614595949718903', '-1', '1795614595949718902', '0', '9223372036854775807', '-9223372036854775808', '4294967296', '4294967295', '1795614595949718902'];
    const msgs = values.map((v, i) => t.decode(t.encode(t.fromObject({ id: `c${i}`, createdAt: v })).finish()) as unknown as { id: string; createdAt: { toString(): string } });
    const want = values.map((v, i) => ({ v: BigInt(v), i })).sort((a, b) => (a.v > b.v ? -1 : a.v < b.v ? 1 : a.i - b.i)).map((x) => `c${x.i}`);
    assert.deepEqual(newestFirst(msgs).map((m) => m.id), want);
    assert.deepEqual(newestFirst(values.map((createdAt, i) => ({ id: `c${i}`, createdAt }))).map((m) => m.id), want);
  });
});
