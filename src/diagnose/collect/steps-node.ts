/**
 * The collector's checks of the node around the runtime, once the daemon's
 * settings are known: runtime handlers, CNI, the sandbox image, registry
 * hosts, the image filesystem, the pod log directory, failing containers,
 * and the kubelet's settings against the runtime's.
 */
import { hostPath } from '../../config/host';
import type { Valued } from '../facts';
import { NotApplicable, Skip, type Step } from '../runner';
import { collectImageFs, collectLogDir } from './node';
import { readContainerdLog, unknownHandlersOf } from './service';
import { collectExitedContainers } from './rpc';

import { containerdMajor, criUnavailable, type Ctx } from './context';
import { collectCni } from './cni';
import { collectHostsToml, collectSandbox } from './registry';
import { collectHandlers, searchPath } from './binaries';

export const NODE_STEPS: Step<Ctx>[] = [
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
