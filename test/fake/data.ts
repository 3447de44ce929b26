/**
 * Canned CRI objects for the fake server, in the shape proto-loader uses
 * (camelCase, int64 as decimal strings, enums as names): realistic kubelet
 * labels, 64-hex IDs, and generators for big and hostile workloads.
 */
import { createHash } from 'node:crypto';

export type Labels = Record<string, string>;

export interface FakeContainer {
  id: string;
  podSandboxId: string;
  metadata: { name: string; attempt: number };
  image: { image: string; annotations: Labels; userSpecifiedImage: string; runtimeHandler: string };
  imageRef: string;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  createdAt: string;
  labels: Labels;
  annotations: Labels;
  imageId: string;
}

export interface FakePod {
  id: string;
  metadata: { name: string; uid: string; namespace: string; attempt: number };
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: string;
  labels: Labels;
  annotations: Labels;
  runtimeHandler: string;
}

export interface FakeImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: string;
  uid: { value: string } | null;
  username: string;
  spec: { image: string; annotations: Labels; userSpecifiedImage: string; runtimeHandler: string } | null;
  pinned: boolean;
}

/** A stable 64-hex ID from a seed, so tests can compute the IDs they expect. */
export function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** Nanoseconds since the epoch, as CRI sends them. */
export function nanos(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

export const BUSYBOX_ID = `sha256:${hexId('image:busybox')}`;
export const PAUSE_ID = `sha256:${hexId('image:pause')}`;

export function defaultImages(): FakeImage[] {
  const img = (id: string, tag: string, size: number, pinned = false): FakeImage => ({
    id,
    repoTags: [tag],
    repoDigests: [`${tag.split(':')[0]}@sha256:${hexId(`digest:${tag}`)}`],
    size: String(size),
    uid: null,
    username: '',
    spec: null,
    pinned,
  });
  return [img(BUSYBOX_ID, '127.0.0.1:5000/busybox:1.36', 1_028_707), img(PAUSE_ID, '127.0.0.1:5000/pause:3.9', 321_824, true)];
}

export function makePod(name: string, opts: { namespace?: string; state?: FakePod['state']; createdMs?: number; labels?: Labels } = {}): FakePod {
  const namespace = opts.namespace ?? 'default';
  const uid = hexId(`uid:${namespace}/${name}`).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  return {
    id: hexId(`pod:${namespace}/${name}`),
    metadata: { name, uid, namespace, attempt: 0 },
    state: opts.state ?? 'SANDBOX_READY',
    createdAt: nanos(opts.createdMs ?? Date.now() - 3_600_000),
    labels: { ...opts.labels, 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': namespace, 'io.kubernetes.pod.uid': uid },
    annotations: { 'kubernetes.io/config.source': 'api', 'kubernetes.io/config.seen': '2026-11-25T12:00:00.000000000Z' },
    runtimeHandler: '',
  };
}

export function makeContainer(
  pod: FakePod,
  name: string,
  opts: { state?: FakeContainer['state']; createdMs?: number; image?: string; imageRef?: string; labels?: Labels; annotations?: Labels; attempt?: number } = {},
): FakeContainer {
  const image = opts.image ?? '127.0.0.1:5000/busybox:1.36';
  const imageRef = opts.imageRef ?? BUSYBOX_ID;
  return {
    id: hexId(`container:${pod.id}/${name}/${opts.attempt ?? 0}`),
    podSandboxId: pod.id,
    metadata: { name, attempt: opts.attempt ?? 0 },
    image: { image, annotations: {}, userSpecifiedImage: '', runtimeHandler: '' },
    imageRef,
    state: opts.state ?? 'CONTAINER_RUNNING',
    createdAt: nanos(opts.createdMs ?? Date.now() - 60_000),
    labels: {
      ...opts.labels,
      'io.kubernetes.container.name': name,
      'io.kubernetes.pod.name': pod.metadata.name,
      'io.kubernetes.pod.namespace': pod.metadata.namespace,
      'io.kubernetes.pod.uid': pod.metadata.uid,
    },
    annotations: {
      'io.kubernetes.container.hash': '1a2b3c4d',
      'io.kubernetes.container.restartCount': String(opts.attempt ?? 0),
      'io.kubernetes.container.terminationMessagePath': '/dev/termination-log',
      'io.kubernetes.container.terminationMessagePolicy': 'File',
      'io.kubernetes.pod.terminationGracePeriod': '30',
      ...opts.annotations,
    },
    imageId: imageRef,
  };
}

export interface Workload {
  pods: FakePod[];
  containers: FakeContainer[];
  images: FakeImage[];
}

const STATES: FakeContainer['state'][] = ['CONTAINER_RUNNING', 'CONTAINER_EXITED', 'CONTAINER_CREATED'];

/**
 * N containers spread over ceil(N/podSize) pods, states cycling running →
 * exited → created, creation times one second apart (newest last), so
 * 20,000 of them make a ListContainers answer well over 4 MiB.
 */
export function manyContainers(n: number, podSize = 50): Workload {
  const now = Date.now();
  const pods: FakePod[] = [];
  const containers: FakeContainer[] = [];
  for (let i = 0; i < n; i++) {
    if (i % podSize === 0) pods.push(makePod(`pod-${pods.length}`, { namespace: `ns-${pods.length % 7}`, createdMs: now - (n + 10) * 1000 }));
    const pod = pods[pods.length - 1];
    containers.push(makeContainer(pod, `c${i}`, { state: STATES[i % 3], createdMs: now - (n - i) * 1000 }));
  }
  return { pods, containers, images: defaultImages() };
}

/** Strings a hostile workload could put in names, labels and annotations. */
export const HOSTILE = {
  ansi: 'red\x1b[31mALERT\x1b[0m',
  cr: 'ok\rEVIL',
  title: 'x\x1b]0;pwned title\x07y',
  rtl: 'abc\u202Egnp.exe',
  newline: 'line1\nline2',
  clear: 'a\x1b[2J\x1b[Hb',
  del: 'tab\there\x7fdel\x9bcsi',
  // Unicode format characters (category Cf): invisible, yet they reorder or hide text.
  format: 'lrm\u200Erlm\u200Falm\u061Cbom\uFEFFiso\u2066x\u2069zw\u200Btag\u{E0041}',
} as const;

/** One pod and one container per hostile string, the string in the name, a label and an annotation. */
export function hostileWorkload(): Workload {
  const pods: FakePod[] = [];
  const containers: FakeContainer[] = [];
  const now = Date.now();
  for (const [key, text] of Object.entries(HOSTILE)) {
    const pod = makePod(`pod-${key}-${text}`, { createdMs: now - 120_000, labels: { hostile: text } });
    pods.push(pod);
    containers.push(
      makeContainer(pod, `ctr-${key}-${text}`, {
        createdMs: now - 60_000,
        image: `127.0.0.1:5000/${key}:${text}`,
        labels: { hostile: text, [`key-${key}-${text}`]: 'v' },
        annotations: { hostile: text },
      }),
    );
  }
  const images = defaultImages();
  images.push({ ...images[0], id: `sha256:${hexId('image:hostile')}`, repoTags: [`127.0.0.1:5000/evil:${HOSTILE.ansi}`], repoDigests: [] });
  return { pods, containers, images };
}

/** The small default workload: one pod, a running and an exited container, two images. */
export function smallWorkload(): Workload {
  const pod = makePod('web', { labels: { app: 'web' } });
  return {
    pods: [pod],
    containers: [makeContainer(pod, 'app'), makeContainer(pod, 'job', { state: 'CONTAINER_EXITED' })],
    images: defaultImages(),
  };
}
