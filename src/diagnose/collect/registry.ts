/**
 * The sandbox image and registries: is the pause image present, can its
 * registry be reached (a TCP connect, never a pull), and what the hosts.toml
 * files say.
 */
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readHostFile } from '../../cli/regular-file';
import type { CriSettings, HostsTomlFacts, SandboxFacts, Valued } from '../facts';
import { getPath, isTable, parseToml, type TomlParse } from '../toml';
import { call, IMAGE, type RpcContext } from './rpc';

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
