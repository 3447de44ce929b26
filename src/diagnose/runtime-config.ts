/**
 * containerd's CRI settings, read the same way from two places: the daemon's
 * effective config (verbose CRI Status, `info.config`, JSON) and the config
 * file (TOML, schema version 1, 2 or 3). Pure functions.
 */
import type { CriSettings, Ref, RuntimeConfigFacts, RuntimeHandlerSettings, Valued } from './facts';
import { getPath, isTable, keyPath, type TomlTable } from './toml';

export const CRI_V1 = 'io.containerd.grpc.v1.cri';
export const CRI_IMAGES_V3 = 'io.containerd.cri.v1.images';
export const CRI_RUNTIME_V3 = 'io.containerd.cri.v1.runtime';

/** The config-file table paths of each setting, by config schema version. */
export function criTablePaths(version: number): { images: string[]; runtime: string[]; cri: string[] } {
  if (version >= 3) return { images: ['plugins', CRI_IMAGES_V3], runtime: ['plugins', CRI_RUNTIME_V3], cri: ['plugins', CRI_V1] };
  // Version 1 files name plugins by their short id.
  const cri = version <= 1 ? ['plugins', 'cri'] : ['plugins', CRI_V1];
  return { images: cri, runtime: cri, cri };
}

/** TOML path of a setting, for messages: [plugins."io.containerd.grpc.v1.cri".containerd] snapshotter. */
export function tomlLocation(parts: readonly string[]): string {
  const quote = (p: string) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p));
  if (parts.length === 1) return parts[0];
  return `[${parts.slice(0, -1).map(quote).join('.')}] ${quote(parts[parts.length - 1])}`;
}

export function refOf(rc: RuntimeConfigFacts | undefined, parts: readonly string[]): Ref {
  const hit = rc?.keyLines[keyPath(parts)];
  if (hit) return hit;
  // No file at all: naming the missing path as the source would mislead.
  if (rc?.state.status === 'missing') return { what: `${tomlLocation(parts)}: containerd's built-in default (no config file)` };
  return { file: rc?.state.path, what: `${tomlLocation(parts)} not set: containerd default` };
}

