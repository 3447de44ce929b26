import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { runStats, samplingFlags, statsIdFlag, statsRequest } from '../cli/stats';
import { resolvePod } from '../cri/resolve';
import { POD_STATS_HEADER, podStatsRows, sortById, statsTable, type PodSandboxStats } from '../output/stats';

export default class Statsp extends BaseCommand<typeof Statsp> {
  static override summary = 'List pod resource usage statistics.';
  static override description = 'CPU % is measured over -s/--seconds between two samples; pods without data are left out.';
  static override examples = ['<%= config.bin %> statsp', '<%= config.bin %> statsp web', '<%= config.bin %> statsp -w --label app=web'];
  static override args = {
    id: Args.string({ required: false, description: 'Pod ID, unique ID prefix or name (same as --id).' }),
  };
  static override flags = {
    id: statsIdFlag('pod'),
    ...samplingFlags,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const req = statsRequest(f, this.args.id, 'pod');
    const rt = await this.runtimeClient();
    const filter = { id: req.query ? await resolvePod(rt, req.query) : '', labelSelector: req.labelSelector };
    await runStats<PodSandboxStats>(f, req, this.signal, {
      sample: async () => sortById((await rt.call<{ stats: PodSandboxStats[] }>('ListPodSandboxStats', { filter })).stats),
      table: (previous, current) => statsTable(POD_STATS_HEADER, podStatsRows(previous, current)),
      responseType: 'runtime.v1.ListPodSandboxStatsResponse',
    });
  }
}
