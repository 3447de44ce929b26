/**
 * containerd processes from /proc: their state, start time, --config and
 * the socket that config names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessFacts } from '../facts';
import { getPath, parseToml } from '../toml';
import { DEFAULT_CONTAINERD_CONFIG, DEFAULT_CONTAINERD_SOCKET, readFileState } from './host';

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
