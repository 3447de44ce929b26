/**
 * crictl's list filters: what goes to the runtime, what is applied on the
 * client, ordering and -l/-n, and the image list filters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../src/cri/input-error';
import type { RuntimeClient } from '../src/cri/client';
import { compileRegex, containerFilter, filterByImage, fromLabels, listContainers, listPods, matchContainer, matchPod, newestFirst, parseContainerState, parseLabels, parsePodState, podFilter } from '../src/cri/filters';
import { applyImageFilters, compareImages, imageArgMatcher, repoDigestPair, repoTagPairs, sortImages } from '../src/cri/image-filters';
import type { Container, ContainerFilter, Image, PodSandbox, PodSandboxFilter } from '../src/cri/types';

function ctr(id: string, name: string, createdAt: string, labels: Record<string, string> = {}, image = 'busybox'): Container {
  return {
    id,
    podSandboxId: 'p'.repeat(64),
    metadata: { name, attempt: 0 },
    image: { image, annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '' },
    imageRef: '',
    state: 'CONTAINER_RUNNING',
    createdAt,
    labels,
    annotations: {},
    imageId: '',
  };
}

function pod(id: string, name: string, namespace: string, createdAt: string): PodSandbox {
  return { id, metadata: { name, uid: 'u', namespace, attempt: 0 }, state: 'SANDBOX_READY', createdAt, labels: {}, annotations: {}, runtimeHandler: '' };
}

function img(id: string, repoTags: string[], repoDigests: string[] = []): Image {
  return { id, repoTags, repoDigests, size: '0', uid: null, username: '', spec: null, pinned: false };
}

describe('parseLabels', () => {
  it('parses repeated key=value pairs', () => {
    assert.deepEqual(parseLabels(['a=1', 'b=']), { a: '1', b: '' });
    assert.equal(parseLabels([]), undefined);
    assert.equal(parseLabels(undefined), undefined);
  });
  it("rejects anything but exactly one '=' with crictl's message, as a usage error", () => {
    for (const bad of ['foo', 'a=b=c']) {
      assert.throws(() => parseLabels([bad]), (e: unknown) => e instanceof InputError && e.message === `incorrectly specified label: ${bad}`);
    }
  });
});

describe('compileRegex', () => {
  it('compiles, treats empty as no filter, and turns a bad pattern into a usage error', () => {
    assert.ok(compileRegex('^app$', '--name')!.test('app'));
    assert.equal(compileRegex('', '--name'), undefined);
    assert.throws(() => compileRegex('(', '--name'), (e: unknown) => e instanceof InputError && /--name: invalid regular expression/.test(e.message));
  });
});

describe('states', () => {
  it('accepts crictl state names case-insensitively', () => {
    assert.equal(parseContainerState('Exited'), 'CONTAINER_EXITED');
    assert.equal(parseContainerState('UNKNOWN'), 'CONTAINER_UNKNOWN');
    assert.equal(parsePodState('NotReady'), 'SANDBOX_NOTREADY');
    assert.throws(() => parseContainerState('dead'), /--state should be one of created, running, exited or unknown/);
    assert.throws(() => parsePodState('running'), /--state should be ready or notready/);
  });
});

describe('containerFilter (what crictl sends)', () => {
  it('defaults to RUNNING', () => assert.deepEqual(containerFilter({}), { state: { state: 'CONTAINER_RUNNING' } }));
  it('-a removes the state filter', () => assert.deepEqual(containerFilter({ all: true }), {}));
  it('--state wins over -a', () => assert.deepEqual(containerFilter({ all: true, state: 'exited' }), { state: { state: 'CONTAINER_EXITED' } }));
  it('-l and -n drop the state filter, even an explicit --state', () => {
    assert.deepEqual(containerFilter({ latest: true }), {});
    assert.deepEqual(containerFilter({ last: 3, state: 'exited' }), {});
    assert.throws(() => containerFilter({ last: 3, state: 'bogus' }), InputError);
  });
  it('-n 0 (unlimited) and negative -n keep the default', () => {
    assert.deepEqual(containerFilter({ last: 0 }), { state: { state: 'CONTAINER_RUNNING' } });
    assert.deepEqual(containerFilter({ last: -1 }), { state: { state: 'CONTAINER_RUNNING' } });
  });
  it('passes --id, --pod and labels to the runtime', () => {
    assert.deepEqual(containerFilter({ all: true, id: 'abc', pod: 'def', labels: { a: 'b' } }), { id: 'abc', podSandboxId: 'def', labelSelector: { a: 'b' } });
  });
});

describe('podFilter', () => {
  it('has no default state, and -l/-n keep --state', () => {
    assert.deepEqual(podFilter({}), {});
    assert.deepEqual(podFilter({ state: 'ready', latest: true, id: 'x', labels: { k: 'v' } }), { id: 'x', state: { state: 'SANDBOX_READY' }, labelSelector: { k: 'v' } });
  });
});

describe('newestFirst', () => {
  const list = [ctr('a', 'a', '1795614595949718902'), ctr('b', 'b', '1795614595949718903'), ctr('c', 'c', '900'), ctr('d', 'd', '1795614595949718901')];
  it('sorts by createdAt descending, exactly beyond 2^53', () => {
    assert.deepEqual(newestFirst(list).map((c) => c.id), ['b', 'a', 'd', 'c']);
  });
  it('-l keeps one, -n N keeps N and wins over -l, 0 or less keeps all', () => {
    assert.deepEqual(newestFirst(list, true).map((c) => c.id), ['b']);
    assert.deepEqual(newestFirst(list, true, 2).map((c) => c.id), ['b', 'a']);
    assert.deepEqual(newestFirst(list, false, 10).length, 4);
    assert.deepEqual(newestFirst(list, false, 0).length, 4);
    assert.deepEqual(newestFirst(list, false, -2).length, 4);
  });
  it('does not modify its input', () => {
    newestFirst(list);
    assert.equal(list[0].id, 'a');
  });
});

describe('client-side matching', () => {
  it('--name matches metadata.name; --namespace matches the label or the literal "unknown"', () => {
    const c = ctr('a', 'kube-proxy', '1', { 'io.kubernetes.pod.namespace': 'kube-system' });
    const bare = ctr('b', 'app', '1');
    assert.ok(matchContainer(c, { name: /proxy/ }));
    assert.ok(!matchContainer(c, { name: /^proxy/ }));
    assert.ok(matchContainer(c, { namespace: /^kube-/ }));
    assert.ok(!matchContainer(bare, { namespace: /^kube-/ }));
    assert.ok(matchContainer(bare, { namespace: /^unknown$/ }));
    assert.ok(!matchContainer({ ...c, metadata: null }, {}));
    assert.equal(fromLabels(null, 'x'), 'unknown');
  });
  it('pods match name and metadata.namespace', () => {
    const p = pod('1', 'web', 'default', '1');
    assert.ok(matchPod(p, { name: /^we/, namespace: /^def/ }));
    assert.ok(!matchPod(p, { namespace: /kube/ }));
  });
  it('--image keeps containers whose image resolves to the same image ID; unknown images match nothing', async () => {
    const ids: Record<string, string> = { busybox: 'sha256:1', 'docker.io/library/busybox:latest': 'sha256:1', pause: 'sha256:2' };
    const calls: string[] = [];
    const lookup = async (ref: string) => {
      calls.push(ref);
      return ids[ref];
    };
    const list = [ctr('a', 'a', '1', {}, 'docker.io/library/busybox:latest'), ctr('b', 'b', '1', {}, 'pause'), ctr('c', 'c', '1', {}, 'gone')];
    assert.deepEqual((await filterByImage(list, 'busybox', lookup)).map((c) => c.id), ['a']);
    assert.deepEqual(await filterByImage(list, 'nope', lookup), []);
  });
});

describe('listContainers / listPods with a fake runtime', () => {
  it('sends the filter, applies the regexps, sorts and limits', async () => {
    let sent: ContainerFilter | undefined;
    const rt = {
      listContainers: async (f: ContainerFilter) => {
        sent = f;
        return [ctr('1', 'app', '10'), ctr('2', 'job', '30'), ctr('3', 'app-2', '20')];
      },
    } as unknown as RuntimeClient;
    const got = await listContainers(rt, undefined, { all: true, name: /^app/, labels: { a: 'b' } });
    assert.deepEqual(sent, { labelSelector: { a: 'b' } });
    assert.deepEqual(got.map((c) => c.id), ['3', '1']);
  });
  it('pods: filter, regexps, newest first', async () => {
    let sent: PodSandboxFilter | undefined;
    const rt = {
      listPodSandbox: async (f: PodSandboxFilter) => {
        sent = f;
        return [pod('1', 'a', 'x', '1'), pod('2', 'b', 'y', '2'), pod('3', 'c', 'x', '3')];
      },
    } as unknown as RuntimeClient;
    const got = await listPods(rt, { state: 'notready', namespace: /^x$/, last: 1 });
    assert.deepEqual(sent, { state: { state: 'SANDBOX_NOTREADY' } });
    assert.deepEqual(got.map((p) => p.id), ['3']);
  });
});

describe('image ordering and names', () => {
  it("sorts like crictl's imageByRef: first tag, else first digest, else ID", () => {
    const list = [img('sha256:3', ['z:1']), img('sha256:1', ['a:1']), img('sha256:9', [], ['r@sha256:b']), img('sha256:8', [], ['r@sha256:a'])];
    assert.deepEqual(sortImages(list).map((i) => i.id), ['sha256:1', 'sha256:3', 'sha256:8', 'sha256:9']);
    assert.ok(compareImages(img('b', []), img('a', [])) > 0);
  });
  it('splits repo digests and repo tags like crictl', () => {
    assert.deepEqual(repoDigestPair([]), ['<none>', '<none>']);
    assert.deepEqual(repoDigestPair(['docker.io/library/busybox@sha256:abc']), ['docker.io/library/busybox', 'sha256:abc']);
    assert.deepEqual(repoDigestPair(['weird']), ['errorName', 'errorRepoDigest']);
    assert.deepEqual(repoTagPairs([], 'repo'), [['repo', '<none>']]);
    assert.deepEqual(repoTagPairs(['localhost:5000/app:v1', 'app:latest'], 'x'), [['localhost:5000/app', 'v1'], ['app', 'latest']]);
    assert.deepEqual(repoTagPairs(['notag'], 'x'), [['errorRepoTag', 'errorRepoTag']]);
    assert.deepEqual(repoTagPairs(['<none>:<none>'], 'repo'), [['repo', '<none>']]);
  });
});

describe('imageArgMatcher (images REPOSITORY[:TAG])', () => {
  const busybox = img('sha256:f19d423cb2f4b2e6', ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36']);
  const local = img('sha256:59c2501224524', ['localhost/tcrictl-test/busybox:1.0']);
  const byDigest = img('sha256:aaaa', [], ['quay.io/x/pause@sha256:0123']);
  it('a repository without a tag matches every tag of it, short names as a path suffix', () => {
    assert.ok(imageArgMatcher('busybox')(busybox));
    assert.ok(imageArgMatcher('busybox')(local));
    assert.ok(imageArgMatcher('docker.io/library/busybox')(busybox));
    assert.ok(!imageArgMatcher('docker.io/library/busybox')(local));
    assert.ok(imageArgMatcher('pause')(byDigest));
    assert.ok(!imageArgMatcher('box')(busybox));
  });
  it('a tag must match exactly (after normalizing)', () => {
    assert.ok(imageArgMatcher('busybox:1.36')(busybox));
    assert.ok(!imageArgMatcher('busybox:1.37')(busybox));
    assert.ok(imageArgMatcher('tcrictl-test/busybox:1.0')(local));
  });
  it('hex matches an ID prefix; digests match repoDigests', () => {
    assert.ok(imageArgMatcher('f19d')(busybox));
    assert.ok(imageArgMatcher('sha256:59c25')(local));
    assert.ok(imageArgMatcher('quay.io/x/pause@sha256:0123')(byDigest));
    assert.ok(!imageArgMatcher('quay.io/x/pause@sha256:9999')(byDigest));
  });
});

describe('applyImageFilters (images -f)', () => {
  const a = img('sha256:a1', ['a:1'], ['reg/a@sha256:1']);
  const b = img('sha256:b2', ['b:1'], ['reg/b@sha256:2']);
  const c = img('sha256:c3', [], ['reg/c@sha256:3']);
  const d = img('sha256:d4', ['d:1'], ['other/d@sha256:4']);
  const sorted = [a, b, d, c];
  const ids = (l: Image[]) => l.map((i) => i.id);
  it('dangling=true|false', () => {
    assert.deepEqual(ids(applyImageFilters(sorted, ['dangling=true'])), ['sha256:c3']);
    assert.deepEqual(ids(applyImageFilters(sorted, ['dangling=false'])), ['sha256:a1', 'sha256:b2', 'sha256:d4']);
  });
  it('reference= is a regexp on the repo of the first digest', () => {
    assert.deepEqual(ids(applyImageFilters(sorted, ['reference=^reg/'])), ['sha256:a1', 'sha256:b2', 'sha256:c3']);
  });
  it("since=/before= keep what precedes/follows the match in crictl's order", () => {
    assert.deepEqual(ids(applyImageFilters(sorted, ['since=d:1'])), ['sha256:a1', 'sha256:b2']);
    assert.deepEqual(ids(applyImageFilters(sorted, ['before=b:1'])), ['sha256:d4', 'sha256:c3']);
    // An ID prefix (crictl only matches IDs without "sha256:"; tcrictl also takes the bare hex).
    assert.deepEqual(ids(applyImageFilters(sorted, ['since=b2'])), ['sha256:a1']);
  });
  it('filters apply in order', () => {
    assert.deepEqual(ids(applyImageFilters(sorted, ['dangling=false', 'since=d:1'])), ['sha256:a1', 'sha256:b2']);
  });
  it('an unknown filter is a usage error, even on an empty list', () => {
    assert.throws(() => applyImageFilters([], ['label=x']), (e: unknown) => e instanceof InputError && /unknown filter flag: label=x/.test(e.message));
  });
});
