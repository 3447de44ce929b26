/**
 * Facts: everything diagnose observed, as plain data. The collector fills
 * them in (files, sockets, /proc, RPCs); rules only read them, so every rule
 * can be tested with a hand-written Facts object and no runtime.
 *
 * Path convention: tcrictl's own defaults (/etc/containerd/config.toml,
 * /var/lib/kubelet/…, /opt/cni/bin, /etc/cni/net.d, known sockets) go through
 * hostPath(); paths named inside a config file or reported by the daemon are
 * used as they are.
 */
import type { ProbeOutcome } from '../cri/endpoint';
import type { TomlTable } from './toml';

/** A failed RPC as data. */
export interface RpcFailure {
  code: number;
  /** gRPC status name, e.g. UNIMPLEMENTED. */
  codeName: string;
  details: string;
}

/** Where a value came from, for evidence lines: "file:line" or a description. */
export interface Ref {
  file?: string;
  line?: number;
  /** The source line as written, when file and line are known. */
  text?: string;
  /** e.g. "CRI Status (verbose) config", "containerd default". */
  what?: string;
}

export interface FileState {
  path: string;
  status: 'ok' | 'missing' | 'unreadable' | 'invalid' | 'not-checked';
  /** For invalid files: the parser's message, and where. */
  error?: string;
  line?: number;
  column?: number;
  /** The offending line as written, for syntax errors. */
  excerpt?: string;
}

export interface CallerFacts {
  uid: number;
  gid: number;
  groups: number[];
  /** Resolved names for messages, when /etc/passwd knows them. */
  userName?: string;
}

// ---------------------------------------------------------------- kubelet

export interface Valued<T> {
  value: T;
  ref: Ref;
}

export interface KubeletFacts {
  config: FileState;
  flags: FileState;
  /** The runtime endpoint the kubelet will use, after its own precedence (flags over files). */
  endpoint?: {
    raw: string;
    /** Normalized unix:///abs/path, resolved under TCRICTL_HOST_ROOT; undefined when raw is malformed. */
    endpoint?: string;
    /** Why raw could not be used, e.g. no scheme. */
    problem?: string;
    ref: Ref;
  };
  cgroupDriver?: Valued<string> & { defaulted: boolean };
  evictionHard?: Record<string, Valued<string>>;
  imageGCHighThresholdPercent?: Valued<number>;
  podInfraContainerImage?: Valued<string>;
  podLogsDir?: Valued<string>;
  failCgroupV1?: Valued<boolean>;
}

// ---------------------------------------------------------------- crictl

export interface CrictlFacts {
  config: FileState;
  runtimeEndpoint?: string;
}

// ---------------------------------------------------------------- containerd config file

export interface RuntimeConfigFacts {
  /** How the file was chosen: --runtime-config, the running daemon's --config, its service unit's ExecStart, or the default path. */
  how: 'flag' | 'process' | 'unit' | 'default';
  /** The daemon answered but its process (hence its config) could not be identified: the file may be another daemon's. */
  unverified?: boolean;
  state: FileState;
  /** Main file and imports merged, when they all parsed. */
  data?: TomlTable;
  /** `version` in the file (1 when absent, as containerd reads it). */
  version?: number;
  /** keyPath → location, across the main file and its imports (the later definition wins). */
  keyLines: Record<string, Ref>;
  imports: FileState[];
  /** The parsed files in containerd's load order (main first), for re-merging per version. */
  layers?: import('./config-merge').ConfigLayer[];
  /** Plugin tables an import replaced whole (containerd before 2.0). */
  replaced?: import('./config-merge').ReplacedTable[];
  /** Which containerd's merge `data` reflects: 1 (before 2.0) or 2. */
  mergedAs?: 1 | 2;
  mtimeMs?: number;
  /** `containerd --version` when the daemon's API could not say (daemon down). */
  binaryVersion?: string;
}

// ---------------------------------------------------------------- processes

export interface ProcessFacts {
  pid: number;
  argv: string[];
  /** /proc/<pid>/stat state letter: R, S, D, T, Z, … */
  state: string;
  configPath?: string;
  /** The gRPC socket it serves: --address, else its config's [grpc].address, else the default; unknown when its config cannot be read. */
  address?: string;
  /** Why its --config could not be read (e.g. permission denied), when it could not. */
  configError?: string;
  /** CRI Version on its socket, when the chosen endpoint was missing (is the runtime simply elsewhere?). */
  socketProbe?: { outcome: ProbeOutcome; detail: string };
  exe?: string;
  /** PATH from /proc/<pid>/environ; null when not readable (not root). */
  envPath?: string | null;
  startedAtMs?: number;
}

