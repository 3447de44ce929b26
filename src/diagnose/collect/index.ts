/**
 * The facts collector: runs the steps in cascade order (endpoints →
 * containerd API → CRI → cross-checks), each bounded by the timeout, the
 * whole run bounded by a budget. A step whose prerequisite failed is skipped
 * with the reason, so the report can say what it could not see.
 */
import type { Connection } from '../../cri/connection';
import { probeEndpoint } from '../../cri/endpoint';
import { hostPath, hostRoot } from '../../config/host';
import type { CriSettings, Facts, ProcessFacts, Valued } from '../facts';
import { settingsFromFile, settingsFromStatus } from '../runtime-config';
import { NotApplicable, runSteps, Skip, type ProgressFn, type Step } from '../runner';
import { collectEndpoints, type Candidate } from './endpoints';
import { applyMerge, canonicalSocket, collectCaller, collectKubelet, collectProcesses, collectRuntimeConfig, DEFAULT_CONTAINERD_CONFIG, readFileState } from './host';
import {
  collectCni,
  collectHandlers,
  collectHostBasics,
  collectHostsToml,
  collectImageFs,
  collectLogDir,
  collectSandbox,
  lookupBinary,
  searchPath,
} from './node';
import { describeChecks } from './looked-at';
import { checkDaemonPaths } from './paths';
import { collectUnit, lastWordsOf, readContainerdLog, unknownHandlersOf } from './service';
import { keyPath } from '../toml';
import { collectContainerd, collectCri, collectExitedContainers, containerdBinaryVersion, type RpcContext } from './rpc';

export interface CollectOptions {
  timeoutMs: number;
  /** -r/--runtime-endpoint, or runtime-endpoint from crictl.yaml. */
  explicitEndpoint?: Candidate;
  kubeletConfig: string;
  /** --runtime-config; otherwise the running daemon's --config, else the default path. */
  runtimeConfig?: string;
  crictlConfig: string;
  signal?: AbortSignal;
  progress?: ProgressFn;
}

interface Ctx {
  opts: CollectOptions;
  facts: Facts;
  conn?: Connection;
  rpc?: RpcContext;
  deadline: number;
  rawContainers?: Awaited<ReturnType<typeof collectCri>>['containers'];
  /** Started as soon as the socket answers, so containerd's API and the CRI are asked in parallel. */
  ctdPrefetch?: ReturnType<typeof collectContainerd>;
  criPrefetch?: ReturnType<typeof collectCri>;
  /** Why containerd's effective settings cannot be known, shared by the checks that need them. */
  settingsUnknown?: string;
}

/** The whole run may take this long: four rounds of calls plus local work. */
export function budgetMs(timeoutMs: number): number {
  return timeoutMs * 5 + 1000;
}

