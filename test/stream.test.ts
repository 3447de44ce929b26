/**
 * The chunked JSON writer for big lists must print exactly what render.ts
 * prints, and must wait for a full pipe instead of buffering everything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import { renderMessage } from '../src/output/render';
import { messageJson } from '../src/output/json-writer';
import { jsonListChunks, writeChunks } from '../src/output/stream';
import { toProtoJson } from '../src/output/json';

function decoded(type: string, partial: object): Record<string, unknown> {
  const t = messageType(type);
  return t.toObject(t.decode(t.encode(t.fromObject(partial)).finish()), DECODE_OPTIONS);
}

function container(i: number): Record<string, unknown> {
  return decoded('runtime.v1.Container', {
    id: `${i}`.padStart(64, 'c'),
    podSandboxId: 'p'.repeat(64),
    metadata: { name: `c${i}\u001b"\\`, attempt: i },
    image: { image: 'busybox', annotations: { z: '1', a: '2' } },
    state: i % 2 ? 'CONTAINER_EXITED' : 'CONTAINER_RUNNING',
    createdAt: `${1795614595949718902n + BigInt(i)}`,
    labels: i % 3 ? { b: 'x', a: 'y\n' } : {},
  });
}

const join = (it: Iterable<string>) => [...it].join('');

describe('jsonListChunks', () => {
  it('prints exactly renderMessage (plus the newline print adds) for containers, pods and images', () => {
    const containers = Array.from({ length: 50 }, (_, i) => container(i));
    assert.equal(join(jsonListChunks('runtime.v1.ListContainersResponse', 'containers', containers)), renderMessage('runtime.v1.ListContainersResponse', { containers }, 'json') + '\n');
    const items = [decoded('runtime.v1.PodSandbox', { id: 'p', metadata: { name: 'web', namespace: 'default' }, state: 'SANDBOX_NOTREADY', createdAt: '1' })];
    assert.equal(join(jsonListChunks('runtime.v1.ListPodSandboxResponse', 'items', items)), renderMessage('runtime.v1.ListPodSandboxResponse', { items }, 'json') + '\n');
    const images = [decoded('runtime.v1.Image', { id: 'sha256:1', repoTags: ['a:1'], size: 12, uid: { value: 0 } }), decoded('runtime.v1.Image', { id: 'sha256:2' })];
    assert.equal(join(jsonListChunks('runtime.v1.ListImagesResponse', 'images', images)), renderMessage('runtime.v1.ListImagesResponse', { images }, 'json') + '\n');
  });

  it('an empty list is {"containers": []}', () => {
    assert.equal(join(jsonListChunks('runtime.v1.ListContainersResponse', 'containers', [])), '{\n  "containers": []\n}\n');
  });

  it('splits a big list into chunks that each end with a newline', () => {
    const containers = Array.from({ length: 2000 }, (_, i) => container(i));
    const chunks = [...jsonListChunks('runtime.v1.ListContainersResponse', 'containers', containers)];
    assert.ok(chunks.length > 5, `${chunks.length} chunks`);
    for (const c of chunks) assert.ok(c.endsWith('\n'));
    assert.equal(JSON.parse(chunks.join('')).containers.length, 2000);
  });

  it('messageJson agrees with toProtoJson + JSON.stringify on nested messages, maps and null fields', () => {
    const st = decoded('runtime.v1.ContainerStatus', { id: 'x', resources: { linux: { unified: { b: '1', a: '2' }, hugepageLimits: [{ pageSize: '2MB', limit: 5 }] } }, mounts: [{ containerPath: '/a' }] });
    assert.equal(messageJson('runtime.v1.ContainerStatus', st), JSON.stringify(toProtoJson('runtime.v1.ContainerStatus', st), null, 2));
  });
});

describe('writeChunks', () => {
  it('waits for drain when the stream is full and writes everything in order', async () => {
    const got: string[] = [];
    let drains = 0;
    const out = new Writable({
      highWaterMark: 8,
      write(chunk: Buffer, _enc, cb) {
        got.push(chunk.toString());
        setImmediate(cb);
      },
    });
    out.on('drain', () => drains++);
    await writeChunks(['aaaaaaaaaa\n', 'bbbbbbbbbb\n', 'c\n'], out);
    await new Promise((r) => setImmediate(r));
    assert.equal(got.join(''), 'aaaaaaaaaa\nbbbbbbbbbb\nc\n');
    assert.ok(drains >= 1, 'it really had to wait');
  });
});
