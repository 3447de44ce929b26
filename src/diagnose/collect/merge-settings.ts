/**
 * containerd's effective CRI settings: what the daemon reported (CRI status)
 * merged with its config file, which gives the lines to point at.
 */
import type { CriSettings } from '../facts';

/** Daemon values where it reported them, the file's (and containerd's defaults) for the rest. */
export function mergeSettings(status: CriSettings | undefined, file: CriSettings | undefined): CriSettings | undefined {
  if (!status) return file;
  if (!file) return status;
  // Same value in both: the file's line is the better evidence.
  const same = (a: unknown, b: unknown) => JSON.stringify((a as { value?: unknown } | undefined)?.value) === JSON.stringify((b as { value?: unknown } | undefined)?.value);
  const pick = <K extends keyof CriSettings>(k: K) => {
    const s = status[k];
    const fv = file[k] as { ref?: { line?: number } } | undefined;
    if (s === undefined) return file[k];
    return fv?.ref?.line !== undefined && same(s, fv) ? file[k] : s;
  };
  const runtimes = Object.fromEntries(
    Object.entries(status.runtimes).map(([name, r]) => {
      const fr = file.runtimes[name];
      if (!fr || fr.runtimeType !== r.runtimeType) return [name, r];
      const optionRefs = Object.fromEntries(Object.keys(r.options).filter((k) => JSON.stringify(r.options[k]) === JSON.stringify(fr.options[k]) && fr.optionRefs?.[k]).map((k) => [k, fr.optionRefs![k]]));
      return [name, { ...r, ref: fr.ref, typeRef: fr.typeRef, optionRefs }];
    }),
  );
  return {
    source: 'cri-status',
    sourceLabel: status.sourceLabel,
    sandboxImage: pick('sandboxImage'),
    snapshotter: pick('snapshotter'),
    defaultRuntimeName: pick('defaultRuntimeName'),
    runtimes: Object.keys(runtimes).length ? runtimes : file.runtimes,
    cniConfDir: pick('cniConfDir'),
    cniBinDirs: pick('cniBinDirs'),
    registryConfigPath: pick('registryConfigPath'),
    systemdCgroupTop: pick('systemdCgroupTop'),
  };
}
