/**
 * Status commands (inspect, inspectp, inspecti, info, imagefsinfo): HEAD
 * crictl's {"status", <info keys>} shape, times, and the -o table forms.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useUtc } from './support/utc';
import { CliError } from '../src/cli/cli-error';
import { DECODE_OPTIONS, messageType } from '../src/cri/proto';
import type { ContainerStatus, Image, PodSandboxStatus } from '../src/cri/types';
import {
  containerStatusJson,
  containerStatusTable,
  goJsonEscape,
  goMapString,
  imageFsInfoTable,
  imageStatusJson,
  imageStatusTable,
  podStatusJson,
  podStatusTable,
  renderStatusData,
  runtimeHandlersJson,
  snakeOmitEmpty,
  statusObject,
} from '../src/output/inspect';

/** A message as the client decodes it off the wire (defaults filled in, unset messages null). */
function decoded<T>(type: string, partial: object): T {
  const t = messageType(type);
  return t.toObject(t.decode(t.encode(t.fromObject(partial)).finish()), DECODE_OPTIONS) as T;
}

const NS = {
  created: '1795614205729995935',
  started: '1795614205809845594',
  finished: '1795614305000000000',
};

function cs(state: string, extra: object = {}): ContainerStatus {
  return decoded('runtime.v1.ContainerStatus', {
    id: 'c1',
    metadata: { name: 'app', attempt: 0 },
    state,
    createdAt: NS.created,
    startedAt: NS.started,
    finishedAt: NS.finished,
    image: { image: 'busybox' },
    labels: { b: '2', a: '1' },
    ...extra,
  });
}

useUtc();

describe('statusObject (outputStatusData)', () => {
  it('embeds info values that start with "{" as JSON and trims quotes from the others', () => {
    const o = statusObject({ status: { id: 'x' }, info: { info: '{"pid":42,"b":{"z":1,"a":2}}', golang: '"go1.20.3"', plain: 'text', lastCNILoadStatus: 'OK' } });
    assert.deepEqual(o, { status: { id: 'x' }, golang: 'go1.20.3', info: { pid: 42, b: { z: 1, a: 2 } }, lastCNILoadStatus: 'OK', plain: 'text' });
  });
  it('reports info that starts with "{" but is not JSON', () => {
    assert.throws(() => statusObject({ info: { info: '{broken' } }), (e: unknown) => e instanceof CliError && /unmarshal status info JSON \(key "info"\)/.test(e.message));
  });
  it('adds runtimeHandlers only when non-empty and features only when set', () => {
    assert.deepEqual(Object.keys(statusObject({ status: {}, runtimeHandlers: [], features: null })), ['status']);
    assert.deepEqual(Object.keys(statusObject({ status: {}, runtimeHandlers: [{}], features: {} })), ['status', 'runtimeHandlers', 'features']);
  });
});

describe('renderStatusData', () => {
  it('one entry is an object with every key sorted at every level', () => {
    const text = renderStatusData([{ status: { z: 1, a: { y: 1, b: [{ d: 1, c: 2 }] } }, info: { info: '{"pid":1}' } }], 'json');
    assert.equal(text, JSON.stringify({ info: { pid: 1 }, status: { a: { b: [{ c: 2, d: 1 }], y: 1 }, z: 1 } }, null, 2));
  });
  it('several entries are an array; none print nothing', () => {
    const parsed = JSON.parse(renderStatusData([{ status: { id: '1' } }, { status: { id: '2' } }], 'json'));
    assert.ok(Array.isArray(parsed));
    assert.deepEqual(parsed.map((p: { status: { id: string } }) => p.status.id), ['1', '2']);
    assert.equal(renderStatusData([], 'json'), '');
  });
  it("escapes <, > and & like Go's encoding/json, keeping the same JSON value", () => {
    const text = renderStatusData([{ status: { cmd: 'a && b <x>' } }], 'json');
    assert.ok(text.includes('a \\u0026\\u0026 b \\u003cx\\u003e'));
    assert.equal(JSON.parse(text).status.cmd, 'a && b <x>');
    assert.equal(goJsonEscape('"\u2028"'), '"\\u2028"');
  });
  it('yaml keeps int64 strings quoted and sorts keys', () => {
    const y = renderStatusData([{ status: { size: '1028707', id: 'x', on: 'yes' } }], 'yaml');
    assert.equal(y, 'status:\n  id: x\n  "on": "yes"\n  size: "1028707"\n');
  });
});

describe('containerStatusJson', () => {
  it('RUNNING: RFC3339Nano created/started, zero finished; int64 stay strings; enums by name', () => {
    const s = containerStatusJson(cs('CONTAINER_RUNNING', { resources: { linux: { cpuShares: 2 } } }));
    assert.equal(s.createdAt, '2026-11-25T13:43:25.729995935Z');
    assert.equal(s.startedAt, '2026-11-25T13:43:25.809845594Z');
    assert.equal(s.finishedAt, '0001-01-01T00:00:00Z');
    assert.equal(s.state, 'CONTAINER_RUNNING');
    assert.equal((s.resources as { linux: { cpuShares: string } }).linux.cpuShares, '2');
    assert.equal(s.exitCode, 0);
    assert.deepEqual(s.labels, { a: '1', b: '2' });
  });
  it('CREATED: startedAt is the zero time', () => {
    const s = containerStatusJson(cs('CONTAINER_CREATED'));
    assert.equal(s.startedAt, '0001-01-01T00:00:00Z');
    assert.equal(s.finishedAt, '0001-01-01T00:00:00Z');
  });
  it('EXITED: finishedAt is real', () => {
    assert.equal(containerStatusJson(cs('CONTAINER_EXITED')).finishedAt, '2026-11-25T13:45:05Z');
  });
  it('UNKNOWN: finishedAt only when it is set', () => {
    assert.equal(containerStatusJson(cs('CONTAINER_UNKNOWN')).finishedAt, '2026-11-25T13:45:05Z');
    assert.equal(containerStatusJson(cs('CONTAINER_UNKNOWN', { finishedAt: 0 })).finishedAt, '0001-01-01T00:00:00Z');
  });
  it('unset top-level messages are null (Go struct re-marshal); nested unset ones are left out', () => {
    const s = containerStatusJson(cs('CONTAINER_RUNNING', { resources: { linux: {} } }));
    assert.equal(s.user, null);
    assert.ok('resources' in s);
    assert.ok(!('windows' in (s.resources as object)));
    assert.equal(containerStatusJson(cs('CONTAINER_RUNNING')).resources, null);
  });
});

