/**
 * CRI settings that make the plugin fail (F07, F11–F14): containerd's own
 * validation, checked from the file when the daemon cannot be asked, or will
 * only notice at its next restart.
 */
import type { Facts, Ref, RuntimeConfigFacts } from '../facts';
import type { Finding } from '../finding';
import { criTablePaths, CRI_V1, refOf } from '../runtime-config';
import { formatRef } from '../text';
import { getPath, isTable, type TomlTable } from '../toml';
import { configPath, containerdVersion, daemonStatusLine, restartContainerd, versionTuple } from './common';

export interface CriConfigProblem {
  kind: 'disabled' | 'snapshotter' | 'systemd-cgroup' | 'mirrors' | 'configs-tls' | 'default-runtime' | 'v1-only-option';
  /** containerd's own wording, as init_err would say it. */
  message: string;
  refs: Ref[];
}

const BUILTIN_SNAPSHOTTERS = ['overlayfs', 'native', 'btrfs', 'zfs', 'devmapper', 'aufs', 'blockfile', 'erofs'];

/** containerd's CRI config validation (1.6/1.7 ValidatePluginConfig), over a version 1/2 file. */
export function validateCriConfig(rc: RuntimeConfigFacts): CriConfigProblem[] {
  const data = rc.data;
  const version = rc.version ?? 1;
  if (!data || version >= 3) return [];
  const cri = criTablePaths(version).cri;
  const table = getPath(data, cri);
  const out: CriConfigProblem[] = [];
  const disabled = Array.isArray(data.disabled_plugins) ? (data.disabled_plugins as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  if (disabled.includes(CRI_V1) || (version <= 1 && disabled.includes('cri'))) {
    out.push({ kind: 'disabled', message: `disabled_plugins lists ${version <= 1 ? '"cri"' : `"${CRI_V1}"`}`, refs: [refOf(rc, ['disabled_plugins'])] });
  }
  const t: TomlTable = isTable(table) ? table : {};
  const c = isTable(t.containerd) ? t.containerd : {};
  const runtimes = isTable(c.runtimes) ? c.runtimes : {};
  const names = new Set(['runc', ...Object.keys(runtimes)]);
  const defName = typeof c.default_runtime_name === 'string' ? c.default_runtime_name : 'runc';
  const defRef = refOf(rc, [...cri, 'containerd', 'default_runtime_name']);
  if (defName === '') out.push({ kind: 'default-runtime', message: 'invalid plugin config: `default_runtime_name` is empty', refs: [defRef] });
  else if (!names.has(defName)) {
    out.push({ kind: 'default-runtime', message: `invalid plugin config: no corresponding runtime configured in \`containerd.runtimes\` for \`containerd\` \`default_runtime_name = "${defName}"\``, refs: [defRef] });
  }
  const defRuntime = runtimes[defName];
  const defType = isTable(defRuntime) && typeof defRuntime.runtime_type === 'string' ? defRuntime.runtime_type : 'io.containerd.runc.v2';
  if (t.systemd_cgroup === true && defType !== 'io.containerd.runtime.v1.linux' && names.has(defName)) {
    out.push({ kind: 'systemd-cgroup', message: 'invalid plugin config: `systemd_cgroup` only works for runtime io.containerd.runtime.v1.linux', refs: [refOf(rc, [...cri, 'systemd_cgroup'])] });
  }
  if (c.no_pivot === true && defType !== 'io.containerd.runtime.v1.linux' && names.has(defName)) {
    out.push({ kind: 'v1-only-option', message: 'invalid plugin config: `no_pivot` only works for runtime io.containerd.runtime.v1.linux', refs: [refOf(rc, [...cri, 'containerd', 'no_pivot'])] });
  }
  for (const [h, r] of Object.entries(runtimes)) {
    if (!isTable(r) || r.runtime_type === 'io.containerd.runtime.v1.linux') continue;
    for (const key of ['runtime_engine', 'runtime_root']) {
      if (typeof r[key] === 'string' && r[key] !== '') {
        out.push({ kind: 'v1-only-option', message: `invalid plugin config: \`${key}\` only works for runtime io.containerd.runtime.v1.linux`, refs: [refOf(rc, [...cri, 'containerd', 'runtimes', h, key])] });
      }
    }
  }
  const reg = isTable(t.registry) ? t.registry : {};
  const configPathSet = typeof reg.config_path === 'string' && reg.config_path !== '';
  if (configPathSet && isTable(reg.mirrors) && Object.keys(reg.mirrors).length > 0) {
    out.push({ kind: 'mirrors', message: 'invalid plugin config: `mirrors` cannot be set when `config_path` is provided', refs: [refOf(rc, [...cri, 'registry', 'config_path']), refOf(rc, [...cri, 'registry', 'mirrors', Object.keys(reg.mirrors)[0]])] });
  }
  if (configPathSet && isTable(reg.configs) && Object.values(reg.configs).some((x) => isTable(x) && x.tls !== undefined)) {
    const host = Object.keys(reg.configs).find((k) => isTable((reg.configs as TomlTable)[k]) && ((reg.configs as TomlTable)[k] as TomlTable).tls !== undefined)!;
    out.push({ kind: 'configs-tls', message: 'invalid plugin config: `configs.tls` cannot be set when `config_path` is provided', refs: [refOf(rc, [...cri, 'registry', 'config_path']), refOf(rc, [...cri, 'registry', 'configs', host, 'tls'])] });
  }
  const snap = typeof c.snapshotter === 'string' ? c.snapshotter : 'overlayfs';
  const proxies = isTable(data.proxy_plugins) ? Object.keys(data.proxy_plugins) : [];
  const snapRef = refOf(rc, [...cri, 'containerd', 'snapshotter']);
  if (disabled.includes(`io.containerd.snapshotter.v1.${snap}`)) {
    out.push({ kind: 'snapshotter', message: `failed to create CRI service: failed to find snapshotter "${snap}" (it is in disabled_plugins)`, refs: [snapRef, refOf(rc, ['disabled_plugins'])] });
  } else if (!BUILTIN_SNAPSHOTTERS.includes(snap) && !proxies.includes(snap)) {
    out.push({ kind: 'snapshotter', message: `failed to create CRI service: failed to find snapshotter "${snap}" (not a built-in snapshotter nor a proxy_plugins entry)`, refs: [snapRef] });
  }
  return out;
}

/** Static CRI validation: reported when the daemon could not confirm it, or will only notice at its next start. */
export function criConfigRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc?.data) return [];
  const v = versionTuple(containerdVersion(f));
  if (v && v[0] >= 2) return [];
  const plugins = f.containerd?.plugins;
  const cri = plugins?.find((p) => p.type === 'io.containerd.grpc.v1' && p.id === 'cri');
  // The daemon's own verdict wins when it has one for this file.
  if (plugins && (!cri || cri.initErr)) return [];
  const running = !!cri && !cri.initErr;
  return validateCriConfig(rc).map((p) => {
    const evidence = [...p.refs.map(formatRef), daemonStatusLine(f)];
    const base = {
      stage: 'runtime-config' as const,
      severity: 'error' as const,
      evidence,
      fix: [...fixFor(p, f), restartContainerd(f)],
      catalogue: [catalogueFor(p)],
    };
    const when = running
      ? 'containerd is running with an older version of this file and its CRI plugin works now; at the next restart it will not load.'
      : 'containerd could not be asked, so this comes from the file: as soon as containerd starts with it, its CRI plugin does not load.';
    if (p.kind === 'disabled') {
      return { ...base, id: 'cri-plugin-disabled', title: `containerd's CRI plugin is disabled in ${rc.state.path}`, explanation: `${when} Without CRI, containerd answers "unknown service runtime.v1.RuntimeService" and the kubelet cannot run pods. Docker's containerd.io package ships this setting.` };
    }
    return { ...base, id: 'cri-plugin-will-fail', subject: p.kind, title: `With this config containerd's CRI plugin fails to load: ${p.message}`, explanation: `${when} ${explainProblem(p)}` };
  });
}

