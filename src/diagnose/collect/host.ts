/**
 * Facts from files and /proc: who is asking, the kubelet's and crictl's
 * configuration, containerd processes and the config file containerd uses.
 * Synchronous reads of small files; nothing here waits on the network.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileRefused, MAX_HOST_FILE_BYTES, readHostFile, readRegularFileSync } from '../../cli/regular-file';
import { hostPath, KUBEADM_FLAGS } from '../../config/host';
import { parseKubeletFlags, parseKubeletYaml } from '../../config/kubelet';

export { canonicalSocket } from '../../config/host';
import { socketPathOf } from '../../cri/connection';
import { normalizeEndpoint } from '../../cri/endpoint';
import type { CallerFacts, FileState, KubeletFacts, ProcessFacts, Ref, RuntimeConfigFacts, Valued } from '../facts';
import { mergeLayers, type ConfigLayer } from '../config-merge';
import { getPath, locateKeys, parseToml, type TomlSyntaxError, type TomlTable } from '../toml';

export const DEFAULT_CONTAINERD_CONFIG = '/etc/containerd/config.toml';
export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
export const KUBELET_INSTANCE_CONFIG = '/var/lib/kubelet/instance-config.yaml';
/** The kubelet's default endpoint since dockershim was removed (1.24+). */
export const KUBELET_DEFAULT_ENDPOINT = 'unix:///run/containerd/containerd.sock';

type ReadResult = { text: string; state: FileState } | { text?: undefined; state: FileState };

/** A FIFO here would block diagnose where no signal reaches it (a synchronous read), /dev/zero never end: refused by what it is. */
export function readFileState(p: string): ReadResult {
  try {
    return { text: readRegularFileSync(p, MAX_HOST_FILE_BYTES), state: { path: p, status: 'ok' } };
  } catch (err) {
    if (err instanceof FileRefused) return { state: { path: p, status: 'unreadable', error: err.why } };
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: { path: p, status: 'missing' } };
    if (code === 'EACCES' || code === 'EPERM') return { state: { path: p, status: 'unreadable', error: 'permission denied' } };
    return { state: { path: p, status: 'unreadable', error: (err as Error).message } };
  }
}

// ---------------------------------------------------------------- caller

function nameOf(file: string, id: number): string | undefined {
  // No passwd/group file: numbers only.
  for (const line of (readHostFile(file) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length > 2 && Number(f[2]) === id) return f[0];
  }
  return undefined;
}

export function userName(uid: number): string | undefined {
  return nameOf('/etc/passwd', uid);
}

export function groupName(gid: number): string | undefined {
  return nameOf('/etc/group', gid);
}

export function collectCaller(): CallerFacts {
  const uid = process.getuid?.() ?? 0;
  return { uid, gid: process.getgid?.() ?? 0, groups: process.getgroups?.() ?? [], userName: userName(uid) };
}

// ---------------------------------------------------------------- kubelet

interface YamlView {
  get(key: string): { value: unknown; ref: Ref } | undefined;
}

function yamlView(text: string, file: string): { view?: YamlView; error?: FileState } {
  const parsed = parseKubeletYaml(text);
  if (!parsed.ok) return { error: { path: file, status: 'invalid', error: parsed.error.message, line: parsed.error.line, column: parsed.error.column } };
  return {
    view: {
      get(key) {
        const hit = parsed.get(key);
        return hit && { value: hit.value, ref: { file, line: hit.line, text: hit.text } };
      },
    },
  };
}

/** Resolves a kubelet endpoint; paths inside TCRICTL_HOST_ROOT are that root's. */
function resolveKubeletEndpoint(raw: string, ref: Ref): NonNullable<KubeletFacts['endpoint']> {
  let problem: string | undefined;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw.trim())) problem = 'the endpoint has no URL scheme (unix://); kubelet deprecated this and newer releases reject it';
  try {
    const ep = normalizeEndpoint(raw, 'kubelet runtime endpoint');
    return { raw, endpoint: `unix://${hostPath(socketPathOf(ep))}`, problem, ref };
  } catch (err) {
    return { raw, problem: (err as Error).message, ref };
  }
}

