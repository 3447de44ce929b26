/**
 * The steps of removing containers and pods, shared by rm, rmp and run's
 * clean-up: look at the state, refuse a running one unless forced, stop it
 * (at once) if forced, remove, and (containers) delete the log files as
 * current crictl does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RuntimeClient } from '../cri/client';
import { notFoundAs } from '../cri/resolve';
import { CliError } from './cli-error';
import { inContext } from './errors';
import type { Target } from './each';

export interface RemoveOptions {
  force: boolean;
  keepLogs?: boolean;
  warn: (line: string) => void;
}

/** Removes one container; resolves with nothing, throws a CliError that names it. */
export async function removeContainer(rt: RuntimeClient, t: Target, o: RemoveOptions): Promise<void> {
  const st = await rt.containerStatus(t.id, false).catch((err: unknown) => {
    throw inContext(notFoundAs(err, 'container', t.query, 'tcrictl ps -a'), `removing container "${t.query}"`);
  });
  if (st.status?.state === 'CONTAINER_RUNNING') {
    if (!o.force) {
      throw new CliError(`container "${t.query}" is running, please stop it first`, {
        hint: `stop it with 'tcrictl stop ${t.query}', or stop and remove it at once with 'tcrictl rm -f ${t.query}'`,
      });
    }
    await rt.call('StopContainer', { containerId: t.id, timeout: 0 }).catch((err: unknown) => {
      throw inContext(err, `stopping container "${t.query}"`);
    });
  }
  await rt.call('RemoveContainer', { containerId: t.id }).catch((err: unknown) => {
    throw inContext(err, `removing container "${t.query}"`);
  });
  if (!o.keepLogs && st.status?.logPath) removeLogFiles(st.status.logPath, t.query, o.warn);
}

/** The log file and its rotations (`0.log`, `0.log.20260101-…`, `0.log.1.gz`). */
function removeLogFiles(logPath: string, query: string, warn: (line: string) => void): void {
  const dir = path.dirname(logPath);
  const base = path.basename(logPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n === base || n.startsWith(`${base}.`));
  } catch {
    return; // no log directory on this machine (remote runtime, or never written)
  }
  for (const n of names) {
    try {
      fs.rmSync(path.join(dir, n), { force: true });
    } catch (err) {
      warn(`removing log file ${path.join(dir, n)} of container "${query}" failed: ${(err as Error).message}`);
    }
  }
}

/** Removes one pod sandbox (its containers go with it). */
export async function removePod(rt: RuntimeClient, t: Target, o: RemoveOptions): Promise<void> {
  const st = await rt.podSandboxStatus(t.id, false).catch((err: unknown) => {
    throw inContext(notFoundAs(err, 'pod', t.query, 'tcrictl pods'), `removing pod "${t.query}"`);
  });
  if (st.status?.state === 'SANDBOX_READY') {
    if (!o.force) {
      throw new CliError(`pod sandbox "${t.query}" is running, please stop it first`, {
        hint: `stop it with 'tcrictl stopp ${t.query}', or stop and remove it at once with 'tcrictl rmp -f ${t.query}'`,
      });
    }
    await rt.call('StopPodSandbox', { podSandboxId: t.id }).catch((err: unknown) => {
      throw inContext(err, `stopping pod sandbox "${t.query}"`);
    });
  }
  await rt.call('RemovePodSandbox', { podSandboxId: t.id }).catch((err: unknown) => {
    throw inContext(err, `removing pod sandbox "${t.query}"`);
  });
}
