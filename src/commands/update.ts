import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach } from '../cli/each';
import { UsageError } from '../cli/cli-error';
import { inContext } from '../cli/errors';
import { notFoundAs } from '../cri/resolve';
import { containerPicker } from '../cri/targets';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes, as crictl takes them, or with a k/m/g suffix (binary units). */
export function parseBytes(value: string): number {
  const m = /^(\d+)([kmg]?)(i?b)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--memory: "${value}" is not a size`, 'give bytes, or a number with k, m or g (e.g. 512m)');
  return Number(m[1]) * UNITS[m[2].toLowerCase()];
}

const int = (summary: string) => Flags.integer({ summary });

export default class Update extends BaseCommand<typeof Update> {
  static override summary = 'Update one or more running containers.';
  static override description =
    'Changes the CPU and memory resources of running containers (UpdateContainerResources, Linux resources). ' +
    'Only the flags given change; 0 or absent leaves a value as it is. Each updated container is printed as given.';
  static override examples = ['<%= config.bin %> update --memory 256m app', '<%= config.bin %> update --cpu-quota 50000 --cpu-period 100000 app'];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    'cpu-period': int('CPU CFS period (µs); 0 = leave as is.'),
    'cpu-quota': int('CPU CFS hard cap (µs per period).'),
    'cpu-share': int('CPU shares (relative weight).'),
    memory: Flags.string({ summary: 'Memory limit in bytes (or with k, m, g: 512m).' }),
    'cpuset-cpus': Flags.string({ summary: 'CPUs to use (e.g. 0-2,4).' }),
    'cpuset-mems': Flags.string({ summary: 'Memory nodes to use.' }),
    'oom-score-adj': int('OOM killer score adjustment.'),
    'cpu-count': int('(Windows only) number of CPUs; ignored on Linux.'),
    'cpu-maximum': int('(Windows only) portion of CPU cycles; ignored on Linux.'),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const queries = this.positionals;
    if (queries.length === 0) throw new UsageError('ID cannot be empty', 'give one or more containers: tcrictl update --memory 256m CONTAINER-ID...');
    const linux = {
      cpuPeriod: f['cpu-period'] ?? 0,
      cpuQuota: f['cpu-quota'] ?? 0,
      cpuShares: f['cpu-share'] ?? 0,
      memoryLimitInBytes: f.memory === undefined ? 0 : parseBytes(f.memory),
      cpusetCpus: f['cpuset-cpus'] ?? '',
      cpusetMems: f['cpuset-mems'] ?? '',
      oomScoreAdj: f['oom-score-adj'] ?? 0,
    };
    const rt = await this.runtimeClient();
    const { targets, failures: unknown } = await resolveAll(queries, await containerPicker(rt, queries));
    const failures = await runEach(targets, async (t) => {
      await rt.call('UpdateContainerResources', { containerId: t.id, linux }).catch((err: unknown) => {
        throw inContext(notFoundAs(err, 'container', t.query, 'tcrictl ps -a'), `updating container resources for "${t.query}"`);
      });
      this.print(t.query);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}