export function collectKubelet(configPath: string): KubeletFacts {
  const cfg = readFileState(configPath);
  const flagsPath = hostPath(KUBEADM_FLAGS);
  const flagsFile = readFileState(flagsPath);
  const facts: KubeletFacts = { config: cfg.state, flags: flagsFile.state };
  const flags = flagsFile.text !== undefined ? parseKubeletFlags(flagsFile.text) : new Map<string, { value: string; line: number }>();
  const flagRef = (name: string): Ref => {
    const f = flags.get(name)!;
    return { file: flagsPath, line: f.line, text: `--${name}=${f.value}` };
  };
  let view: YamlView | undefined;
  if (cfg.text !== undefined) {
    const parsed = yamlView(cfg.text, configPath);
    if (parsed.error) facts.config = parsed.error;
    view = parsed.view;
  }
  const fromYaml = <T>(key: string, guard: (v: unknown) => v is T): Valued<T> | undefined => {
    const hit = view?.get(key);
    return hit && guard(hit.value) ? { value: hit.value, ref: hit.ref } : undefined;
  };
  const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
  const isNum = (v: unknown): v is number => typeof v === 'number';
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

  const kubeletPresent = cfg.state.status !== 'missing' || flagsFile.state.status !== 'missing';
  // The kubelet's own precedence: command-line flags, then the instance config (KEP-4656), then config.yaml.
  const instance = readFileState(hostPath(KUBELET_INSTANCE_CONFIG));
  const instanceEp = instance.text !== undefined ? yamlView(instance.text, instance.state.path).view?.get('containerRuntimeEndpoint') : undefined;
  const yamlEp = fromYaml('containerRuntimeEndpoint', isStr);
  if (flags.has('container-runtime-endpoint')) facts.endpoint = resolveKubeletEndpoint(flags.get('container-runtime-endpoint')!.value, flagRef('container-runtime-endpoint'));
  else if (instanceEp && isStr(instanceEp.value)) facts.endpoint = resolveKubeletEndpoint(instanceEp.value, instanceEp.ref);
  else if (yamlEp) facts.endpoint = resolveKubeletEndpoint(yamlEp.value, yamlEp.ref);
  // A config that does not parse says nothing: never judge the runtime by the default endpoint then.
  else if (kubeletPresent && facts.config.status !== 'invalid') facts.endpoint = resolveKubeletEndpoint(KUBELET_DEFAULT_ENDPOINT, { file: configPath, what: `containerRuntimeEndpoint not set: kubelet default ${KUBELET_DEFAULT_ENDPOINT}` });

  if (flags.has('cgroup-driver')) facts.cgroupDriver = { value: flags.get('cgroup-driver')!.value, ref: flagRef('cgroup-driver'), defaulted: false };
  else {
    const d = fromYaml('cgroupDriver', isStr);
    if (d) facts.cgroupDriver = { ...d, defaulted: false };
    else if (facts.config.status === 'ok') facts.cgroupDriver = { value: 'cgroupfs', ref: { file: configPath, what: 'cgroupDriver not set: kubelet default cgroupfs' }, defaulted: true };
  }
  const eviction = view?.get('evictionHard');
  if (eviction && eviction.value && typeof eviction.value === 'object') {
    facts.evictionHard = Object.fromEntries(
      Object.entries(eviction.value as Record<string, unknown>).map(([k, v]) => [k, { value: String(v), ref: eviction.ref }]),
    );
  }
  facts.imageGCHighThresholdPercent = fromYaml('imageGCHighThresholdPercent', isNum);
  facts.podLogsDir = fromYaml('podLogsDir', isStr);
  facts.failCgroupV1 = fromYaml('failCgroupV1', isBool);
  if (flags.has('pod-infra-container-image')) facts.podInfraContainerImage = { value: flags.get('pod-infra-container-image')!.value, ref: flagRef('pod-infra-container-image') };
  return facts;
}

// ---------------------------------------------------------------- processes

