/**
 * Rules on containerd's config file itself: syntax (F15), plugin names (F08),
 * schema version vs daemon version (F16, F17), keys containerd silently
 * ignores, CRI settings that make the plugin fail (F07, F11–F14, checked from
 * the file when the daemon cannot be asked, or will only notice at its next
 * restart), and a file that differs from what the daemon runs with.
 */
import type { Facts, Ref, RuntimeConfigFacts } from '../facts';
import type { Finding } from '../finding';
import { criTablePaths, CRI_V1, handlerCgroupDriver, refOf, tomlLocation } from '../runtime-config';
import { formatRef } from '../text';
import { getPath, isTable, keyPath, type TomlTable } from '../toml';
import { configPath, containerdVersion, daemonAnswered, quote, restartContainerd, versionAtLeast, versionTuple } from './common';

function daemonStatusLine(f: Facts): string {
  const d = f.daemon;
  if (!d) return f.processes.length ? 'No containerd process serves the runtime socket' : 'No containerd process is running';
  const started = d.startedAtMs ? new Date(d.startedAtMs).toISOString() : 'unknown time';
  const edited = f.runtimeConfig?.mtimeMs ? new Date(f.runtimeConfig.mtimeMs).toISOString() : 'unknown time';
  return `containerd pid ${d.pid} is running; it started at ${started}, the file was last modified at ${edited}`;
}

/** True when the running daemon started after the file's last change, i.e. it accepted this very file. */
function daemonLoadedThisFile(f: Facts): boolean {
  const d = f.daemon;
  const rc = f.runtimeConfig;
  if (!d?.startedAtMs || !rc?.mtimeMs || !daemonAnswered(f)) return false;
  return d.configPath === rc.state.path && d.startedAtMs > rc.mtimeMs;
}

// ---------------------------------------------------------------- F15

export function syntaxRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc) return [];
  const bad = [rc.state, ...rc.imports].filter((s) => s.status === 'invalid');
  const out: Finding[] = bad.map((st) => {
    const where = `${st.path}${st.line ? `:${st.line}${st.column ? `:${st.column}` : ''}` : ''}`;
    const accepted = daemonLoadedThisFile(f);
    const evidence = [`${where}: ${st.error}`];
    if (st.excerpt !== undefined) {
      evidence.push(`line ${st.line}: ${st.excerpt.trim()}`);
      const t = st.excerpt.trim();
      if (t.startsWith('[') && !t.includes(']')) evidence.push('this table header is not closed: it needs a ] (or ]] for an array of tables)');
    }
    if (st.path !== rc.state.path) evidence.push(`imported by ${rc.state.path} (imports = …)`);
    evidence.push(daemonStatusLine(f));
    return {
      id: 'runtime-config-syntax',
      severity: accepted ? 'warning' : 'error',
      stage: 'runtime-config',
      title: `${where}: TOML syntax error in containerd's config${accepted ? ' (but the running containerd accepted this file)' : ''}`,
      subject: st.path,
      evidence,
      explanation: accepted
        ? "tcrictl's TOML 1.0 parser rejects this file, yet the running containerd loaded it after its last change; containerd 1.x's parser is more lenient. It is still worth fixing: other tools and containerd 2.x parse strictly."
        : `containerd reads its whole config at start-up and exits at once on a syntax error ("containerd: failed to load TOML: ${st.path}: …"), before it creates its socket. A containerd that is still running keeps its old settings, so the error strikes at the next restart or reboot; then the kubelet finds no socket and the node goes NotReady.`,
      fix: [`Fix the syntax at ${where}`, `Check the file before restarting: $ containerd --config ${rc.state.path} config dump > /dev/null`, restartContainerd(f)],
      catalogue: ['F15'],
    };
  });
  for (const imp of rc.imports.filter((s) => s.status === 'missing')) {
    out.push({
      id: 'runtime-config-import-missing',
      severity: 'error',
      stage: 'runtime-config',
      title: `${rc.state.path} imports ${imp.path}, which does not exist`,
      subject: imp.path,
      evidence: [formatRef(rc.keyLines[keyPath(['imports'])]) || `${rc.state.path}: imports`, `stat ${imp.path}: no such file or directory`, daemonStatusLine(f)],
      explanation: 'containerd loads every file named in `imports` at start-up and exits when one cannot be read (glob patterns that match nothing are fine).',
      fix: [`Create ${imp.path} or remove it from imports`, restartContainerd(f)],
      catalogue: ['F15'],
    });
  }
  return out;
}

