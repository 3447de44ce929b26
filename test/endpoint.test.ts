import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../src/cri/input-error';
import { candidateEndpoints, kubeletEndpoints, normalizeEndpoint } from '../src/cri/endpoint';
import { makeHostRoot, writeHostFile } from './fake/cli';

function usageError(re: RegExp) {
  return (err: unknown) => err instanceof InputError && re.test(err.message) && !!err.hint;
}

describe('normalizeEndpoint', () => {
  it('keeps unix:///abs/path', () => assert.equal(normalizeEndpoint('unix:///run/containerd/containerd.sock'), 'unix:///run/containerd/containerd.sock'));
  it('turns a bare absolute path into unix://', () => assert.equal(normalizeEndpoint('/run/crio/crio.sock'), 'unix:///run/crio/crio.sock'));
  it('trims whitespace', () => assert.equal(normalizeEndpoint('  unix:///a.sock \n'), 'unix:///a.sock'));
  it('accepts an upper-case scheme', () => assert.equal(normalizeEndpoint('UNIX:///a.sock'), 'unix:///a.sock'));
  it('rejects tcp:// with a message saying unix sockets only', () =>
    assert.throws(() => normalizeEndpoint('tcp://127.0.0.1:1234'), usageError(/tcp endpoints are not supported.*unix socket/)));
  it('rejects http:// naming the protocol', () => assert.throws(() => normalizeEndpoint('http://localhost'), usageError(/protocol "http" is not supported/)));
  it('rejects npipe:// (Windows only)', () => assert.throws(() => normalizeEndpoint('npipe:////./pipe/containerd'), usageError(/protocol "npipe"/)));
  it('rejects an empty value, naming the flag', () => assert.throws(() => normalizeEndpoint('', '--image-endpoint'), usageError(/--image-endpoint is set but empty/)));
  it('rejects whitespace only', () => assert.throws(() => normalizeEndpoint('   '), usageError(/--runtime-endpoint is set but empty/)));
  it('rejects a relative path', () => assert.throws(() => normalizeEndpoint('run/x.sock'), usageError(/not an absolute socket path/)));
  it('rejects unix:// with a relative path (two slashes)', () => assert.throws(() => normalizeEndpoint('unix://run/x.sock'), usageError(/absolute path/)));
});

describe('candidateEndpoints', () => {
  let root: string;
  const saved = { root: process.env.TCRICTL_HOST_ROOT, list: process.env.TCRICTL_ENDPOINTS };
  beforeEach(() => {
    root = makeHostRoot();
    process.env.TCRICTL_HOST_ROOT = root;
    delete process.env.TCRICTL_ENDPOINTS;
  });
  afterEach(() => {
    for (const [k, v] of [['TCRICTL_HOST_ROOT', saved.root], ['TCRICTL_ENDPOINTS', saved.list]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  const paths = () => candidateEndpoints().map((c) => c.endpoint.replace(`unix://${root}`, ''));

  it('lists the known sockets under the host root, containerd first, /var/run duplicates folded', () => {
    const list = paths();
    assert.equal(list[0], '/run/containerd/containerd.sock');
    for (const p of ['/run/k3s/containerd/containerd.sock', '/var/snap/microk8s/common/run/containerd.sock', '/run/crio/crio.sock', '/run/cri-dockerd.sock']) {
      assert.ok(list.includes(p), `${p} in ${list.join(', ')}`);
    }
    assert.ok(list.indexOf('/run/containerd/containerd.sock') < list.indexOf('/run/crio/crio.sock'));
    assert.ok(!list.some((p) => p.startsWith('/var/run/')), `no /var/run duplicates: ${list.join(', ')}`);
    assert.equal(new Set(list).size, list.length);
    for (const c of candidateEndpoints()) assert.ok(c.endpoint.startsWith(`unix://${root}/`), `${c.endpoint} is under the host root`);
  });

  it("puts the kubelet config's containerRuntimeEndpoint first", () => {
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: "unix:///run/custom/cri.sock"  # ours\n');
    const list = candidateEndpoints();
    assert.equal(list[0].endpoint, `unix://${root}/run/custom/cri.sock`);
    assert.match(list[0].source, /kubelet config/);
    assert.equal(list[1].endpoint, `unix://${root}/run/containerd/containerd.sock`);
  });

  it('puts the kubeadm-flags.env endpoint before the config file (the flag wins in the kubelet)', () => {
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'containerRuntimeEndpoint: unix:///run/from-config.sock\n');
    writeHostFile(root, 'var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/from-flag.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n');
    const list = paths();
    assert.deepEqual(list.slice(0, 3), ['/run/from-flag.sock', '/run/from-config.sock', '/run/containerd/containerd.sock']);
  });

  it('accepts the flag with a space and a bare path', () => {
    writeHostFile(root, 'var/lib/kubelet/kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint /run/crio/crio.sock"\n');
    const list = candidateEndpoints();
    assert.equal(list[0].endpoint, `unix://${root}/run/crio/crio.sock`);
    assert.match(list[0].source, /kubelet flag/);
  });

  it('dedupes a kubelet endpoint that names a known socket, keeping it first', () => {
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'containerRuntimeEndpoint: unix:///var/run/crio/crio.sock\n');
    const list = candidateEndpoints();
    assert.equal(list[0].endpoint, `unix://${root}/var/run/crio/crio.sock`);
    assert.match(list[0].source, /kubelet/);
    const crio = list.filter((c) => /crio\.sock$/.test(c.endpoint));
    assert.equal(crio.length, 1, crio.map((c) => c.endpoint).join(', '));
  });

  it('skips a malformed kubelet endpoint instead of failing', () => {
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'containerRuntimeEndpoint: tcp://10.0.0.1:2375\n');
    assert.equal(paths()[0], '/run/containerd/containerd.sock');
  });

  it('TCRICTL_ENDPOINTS replaces the list, in order, without duplicates, ignoring the kubelet', () => {
    writeHostFile(root, 'var/lib/kubelet/config.yaml', 'containerRuntimeEndpoint: unix:///run/custom.sock\n');
    process.env.TCRICTL_ENDPOINTS = ' unix:///tmp/a.sock, /tmp/b.sock,,unix:///tmp/a.sock ,unix:///tmp/c.sock';
    const list = candidateEndpoints();
    assert.deepEqual(
      list.map((c) => c.endpoint),
      ['unix:///tmp/a.sock', '/tmp/b.sock', 'unix:///tmp/c.sock'],
    );
    assert.ok(list.every((c) => c.source === 'TCRICTL_ENDPOINTS'));
  });

  it('treats a symlinked socket and its target as one candidate', () => {
    const real = path.join(root, 'run/containerd/containerd.sock');
    fs.mkdirSync(path.dirname(real), { recursive: true });
    fs.writeFileSync(real, '');
    fs.mkdirSync(path.join(root, 'alias'));
    fs.symlinkSync(real, path.join(root, 'alias/c.sock'));
    process.env.TCRICTL_ENDPOINTS = `unix://${root}/alias/c.sock,unix://${real}`;
    assert.equal(candidateEndpoints().length, 1);
  });
});

describe('kubeletEndpoints', () => {
  it('returns nothing when the kubelet files are absent', () => {
    const root = makeHostRoot();
    const saved = process.env.TCRICTL_HOST_ROOT;
    process.env.TCRICTL_HOST_ROOT = root;
    try {
      assert.deepEqual(kubeletEndpoints(), []);
    } finally {
      if (saved === undefined) delete process.env.TCRICTL_HOST_ROOT;
      else process.env.TCRICTL_HOST_ROOT = saved;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