describe('podStatusJson / imageStatusJson', () => {
  it('inspectp converts only createdAt', () => {
    const p = podStatusJson(decoded<PodSandboxStatus>('runtime.v1.PodSandboxStatus', { id: 'p', state: 'SANDBOX_READY', createdAt: NS.created, network: { ip: '10.0.0.2' } }));
    assert.equal(p.createdAt, '2026-11-25T13:43:25.729995935Z');
    assert.equal(p.state, 'SANDBOX_READY');
    assert.deepEqual(p.network, { ip: '10.0.0.2', additionalIps: [] });
    assert.equal(p.linux, null);
  });
  it('inspecti prints the Image message as is: size a string, unset messages left out', () => {
    const i = imageStatusJson(decoded<Image>('runtime.v1.Image', { id: 'sha256:1', repoTags: ['a:1'], size: 1028707 })) as Record<string, unknown>;
    assert.equal(i.size, '1028707');
    assert.ok(!('uid' in i) && !('spec' in i));
    assert.equal(i.pinned, false);
  });
});

describe('info extras', () => {
  it("runtimeHandlers and features use Go's json tags: snake_case, zero values left out", () => {
    assert.deepEqual(runtimeHandlersJson([{ name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: false } }, { name: '', features: null }]), [
      { name: 'runc', features: { recursive_read_only_mounts: true } },
      {},
    ]);
    assert.deepEqual(snakeOmitEmpty({ supplementalGroupsPolicy: true, userNamespacesHostNetwork: false }), { supplemental_groups_policy: true });
  });
});

describe('-o table forms', () => {
  it('goMapString is Go %v of a map', () => {
    assert.equal(goMapString({ b: '2', a: '{"x":1}' }), 'map[a:{"x":1} b:2]');
    assert.equal(goMapString({}), 'map[]');
  });

  it('inspect -o table: exited container with exit code and info', () => {
    const now = Number(BigInt(NS.finished) / 1_000_000n) + 60_000;
    const text = containerStatusTable({ status: cs('CONTAINER_EXITED', { exitCode: 3, labels: {}, metadata: { name: 'job', attempt: 1 } }), info: { info: '{}' } }, true, now);
    assert.equal(
      text,
      ['ID: c1', 'Name: job', 'Attempt: 1', 'State: CONTAINER_EXITED', 'Created: 2 minutes ago', 'Started: 2 minutes ago', 'Finished: About a minute ago', 'Exit Code: 3', 'Info: map[info:{}]', ''].join('\n'),
    );
    assert.ok(!containerStatusTable({ status: cs('CONTAINER_CREATED'), info: {} }, false).includes('Started:'));
  });

  it('inspectp -o table: absolute time, IPs, escaped labels', () => {
    const st = decoded<PodSandboxStatus>('runtime.v1.PodSandboxStatus', {
      id: 'p1',
      metadata: { name: 'web', uid: 'u1', namespace: 'default' },
      state: 'SANDBOX_READY',
      createdAt: '1795614205635089029',
      network: { ip: '10.0.0.2', additionalIps: [{ ip: 'fd00::2' }] },
      labels: { 'x\x1b': 'y' },
    });
    assert.equal(
      podStatusTable({ status: st, info: {} }, false),
      ['ID: p1', 'Name: web', 'UID: u1', 'Namespace: default', 'Attempt: 0', 'Status: SANDBOX_READY', 'Created: 2026-11-25 13:43:25.635089029 +0000 UTC',
        'IP Addresses: 10.0.0.2', 'Additional IP: fd00::2', 'Labels:', '\tx\\x1b -> y', ''].join('\n'),
    );
  });

  it('inspecti -o table', () => {
    const i = decoded<Image>('runtime.v1.Image', { id: 'sha256:1', repoTags: ['a:1', 'a:2'], repoDigests: ['a@sha256:9'], size: 1028707 });
    assert.equal(imageStatusTable({ image: i, info: {} }, false), 'ID: sha256:1\nTag: a:1\nTag: a:2\nDigest: a@sha256:9\nSize: 1.03MB\n');
  });

  it('imagefsinfo -o table is the HEAD form, with the trailing space after "Filesystem"', () => {
    const r = decoded<Parameters<typeof imageFsInfoTable>[0]>('runtime.v1.ImageFsInfoResponse', {
      imageFilesystems: [{ timestamp: '1795614572657984378', fsId: { mountpoint: '/var/lib/containerd/ovl' }, usedBytes: { value: 10227712 }, inodesUsed: { value: 1312 } }],
    });
    assert.equal(imageFsInfoTable(r), 'Container Filesystem \nImage Filesystem \nTimeStamp[0]: 1795614572657984378\nDisk[0]: 10.23MB\nInodes[0]: 1312\nMountpoint[0]: /var/lib/containerd/ovl\n');
  });
});
