/**
 * Text forms of ps, pods and images: crictl's HEAD headers and cells, -v
 * blocks, -q lines, and escaping of workload-controlled names.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useUtc } from './support/utc';
import type { Container, Image, PodSandbox } from '../src/cri/types';
import { CONTAINER_HEADER, containerRow, containerVerbose, imageCell, parseDigest, renderContainers } from '../src/output/containers';
import { imageHeader, imageRows, imageVerbose, renderImages } from '../src/output/images';
import { POD_HEADER, podRow, podVerbose, renderPods } from '../src/output/pods';

const NOW = 1_795_614_905_729; // 700 s after CREATED
const CREATED = '1795614205729995935';
const CID = 'baa30da74f20fcbf2a02e5f8c98b1a64b86e9ec8c066a86a52adaf75db7579e1';
const PID = '682b645aa3284e6c02f486470cc040be03992cc36e91079ef0d7fd59080ac33e';
const IMG_ID = 'sha256:f19d423cb2f4b2e63cb3da561bc8c80dbce5aa3884bf0e3bec49c3a2013705b0';

function ctr(over: Partial<Container> = {}): Container {
  return {
    id: CID,
    podSandboxId: PID,
    metadata: { name: 'app', attempt: 2 },
    image: { image: 'docker.io/library/busybox:latest', annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '' },
    imageRef: IMG_ID,
    state: 'CONTAINER_RUNNING',
    createdAt: CREATED,
    labels: { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default' },
    annotations: {},
    imageId: '',
    ...over,
  } as Container;
}

useUtc();

describe('ps', () => {
  it('has the HEAD header with NAMESPACE', () => {
    assert.deepEqual(CONTAINER_HEADER, ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']);
  });

  it('builds a row with 13-character IDs, pretty state and the pod labels', () => {
    assert.deepEqual(containerRow(ctr(), { nowMs: NOW }), [
      'baa30da74f20f', 'docker.io/library/busybox:latest', '11 minutes ago', 'Running', 'app', '2', '682b645aa3284', 'web', 'default',
    ]);
  });

  it('says "unknown" for missing pod labels and keeps full IDs with --no-trunc', () => {
    const row = containerRow(ctr({ labels: {}, state: 'CONTAINER_EXITED' }), { nowMs: NOW, noTrunc: true });
    assert.equal(row[0], CID);
    assert.equal(row[3], 'Exited');
    assert.equal(row[6], PID);
    assert.deepEqual(row.slice(7), ['unknown', 'unknown']);
  });

  it('shortens an image that is a digest (kubelet puts image IDs there), not a reference', () => {
    assert.equal(imageCell(IMG_ID, false), 'f19d423cb2f4b');
    assert.equal(imageCell(IMG_ID, true), IMG_ID);
    assert.equal(imageCell('sha256:abc', false), 'sha256:abc'); // not a valid digest
    assert.equal(imageCell('busybox:latest', false), 'busybox:latest');
    assert.equal(parseDigest(`sha512:${'a'.repeat(128)}`)?.algorithm, 'sha512');
    assert.equal(parseDigest(`sha256:${'A'.repeat(64)}`), undefined);
  });

  it('--resolve-image-path replaces the image with its first tag when known', () => {
    const resolvedImages = new Map([[IMG_ID, 'docker.io/library/busybox:latest']]);
    assert.equal(containerRow(ctr({ image: { image: IMG_ID, annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '' } }), { nowMs: NOW, resolvedImages })[1], 'docker.io/library/busybox:latest');
    assert.equal(containerRow(ctr({ image: { image: 'other', annotations: {}, userSpecifiedImage: '', runtimeHandler: '', imageRef: '' } }), { nowMs: NOW, resolvedImages })[1], 'other');
  });

  it('renders the table in crictl tabwriter columns and escapes hostile names', () => {
    const text = renderContainers([ctr({ metadata: { name: 'evil\x1b[2J\nname', attempt: 0 } })], { nowMs: NOW });
    const lines = text.split('\n');
    assert.equal(lines.length, 3); // header, one row, trailing newline
    assert.ok(lines[0].startsWith('CONTAINER           IMAGE  '));
    assert.ok(lines[1].includes('evil\\x1b[2J\\x0aname'));
    assert.ok(!text.includes('\x1b'));
    assert.equal(renderContainers([], {}), `CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE\n`);
  });

  it('-q prints full IDs one per line, and nothing for no containers', () => {
    assert.equal(renderContainers([ctr(), ctr({ id: 'x'.repeat(64) })], { quiet: true }), `${CID}\n${'x'.repeat(64)}\n`);
    assert.equal(renderContainers([], { quiet: true }), '');
  });

  it('-v prints the HEAD block with Namespace after PodID and sorted label lines', () => {
    const c = ctr({ labels: { 'io.kubernetes.pod.namespace': 'default', b: '2', a: '1' }, annotations: {} });
    assert.equal(
      containerVerbose(c, NOW),
      [
        `ID: ${CID}`, `PodID: ${PID}`, 'Namespace: default', 'Name: app', 'Attempt: 2', 'State: Running',
        'Image: docker.io/library/busybox:latest', 'Created: 11 minutes ago', 'Labels:', '\ta -> 1', '\tb -> 2',
        '\tio.kubernetes.pod.namespace -> default', '', '',
      ].join('\n'),
    );
  });
});

function pod(over: Partial<PodSandbox> = {}): PodSandbox {
  return {
    id: PID,
    metadata: { name: 'web', uid: 'u1', namespace: 'default', attempt: 0 },
    state: 'SANDBOX_READY',
    createdAt: '1795614205635089029',
    labels: {},
    annotations: {},
    runtimeHandler: '',
    ...over,
  };
}

describe('pods', () => {
  it('builds the crictl row: NAMESPACE from metadata, RUNTIME (default)', () => {
    assert.deepEqual(POD_HEADER, ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']);
    assert.deepEqual(podRow(pod(), { nowMs: NOW }), ['682b645aa3284', '11 minutes ago', 'Ready', 'web', 'default', '0', '(default)']);
    assert.deepEqual(podRow(pod({ state: 'SANDBOX_NOTREADY', runtimeHandler: 'kata' }), { noTrunc: true, nowMs: NOW }).filter((_, i) => i !== 1), [PID, 'NotReady', 'web', 'default', '0', 'kata']);
  });

  it('-v prints the crictl block with the absolute creation time (live sample)', () => {
    assert.equal(
      podVerbose(pod({ annotations: { k: 'v' } })),
      [`ID: ${PID}`, 'Name: web', 'UID: u1', 'Namespace: default', 'Status: Ready', 'Created: 2026-11-25 13:43:25.635089029 +0000 UTC', 'Annotations:', '\tk -> v', 'Runtime: (default)', '', ''].join('\n'),
    );
    assert.match(podVerbose(pod({ metadata: { name: 'web', uid: '', namespace: '', attempt: 3 } })), /Name: web\nAttempt: 3\nStatus/);
  });

  it('-q prints full IDs', () => {
    assert.equal(renderPods([pod()], { quiet: true }), `${PID}\n`);
  });
});

function image(over: Partial<Image> = {}): Image {
  return { id: IMG_ID, repoTags: ['docker.io/library/busybox:latest'], repoDigests: [], size: '1028707', uid: null, username: '', spec: null, pinned: false, ...over };
}

describe('images', () => {
  it('prints one row per tag, IDs without sha256: and 13 characters, sizes with %.3g', () => {
    const rows = imageRows(image({ repoTags: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36'] }));
    assert.deepEqual(rows, [
      ['docker.io/library/busybox', 'latest', 'f19d423cb2f4b', '1.03MB'],
      ['docker.io/library/busybox', '1.36', 'f19d423cb2f4b', '1.03MB'],
    ]);
  });

  it('shows <none> tags with the repo taken from the digest; --digests and --pinned add columns', () => {
    const i = image({ repoTags: [], repoDigests: [`registry.k8s.io/pause@${IMG_ID}`], pinned: true });
    assert.deepEqual(imageHeader({ digests: true, pinned: true }), ['IMAGE', 'TAG', 'DIGEST', 'IMAGE ID', 'SIZE', 'PINNED']);
    assert.deepEqual(imageRows(i, { digests: true, pinned: true }), [['registry.k8s.io/pause', '<none>', 'f19d423cb2f4b', 'f19d423cb2f4b', '1.03MB', 'true']]);
    assert.deepEqual(imageRows(i, { digests: true, noTrunc: true })[0].slice(2, 4), [IMG_ID, IMG_ID]);
  });

  it('renders the crictl table and -q/-v forms', () => {
    assert.equal(
      renderImages([image()], {}),
      'IMAGE                       TAG                 IMAGE ID            SIZE\ndocker.io/library/busybox   latest              f19d423cb2f4b       1.03MB\n',
    );
    assert.equal(renderImages([image()], { quiet: true }), `${IMG_ID}\n`);
    assert.equal(imageVerbose(image({ uid: { value: '1000' }, username: 'nobody', pinned: true })),
      [`ID: ${IMG_ID}`, 'RepoTags: docker.io/library/busybox:latest', 'Size: 1028707', 'Uid: value:1000', 'Username: nobody', 'Pinned: true', '', ''].join('\n'));
    assert.equal(imageVerbose(image({ size: '0', repoTags: [] })), `ID: ${IMG_ID}\n\n`);
  });
});