/** containerd's systemd unit with its drop-ins applied. */
export interface UnitFacts {
  file: string;
  /** The main unit file and the drop-ins, in the order systemd applies them. */
  files: string[];
  execStart?: { argv: string[]; ref: Ref };
  configPath?: string;
  address?: string;
  envPath?: { value: string; ref: Ref };
}

/** What containerd itself last said about failing, from its journal or log file. */
export interface LastWords {
  source: string;
  lines: string[];
  mtimeMs?: number;
}

/** A path containerd must create or write that exists but cannot be used. */
export interface PathProblem {
  /** root, state, grpc.address, ttrpc.address */
  key: string;
  path: string;
  why: string;
  ref?: Ref;
}

export interface ListenerFacts {
  pid: number;
  name: string;
  state: string;
}

// ---------------------------------------------------------------- endpoints

export type EndpointKind = 'flag' | 'crictl' | 'kubelet' | 'override' | 'known';

export interface EndpointProbe {
  endpoint: string;
  socket: string;
  kind: EndpointKind;
  /** Human label of where the candidate came from. */
  source: string;
  outcome: ProbeOutcome;
  detail: string;
  elapsedMs: number;
  stat?: { mode: number; uid: number; gid: number; isSocket: boolean };
  /** The nearest ancestor directory the caller may not search, when stat failed with EACCES. */
  blockedDir?: { path: string; mode: number; uid: number; gid: number };
  /** Who listens on the socket (from /proc/net/unix and /proc/*\/fd), when it matters. */
  listeners?: ListenerFacts[];
  /** Whether a listening socket with this path exists in /proc/net/unix. */
  listening?: boolean;
  criVersion?: { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string };
  /** The RPC error text when the socket answered CRI Version with an error (outcome not-cri/error). */
  rpcDetails?: string;
}

export interface EndpointFacts {
  /** True when -r/--runtime-endpoint (or its env) named the endpoint: no fallback then. */
  explicit: boolean;
  chosen?: EndpointProbe;
  probes: EndpointProbe[];
}

// ---------------------------------------------------------------- containerd API

export interface PluginFacts {
  type: string;
  id: string;
  initErr?: { code: number; message: string };
  exports: Record<string, string>;
}

export interface ContainerdFacts {
  version?: { version: string; revision: string };
  plugins?: PluginFacts[];
  deprecations?: { id: string; message: string }[];
  /** RPC name → failure (Version, Plugins, Server). */
  errors: Record<string, RpcFailure>;
  /** The socket answered but does not serve containerd's API (CRI-O, cri-dockerd, …). */
  notContainerd?: boolean;
}

// ---------------------------------------------------------------- CRI

