/**
 * What create and run share: the --no-pull/--with-pull/-T flags, the decision
 * to pull (crictl's rules, with pull-image-on-create and disable-pull-on-run
 * from crictl.yaml), and CreateContainer.
 */
import { Flags } from './command';
import { parseDuration } from './duration';
import { UsageError } from './cli-error';
import { inContext } from './errors';
import { pullFlags, pullImage, pullTimeoutMs, registryAuth, type PullFlagValues } from './pull';
import type { ImageClient, RuntimeClient } from '../cri/client';

export const createFlags = {
  'no-pull': Flags.boolean({ summary: 'Do not pull the image (overrides pull-image-on-create / disable-pull-on-run=false in crictl.yaml).' }),
  'with-pull': Flags.boolean({ summary: 'Pull the image first (overrides pull-image-on-create=false / disable-pull-on-run=true in crictl.yaml).' }),
  'cancel-timeout': Flags.string({ char: 'T', summary: 'Longest time each create call may take [default: -t/--timeout].' }),
  ...pullFlags,
};

export interface CreateFlagValues extends PullFlagValues {
  'no-pull'?: boolean;
  'with-pull'?: boolean;
  'cancel-timeout'?: string;
}

/** Whether to pull: `byDefault` is the config file's answer for this command. */
export function shouldPull(f: CreateFlagValues, byDefault: boolean): boolean {
  if (f['no-pull'] && f['with-pull']) throw new UsageError('conflict: no-pull and with-pull are both set', 'give one of them');
  return (byDefault && !f['no-pull']) || !!f['with-pull'];
}

export function cancelTimeoutMs(f: CreateFlagValues, fallback: number): number {
  return f['cancel-timeout'] ? parseDuration(f['cancel-timeout'], '-T/--cancel-timeout') : fallback;
}

export interface CreateInput {
  podId: string;
  config: Record<string, unknown>;
  podConfig: Record<string, unknown>;
  pull: boolean;
  timeoutMs: number;
}

/** Pulls (if asked) the image and any image volumes, then creates the container; resolves with its ID. */
export async function createContainer(rt: RuntimeClient, img: () => Promise<ImageClient>, f: CreateFlagValues, c: CreateInput): Promise<string> {
  if (c.pull) {
    const auth = await registryAuth(f);
    const image = c.config.image as { image: string; annotations?: Record<string, string> };
    const mounts = (c.config.mounts as Array<{ image?: { image?: string } }> | undefined) ?? [];
    const refs = [image.image, ...mounts.map((m) => m.image?.image).filter((r): r is string => !!r)];
    for (const ref of refs) await pullImage(await img(), { image: ref, auth, sandboxConfig: c.podConfig, annotations: image.annotations, timeoutMs: pullTimeoutMs(f) });
  }
  const res = await rt
    .call<{ containerId: string }>('CreateContainer', { podSandboxId: c.podId, config: c.config, sandboxConfig: c.podConfig }, { timeoutMs: c.timeoutMs })
    .catch((err: unknown) => {
      throw inContext(err, 'creating container');
    });
  return res.containerId;
}