// ---------------------------------------------------------------- F08

export function pluginUriRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  const data = rc?.data;
  if (!rc || !data || (rc.version ?? 1) < 2) return [];
  const bad: { name: string; where: string; ref: Ref }[] = [];
  for (const key of ['disabled_plugins', 'required_plugins']) {
    const list = data[key];
    if (!Array.isArray(list)) continue;
    for (const name of list) if (typeof name === 'string' && name.split('.').length < 4) bad.push({ name, where: key, ref: refOf(rc, [key]) });
  }
  if (isTable(data.plugins)) {
    for (const name of Object.keys(data.plugins)) if (name.split('.').length < 4) bad.push({ name, where: '[plugins]', ref: refOf(rc, ['plugins', name]) });
  }
  return bad.map((b) => ({
    id: 'runtime-config-plugin-uri',
    severity: 'error',
    stage: 'runtime-config',
    title: `${b.where} names plugin ${quote(b.name)}; a version ${rc.version} config needs full plugin URIs`,
    subject: b.name,
    evidence: [formatRef(b.ref), `${rc.state.path}: version = ${rc.version}`, daemonStatusLine(f)],
    explanation: `From config version 2 on, containerd requires plugin names like io.containerd.grpc.v1.cri; with a short name it exits at start-up: "invalid ${b.where === '[plugins]' ? 'plugin key' : b.where.replace('_plugins', '')} plugin URI ${quote(b.name)} expect io.containerd.x.vx". This is typical of Docker's containerd.io config (version 1, disabled_plugins = ["cri"]) edited to version 2.`,
    fix: [b.name === 'cri' ? `Use "io.containerd.grpc.v1.cri" — or, if CRI should run (Kubernetes needs it), remove it from ${b.where}` : `Use the full plugin URI (see: containerd config default)`, restartContainerd(f)],
    catalogue: ['F08'],
  }));
}

// ---------------------------------------------------------------- F16, F17

const REMOVED_IN_2: { parts: (v: number) => string[][]; what: string }[] = [
  { parts: (v) => [[...criTablePaths(v).cri, 'systemd_cgroup']], what: 'systemd_cgroup (use runtimes.runc.options.SystemdCgroup)' },
  { parts: (v) => [[...criTablePaths(v).cri, 'containerd', 'untrusted_workload_runtime']], what: 'untrusted_workload_runtime' },
  { parts: (v) => [[...criTablePaths(v).cri, 'containerd', 'default_runtime']], what: 'default_runtime (use default_runtime_name)' },
];

