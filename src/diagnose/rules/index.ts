/**
 * All rule families in cascade order, and the linking pass that marks
 * knock-on effects as consequences of their root cause.
 */
import type { Facts } from '../facts';
import { orderFindings, type Finding } from '../finding';
import { handlerCgroupDriver, tomlLocation } from '../runtime-config';
import { getPath } from '../toml';
import { crictlRules } from './crictl';
import { socketRules } from './endpoint';
import { pluginUriRules, syntaxRules, versionRules } from './config';
import { notAppliedRules } from './config-applied';
import { criConfigRules } from './config-cri';
import { unknownKeyRules, unknownKeys } from './config-keys';
import { criPluginRules, deprecationRules } from './plugin';
import { criStatusRules } from './cri';
import { cgroupRules, kubeletEndpointRules, kubeletFileRules, runtimeCgroupDriver, sandboxMismatchRules } from './kubelet';
import { cniRules } from './cni';
import { handlerRules } from './handlers';
import { hostsTomlRules, sandboxRules } from './images';
import { containerRules, storageRules } from './node';
import type { Rule } from './common';
import { attachLastWords, handlerRequestRules, pathRules } from './daemon';
import { importRules } from './imports';

export const RULES: Rule[] = [
  socketRules,
  crictlRules,
  syntaxRules,
  pathRules,
  importRules,
  pluginUriRules,
  versionRules,
  criConfigRules,
  unknownKeyRules,
  notAppliedRules,
  criPluginRules,
  deprecationRules,
  criStatusRules,
  kubeletFileRules,
  kubeletEndpointRules,
  cgroupRules,
  sandboxMismatchRules,
  handlerRules,
  handlerRequestRules,
  cniRules,
  sandboxRules,
  storageRules,
  hostsTomlRules,
  containerRules,
];

/** Config problems that stop containerd from starting at all. */
const FATAL_CONFIG = ['runtime-config-syntax', 'runtime-path-unusable', 'runtime-config-import-missing', 'runtime-config-plugin-uri', 'runtime-config-version-unsupported'];

/** Marks knock-on effects; mutates and returns the findings. */
export function linkConsequences(findings: Finding[], f: Facts): Finding[] {
  const byId = (id: string) => findings.find((x) => x.id === id);
  const daemonDown = !f.daemon;
  const fatal = findings.find((x) => FATAL_CONFIG.includes(x.id) && x.severity === 'error');
  // A drop-in that replaced a plugin table explains what the lost settings break.
  const importCause = (id: string) => findings.find((y) => y.id === 'runtime-config-import-replaces' && (y as Finding & { explains?: string[] }).explains?.includes(id));
  for (const x of findings) {
    if (x.consequenceOf) continue;
    if (importCause(x.id)) x.consequenceOf = 'runtime-config-import-replaces';
    // containerd exits on a broken config before it creates its socket.
    if ((x.id === 'socket-missing' || x.id === 'socket-stale') && fatal && daemonDown) x.consequenceOf = fatal.id;
    // A version-3 file on containerd 1.x: what the daemon runs differs from the file because the file is ignored.
    if (x.id === 'runtime-config-not-applied' && byId('runtime-config-version-unsupported')) x.consequenceOf = 'runtime-config-version-unsupported';
    if (x.id === 'cgroup-driver-mismatch') {
      const cause = misplacedSystemdCgroup(f);
      if (cause && findings.some((y) => y.id === 'runtime-config-unknown-key' && y.subject === cause)) x.consequenceOf = 'runtime-config-unknown-key';
    }
    if (x.id === 'cgroup-driver-mismatch' && !x.consequenceOf && f.fileSettings && f.kubelet.cgroupDriver) {
      const intended = handlerCgroupDriver(f.fileSettings, f.fileSettings.defaultRuntimeName?.value ?? 'runc');
      const live = runtimeCgroupDriver(f);
      if (intended && live && intended.value !== live.value && intended.value === f.kubelet.cgroupDriver.value) {
        const cause = byId('runtime-config-version-unsupported') ?? byId('runtime-config-not-applied');
        if (cause) x.consequenceOf = cause.id;
      }
    }
  }
  return findings;
}

/**
 * A SystemdCgroup key containerd ignores (wrong table or spelling) for the
 * default handler, whose value is what the kubelet expects: the mismatch is
 * its consequence. Returns that key's subject.
 */
function misplacedSystemdCgroup(f: Facts): string | undefined {
  const rc = f.runtimeConfig;
  const want = f.kubelet.cgroupDriver?.value;
  const handler = f.settings?.defaultRuntimeName?.value ?? 'runc';
  if (!rc?.data || !want) return undefined;
  for (const u of unknownKeys(rc)) {
    const key = u.parts[u.parts.length - 1];
    if (key.toLowerCase().replace(/_/g, '') !== 'systemdcgroup' || !u.parts.includes(handler)) continue;
    const v = getPath(rc.data, u.parts);
    if ((v === true ? 'systemd' : 'cgroupfs') === want) return tomlLocation(u.parts);
  }
  return undefined;
}

export function evaluate(f: Facts): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) findings.push(...rule(f));
  const ordered = orderFindings(linkConsequences(findings, f));
  attachLastWords(ordered, f);
  // `explains` is internal wiring for linkConsequences, not part of the JSON schema.
  for (const x of ordered) delete (x as Finding & { explains?: string[] }).explains;
  return ordered;
}
