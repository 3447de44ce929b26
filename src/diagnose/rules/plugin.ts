/**
 * Rules on containerd's own view of itself (Introspection.Plugins, Version,
 * Server): CRI plugin disabled (F07) or failed (F10, with the cause named for
 * F11–F14), a containerd too old for CRI v1 (F09), deprecations (F33).
 */
import type { Facts, PluginFacts, Ref } from '../facts';
import type { Finding } from '../finding';
import { criTablePaths, CRI_V1, refOf } from '../runtime-config';
import { formatRef } from '../text';
import { KEY_SEP, keyPath } from '../toml';
import { configPath, containerdVersion, quote, restartContainerd } from './common';
import { explainProblem, type CriConfigProblem } from './config-cri';

const CRI_PLUGINS: [string, string][] = [
  ['io.containerd.grpc.v1', 'cri'],
  ['io.containerd.cri.v1', 'runtime'],
  ['io.containerd.cri.v1', 'images'],
];

function find(plugins: PluginFacts[], type: string, id: string): PluginFacts | undefined {
  return plugins.find((p) => p.type === type && p.id === id);
}

interface Cause {
  kind: CriConfigProblem['kind'] | 'other';
  title: string;
  refs: Ref[];
  extra: string[];
  fix: string[];
}

/** Names the cause behind an init_err message, with the config lines involved. */
function classify(f: Facts, message: string, plugins: PluginFacts[]): Cause {
  const rc = f.runtimeConfig;
  const v = rc?.version ?? 2;
  const t = criTablePaths(v);
  const at = (parts: string[]) => refOf(rc, parts);
  const where = (r: Ref) => (r.line ? ` (${r.file}:${r.line})` : ` in ${configPath(f)}`);
  let m = /failed to find snapshotter "([^"]+)"/.exec(message);
  if (m) {
    const name = m[1];
    const snapPath = v >= 3 ? [...t.images, 'snapshotter'] : [...t.runtime, 'containerd', 'snapshotter'];
    const plugin = find(plugins, 'io.containerd.snapshotter.v1', name);
    const loaded = plugins.filter((p) => p.type === 'io.containerd.snapshotter.v1' && !p.initErr).map((p) => p.id);
    const extra = [
      plugin
        ? `Snapshotter plugin io.containerd.snapshotter.v1.${name}: ${plugin.initErr ? `init_err: ${plugin.initErr.message}` : 'loaded'}`
        : `No snapshotter plugin "${name}" is loaded: it is ${isDisabled(f, `io.containerd.snapshotter.v1.${name}`) ? 'listed in disabled_plugins' : 'unknown or not compiled into this containerd'}`,
      `Snapshotters that loaded: ${loaded.length ? loaded.join(', ') : 'none'}`,
    ];
    const pick = loaded.includes('overlayfs') ? 'overlayfs' : loaded[0] ?? 'overlayfs';
    return {
      kind: 'snapshotter',
      title: `snapshotter ${quote(name)} is not available`,
      refs: [at(snapPath)],
      extra,
      fix: [`Set snapshotter = ${quote(pick)}${where(at(snapPath))}, or fix what ${name} needs (zfs/btrfs: the root must be on that filesystem; devmapper: its own config)`],
    };
  }
  if (/`systemd_cgroup` only works/.test(message)) {
    const r = at([...t.cri, 'systemd_cgroup']);
    return {
      kind: 'systemd-cgroup',
      title: '`systemd_cgroup` is set at the CRI level, where only the removed v1 runtime used it',
      refs: [r],
      extra: [],
      fix: [`Delete systemd_cgroup${where(r)}`, `For the systemd cgroup driver set SystemdCgroup = true under [plugins."${CRI_V1}".containerd.runtimes.runc.options]`],
    };
  }
  m = /`(mirrors|configs\.tls)` cannot be set when `config_path` is provided/.exec(message);
  if (m) {
    const table = keyPath([...t.images, 'registry', m[1] === 'mirrors' ? 'mirrors' : 'configs']);
    // The first line that sets a mirror (or a registry TLS config), next to config_path.
    const inline = Object.entries(rc?.keyLines ?? {}).find(([k]) => k.startsWith(`${table}${KEY_SEP}`))?.[1];
    return {
      kind: m[1] === 'mirrors' ? 'mirrors' : 'configs-tls',
      title: `registry \`${m[1]}\` is combined with \`config_path\``,
      refs: [at([...t.images, 'registry', 'config_path']), ...(inline ? [inline] : [])],
      extra: [],
      fix: ['Move each mirror to <config_path>/<registry host>/hosts.toml (server = …, [host."https://mirror"]) and delete the inline registry table'],
    };
  }
  m = /default_runtime_name = "([^"]*)"/.exec(message);
  if (m || /`default_runtime_name` is empty/.test(message)) {
    const r = at([...t.runtime, 'containerd', 'default_runtime_name']);
    const defined = Object.keys(f.fileSettings?.runtimes ?? {});
    return {
      kind: 'default-runtime',
      title: m ? `default_runtime_name ${quote(m[1])} names a runtime that is not defined` : 'default_runtime_name is empty',
      refs: [r],
      extra: defined.length ? [`Runtimes defined in the file: ${defined.join(', ')}`] : [],
      fix: [`Set default_runtime_name to one of the defined runtimes${defined.length ? ` (${defined.join(', ')})` : ''}${where(r)}, or define [plugins."${CRI_V1}".containerd.runtimes.${m?.[1] || '<name>'}]`],
    };
  }
  m = /`(no_pivot|runtime_engine|runtime_root)` only works/.exec(message);
  if (m) {
    const ref = Object.entries(rc?.keyLines ?? {}).find(([k]) => k.endsWith(`${KEY_SEP}${m![1]}`))?.[1];
    return { kind: 'v1-only-option', title: `\`${m[1]}\` only applies to the removed v1 runtime`, refs: ref ? [ref] : [], extra: [], fix: [`Delete ${m[1]} from ${configPath(f)}; runc v2 takes its settings under runtimes.<name>.options`] };
  }
  return { kind: 'other', title: message.length > 100 ? `${message.slice(0, 97)}...` : message, refs: [], extra: [], fix: [`Fix the setting named in the error in ${configPath(f)}`] };
}

