/**
 * Hand-written Facts for the pure diagnose tests: a healthy containerd 1.6
 * node (what the collector sees against the e2e harness), which each test
 * breaks in one place.
 */
import type { EndpointProbe, Facts, RuntimeConfigFacts } from '../src/diagnose/facts';
import { settingsFromFile, settingsFromStatus } from '../src/diagnose/runtime-config';
import { keyPath, locateKeys, parseToml } from '../src/diagnose/toml';

export const SOCKET = '/run/containerd/containerd.sock';
export const CONFIG = '/etc/containerd/config.toml';

export const CONFIG_TOML = `version = 2
root = "/var/lib/containerd"

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.6"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
`;

/** RuntimeConfigFacts for a TOML text, the way the collector builds them. */
export function runtimeConfigOf(text: string, path = CONFIG): RuntimeConfigFacts {
  const parsed = parseToml(text);
  const lines = text.split('\n');
  const keyLines: RuntimeConfigFacts['keyLines'] = {};
  for (const [k, line] of locateKeys(text)) keyLines[k] = { file: path, line, text: lines[line - 1].trim() };
  if (!parsed.ok) {
    return { how: 'default', state: { path, status: 'invalid', error: parsed.error.message, line: parsed.error.line, column: parsed.error.column, excerpt: lines[(parsed.error.line ?? 1) - 1] }, keyLines, imports: [] };
  }
  const v = parsed.data.version;
  return { how: 'default', state: { path, status: 'ok' }, data: parsed.data, version: typeof v === 'number' ? v : 1, keyLines, imports: [], mtimeMs: 1_000 };
}

export function statusConfig(overrides: { systemdCgroup?: boolean; sandboxImage?: string; binDir?: string; confDir?: string; runtimes?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    containerd: {
      snapshotter: 'overlayfs',
      defaultRuntimeName: 'runc',
      runtimes: overrides.runtimes ?? {
        runc: { runtimeType: 'io.containerd.runc.v2', runtimePath: '', options: { SystemdCgroup: overrides.systemdCgroup ?? false } },
      },
    },
    cni: { binDir: overrides.binDir ?? '/usr/lib/cni', confDir: overrides.confDir ?? '/etc/cni/net.d', maxConfNum: 1 },
    registry: { configPath: '' },
    sandboxImage: overrides.sandboxImage ?? 'registry.k8s.io/pause:3.6',
    systemdCgroup: false,
  };
}

export function okProbe(socket = SOCKET, over: Partial<EndpointProbe> = {}): EndpointProbe {
  return {
    endpoint: `unix://${socket}`,
    socket,
    kind: 'flag',
    source: '-r/--runtime-endpoint',
    outcome: 'ok',
    detail: 'containerd 1.6.20~ds1',
    elapsedMs: 3,
    stat: { mode: 0o140660, uid: 0, gid: 0, isSocket: true },
    criVersion: { version: '0.1.0', runtimeName: 'containerd', runtimeVersion: '1.6.20~ds1', runtimeApiVersion: 'v1' },
    ...over,
  };
}

/** A healthy containerd 1.6.20 node with a kubelet configured for it (cgroupfs on both sides). */
export function healthyFacts(): Facts {
  const rc = runtimeConfigOf(CONFIG_TOML);
  const config = statusConfig();
  const status = settingsFromStatus(config);
  const file = settingsFromFile(rc, '1.6.20~ds1', (p) => p);
  const probe = okProbe();
  const daemon = { pid: 42, argv: ['/usr/bin/containerd'], state: 'S', configPath: CONFIG, address: SOCKET, exe: '/usr/bin/containerd', envPath: '/usr/sbin:/usr/bin:/sbin:/bin', startedAtMs: 2_000 };
  return {
    timeoutMs: 2000,
    hostRoot: '',
    caller: { uid: 0, gid: 0, groups: [0], userName: 'root' },
    kubelet: {
      config: { path: '/var/lib/kubelet/config.yaml', status: 'ok' },
      flags: { path: '/var/lib/kubelet/kubeadm-flags.env', status: 'missing' },
      endpoint: { raw: `unix://${SOCKET}`, endpoint: `unix://${SOCKET}`, ref: { file: '/var/lib/kubelet/config.yaml', line: 4, text: `containerRuntimeEndpoint: unix://${SOCKET}` } },
      cgroupDriver: { value: 'cgroupfs', ref: { file: '/var/lib/kubelet/config.yaml', line: 3, text: 'cgroupDriver: cgroupfs' }, defaulted: false },
    },
    crictl: { config: { path: '/etc/crictl.yaml', status: 'ok' } },
    runtimeConfig: rc,
    processes: [daemon],
    daemon,
    endpoints: { explicit: true, chosen: probe, probes: [probe] },
    containerd: {
      version: { version: '1.6.20~ds1', revision: '1.6.20~ds1-1+deb12u3' },
      plugins: [
        { type: 'io.containerd.snapshotter.v1', id: 'overlayfs', exports: {} },
        { type: 'io.containerd.snapshotter.v1', id: 'native', exports: {} },
        { type: 'io.containerd.grpc.v1', id: 'cri', exports: { CRIVersion: 'v1' } },
      ],
      deprecations: [],
      errors: {},
    },
    cri: {
      version: probe.criVersion,
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        { type: 'NetworkReady', status: true, reason: '', message: '' },
      ],
      config,
      lastCNILoadStatus: 'OK',
      timings: [
        { method: 'Status', ms: 4 },
        { method: 'ListPodSandbox', ms: 2 },
        { method: 'ListContainers', ms: 2 },
      ],
      errors: {},
      imageFilesystems: [{ mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs', usedBytes: 1000 }],
    },
    settings: { ...status },
    fileSettings: file,
    searchPath: { dirs: ['/usr/sbin', '/usr/bin'], source: "containerd's PATH (/proc/42/environ)" },
    handlers: [
      {
        name: 'runc',
        isDefault: true,
        runtimeType: 'io.containerd.runc.v2',
        shim: { name: 'containerd-shim-runc-v2', found: '/usr/bin/containerd-shim-runc-v2', searched: ['/usr/sbin', '/usr/bin'] },
        ociRuntime: { name: 'runc', found: '/usr/sbin/runc', searched: ['/usr/sbin', '/usr/bin'], fromBinaryName: false },
      },
    ],
    cni: {
      confDir: '/etc/cni/net.d',
      binDirs: ['/usr/lib/cni'],
      source: 'CRI Status cniconfig',
      confDirState: 'ok',
      files: [{ name: '10-bridge.conflist' }],
      networks: [
        { name: 'cni-loopback', types: ['loopback'] },
        { name: 'k8s', file: '10-bridge.conflist', types: ['bridge', 'host-local'] },
      ],
      missing: [],
      alternatives: [],
    },
    sandbox: { ref: { value: 'registry.k8s.io/pause:3.6', ref: { what: 'CRI Status (verbose) config' } }, present: true, pinned: true, localPauseImages: ['registry.k8s.io/pause:3.6'] },
    imagefs: [{ mountpoint: '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs', fsType: 'ext4', totalBytes: 100e9, availBytes: 60e9, totalInodes: 1e6, freeInodes: 9e5 }],
    containers: [],
    host: { pid1: 'systemd', cgroupV2: true },
    checks: [],
  };
}

export { keyPath };
