/**
 * Step 4 of the cascade: cross-checks that start nothing. Looks up shims and
 * runc in the daemon's PATH, lists CNI configs and plugin binaries, asks
 * whether the sandbox image is present (and whether its registry can be
 * reached, without pulling), statfs()es the image filesystem and reads
 * hosts.toml files.
 */
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readRegularFileSync, MAX_HOST_FILE_BYTES, readHostFile } from '../../cli/regular-file';
import { hostPath } from '../../config/host';
import type { BinaryLookup, CniFacts, CniNetwork, CriFacts, CriSettings, HandlerFacts, HostsTomlFacts, ImageFsFacts, PathFacts, ProcessFacts, SandboxFacts, Valued } from '../facts';
import { modeString } from '../text';
import { getPath, isTable, parseToml, type TomlParse } from '../toml';
import { call, IMAGE, type RpcContext } from './rpc';

/** systemd's default PATH: what containerd.service runs with unless the unit sets one. */
export const SYSTEMD_DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * containerd's PATH. runc (or a relative BinaryName) is resolved by the shim
 * through this PATH only; containerd's own directory is a fallback for shims,
 * never for runc.
 */
export function searchPath(daemon: ProcessFacts | undefined, unitPath?: { value: string; source: string }): PathFacts {
  const binaryDir = daemon?.exe ? path.dirname(daemon.exe) : undefined;
  if (daemon && typeof daemon.envPath === 'string') {
    return { dirs: [...new Set(daemon.envPath.split(':').filter(Boolean))], binaryDir, source: `containerd's PATH (/proc/${daemon.pid}/environ)` };
  }
  if (!daemon && unitPath) return { dirs: [...new Set(unitPath.value.split(':').filter(Boolean))], source: `PATH from ${unitPath.source}` };
  const why = daemon ? `/proc/${daemon.pid}/environ is not readable (run as root to see containerd's own PATH)` : 'containerd is not running';
  return { dirs: [...SYSTEMD_DEFAULT_PATH], binaryDir, source: `systemd's default PATH (${why})` };
}

/** Why an existing path cannot be executed, or undefined when it can (or does not exist). */
function notExecutable(p: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' ? 'exists but cannot be reached (permission denied on a parent directory)' : undefined;
  }
  if (st.isDirectory()) return 'exists but is a directory';
  if (!st.isFile()) return 'exists but is not a regular file';
  if ((st.mode & 0o111) === 0) return `exists but is not executable (mode ${modeString(st.mode)})`;
  return undefined;
}

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

const ELF_MACHINE: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32', 0x28: 'arm', 0xf3: 'riscv64', 0x15: 'ppc64', 0x16: 's390x' };