function isDisabled(f: Facts, uri: string): boolean {
  const list = (f.runtimeConfig?.data as { disabled_plugins?: unknown } | undefined)?.disabled_plugins;
  return Array.isArray(list) && list.includes(uri);
}

export function criPluginRules(f: Facts): Finding[] {
  const plugins = f.containerd?.plugins;
  if (!plugins) return [];
  const failed = CRI_PLUGINS.map(([type, id]) => find(plugins, type, id)).filter((p): p is PluginFacts => !!p?.initErr);
  const cri = find(plugins, 'io.containerd.grpc.v1', 'cri');
  if (!cri && !failed.length) {
    const rc = f.runtimeConfig;
    const disabledRef = rc?.keyLines['disabled_plugins'];
    const disabled = isDisabled(f, CRI_V1) || isDisabled(f, 'cri');
    return [
      {
        id: 'cri-plugin-disabled',
        severity: 'error',
        stage: 'containerd',
        title: "containerd's CRI plugin is not loaded" + (disabled ? ' (disabled in the config)' : ''),
        evidence: [
          `Introspection.Plugins lists ${plugins.length} plugins and no io.containerd.grpc.v1.cri`,
          ...(disabledRef ? [formatRef(disabledRef)] : []),
          ...(f.cri?.errors.Version ? [`CRI Version: ${f.cri.errors.Version.codeName} ${f.cri.errors.Version.details}`] : f.endpoints.chosen?.outcome === 'not-cri' ? [`CRI Version: UNIMPLEMENTED ${f.endpoints.chosen.rpcDetails ?? f.endpoints.chosen.detail}`] : []),
        ],
        explanation:
          'containerd runs, but without its CRI plugin it does not serve runtime.v1.RuntimeService: the kubelet gets "unknown service runtime.v1.RuntimeService", kubeadm says "container runtime is not running". ' +
          (disabled ? "Docker's containerd.io package ships a config with disabled_plugins = [\"cri\"]." : 'A disabled plugin is simply absent from the plugin list (a failed one would show its error).'),
        fix: [disabled ? `Remove the CRI plugin from disabled_plugins${disabledRef?.line ? ` (${disabledRef.file}:${disabledRef.line})` : ''}` : `Check disabled_plugins in ${configPath(f)} and its imports`, 'Or start from a full default config: $ containerd config default > /etc/containerd/config.toml', restartContainerd(f)],
        catalogue: ['F07'],
      },
    ];
  }
  if (failed.length === 0) return cri14Rules(f, plugins);
  // containerd 2.x: the grpc cri plugin fails because a dependency failed; the dependency names the cause.
  const root = failed.find((p) => p.type === 'io.containerd.cri.v1') ?? failed[0];
  const cause = classify(f, root.initErr!.message, plugins);
  const evidence = [
    ...failed.map((p) => `Introspection.Plugins: ${p.type}.${p.id} init_err (code ${p.initErr!.code}): ${p.initErr!.message}`),
    ...cause.refs.filter((r) => r.line || r.what).map(formatRef),
    ...cause.extra,
  ];
  const criErr = f.cri?.errors.Version ?? (f.endpoints.chosen?.outcome === 'not-cri' ? { codeName: 'UNIMPLEMENTED', details: f.endpoints.chosen.rpcDetails ?? f.endpoints.chosen.detail } : undefined);
  if (criErr) evidence.push(`CRI Version: ${criErr.codeName} ${criErr.details}`);
  return [
    {
      id: 'cri-plugin-failed',
      severity: 'error',
      stage: 'containerd',
      title: `containerd's CRI plugin failed to load: ${cause.title}`,
      evidence,
      explanation:
        `containerd itself runs, but its CRI plugin did not start, so it does not serve runtime.v1.RuntimeService: the kubelet gets "unknown service runtime.v1.RuntimeService" on every call, the node is NotReady and no pod can run. ` +
        (cause.kind === 'other' ? 'The plugin reported the error quoted above.' : explainProblem({ kind: cause.kind })),
      fix: [...cause.fix, restartContainerd(f)],
      catalogue: ['F10', ...({ snapshotter: ['F11'], 'systemd-cgroup': ['F12'], mirrors: ['F13'], 'configs-tls': ['F13'], 'default-runtime': ['F14'] } as Record<string, string[]>)[cause.kind] ?? []],
    },
  ];
}