function readProc(pid: string, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

let bootTimeMs: number | undefined;
function bootTime(): number | undefined {
  if (bootTimeMs === undefined) {
    let stat = '';
    try {
      stat = fs.readFileSync('/proc/stat', 'utf8');
    } catch {
      return undefined;
    }
    const m = /^btime (\d+)/m.exec(stat);
    if (m) bootTimeMs = Number(m[1]) * 1000;
  }
  return bootTimeMs;
}

/** State letter and start time from /proc/<pid>/stat. */
export function procStat(pid: string | number): { state: string; startedAtMs?: number; ppid: number; comm: string } | undefined {
  const stat = readProc(String(pid), 'stat');
  if (!stat) return undefined;
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const rest = stat.slice(close + 2).split(' ');
  const ticks = Number(rest[19]);
  const boot = bootTime();
  // USER_HZ is 100 on every Linux architecture Node supports.
  return { state: rest[0], ppid: Number(rest[1]), comm, startedAtMs: boot !== undefined && Number.isFinite(ticks) ? boot + ticks * 10 : undefined };
}

function flagValue(argv: string[], names: string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    for (const n of names) {
      if (argv[i] === n) return argv[i + 1];
      if (n.startsWith('--') && argv[i].startsWith(`${n}=`)) return argv[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** [grpc].address from a config file (undefined when it does not say), or why the file cannot be read. */
function grpcAddressOf(configPath: string): { address?: string; error?: string } {
  const r = readFileState(configPath);
  if (r.text === undefined) return r.state.status === 'unreadable' ? { error: r.state.error ?? 'not readable' } : {};
  const parsed = parseToml(r.text);
  if (!parsed.ok) return {};
  const a = getPath(parsed.data, ['grpc', 'address']);
  return typeof a === 'string' && a ? { address: a } : {};
}

/** containerd daemons (not shims) running on this host, from /proc/*\/cmdline. */
export function collectProcesses(): ProcessFacts[] {
  const out: ProcessFacts[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = readProc(pid, 'cmdline');
    if (!cmdline) continue;
    const argv = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    if (path.basename(argv[0] ?? '') !== 'containerd') continue;
    const st = procStat(pid);
    if (!st || st.state === 'Z') continue;
    const configPath = flagValue(argv, ['--config', '-c']) ?? DEFAULT_CONTAINERD_CONFIG;
    const flagAddress = flagValue(argv, ['--address', '-a']);
    // An unreadable config (not root) hides its [grpc] address: unknown, not the default.
    const fromConfig = flagAddress ? {} : grpcAddressOf(configPath);
    const address = flagAddress ?? fromConfig.address ?? (fromConfig.error ? undefined : DEFAULT_CONTAINERD_SOCKET);
    let exe: string | undefined;
    try {
      exe = fs.readlinkSync(`/proc/${pid}/exe`);
    } catch {
      /* not root: unknown */
    }
    const environ = readProc(pid, 'environ');
    const envPath = environ === undefined ? null : (environ.split('\0').find((e) => e.startsWith('PATH='))?.slice(5) ?? '');
    out.push({ pid: Number(pid), argv, state: st.state, configPath, address, exe, envPath, startedAtMs: st.startedAtMs, ...(fromConfig.error ? { configError: fromConfig.error } : {}) });
  }
  return out;
}

// ---------------------------------------------------------------- containerd config file

function keyLinesOf(text: string, file: string, into: Record<string, Ref>): void {
  const lines = text.split('\n');
  for (const [key, line] of locateKeys(text)) into[key] = { file, line, text: lines[line - 1].trim() };
}

function invalidState(file: string, text: string, e: TomlSyntaxError): FileState {
  const excerpt = e.line ? text.split('\n')[e.line - 1]?.trimEnd() : undefined;
  return { path: file, status: 'invalid', error: e.message, line: e.line, column: e.column, excerpt };
}

/**
 * Reads the config and its `imports` (globs, breadth-first, each file once, as
 * containerd loads them) and merges them as containerd 1.x does; the settings
 * step merges again as 2.x does when the daemon turns out to be 2.x.
 */
export function collectRuntimeConfig(file: string, how: RuntimeConfigFacts['how']): RuntimeConfigFacts {
  const main = readFileState(file);
  const facts: RuntimeConfigFacts = { how, state: main.state, keyLines: {}, imports: [] };
  if (main.text === undefined) return facts;
  try {
    facts.mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    /* raced with a rename: no mtime */
  }
  const parsed = parseToml(main.text);
  if (!parsed.ok) {
    keyLinesOf(main.text, file, facts.keyLines);
    facts.state = invalidState(file, main.text, parsed.error);
    return facts;
  }
  const v = parsed.data.version;
  facts.version = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 1;
  const layers: ConfigLayer[] = [{ file, text: main.text, data: parsed.data }];
  const loaded = new Set([file]);
  const pending = [...importsOf(parsed.data, file)];
  while (pending.length) {
    const imp = pending.shift()!;
    if (loaded.has(imp)) continue;
    loaded.add(imp);
    const r = readFileState(imp);
    if (r.text === undefined) {
      facts.imports.push(r.state);
      continue;
    }
    const p = parseToml(r.text);
    if (!p.ok) {
      keyLinesOf(r.text, imp, facts.keyLines);
      facts.imports.push(invalidState(imp, r.text, p.error));
      continue;
    }
    facts.imports.push(r.state);
    layers.push({ file: imp, text: r.text, data: p.data });
    pending.push(...importsOf(p.data, imp));
  }
  facts.layers = layers;
  applyMerge(facts, 1);
  return facts;
}

/** (Re-)merges the layers as containerd `major` does. */
export function applyMerge(facts: RuntimeConfigFacts, major: number): void {
  if (!facts.layers) return;
  const m = mergeLayers(facts.layers, major);
  const invalid = Object.fromEntries(Object.entries(facts.keyLines).filter(([, ref]) => facts.imports.some((i) => i.status === 'invalid' && i.path === ref.file)));
  facts.data = m.data;
  facts.keyLines = { ...m.keyLines, ...invalid };
  facts.replaced = m.replaced;
  facts.mergedAs = major < 2 ? 1 : 2;
}

function importsOf(data: TomlTable, file: string): string[] {
  const list = Array.isArray(data.imports) ? data.imports.filter((i): i is string => typeof i === 'string') : [];
  return list.flatMap((pattern) => expandImport(pattern, path.dirname(file)));
}

/** containerd resolves relative imports against the main file's directory and expands `*`. */
function expandImport(pattern: string, baseDir: string): string[] {
  const abs = path.isAbsolute(pattern) ? pattern : path.join(baseDir, pattern);
  if (!/[*?[]/.test(abs)) return [abs];
  const dir = path.dirname(abs);
  const re = new RegExp(`^${path.basename(abs).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return fs.readdirSync(dir).filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

