/**
 * The config file against what the running daemon says it runs with (CRI
 * status): a file edited since containerd started, one the daemon does not
 * read (--config elsewhere), or one overridden by imports.
 */
import type { Facts, Ref } from '../facts';
import type { Finding } from '../finding';
import { handlerCgroupDriver } from '../runtime-config';
import { formatRef } from '../text';
import { isTable } from '../toml';
import { daemonStatusLine, restartContainerd } from './common';

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
