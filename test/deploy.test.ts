/**
 * The fleet manifests (deploy/): what the DaemonSet may touch on a node.
 * Parsed with `yaml`, checked field by field: read-only hostPath mounts only,
 * no privilege, every node reachable.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const deployDir = path.join(root, 'deploy');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function manifests(file: string): K8sObject[] {
  const docs = parseAllDocuments(fs.readFileSync(path.join(deployDir, file), 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], `${file}: YAML errors`);
  return docs.map((d) => d.toJS() as K8sObject).filter(Boolean);
}

const objects = manifests('daemonset.yaml');
const ds = objects.find((o) => o.kind === 'DaemonSet');
const pod = ds?.spec?.template?.spec;

describe('deploy/daemonset.yaml', () => {
  it('is a DaemonSet labelled app=tcrictl-diagnose, in a namespace the file creates', () => {
    assert.ok(ds, 'no DaemonSet in deploy/daemonset.yaml');
    assert.equal(ds.apiVersion, 'apps/v1');
    assert.equal(ds.spec.selector.matchLabels.app, 'tcrictl-diagnose');
    assert.equal(ds.spec.template.metadata.labels.app, 'tcrictl-diagnose');
    const ns = objects.find((o) => o.kind === 'Namespace');
    assert.equal(ns?.metadata.name, ds.metadata.namespace);
  });

  it('runs tcrictl diagnose -o json and keeps stdout for the report', () => {
    assert.equal(pod.containers.length, 1);
    const cmd = [...(pod.containers[0].command ?? []), ...(pod.containers[0].args ?? [])].join(' ');
    assert.match(cmd, /tcrictl diagnose -o json(;| |$)/);
    assert.doesNotMatch(cmd, /diagnose -o json[^;]*(>|\|)/, 'the report must go to the log unchanged');
  });

  it('mounts only hostPath volumes, every one read-only, at the same path as on the node', () => {
    const volumes = new Map<string, { path: string; type?: string }>();
    for (const v of pod.volumes) {
      assert.ok(v.hostPath, `volume ${v.name} is not a hostPath`);
      volumes.set(v.name, v.hostPath);
    }
    const mounts = pod.containers.flatMap((c: { volumeMounts?: unknown[] }) => c.volumeMounts ?? []) as Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
    assert.ok(mounts.length > 0);
    for (const m of mounts) {
      const hp = volumes.get(m.name);
      assert.ok(hp, `mount ${m.name} has no volume`);
      assert.equal(m.readOnly, true, `${m.mountPath} is not readOnly`);
      assert.equal(m.subPath, undefined, `${m.mountPath}: subPath would make the kubelet create missing paths`);
      assert.equal(m.mountPath, hp.path, `${m.name} is mounted at ${m.mountPath}, not at ${hp.path}`);
    }
    const paths = mounts.map((m) => m.mountPath);
    for (const needed of ['/run/containerd', '/etc/containerd', '/var/lib/kubelet', '/etc/cni/net.d', '/opt/cni/bin']) {
      assert.ok(paths.includes(needed), `${needed} is not mounted`);
    }
    for (const tooBroad of ['/', '/run', '/var/run', '/etc', '/var', '/var/lib', '/proc', '/sys', '/dev']) {
      assert.ok(!paths.includes(tooBroad), `${tooBroad} is mounted: more than diagnose needs`);
    }
  });

  it('has no privilege: root for the socket, but no capability, no escalation, read-only root filesystem', () => {
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const sc = c.securityContext;
      assert.ok(sc, `${c.name} has no securityContext`);
      assert.notEqual(sc.privileged, true, `${c.name} is privileged`);
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.equal(sc.readOnlyRootFilesystem, true);
      assert.deepEqual(sc.capabilities?.drop, ['ALL']);
      assert.deepEqual(sc.capabilities?.add ?? [], [], `${c.name} adds capabilities`);
      assert.equal(sc.runAsUser, 0, 'the CRI socket is root-owned');
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault');
    }
    assert.equal(pod.automountServiceAccountToken, false);
    assert.notEqual(pod.hostIPC, true);
    assert.equal(pod.securityContext?.privileged, undefined);
  });

  it('tolerates every taint, so control-plane and cordoned-for-maintenance nodes are diagnosed too', () => {
    const tolerations = pod.tolerations as Array<{ key?: string; operator?: string; effect?: string }>;
    assert.ok(tolerations.some((t) => t.operator === 'Exists' && t.key === undefined && t.effect === undefined), 'no catch-all toleration');
  });
});

describe('deploy/Containerfile', () => {
  const text = fs.readFileSync(path.join(deployDir, 'Containerfile'), 'utf8');

  it('copies the single executable onto a glibc base and installs no Node.js', () => {
    assert.match(text, /^FROM \S*debian:12-slim$/m);
    assert.match(text, /^COPY dist\/tcrictl \/usr\/local\/bin\/tcrictl$/m);
    assert.doesNotMatch(text, /\bnode(js)?\b.*install|apt-get install/i);
    // The DaemonSet's command runs what the image holds.
    assert.match(JSON.stringify(pod.containers[0].command), /\/usr\/local\/bin\/tcrictl/);
  });
});
