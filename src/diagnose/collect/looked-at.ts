/**
 * What each check looked at, in one line, for `diagnose --verbose`: the files,
 * sockets, RPCs and directories behind a "passed".
 */
import type { Facts, FileState } from '../facts';

const file = (s: FileState) => `${s.path} (${s.status})`;

const DESCRIBE: Record<string, (f: Facts) => string | undefined> = {
  files: (f) => `kubelet config ${file(f.kubelet.config)}, kubeadm flags ${file(f.kubelet.flags)}, crictl config ${file(f.crictl.config)}`,
  processes: (f) => (f.processes.length ? `/proc: ${f.processes.map((p) => `containerd pid ${p.pid} --config ${p.configPath}`).join('; ')}` : '/proc: no containerd process'),
  endpoints: (f) => `${f.endpoints.probes.map((p) => `${p.socket} (${p.source}): ${p.detail}`).join('; ')}${f.endpoints.chosen ? `; chose ${f.endpoints.chosen.endpoint}` : ''}`,
  'runtime-config': (f) => {
    const rc = f.runtimeConfig;
    if (!rc) return undefined;
    return `${rc.state.path} (chosen by ${rc.how}${rc.version ? `, version ${rc.version}` : ''})${rc.imports.length ? `, imports ${rc.imports.map((i) => i.path).join(', ')}` : ''}`;
  },
  'containerd-api': (f) => `containerd ${f.containerd?.version?.version ?? '?'}: ${f.containerd?.plugins?.length ?? 0} plugins, ${f.containerd?.plugins?.filter((p) => p.initErr).length ?? 0} with init_err`,
  cri: (f) => `${f.cri?.version?.runtimeName ?? 'runtime'} ${f.cri?.version?.runtimeVersion ?? ''}: ${(f.cri?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(' ')}; ${(f.cri?.timings ?? []).map((t) => `${t.method} ${t.ms} ms`).join(', ')}`,
  settings: (f) => f.settings && `${f.settings.sourceLabel}: default runtime ${f.settings.defaultRuntimeName?.value ?? 'runc'}, snapshotter ${f.settings.snapshotter?.value ?? 'default'}`,
  'runtime-handlers': (f) =>
    `${(f.handlers ?? []).map((h) => `${h.name}: shim ${h.shim?.found ?? h.shim?.name ?? '-'}${h.ociRuntime ? `, ${h.ociRuntime.found ?? h.ociRuntime.name}` : ''}`).join('; ')} (${f.searchPath?.source ?? 'PATH'})`,
  cni: (f) => f.cni && `${f.cni.confDir}: ${f.cni.files.map((x) => x.name).join(', ') || 'no files'}; plugins ${[...new Set(f.cni.networks.flatMap((n) => n.types))].join(', ')} in ${f.cni.binDirs.join(', ')}`,
  'runtime-class-handlers': (f) =>
    `containerd's log (${f.containerdLogSource ?? 'none found: no journal, no /var/log/containerd.log'}): ${f.handlerRequests?.length ?? 0} unknown handler requests; sandboxes by handler: ${Object.entries(f.cri?.sandboxHandlers ?? {}).map(([h, n]) => `${h || 'default'} ${n}`).join(', ') || 'none'}`,
  'sandbox-image': (f) => f.sandbox && `ImageStatus(${f.sandbox.ref.value}): ${f.sandbox.present ? 'present' : 'absent'}${f.sandbox.pinned ? ', pinned' : ''}`,
  'registry-hosts': (f) => f.hostsToml && `${f.hostsToml.dir}: ${f.hostsToml.files.length} hosts.toml`,
  imagefs: (f) =>
    (f.imagefs ?? []).map((i) => `${i.mountpoint} (${i.fsType ?? '?'}): ${i.totalBytes ? `${Math.round((100 * (i.totalBytes - (i.availBytes ?? 0))) / i.totalBytes)}% used` : 'size unknown'}`).join('; '),
  'log-dir': (f) => f.logDir && `${f.logDir.path}: ${f.logDir.writable ? 'writable' : 'exists'}`,
  containers: (f) => `${f.containers?.length ?? 0} exited containers' last run`,
  kubelet: (f) => `endpoint ${f.kubelet.endpoint?.raw ?? 'unset'}, cgroupDriver ${f.kubelet.cgroupDriver?.value ?? 'unset'}`,
};

/** Fills `lookedAt` for every check that ran. */
export function describeChecks(f: Facts): void {
  for (const c of f.checks) {
    if (c.status !== 'ran') continue;
    const d = DESCRIBE[c.id]?.(f);
    if (d) c.lookedAt = d;
  }
}
