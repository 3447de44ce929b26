/**
 * diagnose, pure parts: the finding model, TOML helpers, reading containerd's
 * settings from the file and from CRI Status, and the collectors that only
 * read files (run against temp dirs).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exitCodeFor, orderFindings, type Finding } from '../src/diagnose/finding';
import { getPath, keyPath, locateKeys, parseToml, splitKey } from '../src/diagnose/toml';
import { defaultSandboxImage, handlerCgroupDriver, settingsFromFile, settingsFromStatus, tomlLocation } from '../src/diagnose/runtime-config';
import { parseKubeletFlags } from '../src/config/kubelet';
import * as net from 'node:net';
import { chooseEndpoint } from '../src/diagnose/collect/endpoints';
import { mergeSettings } from '../src/diagnose/collect/merge-settings';
import { CONFIG_TOML, okProbe, runtimeConfigOf, statusConfig } from './diagnose-fixtures';
import { collectCni } from '../src/diagnose/collect/cni';
import { isLocalhost, probeTcp, pullEndpoints, registryHost } from '../src/diagnose/collect/registry';
import { lookupBinary, shimBinaryName } from '../src/diagnose/collect/binaries';
import { collectKubelet } from '../src/diagnose/collect/kubelet';
import { collectRuntimeConfig } from '../src/diagnose/collect/runtime-config-file';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-diag-unit-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function finding(id: string, over: Partial<Finding> = {}): Finding {
  return { id, severity: 'error', stage: 'node', title: id, evidence: [], explanation: '', fix: [], ...over };
}

describe('diagnose finding model', () => {
  it('puts consequences right after their cause, causes by severity then stage', () => {
    const out = orderFindings([
      finding('late-warning', { severity: 'warning', stage: 'endpoint' }),
      finding('socket-missing', { stage: 'endpoint', consequenceOf: 'runtime-config-syntax' }),
      finding('cni-plugin-missing', { stage: 'node' }),
      finding('runtime-config-syntax', { stage: 'runtime-config' }),
      finding('note', { severity: 'info', stage: 'endpoint' }),
    ]);
    assert.deepEqual(
      out.map((f) => f.id),
      ['runtime-config-syntax', 'socket-missing', 'cni-plugin-missing', 'late-warning', 'note'],
    );
  });

  it('keeps a consequence whose cause is absent as a root', () => {
    const out = orderFindings([finding('a', { consequenceOf: 'gone' })]);
    assert.deepEqual(out.map((f) => f.id), ['a']);
  });

  it('maps findings to exit codes 0, 1, 2', () => {
    assert.equal(exitCodeFor([]), 0);
    assert.equal(exitCodeFor([finding('i', { severity: 'info' })]), 0);
    assert.equal(exitCodeFor([finding('w', { severity: 'warning' }), finding('i', { severity: 'info' })]), 1);
    assert.equal(exitCodeFor([finding('w', { severity: 'warning' }), finding('e')]), 2);
  });
});

describe('diagnose TOML helpers', () => {
  it('locates table headers, keys, dotted and quoted keys, skipping multi-line arrays', () => {
    const text = [
      'version = 2',
      'disabled_plugins = [',
      '  "io.containerd.snapshotter.v1.zfs",',
      ']',
      '[plugins."io.containerd.grpc.v1.cri".containerd]',
      '  snapshotter = "zfs" # comment = not a key',
      '  runtimes.runc.runtime_type = "io.containerd.runc.v2"',
      "  'quoted.key' = 1",
    ].join('\n');
    const lines = locateKeys(text);
    assert.equal(lines.get(keyPath(['version'])), 1);
    assert.equal(lines.get(keyPath(['disabled_plugins'])), 2);
    assert.equal(lines.get(keyPath(['plugins', 'io.containerd.grpc.v1.cri', 'containerd'])), 5);
    assert.equal(lines.get(keyPath(['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'snapshotter'])), 6);
    assert.equal(lines.get(keyPath(['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'runtime_type'])), 7);
    assert.equal(lines.get(keyPath(['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'quoted.key'])), 8);
    assert.equal([...lines.keys()].some((k) => k.includes('io.containerd.snapshotter.v1.zfs')), false);
  });

  it('splits dotted keys with quotes', () => {
    assert.deepEqual(splitKey('plugins."io.containerd.grpc.v1.cri".cni'), ['plugins', 'io.containerd.grpc.v1.cri', 'cni']);
  });

  it('reports a syntax error with line and column', () => {
    const r = parseToml('version = 2\n[plugins\n');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.line, 2);
      assert.ok(r.error.column && r.error.column > 0);
      assert.doesNotMatch(r.error.message, /\n/);
    }
  });

  it('names a TOML setting the way containerd docs do', () => {
    assert.equal(tomlLocation(['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'snapshotter']), '[plugins."io.containerd.grpc.v1.cri".containerd] snapshotter');
  });
});

describe('diagnose: containerd settings from the file and from CRI Status', () => {
  it('reads a version 2 file, with file lines as evidence', () => {
    const s = settingsFromFile(runtimeConfigOf(CONFIG_TOML), '1.6.20', (p) => p);
    assert.equal(s.sandboxImage?.value, 'registry.k8s.io/pause:3.6');
    assert.equal(s.sandboxImage?.ref.line, 9);
    assert.equal(s.snapshotter?.value, 'overlayfs');
    assert.deepEqual(s.cniBinDirs?.value, ['/usr/lib/cni']);
    assert.equal(s.runtimes.runc.runtimeType, 'io.containerd.runc.v2');
    assert.equal(handlerCgroupDriver(s, 'runc')?.value, 'cgroupfs');
    assert.equal(handlerCgroupDriver(s, 'runc')?.ref.line, 16);
  });

  it("fills in containerd's defaults for what a file leaves out, through the host-path mapper", () => {
    const s = settingsFromFile(runtimeConfigOf('version = 2\n'), '1.7.2', (p) => `/host${p}`);
    assert.equal(s.sandboxImage?.value, 'registry.k8s.io/pause:3.8');
    assert.equal(s.defaultRuntimeName?.value, 'runc');
    assert.equal(s.runtimes.runc.runtimeType, 'io.containerd.runc.v2');
    assert.deepEqual(s.cniBinDirs?.value, ['/host/opt/cni/bin']);
    assert.equal(s.cniConfDir?.value, '/host/etc/cni/net.d');
    assert.equal(defaultSandboxImage('2.2.0'), 'registry.k8s.io/pause:3.10.1');
  });

  it('reads a version 3 file from the split CRI tables', () => {
    const toml = `version = 3
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "native"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "registry.k8s.io/pause:3.10"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  SystemdCgroup = true
[plugins."io.containerd.cri.v1.runtime".cni]
  bin_dirs = ["/opt/cni/bin", "/usr/lib/cni"]
`;
    const s = settingsFromFile(runtimeConfigOf(toml), '2.0.0', (p) => p);
    assert.equal(s.snapshotter?.value, 'native');
    assert.equal(s.sandboxImage?.value, 'registry.k8s.io/pause:3.10');
    assert.deepEqual(s.cniBinDirs?.value, ['/opt/cni/bin', '/usr/lib/cni']);
    assert.equal(handlerCgroupDriver(s, 'runc')?.value, 'systemd');
  });

  it('reads the effective config of verbose CRI Status (containerd 1.x JSON)', () => {
    const s = settingsFromStatus(statusConfig({ systemdCgroup: true, sandboxImage: 'x/pause:1' }));
    assert.equal(s.source, 'cri-status');
    assert.equal(s.sandboxImage?.value, 'x/pause:1');
    assert.equal(handlerCgroupDriver(s, 'runc')?.value, 'systemd');
    assert.deepEqual(s.cniBinDirs?.value, ['/usr/lib/cni']);
  });

  it('prefers the daemon, but keeps the file line when both say the same', () => {
    const file = settingsFromFile(runtimeConfigOf(CONFIG_TOML), '1.6.20', (p) => p);
    const merged = mergeSettings(settingsFromStatus(statusConfig({ sandboxImage: 'other/pause:9' })), file)!;
    assert.equal(merged.sandboxImage?.value, 'other/pause:9');
    assert.equal(merged.sandboxImage?.ref.line, undefined);
    assert.equal(merged.snapshotter?.ref.line, 11);
    assert.equal(merged.runtimes.runc.optionRefs?.SystemdCgroup?.line, 16);
  });
});

describe('diagnose collectors over files', () => {
  it('parses kubeadm-flags.env', () => {
    const flags = parseKubeletFlags('KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9 --cgroup-driver systemd"\n');
    assert.equal(flags.get('container-runtime-endpoint')?.value, 'unix:///run/containerd/containerd.sock');
    assert.equal(flags.get('pod-infra-container-image')?.value, 'registry.k8s.io/pause:3.9');
    assert.equal(flags.get('cgroup-driver')?.value, 'systemd');
  });

  it("reads the kubelet's endpoint and cgroup driver; flags win over config.yaml; paths go under TCRICTL_HOST_ROOT", () => {
    const root = path.join(tmp, 'kroot');
    fs.mkdirSync(path.join(root, 'var/lib/kubelet'), { recursive: true });
    const cfg = path.join(root, 'var/lib/kubelet/config.yaml');
    fs.writeFileSync(cfg, 'kind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/a.sock\nevictionHard:\n  imagefs.available: 10%\n');
    const saved = process.env.TCRICTL_HOST_ROOT;
    process.env.TCRICTL_HOST_ROOT = root;
    try {
      let k = collectKubelet(cfg);
      assert.equal(k.cgroupDriver?.value, 'systemd');
      assert.equal(k.cgroupDriver?.ref.line, 2);
      assert.equal(k.endpoint?.endpoint, `unix://${root}/run/a.sock`);
      assert.equal(k.evictionHard?.['imagefs.available'].value, '10%');
      fs.writeFileSync(path.join(root, 'var/lib/kubelet/kubeadm-flags.env'), 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=/run/b.sock --cgroup-driver=cgroupfs"\n');
      k = collectKubelet(cfg);
      assert.equal(k.cgroupDriver?.value, 'cgroupfs');
      assert.equal(k.endpoint?.endpoint, `unix://${root}/run/b.sock`);
      assert.match(k.endpoint?.problem ?? '', /no URL scheme/);
      fs.writeFileSync(cfg, 'cgroupDriver: [unclosed\n');
      fs.rmSync(path.join(root, 'var/lib/kubelet/kubeadm-flags.env'));
      k = collectKubelet(cfg);
      assert.equal(k.config.status, 'invalid');
      assert.ok(k.config.line);
    } finally {
      if (saved === undefined) delete process.env.TCRICTL_HOST_ROOT;
      else process.env.TCRICTL_HOST_ROOT = saved;
    }
  });

  it("reads containerd's config with its imports and reports a broken import with its line", () => {
    const dir = path.join(tmp, 'ctd');
    fs.mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.toml'), 'version = 2\nimports = ["conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "a"\n');
    fs.writeFileSync(path.join(dir, 'conf.d/10-sandbox.toml'), '[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "b"\n');
    let rc = collectRuntimeConfig(path.join(dir, 'config.toml'), 'flag');
    assert.equal(getPath(rc.data, ['plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image']), 'b');
    assert.equal(rc.keyLines[keyPath(['plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image'])].file, path.join(dir, 'conf.d/10-sandbox.toml'));
    fs.writeFileSync(path.join(dir, 'conf.d/20-bad.toml'), '[plugins\n');
    rc = collectRuntimeConfig(path.join(dir, 'config.toml'), 'flag');
    const bad = rc.imports.find((i) => i.status === 'invalid');
    assert.equal(bad?.path, path.join(dir, 'conf.d/20-bad.toml'));
    assert.equal(bad?.line, 1);
  });

  it('finds CNI plugin binaries missing from bin_dir, and suggests a dir that has them', () => {
    const conf = path.join(tmp, 'net.d');
    const bin = path.join(tmp, 'cni-bin');
    fs.mkdirSync(conf, { recursive: true });
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(conf, '10-k8s.conflist'), JSON.stringify({ name: 'k8s', plugins: [{ type: 'bridge', ipam: { type: 'host-local' } }, { type: 'portmap' }] }));
    fs.writeFileSync(path.join(bin, 'bridge'), '#!/bin/sh\n', { mode: 0o755 });
    const settings = settingsFromFile(runtimeConfigOf(`version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = "${bin}"\n  conf_dir = "${conf}"\n`), '1.6.20', (p) => p);
    const cni = collectCni(settings, undefined, 1);
    assert.deepEqual(cni.networks.map((n) => n.name), ['cni-loopback', 'k8s']);
    assert.deepEqual(cni.missing.map((m) => m.type).sort(), ['host-local', 'loopback', 'portmap']);
    assert.equal(cni.binDirsRef?.line, 3);
    const empty = collectCni(settingsFromFile(runtimeConfigOf(`version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "${path.join(tmp, 'none')}"\n`), '1.6.20', (p) => p), undefined, 1);
    assert.equal(empty.confDirState, 'missing');
    assert.deepEqual(empty.networks, []);
  });

  it('maps runtime types to shim binaries and looks binaries up in PATH', () => {
    assert.equal(shimBinaryName('io.containerd.runc.v2'), 'containerd-shim-runc-v2');
    assert.equal(shimBinaryName('io.containerd.kata.v2'), 'containerd-shim-kata-v2');
    assert.equal(shimBinaryName('io.containerd.runtime.v1.linux'), 'containerd-shim');
    assert.equal(shimBinaryName('bogus'), undefined);
    const bin = path.join(tmp, 'pathbin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 }); // an empty file is no program (exec format error)
    fs.writeFileSync(path.join(bin, 'notexec'), '', { mode: 0o644 });
    assert.equal(lookupBinary('tool', ['/nonexistent', bin]).found, path.join(bin, 'tool'));
    assert.equal(lookupBinary('notexec', [bin]).found, undefined);
    assert.equal(lookupBinary('/nonexistent/runc', [bin]).found, undefined);
  });

  it('knows where containerd pulls an image from, including hosts.toml mirrors', () => {
    assert.equal(registryHost('registry.k8s.io/pause:3.9'), 'registry.k8s.io');
    assert.equal(registryHost('busybox:1'), 'docker.io');
    assert.equal(registryHost('library/busybox'), 'docker.io');
    assert.equal(registryHost('127.0.0.1:5000/pause:1'), '127.0.0.1:5000');
    assert.equal(registryHost('localhost/x:1'), 'localhost');
    assert.ok(isLocalhost('127.0.0.1:5000'));
    assert.deepEqual(pullEndpoints('docker.io', undefined).urls, ['https://registry-1.docker.io']);
    assert.deepEqual(pullEndpoints('127.0.0.1:5000', undefined).urls, ['http://127.0.0.1:5000']);
    const certs = path.join(tmp, 'certs.d');
    fs.mkdirSync(path.join(certs, 'registry.k8s.io'), { recursive: true });
    fs.writeFileSync(path.join(certs, 'registry.k8s.io/hosts.toml'), 'server = "https://registry.k8s.io"\n[host."http://127.0.0.1:5001"]\n  capabilities = ["pull", "resolve"]\n');
    const r = pullEndpoints('registry.k8s.io', certs);
    assert.deepEqual(r.urls, ['http://127.0.0.1:5001', 'https://registry.k8s.io']);
    assert.equal(r.hostsFile, path.join(certs, 'registry.k8s.io/hosts.toml'));
  });

  it('probes a registry with a TCP connect only: refused vs reachable (127.0.0.1)', async () => {
    const srv = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const up = await probeTcp(`http://127.0.0.1:${port}`, 2000);
      assert.equal(up.result, 'reachable', up.detail);
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
    const down = await probeTcp(`http://127.0.0.1:${port}`, 2000);
    assert.equal(down.result, 'refused');
    assert.match(down.detail, /connection refused/);
  });

  it('chooses the endpoint: -r always, else the first that answers, else the most telling broken one', () => {
    const missing = okProbe('/run/a.sock', { outcome: 'missing', kind: 'kubelet' });
    const stale = okProbe('/run/b.sock', { outcome: 'refused', kind: 'known' });
    const ok = okProbe('/run/c.sock', { outcome: 'ok', kind: 'known' });
    const notCri = okProbe('/run/d.sock', { outcome: 'not-cri', kind: 'known' });
    assert.equal(chooseEndpoint([missing, ok], 'flag'), missing);
    assert.equal(chooseEndpoint([missing, stale, notCri, ok]), ok);
    assert.equal(chooseEndpoint([missing, stale, notCri]), notCri);
    assert.equal(chooseEndpoint([missing, stale]), stale);
    assert.equal(chooseEndpoint([missing]), missing);
    const crictl = okProbe('/run/e.sock', { outcome: 'missing', kind: 'crictl' });
    assert.equal(chooseEndpoint([crictl, ok], 'crictl'), ok);
  });
});
