/** Helpers shared by the rule families: fix commands and wording that depend on the host. */
import type { Facts } from '../facts';

export type Rule = (f: Facts) => import('../finding').Finding[];

export function usesSystemd(f: Facts): boolean {
  return f.host.pid1 === 'systemd';
}

export function restartContainerd(f: Facts): string {
  return usesSystemd(f) ? '$ sudo systemctl restart containerd' : 'Restart containerd the way this host starts it (PID 1 is not systemd here, so not with systemctl)';
}

export function containerdLogs(f: Facts): string {
  return usesSystemd(f) ? '$ sudo journalctl -u containerd --no-pager -n 50' : "Read containerd's log (the stderr of the process that starts it) for the reason it stopped";
}

export function restartKubelet(f: Facts): string {
  return usesSystemd(f) ? '$ sudo systemctl restart kubelet' : 'Restart the kubelet';
}

/** The config file findings should name: the one read, else the default. */
export function configPath(f: Facts): string {
  return f.runtimeConfig?.state.path ?? '/etc/containerd/config.toml';
}

export function containerdVersion(f: Facts): string | undefined {
  return f.containerd?.version?.version ?? f.runtimeConfig?.binaryVersion ?? (f.cri?.version?.runtimeName === 'containerd' ? f.cri.version.runtimeVersion : undefined);
}

/** [major, minor, patch] of a containerd version such as 1.6.20~ds1 or v2.0.1. */
export function versionTuple(v: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function versionAtLeast(v: [number, number, number] | undefined, want: [number, number, number]): boolean {
  if (!v) return false;
  for (let i = 0; i < 3; i++) if (v[i] !== want[i]) return v[i] > want[i];
  return true;
}

/** The daemon is up and answered at least containerd's API or CRI. */
export function daemonAnswered(f: Facts): boolean {
  return !!(f.containerd?.version || f.containerd?.plugins || f.cri?.version || f.endpoints.chosen?.outcome === 'ok');
}

export function quote(s: string): string {
  return JSON.stringify(s);
}

/** One line of evidence: which containerd runs, when it started, when its config file last changed. */
export function daemonStatusLine(f: Facts): string {
  const d = f.daemon;
  if (!d) return f.processes.length ? 'No containerd process serves the runtime socket' : 'No containerd process is running';
  const started = d.startedAtMs ? new Date(d.startedAtMs).toISOString() : 'unknown time';
  const edited = f.runtimeConfig?.mtimeMs ? new Date(f.runtimeConfig.mtimeMs).toISOString() : 'unknown time';
  return `containerd pid ${d.pid} is running; it started at ${started}, the file was last modified at ${edited}`;
}