export function versionRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc?.data) return [];
  const fileVersion = rc.version ?? 1;
  const daemonVersion = containerdVersion(f);
  const v = versionTuple(daemonVersion);
  const out: Finding[] = [];
  const versionRef = formatRef(rc.keyLines[keyPath(['version'])]) || `${rc.state.path}: no version line (version 1)`;
  if (fileVersion >= 3 && v && v[0] < 2) {
    const rejects = (v[1] === 6 && versionAtLeast(v, [1, 6, 32])) || (v[1] >= 7 && versionAtLeast(v, [1, 7, 17]));
    out.push({
      id: 'runtime-config-version-unsupported',
      severity: 'error',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} is for containerd 2.x, but containerd is ${daemonVersion}`,
      evidence: [versionRef, `containerd version ${daemonVersion}${f.containerd?.version ? ' (Version API)' : ' (containerd --version)'}`],
      explanation: rejects
        ? `containerd ${daemonVersion} refuses this file ("unsupported config version \`${fileVersion}\`") and does not start.`
        : `containerd ${daemonVersion} does not know config version ${fileVersion} and ignores every io.containerd.cri.v1.* table without a word: SystemdCgroup, the sandbox image, CNI dirs and the snapshotter silently fall back to defaults.`,
      fix: ['Write a version 2 config for containerd 1.x ($ containerd config default > config.toml, then re-apply your settings under plugins."io.containerd.grpc.v1.cri"), or upgrade containerd to 2.x', restartContainerd(f)],
      catalogue: ['F16'],
    });
  } else if (fileVersion > 3) {
    out.push({
      id: 'runtime-config-version-unsupported',
      severity: 'error',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} is not known to any containerd release`,
      evidence: [versionRef],
      explanation: 'containerd rejects config versions above the newest it knows and does not start.',
      fix: ['Set version = 2 (containerd 1.x) or 3 (containerd 2.x)', restartContainerd(f)],
      catalogue: ['F16'],
    });
  }
  if (v && v[0] >= 2 && fileVersion <= 2) {
    const removed = REMOVED_IN_2.flatMap((r) => r.parts(fileVersion).filter((p) => getPath(rc.data, p) !== undefined).map((p) => ({ p, what: r.what })));
    out.push({
      id: 'runtime-config-needs-migration',
      severity: removed.length ? 'warning' : 'info',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} on containerd ${daemonVersion}: migrated in memory at every start${removed.length ? `; ${removed.length} removed setting(s) are ignored` : ''}`,
      evidence: [versionRef, ...removed.map((r) => `${formatRef(refOf(rc, r.p))} — removed in 2.0: ${r.what}`)],
      explanation: 'containerd 2.x converts older configs at start-up. Settings removed in 2.0 are dropped silently, so what the file says is not what runs.',
      fix: [`$ containerd config migrate > /tmp/config.toml   (review, then replace ${rc.state.path})`, restartContainerd(f)],
      catalogue: ['F17', 'F12'],
    });
  }
  return out;
}

// ---------------------------------------------------------------- keys containerd ignores

const KNOWN: Record<string, string[]> = {
  top: ['version', 'root', 'state', 'temp', 'plugin_dir', 'grpc', 'ttrpc', 'debug', 'metrics', 'disabled_plugins', 'required_plugins', 'oom_score', 'cgroup', 'proxy_plugins', 'stream_processors', 'timeouts', 'imports', 'plugins'],
  cri: [
    'containerd', 'cni', 'registry', 'image_decryption', 'disable_tcp_service', 'stream_server_address', 'stream_server_port', 'stream_idle_timeout',
    'enable_selinux', 'selinux_category_range', 'sandbox_image', 'stats_collect_period', 'systemd_cgroup', 'enable_tls_streaming', 'x509_key_pair_streaming',
    'max_container_log_line_size', 'disable_cgroup', 'disable_apparmor', 'restrict_oom_score_adj', 'max_concurrent_downloads', 'disable_proc_mount',
    'unset_seccomp_profile', 'tolerate_missing_hugetlb_controller', 'disable_hugetlb_controller', 'device_ownership_from_security_context',
    'ignore_image_defined_volumes', 'netns_mounts_under_state_dir', 'enable_unprivileged_ports', 'enable_unprivileged_icmp', 'enable_cdi', 'cdi_spec_dirs',
    'image_pull_progress_timeout', 'drain_exec_sync_io_timeout', 'ignore_deprecation_warnings', 'image_pull_with_sync_fs', 'sandbox_mode',
  ],
  containerd: ['snapshotter', 'default_runtime_name', 'default_runtime', 'untrusted_workload_runtime', 'runtimes', 'no_pivot', 'disable_snapshot_annotations', 'discard_unpacked_layers', 'ignore_rdt_not_enabled_errors', 'ignore_blockio_not_enabled_errors'],
  runtime: [
    'runtime_type', 'runtime_path', 'runtime_engine', 'pod_annotations', 'container_annotations', 'runtime_root', 'options', 'privileged_without_host_devices',
    'privileged_without_host_devices_all_devices_allowed', 'base_runtime_spec', 'cni_conf_dir', 'cni_max_conf_num', 'snapshotter', 'sandbox_mode', 'sandboxer', 'io_type',
  ],
  runcOptions: ['NoPivotRoot', 'NoNewKeyring', 'ShimCgroup', 'IoUid', 'IoGid', 'BinaryName', 'Root', 'CriuPath', 'SystemdCgroup', 'CriuImagePath', 'CriuWorkPath', 'TypeUrl'],
  cni: ['bin_dir', 'bin_dirs', 'conf_dir', 'max_conf_num', 'conf_template', 'ip_pref', 'setup_serially', 'use_internal_loopback'],
  registry: ['config_path', 'mirrors', 'configs', 'auths', 'headers'],
};

const TABLE_LABEL: Record<string, (cri: string[], h?: string) => string[]> = {
  top: () => [],
  cri: (cri) => cri,
  containerd: (cri) => [...cri, 'containerd'],
  runtime: (cri, h) => [...cri, 'containerd', 'runtimes', h ?? '<name>'],
  runcOptions: (cri, h) => [...cri, 'containerd', 'runtimes', h ?? '<name>', 'options'],
  cni: (cri) => [...cri, 'cni'],
  registry: (cri) => [...cri, 'registry'],
};

const squash = (k: string) => k.toLowerCase().replace(/_/g, '');

function tableHeader(parts: string[]): string {
  return parts.length ? `[${parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join('.')}]` : 'the top level';
}

/** Where an unknown key probably belongs: another table that knows it exactly, or a near-spelling here. */
function suggestion(key: string, here: string, cri: string[], handler?: string): string | undefined {
  // A near-spelling of a key of this very table is the likeliest intent (systemd_cgroup in runc options).
  const near = KNOWN[here].find((k) => squash(k) === squash(key));
  if (near) return `did you mean ${near}?`;
  for (const [table, keys] of Object.entries(KNOWN)) {
    if (table !== here && keys.includes(key)) return `it belongs in ${tableHeader(TABLE_LABEL[table](cri, handler))}`;
  }
  for (const [table, keys] of Object.entries(KNOWN)) {
    const n = keys.find((k) => squash(k) === squash(key));
    if (n) return `did you mean ${n} in ${tableHeader(TABLE_LABEL[table](cri, handler))}?`;
  }
  return undefined;
}

interface Unknown {
  parts: string[];
  hint?: string;
}

export function unknownKeys(rc: RuntimeConfigFacts): Unknown[] {
  const data = rc.data;
  const version = rc.version ?? 1;
  if (!data || version !== 2) return [];
  const cri = criTablePaths(version).cri;
  const out: Unknown[] = [];
  const scan = (table: unknown, parts: string[], kind: string, handler?: string) => {
    if (!isTable(table)) return;
    for (const key of Object.keys(table)) {
      if (!KNOWN[kind].includes(key)) out.push({ parts: [...parts, key], hint: suggestion(key, kind, cri, handler) });
    }
  };
  scan(data, [], 'top');
  const criTable = getPath(data, cri);
  scan(criTable, cri, 'cri');
  scan(getPath(criTable, ['containerd']), [...cri, 'containerd'], 'containerd');
  scan(getPath(criTable, ['cni']), [...cri, 'cni'], 'cni');
  scan(getPath(criTable, ['registry']), [...cri, 'registry'], 'registry');
  const runtimes = getPath(criTable, ['containerd', 'runtimes']);
  if (isTable(runtimes)) {
    for (const [h, r] of Object.entries(runtimes)) {
      const base = [...cri, 'containerd', 'runtimes', h];
      scan(r, base, 'runtime', h);
      const type = isTable(r) ? r.runtime_type : undefined;
      if (type === undefined || type === 'io.containerd.runc.v2' || type === 'io.containerd.runc.v1') scan(getPath(r, ['options']), [...base, 'options'], 'runcOptions', h);
    }
  }
  return out;
}

export function unknownKeyRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc?.data) return [];
  return unknownKeys(rc).map((u) => {
    const key = u.parts[u.parts.length - 1];
    const table = tableHeader(u.parts.slice(0, -1));
    return {
      id: 'runtime-config-unknown-key',
      severity: 'warning',
      stage: 'runtime-config',
      title: `${key} in ${table} is not a containerd setting and has no effect${u.hint ? `: ${u.hint}` : ''}`,
      subject: tomlLocation(u.parts),
      evidence: [formatRef(refOf(rc, u.parts))],
      explanation: 'containerd 1.x ignores keys it does not know without a warning, so the setting you meant is not applied. A key in the wrong table is the classic case: SystemdCgroup must sit under runtimes.runc.options, sandbox_image directly in the CRI table.',
      fix: [u.hint ? `Move or rename it (${u.hint})` : 'Remove it, or check the spelling against: containerd config default', restartContainerd(f)],
      catalogue: ['F12', 'F19'],
    };
  });
}

// ---------------------------------------------------------------- CRI settings that break the plugin (F07, F11–F14)

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

// ---------------------------------------------------------------- the file vs what runs

export function notAppliedRules(f: Facts): Finding[] {
  const file = f.fileSettings;
  const cri = f.cri?.config ? f.settings : undefined;
  const rc = f.runtimeConfig;
  if (!file || !cri || cri.source !== 'cri-status' || !rc?.data) return [];
  const diffs: string[] = [];
  const explicit = (r: Ref | undefined) => r?.line !== undefined;
  const cmp = (label: string, a: { value: unknown; ref: Ref } | undefined, b: { value: unknown } | undefined) => {
    if (!a || !explicit(a.ref) || !b) return;
    if (JSON.stringify(a.value) !== JSON.stringify(b.value)) diffs.push(`${formatRef(a.ref)} — but containerd runs with ${label} = ${JSON.stringify(b.value)}`);
  };
  const statusOnly = f.cri?.config ?? {};
  if ('sandboxImage' in statusOnly) cmp('sandbox_image', file.sandboxImage, cri.sandboxImage);
  if ('containerd' in statusOnly && isTable(statusOnly.containerd) && 'snapshotter' in statusOnly.containerd) cmp('snapshotter', file.snapshotter, cri.snapshotter);
  cmp('default_runtime_name', file.defaultRuntimeName, cri.defaultRuntimeName);
  cmp('cni conf_dir', file.cniConfDir, cri.cniConfDir);
  cmp('cni bin_dir', file.cniBinDirs, cri.cniBinDirs);
  const def = cri.defaultRuntimeName?.value ?? 'runc';
  const fileDriver = handlerCgroupDriver(file, def);
  const liveDriver = handlerCgroupDriver(cri, def);
  const fileOpt = file.runtimes[def]?.optionRefs?.SystemdCgroup;
  if (fileDriver && liveDriver && fileOpt?.line !== undefined && fileDriver.value !== liveDriver.value) {
    diffs.push(`${formatRef(fileOpt)} — but containerd runs runtime "${def}" with the ${liveDriver.value} cgroup driver`);
  }
  for (const name of Object.keys(file.runtimes)) {
    if (!cri.runtimes[name] && explicit(file.runtimes[name].ref)) diffs.push(`${formatRef(file.runtimes[name].ref)} — but containerd has no runtime "${name}"`);
  }
  if (diffs.length === 0) return [];
  const d = f.daemon;
  const edited = d?.startedAtMs && rc.mtimeMs && rc.mtimeMs > d.startedAtMs;
  const usesOther = d?.configPath && d.configPath !== rc.state.path;
  return [
    {
      id: 'runtime-config-not-applied',
      severity: 'warning',
      stage: 'runtime-config',
      title: `containerd is not running with what ${rc.state.path} says (${diffs.length} difference${diffs.length === 1 ? '' : 's'})`,
      evidence: [...diffs, daemonStatusLine(f), ...(usesOther ? [`containerd pid ${d!.pid} reads ${d!.configPath}, not ${rc.state.path}`] : [])],
      explanation: usesOther
        ? `The daemon was started with --config ${d!.configPath}; edits to ${rc.state.path} have no effect.`
        : edited
          ? 'containerd reads its config only at start-up; the file was changed after containerd started, so the new settings are not in effect yet — and the daemon will behave differently after its next restart.'
          : 'containerd reads its config only at start-up, yet it runs with other values than the file states: the file is overridden (imports, a different schema version) or was replaced since.',
      fix: usesOther ? [`Edit ${d!.configPath}, or start containerd with --config ${rc.state.path}`] : [restartContainerd(f)],
      catalogue: ['F16', 'F17'],
    },
  ];
}