/** The default pause image of a containerd version (used when the file does not set one). */
export function defaultSandboxImage(containerdVersion: string | undefined): string {
  const m = /^v?(\d+)\.(\d+)/.exec(containerdVersion ?? '');
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [1, 6];
  if (major >= 2) return minor >= 2 ? 'registry.k8s.io/pause:3.10.1' : 'registry.k8s.io/pause:3.10';
  return minor >= 7 ? 'registry.k8s.io/pause:3.8' : 'registry.k8s.io/pause:3.6';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function runtimesFrom(table: unknown, refFor: (...parts: string[]) => Ref, jsonKeys: boolean): Record<string, RuntimeHandlerSettings> {
  const out: Record<string, RuntimeHandlerSettings> = {};
  if (!isTable(table)) return out;
  for (const [name, r] of Object.entries(table)) {
    if (!isTable(r)) continue;
    const options = isTable(r.options) ? (r.options as Record<string, unknown>) : {};
    const typeKey = jsonKeys ? 'runtimeType' : 'runtime_type';
    out[name] = {
      runtimeType: str(r[typeKey]) ?? '',
      runtimePath: str(r[jsonKeys ? 'runtimePath' : 'runtime_path']) || undefined,
      options,
      ref: refFor(name),
      typeRef: refFor(name, typeKey),
      optionRefs: Object.fromEntries(Object.keys(options).map((k) => [k, refFor(name, 'options', k)])),
    };
  }
  return out;
}

/** Settings from verbose CRI Status `info.config` (containerd 1.x: whole CRI config; 2.x: the runtime part). */
export function settingsFromStatus(config: Record<string, unknown>): CriSettings {
  const what = 'CRI Status (verbose) config';
  const ref: Ref = { what };
  const v = <T>(value: T | undefined): Valued<T> | undefined => (value === undefined || value === '' ? undefined : { value, ref });
  const containerd = isTable(config.containerd) ? config.containerd : {};
  const cni = isTable(config.cni) ? config.cni : {};
  const registry = isTable(config.registry) ? config.registry : {};
  const binDirs = Array.isArray(cni.binDirs) && cni.binDirs.length ? (cni.binDirs as string[]) : str(cni.binDir) ? [cni.binDir as string] : undefined;
  return {
    source: 'cri-status',
    sourceLabel: `the daemon's effective config (${what})`,
    sandboxImage: v(str(config.sandboxImage)),
    snapshotter: v(str(containerd.snapshotter)),
    defaultRuntimeName: v(str(containerd.defaultRuntimeName)),
    runtimes: runtimesFrom(containerd.runtimes, () => ref, true),
    cniConfDir: v(str(cni.confDir)),
    cniBinDirs: v(binDirs),
    registryConfigPath: v(str(registry.configPath)),
    systemdCgroupTop: typeof config.systemdCgroup === 'boolean' ? { value: config.systemdCgroup, ref } : undefined,
  };
}

/**
 * Settings as the file states them, with containerd's defaults for what it
 * leaves out (`hostDefault` maps a default host path through TCRICTL_HOST_ROOT).
 */
export function settingsFromFile(rc: RuntimeConfigFacts, containerdVersion: string | undefined, hostDefault: (p: string) => string): CriSettings {
  const data: TomlTable = rc.data ?? {};
  const version = rc.version ?? 1;
  const t = criTablePaths(version);
  const at = (base: string[], ...rest: string[]) => [...base, ...rest];
  const val = <T>(parts: string[], fallback: T | undefined, guard: (x: unknown) => x is T): Valued<T> | undefined => {
    const raw = getPath(data, parts);
    if (guard(raw)) return { value: raw, ref: refOf(rc, parts) };
    return fallback === undefined ? undefined : { value: fallback, ref: refOf(rc, parts) };
  };
  const isStr = (x: unknown): x is string => typeof x === 'string';
  const isStrArr = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
  const isBool = (x: unknown): x is boolean => typeof x === 'boolean';

  const sandboxPath = version >= 3 ? at(t.images, 'pinned_images', 'sandbox') : at(t.cri, 'sandbox_image');
  const snapshotterPath = version >= 3 ? at(t.images, 'snapshotter') : at(t.runtime, 'containerd', 'snapshotter');
  const runtimesPath = at(t.runtime, 'containerd', 'runtimes');
  const fileRuntimes = runtimesFrom(getPath(data, runtimesPath), (...parts) => refOf(rc, [...runtimesPath, ...parts]), false);
  // containerd decodes the file over its defaults, so the default runc entry stays unless redefined.
  const runtimes: Record<string, RuntimeHandlerSettings> = {
    runc: { runtimeType: 'io.containerd.runc.v2', options: {}, ref: { what: 'containerd default runtime "runc"' } },
    ...fileRuntimes,
  };
  const binDirsV3 = val(at(t.runtime, 'cni', 'bin_dirs'), undefined, isStrArr);
  const binDir = val(at(t.runtime, 'cni', 'bin_dir'), undefined, isStr);
  const defaultBin = { value: [hostDefault('/opt/cni/bin')], ref: refOf(rc, at(t.runtime, 'cni', 'bin_dir')) };
  return {
    source: 'config-file',
    sourceLabel: rc.state.status === 'missing' ? "containerd's built-in defaults (no config file)" : `the config file ${rc.state.path}`,
    sandboxImage: val(sandboxPath, defaultSandboxImage(containerdVersion), isStr),
    snapshotter: val(snapshotterPath, 'overlayfs', isStr),
    defaultRuntimeName: val(at(t.runtime, 'containerd', 'default_runtime_name'), 'runc', isStr),
    runtimes,
    cniConfDir: val(at(t.runtime, 'cni', 'conf_dir'), hostDefault('/etc/cni/net.d'), isStr),
    cniBinDirs: binDirsV3 ?? (binDir ? { value: [binDir.value], ref: binDir.ref } : defaultBin),
    registryConfigPath: val(at(t.images, 'registry', 'config_path'), undefined, isStr),
    systemdCgroupTop: version < 3 ? val(at(t.cri, 'systemd_cgroup'), undefined, isBool) : undefined,
  };
}

/** The cgroup driver a handler makes runc use: `SystemdCgroup` in its options (v1 runtime: the CRI-level flag). */
export function handlerCgroupDriver(s: CriSettings, handler: string): Valued<'systemd' | 'cgroupfs'> | undefined {
  const r = s.runtimes[handler];
  if (!r) return undefined;
  if (r.runtimeType === 'io.containerd.runtime.v1.linux') {
    const top = s.systemdCgroupTop;
    return { value: top?.value ? 'systemd' : 'cgroupfs', ref: top?.ref ?? { what: 'systemd_cgroup not set (default false)' } };
  }
  const raw = r.options.SystemdCgroup;
  const on = raw === true || raw === 'true';
  const shown = raw === undefined ? 'not set (default false)' : `= ${String(raw)}`;
  const fileRef = r.optionRefs?.SystemdCgroup;
  const ref: Ref =
    fileRef?.line !== undefined
      ? { ...fileRef, what: `SystemdCgroup ${shown}` }
      : { file: s.source === 'config-file' ? r.ref?.file : undefined, what: `${s.source === 'cri-status' ? `${s.sourceLabel}: ` : ''}runtimes.${handler}.options.SystemdCgroup ${shown}` };
  return { value: on ? 'systemd' : 'cgroupfs', ref };
}
