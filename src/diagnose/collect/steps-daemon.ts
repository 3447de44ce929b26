/**
 * The collector's first steps, in cascade order: the node's config files and
 * containerd processes, the runtime sockets, containerd's config file, its
 * own API and the CRI, the binary's version, and the effective settings.
 */
import { probeEndpoint } from '../../cri/endpoint';
import { canonicalSocket, hostPath } from '../../config/host';
import type { ProcessFacts } from '../facts';
import { settingsFromFile, settingsFromStatus } from '../runtime-config';
import { NotApplicable, Skip, type Step } from '../runner';
import { collectEndpoints } from './endpoints';
import { collectCaller, DEFAULT_CONTAINERD_CONFIG, readFileState } from './host';
import { collectHostBasics } from './node';
import { checkDaemonPaths } from './paths';
import { collectUnit, lastWordsOf, readContainerdLog } from './service';
import { keyPath } from '../toml';
import { collectContainerd, collectCri, containerdBinaryVersion } from './rpc';

import { configUnknownReason, containerdMajor, criPluginProblem, isContainerd, unreachableReason, type CollectOptions, type Ctx } from './context';
import { mergeSettings } from './merge-settings';
import { lookupBinary, searchPath } from './binaries';
import { collectKubelet } from './kubelet';
import { collectProcesses } from './processes';
import { applyMerge, collectRuntimeConfig } from './runtime-config-file';

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

export const DAEMON_STEPS: Step<Ctx>[] = [
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
];
