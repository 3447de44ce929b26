/**
 * CNI: the network configs and plugin binaries the CRI plugin would load, as
 * the daemon reports them or as found on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFileSync, MAX_HOST_FILE_BYTES } from '../../cli/regular-file';
import { hostPath } from '../../config/host';
import type { CniFacts, CniNetwork, CriFacts, CriSettings } from '../facts';
import { isTable } from '../toml';
import { isExecutableFile, lookupBinary } from './binaries';

function pluginTypes(conf: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (p: unknown) => {
    if (!isTable(p)) return;
    if (typeof p.type === 'string' && p.type) out.push(p.type);
    const ipam = p.ipam;
    if (isTable(ipam) && typeof ipam.type === 'string' && ipam.type) out.push(ipam.type);
  };
  if (Array.isArray(conf.plugins)) conf.plugins.forEach(add);
  else add(conf);
  return out;
}

/** Networks as go-cni loaded them (from verbose Status `cniconfig`). */
export function networksFromStatus(cniConfig: Record<string, unknown>): CniNetwork[] {
  const nets = Array.isArray(cniConfig.Networks) ? cniConfig.Networks : [];
  return nets.flatMap((n): CniNetwork[] => {
    const cfg = isTable(n) && isTable(n.Config) ? n.Config : undefined;
    if (!cfg) return [];
    const plugins = Array.isArray(cfg.Plugins) ? cfg.Plugins : [];
    const types = plugins.flatMap((p) => (isTable(p) && isTable(p.Network) ? pluginTypes(p.Network) : []));
    return [{ name: String(cfg.Name ?? ''), types }];
  });
}

export function collectCni(settings: CriSettings, cri: CriFacts | undefined, containerdMajor: number | undefined): CniFacts {
  const status = cri?.cniConfig;
  const confDir = (typeof status?.PluginConfDir === 'string' && status.PluginConfDir) || settings.cniConfDir?.value || hostPath('/etc/cni/net.d');
  const binDirs = Array.isArray(status?.PluginDirs) && status.PluginDirs.length ? (status.PluginDirs as string[]) : (settings.cniBinDirs?.value ?? [hostPath('/opt/cni/bin')]);
  const facts: CniFacts = {
    confDir,
    binDirs,
    source: status ? "the daemon's loaded CNI config (CRI Status cniconfig)" : settings.sourceLabel,
    confDirRef: settings.cniConfDir?.value === confDir && settings.cniConfDir.ref.line ? settings.cniConfDir.ref : undefined,
    binDirsRef: JSON.stringify(settings.cniBinDirs?.value) === JSON.stringify(binDirs) && settings.cniBinDirs?.ref.line ? settings.cniBinDirs.ref : undefined,
    confDirState: 'ok',
    files: [],
    networks: [],
    missing: [],
    alternatives: [],
  };
  let names: string[] = [];
  try {
    const all = fs.readdirSync(confDir);
    names = all.filter((n) => /\.(conf|conflist|json)$/.test(n)).sort();
    // Renamed-away configs (x.conflist.bak, x.conf.disabled) are skipped by containerd: worth naming when nothing else loads.
    facts.ignored = all.filter((n) => !names.includes(n) && /\.(conf|conflist|json)\b/.test(n)).sort();
  } catch (err) {
    facts.confDirState = (err as NodeJS.ErrnoException).code === 'EACCES' ? 'unreadable' : 'missing';
  }
  const parsed: CniNetwork[] = [];
  for (const name of names) {
    try {
      const conf = JSON.parse(readRegularFileSync(path.join(confDir, name), MAX_HOST_FILE_BYTES)) as Record<string, unknown>;
      const types = pluginTypes(conf);
      if (types.length === 0) throw new Error('no plugin "type" in it');
      facts.files.push({ name });
      parsed.push({ name: String(conf.name ?? name), file: name, types });
    } catch (err) {
      facts.files.push({ name, error: (err as Error).message });
    }
  }
  if (facts.confDirState === 'ok' && names.length === 0) facts.confDirState = 'empty';
  if (status && cri?.lastCNILoadStatus === 'OK') facts.networks = networksFromStatus(status);
  else if (parsed.length && !facts.files[0]?.error) {
    // go-cni loads files in lexical order and stops at the first that fails to parse; with
    // max_conf_num = 1 (the default) it uses the first file only. CRI 1.x always adds loopback.
    facts.networks = [parsed[0]];
    if ((containerdMajor ?? 1) < 2) facts.networks.unshift({ name: 'cni-loopback', types: ['loopback'] });
  }
  const byType = new Map<string, string[]>();
  for (const n of facts.networks) for (const t of n.types) byType.set(t, [...(byType.get(t) ?? []), n.name]);
  for (const [type, nets] of byType) {
    const hit = lookupBinary(type, binDirs);
    if (hit.found) continue;
    if (hit.unusable) (facts.unusable ??= []).push({ type, networks: nets, ...hit.unusable });
    else facts.missing.push({ type, networks: nets });
  }
  if (facts.missing.length) {
    const wellKnown = [hostPath('/opt/cni/bin'), '/usr/lib/cni', '/usr/libexec/cni', '/usr/lib/cni-plugins'];
    facts.alternatives = wellKnown.filter((d) => !binDirs.includes(d) && facts.missing.every((m) => isExecutableFile(path.join(d, m.type))));
  }
  return facts;
}