/** Why an executable file cannot run on this node ("exec format error"), from its first bytes; undefined when it can. */
function formatProblem(p: string): string | undefined {
  const head = Buffer.alloc(20);
  let n = 0;
  try {
    const fd = fs.openSync(p, 'r');
    try {
      n = fs.readSync(fd, head, 0, 20, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined; // unreadable to us (not root): say nothing
  }
  if (n >= 2 && head[0] === 0x23 && head[1] === 0x21) return undefined; // #! script
  if (n < 20 || head.readUInt32BE(0) !== 0x7f454c46) return 'exists but is not a program (no ELF header and no #! line): exec format error';
  const machine = ELF_MACHINE[head.readUInt16LE(18)];
  if (machine && machine !== process.arch) return `exists but is built for ${machine}, and this node is ${process.arch}: exec format error`;
  return undefined;
}

export function lookupBinary(name: string, dirs: string[]): BinaryLookup {
  const candidates = path.isAbsolute(name) ? [name] : dirs.map((d) => path.join(d, name));
  let unusable: BinaryLookup['unusable'];
  for (const p of candidates) {
    const badFormat = isExecutableFile(p) ? formatProblem(p) : undefined;
    if (badFormat) {
      // The kernel refuses it; exec.LookPath still picks it, so the search stops here.
      return { name, searched: path.isAbsolute(name) ? [name] : dirs, unusable: unusable ?? { path: p, why: badFormat } };
    }
    if (isExecutableFile(p)) return { name, found: p, searched: path.isAbsolute(name) ? [name] : dirs };
    const why = unusable ? undefined : notExecutable(p);
    if (why) unusable = { path: p, why };
  }
  return { name, searched: path.isAbsolute(name) ? [name] : dirs, ...(unusable ? { unusable } : {}) };
}

/** containerd's shim binary for a runtime_type: io.containerd.runc.v2 → containerd-shim-runc-v2. */
export function shimBinaryName(runtimeType: string): string | undefined {
  if (runtimeType === 'io.containerd.runtime.v1.linux') return 'containerd-shim';
  if (path.isAbsolute(runtimeType)) return runtimeType;
  const parts = runtimeType.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) return undefined;
  return `containerd-shim-${parts[parts.length - 2]}-${parts[parts.length - 1]}`;
}

const RUNC_TYPES = new Set(['io.containerd.runc.v2', 'io.containerd.runc.v1', 'io.containerd.runtime.v1.linux']);

export function collectHandlers(settings: CriSettings, pathFacts: PathFacts): HandlerFacts[] {
  const def = settings.defaultRuntimeName?.value;
  return Object.entries(settings.runtimes).map(([name, r]) => {
    const h: HandlerFacts = { name, isDefault: name === def, runtimeType: r.runtimeType, ref: r.typeRef?.line ? r.typeRef : r.ref };
    const shimName = r.runtimePath || shimBinaryName(r.runtimeType);
    if (shimName) h.shim = lookupBinary(shimName, pathFacts.binaryDir ? [...pathFacts.dirs, pathFacts.binaryDir] : pathFacts.dirs);
    if (RUNC_TYPES.has(r.runtimeType)) {
      const configured = typeof r.options.BinaryName === 'string' && r.options.BinaryName !== '' ? r.options.BinaryName : undefined;
      h.ociRuntime = { ...lookupBinary(configured ?? 'runc', pathFacts.dirs), fromBinaryName: !!configured, ref: configured ? r.optionRefs?.BinaryName : undefined };
    }
    return h;
  });
}

// ---------------------------------------------------------------- CNI

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

// ---------------------------------------------------------------- sandbox image and registry

/** Registry host of an image reference, as containerd normalizes it (docker.io for bare names). */
export function registryHost(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

export function isLocalhost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '127.0.0.1' || h === '::1' || h.startsWith('127.');
}

/** A hosts.toml parsed, or undefined where there is none (or it cannot be read). */
function readHostsToml(file: string): TomlParse | undefined {
  const text = readHostFile(file);
  return text === undefined ? undefined : parseToml(text);
}

/** The URLs containerd would try, in order: hosts.toml mirrors, then the server. */
export function pullEndpoints(host: string, registryConfigPath: string | undefined): { urls: string[]; hostsFile?: string; hostsBroken?: boolean } {
  const defaultServer = host === 'docker.io' ? 'https://registry-1.docker.io' : `${isLocalhost(host) ? 'http' : 'https'}://${host}`;
  if (!registryConfigPath) return { urls: [defaultServer] };
  for (const dir of [host, '_default']) {
    const file = path.join(registryConfigPath, dir, 'hosts.toml');
    const parsed = readHostsToml(file);
    if (!parsed) continue;
    if (!parsed.ok) return { urls: [defaultServer], hostsFile: file, hostsBroken: true };
    const mirrors = isTable(parsed.data.host) ? Object.keys(parsed.data.host) : [];
    const server = typeof parsed.data.server === 'string' ? parsed.data.server : defaultServer;
    return { urls: [...mirrors, server], hostsFile: file };
  }
  return { urls: [defaultServer] };
}

type Reach = NonNullable<SandboxFacts['pull']>['attempts'][number];

/** TCP connect (no request is sent), bounded by timeoutMs. */
export function probeTcp(url: string, timeoutMs: number): Promise<Reach> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    } catch {
      return resolve({ url, result: 'error', detail: 'not a valid URL' });
    }
    const port = Number(u.port || (u.protocol === 'http:' ? 80 : 443));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    let finished = false;
    const done = (r: Reach) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock?.destroy();
      resolve(r);
    };
    let sock: net.Socket | undefined;
    const timer = setTimeout(() => done({ url, result: 'timeout', detail: `no TCP connection to ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    dns.lookup(host, (err, address) => {
      if (finished) return; // timed out while resolving: do not dial any more
      if (err) return done({ url, result: 'unresolvable', detail: `cannot resolve ${host}: ${err.code ?? err.message}` });
      sock = net.connect({ host: address, port });
      sock.once('connect', () => done({ url, result: 'reachable', detail: `${host}:${port} accepts TCP connections` }));
      sock.once('error', (e: NodeJS.ErrnoException) =>
        done({ url, result: e.code === 'ECONNREFUSED' ? 'refused' : 'error', detail: `${host}:${port}: ${e.code === 'ECONNREFUSED' ? 'connection refused' : (e.code ?? e.message)}` }),
      );
    });
  });
}

export async function collectSandbox(ctx: RpcContext | undefined, ref: Valued<string>, settings: CriSettings): Promise<SandboxFacts> {
  const facts: SandboxFacts = { ref, localPauseImages: [] };
  if (!ctx) return facts;
  const st = await call<{ image: { pinned: boolean } | null }>(ctx, IMAGE, 'ImageStatus', { image: { image: ref.value } });
  if (!st.ok) {
    facts.error = st.error;
    return facts;
  }
  facts.present = st.value.image !== null;
  if (st.value.image) {
    facts.pinned = st.value.image.pinned;
    return facts;
  }
  const host = registryHost(ref.value);
  const { urls, hostsFile, hostsBroken } = pullEndpoints(host, settings.registryConfigPath?.value);
  const [list, ...attempts] = await Promise.all([
    call<{ images: { repoTags: string[] }[] }>(ctx, IMAGE, 'ListImages', { filter: {} }),
    ...urls.map((u) => probeTcp(u, Math.min(ctx.timeoutMs, Math.max(1, ctx.deadline - Date.now())))),
  ]);
  if (list.ok) facts.localPauseImages = list.value.images.flatMap((i) => i.repoTags).filter((t) => /(^|\/)pause:/.test(t));
  facts.pull = { host, attempts, hostsFile, ...(hostsBroken ? { hostsBroken } : {}) };
  return facts;
}

export function collectHostsToml(configPath: string): HostsTomlFacts {
  const facts: HostsTomlFacts = { dir: configPath, files: [] };
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(configPath);
  } catch {
    return facts;
  }
  for (const host of dirs.sort()) {
    const file = path.join(configPath, host, 'hosts.toml');
    const parsed = readHostsToml(file);
    if (!parsed) continue;
    const problems: string[] = [];
    if (!parsed.ok) {
      facts.files.push({ host, path: file, error: parsed.error.message, line: parsed.error.line, column: parsed.error.column, problems });
      continue;
    }
    const server = parsed.data.server;
    if (typeof server === 'string' && !/^[a-z]+:\/\//i.test(server)) problems.push(`server = ${JSON.stringify(server)} has no scheme (https://…); containerd cannot use it`);
    const hosts = isTable(parsed.data.host) ? parsed.data.host : {};
    for (const [url, h] of Object.entries(hosts)) {
      if (!/^[a-z]+:\/\//i.test(url)) problems.push(`[host."${url}"] has no scheme (https://…)`);
      const caps = isTable(h) ? getPath(h, ['capabilities']) : undefined;
      if (Array.isArray(caps) && !caps.includes('pull')) problems.push(`[host."${url}"] capabilities ${JSON.stringify(caps)} lack "pull": it is never used for pulls`);
    }
    if (host !== '_default' && !/[.:]|^localhost$/.test(host)) problems.push(`directory "${host}" is not a registry host name; containerd looks up <config_path>/<registry host>/hosts.toml`);
    facts.files.push({ host, path: file, problems });
  }
  return facts;
}

// ---------------------------------------------------------------- filesystems

export interface MountInfo {
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** This process's mounts from /proc/self/mountinfo ([] where it cannot be read). Also used by the test harness. */
export function mounts(): MountInfo[] {
  try {
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    return fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const f = line.split(' ');
        const sep = f.indexOf('-');
        return { mountPoint: unescape(f[4]), fsType: f[sep + 1], options: f[5].split(',') };
      });
  } catch {
    return [];
  }
}

/** The mount holding `p` (longest mount-point prefix). */
export function mountOf(p: string, all: MountInfo[] = mounts()): MountInfo | undefined {
  let best: MountInfo | undefined;
  for (const m of all) {
    const under = m.mountPoint === '/' || p === m.mountPoint || p.startsWith(`${m.mountPoint}/`);
    if (under && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

export function collectImageFs(cri: CriFacts): ImageFsFacts[] {
  const all = mounts();
  return (cri.imageFilesystems ?? []).map((f) => {
    const out: ImageFsFacts = { mountpoint: f.mountpoint, usedBytes: f.usedBytes };
    if (!f.mountpoint) return out;
    out.fsType = mountOf(f.mountpoint, all)?.fsType;
    try {
      const s = fs.statfsSync(f.mountpoint);
      out.totalBytes = s.blocks * s.bsize;
      out.availBytes = s.bavail * s.bsize;
      out.totalInodes = s.files;
      out.freeInodes = s.ffree;
    } catch {
      /* not visible from here (other mount namespace): usage unknown */
    }
    return out;
  });
}

export function collectLogDir(p: string, isRoot: boolean): { exists: boolean; writable?: boolean; readOnlyMount?: boolean; error?: string } {
  try {
    if (!fs.statSync(p).isDirectory()) return { exists: true, writable: false, error: 'not a directory' };
  } catch {
    return { exists: false };
  }
  const readOnlyMount = mountOf(p)?.options.includes('ro') ?? false;
  if (!isRoot) return { exists: true, readOnlyMount };
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return { exists: true, writable: !readOnlyMount, readOnlyMount };
  } catch (err) {
    return { exists: true, writable: false, readOnlyMount, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** PID 1's name and whether /sys/fs/cgroup is the unified (v2) hierarchy. */
export function collectHostBasics(): { pid1?: string; cgroupV2?: boolean } {
  let pid1: string | undefined;
  try {
    pid1 = fs.readFileSync('/proc/1/comm', 'utf8').trim();
  } catch {
    /* hidepid: unknown */
  }
  let cgroupV2: boolean | undefined;
  try {
    cgroupV2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  } catch {
    /* unknown */
  }
  return { pid1, cgroupV2 };
}