/** CRI plugin loaded, yet CRI v1 is not served: containerd older than 1.6 for kubelet ≥ 1.26 (F09). */
function cri14Rules(f: Facts, plugins: PluginFacts[]): Finding[] {
  const cri = find(plugins, 'io.containerd.grpc.v1', 'cri');
  const err = f.cri?.errors.Version;
  const notCri = f.endpoints.chosen?.outcome === 'not-cri' ? (f.endpoints.chosen.rpcDetails ?? f.endpoints.chosen.detail) : err ? `${err.codeName} ${err.details}` : undefined;
  if (!cri || !notCri || !/unknown service runtime\.v1\.RuntimeService/.test(notCri)) return [];
  const version = containerdVersion(f) ?? 'unknown';
  return [
    {
      id: 'cri-api-unsupported',
      severity: 'error',
      stage: 'containerd',
      title: `containerd ${version} loaded CRI but does not serve CRI v1 (runtime.v1)`,
      evidence: [`Introspection.Plugins: io.containerd.grpc.v1.cri loaded${cri.exports.CRIVersion ? ` (CRIVersion ${cri.exports.CRIVersion})` : ''}`, `CRI Version: ${notCri}`, `containerd version: ${version}`],
      explanation: 'containerd before 1.6 serves only the old runtime.v1alpha2 CRI API; kubelet and crictl 1.26 and later speak only runtime.v1, so the node cannot run pods.',
      fix: ['Upgrade containerd to a release that supports your Kubernetes version (1.6.15+/1.7+ for Kubernetes 1.26+; see containerd RELEASES.md)', restartContainerd(f)],
      catalogue: ['F09'],
    },
  ];
}

export function deprecationRules(f: Facts): Finding[] {
  const deps = f.containerd?.deprecations ?? [];
  const cond = f.cri?.conditions?.find((c) => c.type === 'ContainerdHasNoDeprecationWarnings' && !c.status);
  if (deps.length === 0 && !cond) return [];
  const evidence = deps.length ? deps.map((d) => `${d.id}: ${d.message}`) : [`CRI Status condition ContainerdHasNoDeprecationWarnings=false: ${cond!.message}`];
  return [
    {
      id: 'runtime-deprecations',
      severity: 'warning',
      stage: 'containerd',
      title: `containerd reports ${deps.length || 'some'} deprecated feature${deps.length === 1 ? '' : 's'} in use`,
      evidence,
      explanation: 'These work today but are removed in a later containerd release; upgrading without migrating them breaks the node.',
      fix: ['Migrate each item (see containerd RELEASES.md, "Deprecated features"), e.g. registry mirrors to hosts.toml', 'On containerd 2.x: $ containerd config migrate'],
      catalogue: ['F33'],
    },
  ];
}
