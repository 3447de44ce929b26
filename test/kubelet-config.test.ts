/**
 * The one kubelet-config reader (src/config/kubelet.ts), shared by endpoint
 * auto-detection and diagnose: the endpoint it finds is the one the old
 * regex-based detection found, on every file shape the kubelet accepts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flagEndpoint, parseKubeletFlags, parseKubeletYaml, yamlEndpoint } from '../src/config/kubelet';

/** What detection did before the shared reader: the oracle for "behaviour unchanged". */
const oldFlag = (text: string) => /--container-runtime-endpoint[= ]["']?([^\s"']+)/.exec(text)?.[1];
const oldYaml = (text: string) => /^containerRuntimeEndpoint:\s*["']?([^\s"'#]+)/m.exec(text)?.[1];

function tmpFile(text: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-kubelet-'));
  const p = path.join(d, 'f');
  fs.writeFileSync(p, text);
  return p;
}

const FLAG_FILES = [
  'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n',
  'KUBELET_KUBEADM_ARGS="--cgroup-driver=systemd --container-runtime-endpoint unix:///run/crio/crio.sock"\n',
  "KUBELET_KUBEADM_ARGS='--container-runtime-endpoint=\"/run/containerd/containerd.sock\"'\n",
  'KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.1"\n',
  '',
];

const YAML_FILES = [
  'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n',
  'kind: KubeletConfiguration\ncontainerRuntimeEndpoint: "unix:///run/crio/crio.sock"\ncgroupDriver: systemd\n',
  "containerRuntimeEndpoint: 'unix:///var/run/cri-dockerd.sock' # kubeadm\n",
  'kind: KubeletConfiguration\ncgroupDriver: systemd\n',
  '# containerRuntimeEndpoint is not set here\nkind: KubeletConfiguration\n',
];

describe('kubelet config reader', () => {
  it('finds the flag endpoint exactly where the old detection did', () => {
    for (const text of FLAG_FILES) assert.equal(flagEndpoint(tmpFile(text)), oldFlag(text), text);
  });

  it('finds the config.yaml endpoint exactly where the old detection did', () => {
    for (const text of YAML_FILES) assert.equal(yamlEndpoint(tmpFile(text)), oldYaml(text), text);
  });

  it('reads nothing from a missing file', () => {
    assert.equal(flagEndpoint('/nonexistent/kubeadm-flags.env'), undefined);
    assert.equal(yamlEndpoint('/nonexistent/config.yaml'), undefined);
  });

  it('gives the line of a key, and the error position of a broken file', () => {
    const ok = parseKubeletYaml('kind: KubeletConfiguration\nevictionHard:\n  imagefs.available: 15%\ncgroupDriver: systemd\n');
    assert.ok(ok.ok);
    assert.equal(ok.get('evictionHard')?.line, 2);
    assert.equal(ok.get('cgroupDriver')?.value, 'systemd');
    assert.equal(ok.get('cgroupDriver')?.text, 'cgroupDriver: systemd');
    const bad = parseKubeletYaml('kind: KubeletConfiguration\ncgroupDriver: [systemd\n');
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.ok(bad.error.line && bad.error.line >= 2, JSON.stringify(bad.error));
  });

  it('takes the last of repeated flags, as the kubelet does', () => {
    const f = parseKubeletFlags('KUBELET_KUBEADM_ARGS="--cgroup-driver=cgroupfs"\nKUBELET_EXTRA_ARGS="--cgroup-driver=systemd"\n');
    assert.deepEqual(f.get('cgroup-driver'), { value: 'systemd', line: 2 });
  });
});