export interface CriCondition {
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface CriTiming {
  method: string;
  ms: number;
  error?: RpcFailure;
}

export interface CriFacts {
  version?: { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string };
  conditions?: CriCondition[];
  /** Parsed `info.config` of verbose Status (containerd: the CRI plugin config). */
  config?: Record<string, unknown>;
  /** Parsed `info.cniconfig` (go-cni's view: PluginDirs, PluginConfDir, Networks). */
  cniConfig?: Record<string, unknown>;
  lastCNILoadStatus?: string;
  runtimeHandlers?: string[];
  /** runtime_handler of the pod sandboxes that exist → how many pods use it ("" is the default). */
  sandboxHandlers?: Record<string, number>;
  /** From RuntimeConfig (containerd 2.x, CRI-O); undefined when unimplemented. */
  cgroupDriver?: 'SYSTEMD' | 'CGROUPFS';
  imageFilesystems?: { mountpoint: string; usedBytes?: number; inodesUsed?: number }[];
  timings: CriTiming[];
  errors: Record<string, RpcFailure>;
}

// ---------------------------------------------------------------- derived settings and node checks

export interface RuntimeHandlerSettings {
  runtimeType: string;
  runtimePath?: string;
  options: Record<string, unknown>;
  ref?: Ref;
  typeRef?: Ref;
  optionRefs?: Record<string, Ref>;
}

/** The CRI settings that matter for diagnosis, from the daemon (preferred) or the file. */
export interface CriSettings {
  source: 'cri-status' | 'config-file';
  /** Label for evidence lines. */
  sourceLabel: string;
  sandboxImage?: Valued<string>;
  snapshotter?: Valued<string>;
  defaultRuntimeName?: Valued<string>;
  runtimes: Record<string, RuntimeHandlerSettings>;
  cniConfDir?: Valued<string>;
  cniBinDirs?: Valued<string[]>;
  registryConfigPath?: Valued<string>;
  /** The deprecated CRI-level flag (v1 runtime only). */
  systemdCgroupTop?: Valued<boolean>;
}

export interface BinaryLookup {
  name: string;
  /** Absolute path found, or undefined. */
  found?: string;
  searched: string[];
  /** The first candidate that exists but cannot be run (no execute bit, a directory): never "missing". */
  unusable?: { path: string; why: string };
}

export interface HandlerFacts {
  name: string;
  isDefault: boolean;
  runtimeType: string;
  ref?: Ref;
  shim?: BinaryLookup;
  /** The OCI runtime binary (runc or BinaryName), for runc-type handlers. */
  ociRuntime?: BinaryLookup & { fromBinaryName: boolean; ref?: Ref };
}

export interface PathFacts {
  /** containerd's PATH: where runc (or a relative BinaryName) is resolved. */
  dirs: string[];
  /** containerd's own directory: searched for shims only, after PATH. */
  binaryDir?: string;
  /** Where the search PATH came from. */
  source: string;
}

export interface CniNetwork {
  name: string;
  file?: string;
  /** Plugin types, including ipam types. */
  types: string[];
}

export interface CniFacts {
  confDir: string;
  binDirs: string[];
  /** Where conf_dir / bin_dir are set, when the config file says so. */
  confDirRef?: Ref;
  binDirsRef?: Ref;
  source: string;
  confDirState: 'ok' | 'missing' | 'unreadable' | 'empty';
  /** Config files found (*.conf, *.conflist, *.json), with parse problems. */
  files: { name: string; error?: string }[];
  networks: CniNetwork[];
  /** Plugin types not found in any bin dir. */
  missing: { type: string; networks: string[] }[];
  /** Plugin types whose binary exists but cannot be executed: never reported as missing. */
  unusable?: { type: string; networks: string[]; path: string; why: string }[];
  /** Files in the conf dir containerd skips for their extension (e.g. 10-calico.conflist.bak). */
  ignored?: string[];
  /** Well-known dirs holding the missing plugins, to suggest a bin_dir. */
  alternatives: string[];
}

export interface SandboxFacts {
  ref: Valued<string>;
  /** undefined: not checked (no CRI). */
  present?: boolean;
  pinned?: boolean;
  localPauseImages: string[];
  /** What the runtime would contact to pull it. */
  pull?: { host: string; attempts: { url: string; result: 'reachable' | 'refused' | 'timeout' | 'unresolvable' | 'error'; detail: string }[]; hostsFile?: string; hostsBroken?: boolean };
  error?: RpcFailure;
}

export interface ImageFsFacts {
  mountpoint: string;
  usedBytes?: number;
  fsType?: string;
  totalBytes?: number;
  availBytes?: number;
  totalInodes?: number;
  freeInodes?: number;
}

export interface ContainerFacts {
  id: string;
  name: string;
  pod: string;
  namespace: string;
  attempt: number;
  state: string;
  exitCode?: number;
  reason?: string;
}

export interface HostsTomlFacts {
  dir: string;
  files: { host: string; path: string; error?: string; line?: number; column?: number; problems: string[] }[];
}

export interface CheckRecord {
  id: string;
  title: string;
  status: 'ran' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  /** For a check that ran with less than it wanted to see (e.g. not root). */
  limitation?: string;
  /** What a check that ran looked at, in a line (shown by --verbose). */
  lookedAt?: string;
  durationMs: number;
}

export interface Facts {
  timeoutMs: number;
  hostRoot: string;
  caller: CallerFacts;
  kubelet: KubeletFacts;
  crictl: CrictlFacts;
  runtimeConfig?: RuntimeConfigFacts;
  processes: ProcessFacts[];
  /** The containerd process serving the chosen endpoint, when found. */
  daemon?: ProcessFacts;
  endpoints: EndpointFacts;
  containerd?: ContainerdFacts;
  cri?: CriFacts;
  /** Effective settings: from the daemon when it answered, else from the file. */
  settings?: CriSettings;
  /** Settings as the file states them, when it parsed. */
  fileSettings?: CriSettings;
  searchPath?: PathFacts;
  handlers?: HandlerFacts[];
  cni?: CniFacts;
  sandbox?: SandboxFacts;
  imagefs?: ImageFsFacts[];
  logDir?: { path: string; exists: boolean; writable?: boolean; readOnlyMount?: boolean; error?: string; ref: Ref };
  containers?: ContainerFacts[];
  hostsToml?: HostsTomlFacts;
  host: { pid1?: string; cgroupV2?: boolean };
  /** containerd's service unit, read when the daemon did not answer. */
  unit?: UnitFacts;
  /** containerd's own last words, read when the daemon did not answer. */
  lastWords?: LastWords;
  /** Where containerd's log was read (journal or file); null when none was found. */
  containerdLogSource?: string | null;
  /** Handlers pods asked for that containerd did not know, from its log (F26). */
  handlerRequests?: { handler: string; line: string; source: string }[];
  /** Paths from the config that containerd could not create or bind, read when the daemon did not answer. */
  pathProblems?: PathProblem[];
  checks: CheckRecord[];
}