function containerdMajor(facts: Facts): number | undefined {
  const v = facts.containerd?.version?.version ?? facts.runtimeConfig?.binaryVersion ?? (facts.cri?.version?.runtimeName === 'containerd' ? facts.cri.version.runtimeVersion : undefined);
  const m = /^v?(\d+)\./.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

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

function isContainerd(facts: Facts): boolean {
  if (facts.containerd?.notContainerd) return false;
  if (facts.containerd?.version || facts.containerd?.plugins) return true;
  const name = facts.cri?.version?.runtimeName ?? facts.endpoints.chosen?.criVersion?.runtimeName;
  if (name) return name === 'containerd';
  // Nothing answered: judge by the socket's name, and whether a containerd config is in play.
  const sock = facts.endpoints.chosen?.socket ?? '';
  return /containerd/.test(sock) || facts.runtimeConfig?.state.status === 'ok' || facts.runtimeConfig?.state.status === 'invalid';
}

/**
 * Why containerd's effective config cannot be known: the daemon did not
 * answer and the config file is missing or unreadable (the daemon may well
 * run with another file). Undefined when it can be known.
 */
function configUnknownReason(ctx: Ctx): string | undefined {
  const f = ctx.facts;
  const rc = f.runtimeConfig;
  const answered = !!(f.containerd?.version || f.containerd?.plugins || f.cri?.version || f.cri?.config);
  if (answered || !rc || (rc.state.status !== 'missing' && rc.state.status !== 'unreadable')) return undefined;
  const hidden = f.processes.filter((p) => p.configError && p.configPath !== rc.state.path && (!f.daemon || p === f.daemon));
  const file =
    rc.state.status === 'unreadable'
      ? `cannot read ${rc.state.path}${rc.how === 'process' ? ' (the running containerd\'s --config)' : ''}: ${rc.state.error}`
      : hidden.length
        ? `cannot read ${hidden.slice(0, 2).map((p) => `${p.configPath} (--config of containerd pid ${p.pid})`).join(', ')}: ${hidden[0].configError}`
        : `${rc.state.path} does not exist`;
  const why = ctx.rpc ? (criUnavailable(ctx) ?? 'it sent no CRI config') : unreachableReason(f);
  return `${file}; the daemon could not be asked either (${why}), so containerd's effective settings are unknown`;
}

/** A reason to skip CRI-dependent steps, or undefined when the CRI answered. */
function criUnavailable(ctx: Ctx): string | undefined {
  const { facts } = ctx;
  if (!ctx.rpc) return unreachableReason(facts);
  if (!facts.cri) return criPluginProblem(facts) ?? (facts.endpoints.chosen?.outcome === 'not-cri' ? `the socket does not serve CRI v1` : 'the CRI was not queried');
  const e = facts.cri.errors.Status ?? facts.cri.errors.Version;
  if (e) return `the CRI did not answer: ${e.codeName} ${e.details}`;
  return undefined;
}

function unreachableReason(facts: Facts): string {
  const c = facts.endpoints.chosen;
  if (!c) return 'no runtime endpoint was found';
  return `cannot talk to ${c.endpoint}: ${c.detail}`;
}

function criPluginProblem(facts: Facts): string | undefined {
  const plugins = facts.containerd?.plugins;
  if (!plugins) return undefined;
  const cri = plugins.find((p) => p.type === 'io.containerd.grpc.v1' && p.id === 'cri');
  if (!cri) return "containerd's CRI plugin is not loaded (see cri-plugin-disabled)";
  if (cri.initErr) return "containerd's CRI plugin failed to start (see cri-plugin-failed)";
  return undefined;
}

/**
 * The chosen socket does not exist: does a running containerd answer on its
 * own socket? Then the endpoint is wrong rather than the runtime down.
 */
async function probeDaemonSockets(processes: ProcessFacts[], missing: string, opts: CollectOptions): Promise<void> {
  // The daemon of the config named with --runtime-config first: on a busy host it must never fall off the list.
  const named = (p: ProcessFacts) => (opts.runtimeConfig && p.configPath === opts.runtimeConfig ? 0 : 1);
  const others = processes.filter((p) => p.address && canonicalSocket(p.address) !== missing).sort((a, b) => named(a) - named(b)).slice(0, 16);
  await Promise.all(
    others.map(async (p) => {
      const r = await probeEndpoint({ endpoint: `unix://${p.address}`, source: `containerd pid ${p.pid}` }, opts.timeoutMs, false, opts.signal);
      p.socketProbe = { outcome: r.outcome, detail: r.detail };
    }),
  );
}

const steps: Step<Ctx>[] = [
  {
    id: 'files',
    title: 'Reading kubelet and crictl configuration',
    run(ctx) {
      const f = ctx.facts;
      f.caller = collectCaller();
      f.kubelet = collectKubelet(ctx.opts.kubeletConfig);
      const crictl = readFileState(ctx.opts.crictlConfig);
      f.crictl = { config: crictl.state, runtimeEndpoint: ctx.opts.explicitEndpoint?.kind === 'crictl' ? ctx.opts.explicitEndpoint.endpoint : undefined };
      f.host = collectHostBasics();
    },
  },
  {
    id: 'processes',
    title: 'Looking for containerd processes',
    run(ctx) {
      ctx.facts.processes = collectProcesses();
      if (ctx.facts.caller.uid !== 0) return "other users' process environments and executables are not visible without root";
    },
  },
  {
    id: 'endpoints',
    title: 'Probing runtime sockets',
    async run(ctx) {
      const { facts, conn } = await collectEndpoints({ explicit: ctx.opts.explicitEndpoint, kubelet: ctx.facts.kubelet.endpoint, timeoutMs: ctx.opts.timeoutMs, signal: ctx.opts.signal });
      ctx.facts.endpoints = facts;
      ctx.conn = conn;
      if (conn) {
        ctx.rpc = { conn, timeoutMs: ctx.opts.timeoutMs, deadline: ctx.deadline, signal: ctx.opts.signal };
        ctx.ctdPrefetch = collectContainerd(ctx.rpc);
        // CRI Version answered, so the CRI plugin is up: no need to wait for containerd's verdict.
        if (facts.chosen?.outcome === 'ok') ctx.criPrefetch = collectCri(ctx.rpc, facts.chosen.criVersion);
      }
      const chosen = facts.chosen;
      if (chosen) {
        const sock = canonicalSocket(chosen.socket);
        ctx.facts.daemon = ctx.facts.processes.find((p) => p.address && canonicalSocket(p.address) === sock);
        if (chosen.outcome === 'missing') await probeDaemonSockets(ctx.facts.processes, sock, ctx.opts);
      }
    },
  },
  {
    id: 'runtime-config',
    title: "Reading containerd's config file",
    run(ctx) {
      const { facts, opts } = ctx;
      const daemon: ProcessFacts | undefined = facts.daemon;
      // Not root: a daemon whose config is unreadable has no known socket; when it is the only one, it is the likely server.
      const hidden = facts.processes.filter((p) => p.configError);
      const likely = daemon ?? (hidden.length === 1 && facts.processes.length === 1 ? hidden[0] : undefined);
      const outcome = facts.endpoints.chosen?.outcome;
      const answered = outcome === 'ok' || outcome === 'not-cri';
      // A daemon that is down is diagnosed with the config its service really starts it with.
      if (!answered && !likely) facts.unit = collectUnit();
      if (opts.runtimeConfig) facts.runtimeConfig = collectRuntimeConfig(opts.runtimeConfig, 'flag');
      else if (likely?.configPath) facts.runtimeConfig = collectRuntimeConfig(likely.configPath, 'process');
      else if (facts.unit?.configPath) facts.runtimeConfig = collectRuntimeConfig(facts.unit.configPath, 'unit');
      else {
        facts.runtimeConfig = collectRuntimeConfig(hostPath(DEFAULT_CONTAINERD_CONFIG), 'default');
        // Something answers, but no process was matched to it: the default file may belong to another daemon.
        if (answered && !likely) facts.runtimeConfig.unverified = true;
      }
      const rc = facts.runtimeConfig;
      if (!answered) {
        facts.lastWords = lastWordsOf(readContainerdLog(facts.host.pid1 === 'systemd', opts.timeoutMs));
        // Not root: every root-owned directory looks unwritable; say nothing rather than raise false alarms.
        if ((rc.data || rc.state.status === 'missing') && facts.caller.uid === 0) facts.pathProblems = checkDaemonPaths(rc.data, (keys) => rc.keyLines[keyPath(keys)]);
      }
      const st = facts.runtimeConfig.state;
      if (st.status === 'missing') throw new Skip(`${st.path} does not exist (a containerd started without --config then runs on its built-in defaults)`);
      if (st.status === 'unreadable') throw new Skip(`${st.path} is not readable: ${st.error}`);
    },
  },
  {
    id: 'containerd-api',
    title: "Asking containerd's own API (Version, Introspection.Plugins)",
    async run(ctx) {
      if (!ctx.rpc) throw new Skip(unreachableReason(ctx.facts));
      ctx.facts.containerd = await (ctx.ctdPrefetch ?? collectContainerd(ctx.rpc));
      if (ctx.facts.containerd.notContainerd) throw new Skip('the endpoint does not serve containerd\'s API (not containerd)');
      const e = ctx.facts.containerd.errors.Version;
      if (e && !ctx.facts.containerd.plugins) throw new Skip(`containerd did not answer: ${e.codeName} ${e.details}`);
    },
  },
  {
    id: 'cri',
    title: 'Asking the CRI (Version, Status, RuntimeConfig, ImageFsInfo, list calls)',
    async run(ctx) {
      if (!ctx.rpc) throw new Skip(unreachableReason(ctx.facts));
      const chosen = ctx.facts.endpoints.chosen;
      const plugin = criPluginProblem(ctx.facts);
      if (plugin) throw new Skip(plugin);
      if (chosen?.outcome === 'not-cri') throw new Skip(`the socket does not serve CRI v1: ${chosen.detail}`);
      const { facts, containers } = await (ctx.criPrefetch ?? collectCri(ctx.rpc, chosen?.criVersion));
      ctx.facts.cri = facts;
      ctx.rawContainers = containers;
    },
  },
  {
    id: 'containerd-binary',
    title: "Reading the containerd binary's version",
    async run(ctx) {
      const rc = ctx.facts.runtimeConfig;
      if (ctx.facts.containerd?.version) throw new NotApplicable('the daemon reported its version');
      if (!rc || (rc.version ?? 1) < 3) throw new NotApplicable('only needed to judge a version-3 config while the daemon is down');
      const bin = ctx.facts.daemon?.exe ?? lookupBinary('containerd', searchPath(ctx.facts.daemon).dirs).found;
      if (!bin) throw new Skip('no containerd binary found in PATH');
      rc.binaryVersion = await containerdBinaryVersion(bin, ctx.opts.timeoutMs);
    },
  },
  {
    id: 'settings',
    title: "Working out containerd's effective CRI settings",
    run(ctx) {
      const f = ctx.facts;
      if (!isContainerd(f)) {
        throw new Skip(f.containerd?.notContainerd || f.cri?.version ? `the runtime is ${f.cri?.version?.runtimeName ?? 'not containerd'}` : 'cannot tell which runtime this is: it did not answer, and no containerd config was found');
      }
      const version = f.containerd?.version?.version ?? f.runtimeConfig?.binaryVersion;
      const rc = f.runtimeConfig;
      // Imports merge differently from containerd 2.0 on: model the daemon's own merge.
      if (rc && (containerdMajor(f) ?? 1) >= 2 && rc.mergedAs !== 2) applyMerge(rc, 2);
      ctx.settingsUnknown = configUnknownReason(ctx);
      if (ctx.settingsUnknown) throw new Skip(ctx.settingsUnknown);
      const usable = rc && (rc.state.status === 'ok' || rc.state.status === 'missing') && (rc.data || rc.state.status === 'missing');
      // Never mix daemons: a file not known to be this daemon's does not fill in its settings.
      const status0 = f.cri?.config;
      if (usable && !(rc.unverified && status0)) f.fileSettings = settingsFromFile(rc, version, hostPath);
      const status = f.cri?.config ? settingsFromStatus(f.cri.config) : undefined;
      f.settings = mergeSettings(status, f.fileSettings);
      if (!f.settings) throw new Skip(rc?.state.status === 'invalid' ? `${rc.state.path} does not parse` : 'neither the daemon nor a config file told the settings');
    },
  },
  {
    id: 'runtime-handlers',
    title: 'Checking runtime handlers (shim and runc binaries)',
    run(ctx) {
      const f = ctx.facts;
      if (!f.settings) throw new Skip(ctx.settingsUnknown ?? 'containerd settings unknown (see the settings check)');
      f.searchPath = searchPath(f.daemon, f.unit?.envPath ? { value: f.unit.envPath.value, source: `${f.unit.envPath.ref.file}:${f.unit.envPath.ref.line}` } : undefined);
      f.handlers = collectHandlers(f.settings, f.searchPath);
      if (f.daemon && f.daemon.envPath === null) return `containerd's PATH (/proc/${f.daemon.pid}/environ) is not readable without root; searched systemd's default PATH instead`;
      if (!f.daemon) return "containerd's own PATH is unknown (no containerd process was matched to the socket); searched systemd's default PATH";
    },
  },
  {
    id: 'cni',
    title: 'Checking CNI config and plugin binaries',
    run(ctx) {
      const f = ctx.facts;
      if (!f.settings) throw new Skip(ctx.settingsUnknown ?? 'containerd settings unknown (see the settings check)');
      f.cni = collectCni(f.settings, f.cri, containerdMajor(f));
    },
  },
  {
    id: 'runtime-class-handlers',
    title: "Looking for pods that ask for a runtime handler containerd does not have (its log)",
    run(ctx) {
      const f = ctx.facts;
      if (!f.settings) throw new Skip(ctx.settingsUnknown ?? 'containerd settings unknown (see the settings check)');
      const log = readContainerdLog(f.host.pid1 === 'systemd', ctx.opts.timeoutMs);
      f.handlerRequests = unknownHandlersOf(log).map((r) => ({ ...r, source: log!.source }));
      f.containerdLogSource = log?.source ?? null;
    },
  },
  {
    id: 'sandbox-image',
    title: 'Checking the sandbox (pause) image',
    async run(ctx) {
      const f = ctx.facts;
      const why = criUnavailable(ctx);
      if (why) throw new Skip(`needs CRI ImageStatus; ${why}`);
      const ref: Valued<string> | undefined = f.settings?.sandboxImage;
      if (!ref) throw new Skip('the runtime does not report its sandbox image');
      f.sandbox = await collectSandbox(ctx.rpc, ref, f.settings!);
    },
  },
  {
    id: 'registry-hosts',
    title: 'Reading registry hosts.toml files',
    run(ctx) {
      const dir = ctx.facts.settings?.registryConfigPath?.value;
      if (!dir) throw new NotApplicable('no registry config_path is set');
      ctx.facts.hostsToml = collectHostsToml(dir);
    },
  },
  {
    id: 'imagefs',
    title: 'Checking image filesystem usage',
    run(ctx) {
      const why = criUnavailable(ctx);
      if (why) throw new Skip(`needs CRI ImageFsInfo; ${why}`);
      if (ctx.facts.cri?.errors.ImageFsInfo) throw new Skip(`ImageFsInfo failed: ${ctx.facts.cri.errors.ImageFsInfo.details}`);
      ctx.facts.imagefs = collectImageFs(ctx.facts.cri!);
    },
  },
  {
    id: 'log-dir',
    title: 'Checking the pod log directory',
    run(ctx) {
      const f = ctx.facts;
      const configured = f.kubelet.podLogsDir;
      const p = configured ? configured.value : hostPath('/var/log/pods');
      const ref = configured ? configured.ref : { what: 'kubelet default podLogsDir' };
      const r = collectLogDir(p, f.caller.uid === 0);
      f.logDir = { path: p, ref, ...r };
      if (!r.exists) throw new Skip(`${p} does not exist (the kubelet creates it)`);
      if (r.writable === undefined) throw new Skip(`not root: cannot tell whether the kubelet (root) can write ${p}`);
    },
  },
  {
    id: 'containers',
    title: 'Looking for crash-looping or OOM-killed containers',
    async run(ctx) {
      const why = criUnavailable(ctx);
      if (why) throw new Skip(`needs CRI ListContainers; ${why}`);
      if (!ctx.rawContainers) throw new Skip(`ListContainers failed: ${ctx.facts.cri?.errors.ListContainers?.details ?? 'no answer'}`);
      ctx.facts.containers = await collectExitedContainers(ctx.rpc!, ctx.rawContainers);
    },
  },
  {
    id: 'kubelet',
    title: "Comparing the kubelet's settings with the runtime",
    run(ctx) {
      const k = ctx.facts.kubelet;
      if (k.config.status === 'missing' && k.flags.status === 'missing') throw new Skip(`no kubelet configuration at ${k.config.path}`);
      if (k.config.status === 'unreadable') throw new Skip(`${k.config.path} is not readable: ${k.config.error}`);
    },
  },
];

export function emptyFacts(timeoutMs: number): Facts {
  return {
    timeoutMs,
    hostRoot: hostRoot(),
    caller: { uid: 0, gid: 0, groups: [] },
    kubelet: { config: { path: '', status: 'not-checked' }, flags: { path: '', status: 'not-checked' } },
    crictl: { config: { path: '', status: 'not-checked' } },
    processes: [],
    endpoints: { explicit: false, probes: [] },
    host: {},
    checks: [],
  };
}

export async function collectFacts(opts: CollectOptions): Promise<Facts> {
  const facts = emptyFacts(opts.timeoutMs);
  const ctx: Ctx = { opts, facts, deadline: Date.now() + budgetMs(opts.timeoutMs) };
  try {
    await runSteps(steps, ctx, facts.checks, opts.progress);
    describeChecks(facts);
  } finally {
    ctx.conn?.close();
  }
  return facts;
}
