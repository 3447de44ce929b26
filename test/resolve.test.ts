/**
 * What users type for a container, pod or image: full ID, unique prefix or
 * name; ambiguous and unknown ones are one clear error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../src/cli/cli-error';
import { InputError } from '../src/cri/input-error';
import type { ImageClient, RuntimeClient } from '../src/cri/client';
import { mapLimit, normalizeImageRef, notFoundAs, pick, resolveContainers, resolveImage, resolvePods } from '../src/cri/resolve';
import type { Container, Image } from '../src/cri/types';

interface Item {
  id: string;
  name: string;
  live: boolean;
}
const items: Item[] = [
  { id: 'abc111', name: 'web', live: true },
  { id: 'abc222', name: 'web', live: false },
  { id: 'def333', name: 'db', live: true },
  { id: 'def444', name: 'db', live: true },
];
const choose = (q: string) => pick('container', q, items, (i) => i.name, (i) => i.live, (i) => i.name, 'tcrictl ps -a').id;

describe('pick', () => {
  it('takes an exact ID, then a unique prefix, then a name', () => {
    assert.equal(choose('abc222'), 'abc222');
    assert.equal(choose('abc1'), 'abc111');
    assert.equal(choose('web'), 'abc111'); // two named "web", one live
  });
  it('an ambiguous prefix lists the candidates', () => {
    assert.throws(() => choose('abc'), (e: unknown) => e instanceof CliError && e.exitCode === 1 && /"abc" matches 2 containers:\n {4}abc111 {2}web\n {4}abc222 {2}web/.test(e.message));
  });
  it('a name shared by two live objects is ambiguous; an unknown one says so; empty is a usage error', () => {
    assert.throws(() => choose('db'), /"db" matches 2 containers/);
    assert.throws(() => choose('nope'), /no container matches "nope" \(by ID, ID prefix or name\)/);
    assert.throws(() => choose(''), InputError);
  });
  it('a hex name that is also another object\'s ID prefix is refused, not guessed', () => {
    const hexy: Item[] = [
      { id: 'acbd01', name: 'web', live: true },
      { id: 'ff0002', name: 'acbd', live: true },
      { id: 'cafe03', name: 'cafe', live: true },
    ];
    const pickHex = (q: string) => pick('pod', q, hexy, (i) => i.name, (i) => i.live, (i) => i.name, 'tcrictl pods').id;
    assert.throws(
      () => pickHex('acbd'),
      (e: unknown) => e instanceof CliError && /"acbd" matches 2 pods/.test(e.message) && /name and also the start of an ID/.test(e.hint ?? ''),
    );
    assert.equal(pickHex('cafe'), 'cafe03'); // name and prefix are the same object
  });
});

describe('resolveContainers / resolvePods', () => {
  it('does not list when every query is a full ID, and lists once otherwise', async () => {
    let lists = 0;
    const full = 'a'.repeat(64);
    const rt = {
      listContainers: async () => {
        lists++;
        return [{ id: full, metadata: { name: 'app' }, state: 'CONTAINER_RUNNING', labels: {} } as unknown as Container];
      },
      listPodSandbox: async () => {
        lists++;
        return [{ id: 'b'.repeat(64), metadata: { name: 'web', namespace: 'default' }, state: 'SANDBOX_READY' }];
      },
    } as unknown as RuntimeClient;
    assert.deepEqual(await resolveContainers(rt, [full]), [full]);
    assert.equal(lists, 0);
    assert.deepEqual(await resolveContainers(rt, ['app', 'aaa']), [full, full]);
    assert.equal(lists, 1);
    assert.deepEqual(await resolvePods(rt, ['web']), ['b'.repeat(64)]);
  });
});

describe('images', () => {
  it('normalizes short references the way runtimes do', () => {
    assert.equal(normalizeImageRef('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeImageRef('user/app:1'), 'docker.io/user/app:1');
    assert.equal(normalizeImageRef('localhost:5000/app'), 'localhost:5000/app:latest');
    assert.equal(normalizeImageRef('quay.io/x/y@sha256:ab'), 'quay.io/x/y@sha256:ab');
  });

  it('falls back from ImageStatus to tags and unique ID prefixes, else crictl\'s message', async () => {
    const a: Image = { id: 'sha256:aaa111', repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: '1', uid: null, username: '', spec: null, pinned: false };
    const b: Image = { ...a, id: 'sha256:aaa222', repoTags: ['localhost/x:1'] };
    const img = {
      imageStatus: async () => ({ image: null, info: {} }),
      listImages: async () => [a, b],
    } as unknown as ImageClient;
    assert.equal((await resolveImage(img, 'busybox')).id, a.id);
    assert.equal((await resolveImage(img, 'aaa2')).id, b.id);
    await assert.rejects(resolveImage(img, 'aaa'), /"aaa" matches 2 images/);
    await assert.rejects(resolveImage(img, 'nonexistent:latest'), /no such image "nonexistent:latest" present/);
  });
});

describe('helpers', () => {
  it('notFoundAs turns a gRPC NotFound into the unknown-ID error and leaves others alone', () => {
    const e = notFoundAs({ code: 5, details: 'not found' }, 'pod', 'x', 'tcrictl pods') as CliError;
    assert.ok(e instanceof CliError);
    assert.match(e.message, /no pod matches "x"/);
    const other = { code: 14 };
    assert.equal(notFoundAs(other, 'pod', 'x', 'tcrictl pods'), other);
  });

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30]);
    assert.equal(peak, 2);
  });
});
