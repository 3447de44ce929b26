/**
 * Keys containerd silently ignores in its config file: unknown to the table
 * they are in, with where they probably belong (another table that knows
 * them, or a near-spelling).
 */
import type { Facts, RuntimeConfigFacts } from '../facts';
import type { Finding } from '../finding';
import { criTablePaths, refOf, tomlLocation } from '../runtime-config';
import { formatRef } from '../text';
import { getPath, isTable } from '../toml';
import { restartContainerd } from './common';

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
