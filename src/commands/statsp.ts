import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command';
import { UsageError } from '../cli/errors';
import { label, output, outputFormat } from '../cli/flags';
import { resolvePod } from '../cri/resolve';
import { renderMessage } from '../output/render';
import { POD_STATS_HEADER, parseLabels, podStatsRows, sortById, statsLoop, statsTable, type PodSandboxStats } from '../output/stats';

export default class Statsp extends BaseCommand<typeof Statsp> {
  static override summary = 'List pod resource usage statistics.';
  static override description = 'CPU % is measured over -s/--seconds between two samples; pods without data are left out.';
  static override examples = ['<%= config.bin %> statsp', '<%= config.bin %> statsp web', '<%= config.bin %> statsp -w --label app=web'];
  static override args = {
    id: Args.string({ required: false, description: 'Pod ID, unique ID prefix or name (same as --id).' }),
  };
  static override flags = {
    id: Flags.string({ summary: 'Filter by pod ID, unique ID prefix or name.' }),
    label,
    output: output(['json', 'yaml', 'table'], 'table'),
    seconds: Flags.integer({ char: 's', default: 1, min: 1, summary: 'Sample interval for CPU usage, in seconds.' }),
    watch: Flags.boolean({ char: 'w', summary: 'Refresh every interval until Ctrl-C (in place on a terminal).' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    if (f.id && this.args.id && f.id !== this.args.id) throw new UsageError('give the pod either as an argument or with --id, not both');
    const labelSelector = parseLabels(f.label);
    const fmt = outputFormat(f.output, ['json', 'yaml', 'table'], 'table');
    const format = fmt === 'table' ? undefined : fmt;
    const rt = await this.runtimeClient();
    const query = f.id ?? this.args.id;
    const filter = { id: query ? await resolvePod(rt, query) : '', labelSelector };
    await statsLoop<PodSandboxStats>({
      sample: async () => sortById((await rt.call<{ stats: PodSandboxStats[] }>('ListPodSandboxStats', { filter })).stats),
      table: (previous, current) => statsTable(POD_STATS_HEADER, podStatsRows(previous, current)),
      document: format ? (current) => renderMessage('runtime.v1.ListPodSandboxStatsResponse', { stats: current }, format) : undefined,
      intervalMs: f.seconds * 1000,
      watch: f.watch,
      tty: !!process.stdout.isTTY,
      signal: this.signal,
      write: (text) => process.stdout.write(text),
    });
  }
}
