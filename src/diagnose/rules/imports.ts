/**
 * Config imports as containerd merges them: before 2.0 a drop-in's plugin
 * table replaces the main file's whole table, so settings the operator sees in
 * config.toml silently stop applying. Named with the drop-in that did it.
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { formatRef, plural } from '../text';
import { containerdVersion, restartContainerd } from './common';

/** Which findings an import that dropped a setting explains, by the setting's last key. */
const EXPLAINS: Record<string, string[]> = {
  conf_dir: ['cni-config-missing', 'cni-config-invalid', 'network-not-ready'],
  bin_dir: ['cni-plugin-missing'],
  sandbox_image: ['sandbox-image-missing', 'sandbox-image-mismatch'],
  SystemdCgroup: ['cgroup-driver-mismatch'],
  snapshotter: ['cri-plugin-failed', 'snapshotter-unsupported-fs'],
  runtime_type: ['runtime-shim-missing', 'cri-plugin-failed'],
  BinaryName: ['runtime-binary-missing', 'runtime-binary-unusable'],
  config_path: ['sandbox-image-missing', 'registry-hosts-invalid'],
};

export function importRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc?.replaced?.length || rc.mergedAs !== 1) return [];
  return rc.replaced
    .filter((r) => r.lost.length)
    .map((r) => {
      const table = `[plugins.${JSON.stringify(r.plugin)}]`;
      // The settings whose loss breaks something come first.
      const weight = (k: string) => (EXPLAINS[k.split('.').pop() ?? ''] ? 0 : 1);
      const lost = [...r.lost].sort((a, b) => weight(a.key) - weight(b.key));
      const shown = lost.slice(0, 8).map((l) => `${l.key.replace(/^plugins\."[^"]+"\./, '')} (${formatRef(l.ref)})`);
      const more = r.lost.length > shown.length ? [`… and ${r.lost.length - shown.length} more`] : [];
      const version = containerdVersion(f);
      return {
        id: 'runtime-config-import-replaces',
        severity: 'warning',
        stage: 'runtime-config',
        title: `${r.by} replaces containerd's whole ${table} table: ${plural(r.lost.length, 'setting')} of ${rc.state.path} no longer ${r.lost.length === 1 ? 'applies' : 'apply'}`,
        subject: r.plugin,
        evidence: [
          `${formatRef(r.byRef) || r.by} (imported by ${rc.state.path})`,
          `Settings that no longer apply (containerd uses its defaults for them):`,
          ...shown.map((s) => `  ${s}`),
          ...more,
          version ? `containerd ${version}: an imported file replaces each plugin table whole (key-by-key merging came with 2.0)` : 'containerd before 2.0 replaces each plugin table of an imported file whole (key-by-key merging came with 2.0)',
        ],
        explanation: `containerd 1.x merges imports table by table, not key by key: because ${r.by} has a ${table} section, everything ${rc.state.path} sets for that plugin is dropped, even though it is still written there. \`containerd config dump\` shows the result.`,
        fix: [`Move the settings listed above into ${r.by} (or move the drop-in's settings into ${rc.state.path} and delete it)`, restartContainerd(f)],
        catalogue: ['F14', 'F15'],
        explains: [...new Set(r.lost.flatMap((l) => EXPLAINS[l.key.split('.').pop() ?? ''] ?? []))],
      } as Finding & { explains: string[] };
    });
}