function catalogueFor(p: CriConfigProblem): string {
  return { disabled: 'F07', snapshotter: 'F11', 'systemd-cgroup': 'F12', mirrors: 'F13', 'configs-tls': 'F13', 'default-runtime': 'F14', 'v1-only-option': 'F10' }[p.kind];
}

export function explainProblem(p: Pick<CriConfigProblem, 'kind'>): string {
  switch (p.kind) {
    case 'snapshotter':
      return 'The CRI plugin cannot start without the snapshotter it is configured with, and that snapshotter plugin is disabled, unknown or failed (zfs and btrfs need the root on that filesystem, devmapper needs its own config).';
    case 'systemd-cgroup':
      return '`systemd_cgroup` at the CRI level is a setting of the long-removed v1 runtime; with runc v2 it makes the CRI config invalid. The systemd cgroup driver for runc is `SystemdCgroup = true` under the runc runtime\'s options.';
    case 'mirrors':
    case 'configs-tls':
      return 'The inline registry settings (`mirrors`, `configs.*.tls`, deprecated since 1.5) cannot be combined with `config_path` (hosts.toml directories); containerd rejects the CRI config.';
    case 'default-runtime':
      return '`default_runtime_name` must name an entry of the runtimes table; a typo, or an `imports` file that replaced the table, makes the CRI config invalid.';
    case 'v1-only-option':
      return 'This option only applies to the removed io.containerd.runtime.v1.linux runtime; with runc v2 it makes the CRI config invalid.';
    case 'disabled':
      return 'The CRI plugin is listed in disabled_plugins.';
  }
}

function fixFor(p: CriConfigProblem, f: Facts): string[] {
  const rc = f.runtimeConfig;
  const at = (r: Ref | undefined) => (r?.line ? ` (${r.file}:${r.line})` : ` in ${configPath(f)}`);
  switch (p.kind) {
    case 'disabled':
      return [`Remove the CRI plugin from disabled_plugins${at(p.refs[0])}`];
    case 'snapshotter':
      return [`Set snapshotter = "overlayfs" (or another loaded snapshotter)${at(p.refs[0])}, or enable and set up the one you want`];
    case 'systemd-cgroup':
      return [`Delete systemd_cgroup${at(p.refs[0])}`, 'To use the systemd cgroup driver, set SystemdCgroup = true under [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]'];
    case 'mirrors':
    case 'configs-tls':
      return [`Move each mirror/TLS setting to ${String(getPath(rc?.data, [...criTablePaths(rc?.version ?? 2).cri, 'registry', 'config_path']) ?? '<config_path>')}/<registry host>/hosts.toml and delete the inline table${at(p.refs[1])}`];
    case 'default-runtime':
      return [`Set default_runtime_name to a defined runtime${at(p.refs[0])}, or define that runtime under containerd.runtimes`];
    case 'v1-only-option':
      return [`Delete the option${at(p.refs[0])}; runc v2 takes its settings under runtimes.<name>.options`];
  }
}
