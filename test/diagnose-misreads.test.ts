/**
 * The misreads of issue 11 at the level of their parts, over recorded files
 * and hand-written Facts: containerd's import merge per version, the unit's
 * ExecStart, containerd's log, and the rules' wording. The real-containerd
 * side of each is in diagnose-misreads.e2e.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeLayers } from '../src/diagnose/config-merge';
import { checkDaemonPaths } from '../src/diagnose/collect/paths';
import { collectUnit, lastWordsOf, unknownHandlersOf } from '../src/diagnose/collect/service';
import type { Facts } from '../src/diagnose/facts';
import { evaluate } from '../src/diagnose/rules';
import { getPath, parseToml, type TomlTable } from '../src/diagnose/toml';
import { healthyFacts, okProbe, SOCKET } from './diagnose-fixtures';
import { collectKubelet } from '../src/diagnose/collect/kubelet';

function layer(file: string, text: string) {
  const p = parseToml(text);
  assert.ok(p.ok, file);
  return { file, text, data: p.data as TomlTable };
}

const MAIN = `version = 2
imports = ["/etc/containerd/conf.d/*.toml"]
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "/etc/cni/net.d"
    bin_dir = "/opt/cni/bin"
[grpc]
  address = "/run/containerd/containerd.sock"
  uid = 5
`;
const DROP_IN = `[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "crun"
[grpc]
  uid = 0
`;

describe('containerd imports, merged as each version merges them', () => {
  const layers = [layer('/etc/containerd/config.toml', MAIN), layer('/etc/containerd/conf.d/10-runtime.toml', DROP_IN)];
  const cri = ['plugins', 'io.containerd.grpc.v1.cri'];

  it('1.x: the drop-in replaces the whole CRI table, and says which settings it dropped', () => {
    const m = mergeLayers(layers, 1);
    assert.equal(getPath(m.data, [...cri, 'containerd', 'default_runtime_name']), 'crun');
    assert.equal(getPath(m.data, [...cri, 'cni', 'conf_dir']), undefined, 'dropped: containerd uses its default');
    assert.equal(getPath(m.data, [...cri, 'sandbox_image']), undefined);
    assert.equal(m.replaced.length, 1);
    assert.equal(m.replaced[0].by, '/etc/containerd/conf.d/10-runtime.toml');
    assert.equal(m.replaced[0].byRef?.line, 1);
    assert.deepEqual(m.replaced[0].lost.map((l) => l.key).sort(), ['plugins."io.containerd.grpc.v1.cri".cni.bin_dir', 'plugins."io.containerd.grpc.v1.cri".cni.conf_dir', 'plugins."io.containerd.grpc.v1.cri".sandbox_image']);
    assert.equal(m.replaced[0].lost.find((l) => l.key.endsWith('conf_dir'))?.ref.line, 6);
  });

  it('every version: top-level tables merge field by field, and an empty value does not override (mergo.WithOverride)', () => {
    for (const major of [1, 2]) {
      const m = mergeLayers(layers, major);
      assert.equal(getPath(m.data, ['grpc', 'address']), '/run/containerd/containerd.sock');
      assert.equal(getPath(m.data, ['grpc', 'uid']), 5, `uid = 0 in the drop-in does not override (major ${major})`);
    }
  });

  it('2.x: plugin tables merge key by key, and the effective value names the file that set it', () => {
    const m = mergeLayers(layers, 2);
    assert.equal(getPath(m.data, [...cri, 'cni', 'conf_dir']), '/etc/cni/net.d');
    assert.equal(getPath(m.data, [...cri, 'containerd', 'default_runtime_name']), 'crun');
    assert.deepEqual(m.replaced, []);
    const key = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'default_runtime_name'].join('\u0000');
    assert.equal(m.keyLines[key].file, '/etc/containerd/conf.d/10-runtime.toml');
  });

  it('arrays are appended, not replaced (disabled_plugins of two files both apply)', () => {
    const m = mergeLayers([layer('a', 'disabled_plugins = ["io.containerd.x.v1.a"]\n'), layer('b', 'disabled_plugins = ["io.containerd.x.v1.b"]\n')], 1);
    assert.deepEqual(m.data.disabled_plugins, ['io.containerd.x.v1.a', 'io.containerd.x.v1.b']);
  });

  it('the rule names the drop-in first, and the CNI finding is its consequence', () => {
    const f = healthyFacts();
    const m = mergeLayers(layers, 1);
    f.runtimeConfig = { ...f.runtimeConfig!, data: m.data, keyLines: m.keyLines, replaced: m.replaced, mergedAs: 1, layers };
    f.cni = { ...f.cni!, confDirState: 'empty', files: [], networks: [] };
    f.cri!.conditions![1] = { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni plugin not initialized' };
    const found = evaluate(f);
    assert.equal(found[0].id, 'runtime-config-import-replaces');
    assert.match(found[0].title, /^\/etc\/containerd\/conf\.d\/10-runtime\.toml replaces containerd's whole \[plugins\."io\.containerd\.grpc\.v1\.cri"\] table/);
    assert.equal(found.find((x) => x.id === 'cni-config-missing')?.consequenceOf, 'runtime-config-import-replaces');
    assert.ok(!('explains' in found[0]), 'internal wiring stays out of the JSON');
  });
});

describe("the unit containerd is started with, and containerd's own words", () => {
  it('applies drop-ins as systemd does: an empty ExecStart= resets, the last one wins; Environment=PATH is kept', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-unit-'));
    const saved = process.env.TCRICTL_HOST_ROOT;
    process.env.TCRICTL_HOST_ROOT = root;
    try {
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
      };
      write('lib/systemd/system/containerd.service', '[Service]\nExecStartPre=-/sbin/modprobe overlay\nExecStart=/usr/bin/containerd\n');
      write('etc/systemd/system/containerd.service.d/20-cfg.conf', '[Service]\nExecStart=\nExecStart=/usr/local/bin/containerd \\\n  --config /srv/ctd/config.toml --address=/run/ctd.sock\nEnvironment="PATH=/opt/bin:/usr/bin" "OTHER=1"\n');
      const u = collectUnit();
      assert.equal(u?.configPath, '/srv/ctd/config.toml');
      assert.equal(u?.address, '/run/ctd.sock');
      assert.equal(u?.envPath?.value, '/opt/bin:/usr/bin');
      assert.equal(u?.execStart?.ref.line, 3);
      assert.equal(u?.files.length, 2);
    } finally {
      if (saved === undefined) delete process.env.TCRICTL_HOST_ROOT;
      else process.env.TCRICTL_HOST_ROOT = saved;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("keeps containerd's telling lines and the handlers pods asked for (logrus escapes the quotes)", () => {
    const log = {
      source: '/var/log/containerd.log',
      lines: [
        'time="2026-01-01T00:00:00Z" level=info msg="starting containerd"',
        'time="2026-01-01T00:00:01Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:gpu,} failed, error" error="failed to get sandbox runtime: no runtime for \\"nvidia\\" is configured"',
        'containerd: failed to load TOML: /etc/containerd/config.toml: (7, 6): unexpected token unclosed table key, was expecting a table key',
      ],
    };
    assert.deepEqual(lastWordsOf(log)?.lines.length, 2);
    assert.deepEqual(unknownHandlersOf(log).map((h) => h.handler), ['nvidia']);
    assert.equal(lastWordsOf({ source: 'x', lines: ['level=info msg="ok"'] }), undefined);
  });

  it('finds a path containerd cannot create, and is silent about a healthy one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-paths-'));
    fs.writeFileSync(path.join(dir, 'file'), '');
    const ok = checkDaemonPaths({ root: path.join(dir, 'root'), state: path.join(dir, 'state'), grpc: { address: path.join(dir, 'c.sock') } }, () => undefined);
    assert.deepEqual(ok, []);
    const bad = checkDaemonPaths({ root: path.join(dir, 'file', 'root'), state: path.join(dir, 'state'), grpc: { address: path.join(dir, 'c.sock') } }, () => undefined);
    assert.deepEqual(bad.map((b) => b.key), ['root']);
    assert.match(bad[0].why, /is a file, not a directory/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('no spurious second errors', () => {
  it('an unparseable kubelet config yields no endpoint from the defaults', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-kubelet-'));
    const cfg = path.join(dir, 'config.yaml');
    fs.writeFileSync(cfg, 'kind: KubeletConfiguration\ncgroupDriver: [systemd\n');
    const saved = process.env.TCRICTL_HOST_ROOT;
    process.env.TCRICTL_HOST_ROOT = dir;
    try {
      const k = collectKubelet(cfg);
      assert.equal(k.config.status, 'invalid');
      assert.equal(k.endpoint, undefined);
      assert.equal(k.cgroupDriver, undefined);
    } finally {
      if (saved === undefined) delete process.env.TCRICTL_HOST_ROOT;
      else process.env.TCRICTL_HOST_ROOT = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken hosts.toml behind an unpullable sandbox image is a separate warning, not its cause', () => {
    const f: Facts = healthyFacts();
    f.sandbox = { ...f.sandbox!, present: false, pull: { host: 'registry.k8s.io', hostsFile: '/etc/containerd/certs.d/registry.k8s.io/hosts.toml', hostsBroken: true, attempts: [{ url: 'https://registry.k8s.io', result: 'unresolvable', detail: 'no such host' }] } };
    f.hostsToml = { dir: '/etc/containerd/certs.d', files: [{ host: 'registry.k8s.io', path: '/etc/containerd/certs.d/registry.k8s.io/hosts.toml', error: 'invalid', line: 2, problems: [] }] };
    const found = evaluate(f);
    assert.equal(found[0].id, 'sandbox-image-missing');
    const hosts = found.find((x) => x.id === 'registry-hosts-invalid');
    assert.equal(hosts?.severity, 'warning');
    assert.equal(hosts?.consequenceOf, undefined);
    assert.equal(found[0].consequenceOf, undefined);
    assert.ok(found[0].evidence.some((e) => /does not parse, so containerd ignores it/.test(e)));
  });

  it('several containerds answer elsewhere and none has the config in play: lists them, names none as "the" daemon', () => {
    const f = healthyFacts();
    const probe = okProbe(SOCKET, { outcome: 'missing', detail: 'no such socket', criVersion: undefined });
    Object.assign(f, { endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, daemon: undefined });
    f.runtimeConfig = { how: 'flag', state: { path: '/srv/mine.toml', status: 'ok' }, data: {}, keyLines: {}, imports: [] };
    f.processes = [1, 2].map((n) => ({ pid: 100 + n, argv: ['containerd'], state: 'S', configPath: `/srv/other${n}.toml`, address: `/run/other${n}.sock`, socketProbe: { outcome: 'ok' as const, detail: 'containerd 1.6.20' } }));
    const x = evaluate(f).find((y) => y.id === 'socket-missing')!;
    assert.match(x.title, /2 containerds answer elsewhere and none was started with \/srv\/mine\.toml/);
    assert.equal(x.fix.filter((s) => /If the runtime meant is pid 10[12]/.test(s)).length, 2);
  });

  it('runc outside containerd\'s PATH: says where it is, and that only shims are looked up next to containerd', () => {
    const f = healthyFacts();
    f.searchPath = { dirs: ['/nowhere'], binaryDir: '/usr/bin', source: "containerd's PATH (/proc/42/environ)" };
    f.handlers![0].ociRuntime = { name: 'runc', searched: ['/nowhere'], fromBinaryName: false };
    const x = evaluate(f).find((y) => y.id === 'runtime-binary-missing');
    assert.ok(x, 'runtime-binary-missing');
    if (fs.existsSync('/usr/sbin/runc') || fs.existsSync('/usr/bin/runc')) {
      assert.match(x.title, /runc is not on containerd's PATH \(it is at \/.*runc\)/);
      assert.ok(x.evidence.some((e) => /shims only, never for runc/.test(e)));
    }
  });
});

describe('invented faults: exists but cannot run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-bins-'));
  const elf = (machine: number) => {
    const b = Buffer.alloc(64);
    b.writeUInt32BE(0x7f454c46, 0);
    b.writeUInt16LE(machine, 18);
    return b;
  };

  it('a binary for another CPU, or a file that is no program, is "exec format error", never "missing"', async () => {
    const { lookupBinary } = await import('../src/diagnose/collect/binaries');
    const other = process.arch === 'arm64' ? 0x3e : 0xb7;
    fs.writeFileSync(path.join(dir, 'runc'), elf(other), { mode: 0o755 });
    let r = lookupBinary('runc', [dir]);
    assert.equal(r.found, undefined);
    assert.match(r.unusable?.why ?? '', /is built for (arm64|x64), and this node is .*: exec format error/);
    fs.writeFileSync(path.join(dir, 'runc'), 'echo hi\n', { mode: 0o755 });
    assert.match(lookupBinary('runc', [dir]).unusable?.why ?? '', /not a program/);
    fs.writeFileSync(path.join(dir, 'runc'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    assert.equal(lookupBinary('runc', [dir]).found, path.join(dir, 'runc'));
    const real = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));
    if (real) assert.equal(lookupBinary(real, []).found, real, 'a real binary of this node passes');
  });

  it('a CNI plugin without its execute bit: cni-plugin-unusable with chmod, not cni-plugin-missing', async () => {
    const { collectCni } = await import('../src/diagnose/collect/cni');
    const conf = path.join(dir, 'net.d');
    const bin = path.join(dir, 'cni-bin');
    fs.mkdirSync(conf, { recursive: true });
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(conf, '10-k8s.conflist'), JSON.stringify({ name: 'k8s', plugins: [{ type: 'bridge' }] }));
    fs.writeFileSync(path.join(bin, 'bridge'), '#!/bin/sh\n', { mode: 0o644 });
    const f = healthyFacts();
    f.cni = collectCni({ ...f.settings!, cniConfDir: { value: conf, ref: { what: 't' } }, cniBinDirs: { value: [bin], ref: { what: 't' } } }, undefined, 1);
    assert.deepEqual(f.cni.missing.map((m) => m.type), ['loopback']);
    assert.equal(f.cni.unusable?.[0].type, 'bridge');
    const found = evaluate(f);
    const x = found.find((y) => y.id === 'cni-plugin-unusable');
    assert.equal(x?.fix[0], `$ sudo chmod 755 ${path.join(bin, 'bridge')}`);
    assert.ok(!found.some((y) => y.id === 'cni-plugin-missing' && /bridge/.test(y.title)), 'bridge is not "missing"');
  });

  it('a renamed-away CNI config is named when nothing else loads', async () => {
    const { collectCni } = await import('../src/diagnose/collect/cni');
    const conf = path.join(dir, 'net2.d');
    fs.mkdirSync(conf, { recursive: true });
    fs.writeFileSync(path.join(conf, '10-calico.conflist.bak'), '{}');
    const f = healthyFacts();
    f.cni = collectCni({ ...f.settings!, cniConfDir: { value: conf, ref: { what: 't' } } }, undefined, 1);
    const x = evaluate(f).find((y) => y.id === 'cni-config-missing');
    assert.ok(x?.evidence.some((e) => e.includes('10-calico.conflist.bak, which containerd skips')), x?.evidence.join('\n'));
    assert.match(x!.fix[0], /10-calico\.conflist\.bak is the config meant/);
  });
});
