/**
 * What the collector's steps share: the options, the facts so far, the
 * connection, and the reasons a step gives when what it needs is missing
 * (so the report can say what it could not see).
 */
import type { Connection } from '../../cri/connection';
import type { Facts } from '../facts';
import type { ProgressFn } from '../runner';
import type { Candidate } from './endpoints';
import { collectContainerd, collectCri, type RpcContext } from './rpc';

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

export interface Ctx {
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

export function containerdMajor(facts: Facts): number | undefined {
  const v = facts.containerd?.version?.version ?? facts.runtimeConfig?.binaryVersion ?? (facts.cri?.version?.runtimeName === 'containerd' ? facts.cri.version.runtimeVersion : undefined);
  const m = /^v?(\d+)\./.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

export function isContainerd(facts: Facts): boolean {
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
export function configUnknownReason(ctx: Ctx): string | undefined {
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
export function criUnavailable(ctx: Ctx): string | undefined {
  const { facts } = ctx;
  if (!ctx.rpc) return unreachableReason(facts);
  if (!facts.cri) return criPluginProblem(facts) ?? (facts.endpoints.chosen?.outcome === 'not-cri' ? `the socket does not serve CRI v1` : 'the CRI was not queried');
  const e = facts.cri.errors.Status ?? facts.cri.errors.Version;
  if (e) return `the CRI did not answer: ${e.codeName} ${e.details}`;
  return undefined;
}

export function unreachableReason(facts: Facts): string {
  const c = facts.endpoints.chosen;
  if (!c) return 'no runtime endpoint was found';
  return `cannot talk to ${c.endpoint}: ${c.detail}`;
}

export function criPluginProblem(facts: Facts): string | undefined {
  const plugins = facts.containerd?.plugins;
  if (!plugins) return undefined;
  const cri = plugins.find((p) => p.type === 'io.containerd.grpc.v1' && p.id === 'cri');
  if (!cri) return "containerd's CRI plugin is not loaded (see cri-plugin-disabled)";
  if (cri.initErr) return "containerd's CRI plugin failed to start (see cri-plugin-failed)";
  return undefined;
}
