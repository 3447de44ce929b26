import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { runStats, samplingFlags, statsIdFlag, statsRequest } from '../cli/stats';
import { resolveContainer, resolvePod } from '../cri/resolve';
import { CONTAINER_STATS_HEADER, containerStatsRows, sortById, statsTable, type ContainerStats } from '../output/stats';

export default class Stats extends BaseCommand<typeof Stats> {
  static override summary = 'List container(s) resource usage statistics.';
  static override description =
    'CPU % is measured over -s/--seconds between two samples. Without -a, containers using neither CPU nor memory (not running) are left out.';
  static override examples = ['<%= config.bin %> stats', '<%= config.bin %> stats -a -p web', '<%= config.bin %> stats -w app', '<%= config.bin %> stats -o json app'];
  static override args = {
    id: Args.string({ required: false, description: 'Container ID, unique ID prefix or name (same as --id).' }),
  };
  static override flags = {
    all: Flags.boolean({ char: 'a', summary: 'Show all containers (default: those using CPU or memory).' }),
    id: statsIdFlag('container'),
    pod: Flags.string({ char: 'p', summary: 'Filter by pod ID, unique ID prefix or name.' }),
    ...samplingFlags,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const req = statsRequest(f, this.args.id, 'container');
    const rt = await this.runtimeClient();
    const filter = {
      id: req.query ? await resolveContainer(rt, req.query) : '',
      podSandboxId: f.pod ? await resolvePod(rt, f.pod) : '',
      labelSelector: req.labelSelector,
    };
    await runStats<ContainerStats>(f, req, this.signal, {
      sample: async () => sortById((await rt.call<{ stats: ContainerStats[] }>('ListContainerStats', { filter })).stats),
      table: (previous, current) => statsTable(CONTAINER_STATS_HEADER, containerStatsRows(previous, current, f.all)),
      responseType: 'runtime.v1.ListContainerStatsResponse',
    });
  }
}
