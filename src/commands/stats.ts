import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command';
import { UsageError } from '../cli/errors';
import { label, output, outputFormat } from '../cli/flags';
import { resolveContainer, resolvePod } from '../cri/resolve';
import { renderMessage } from '../output/render';
import { CONTAINER_STATS_HEADER, containerStatsRows, parseLabels, sortById, statsLoop, statsTable, type ContainerStats } from '../output/stats';

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
    id: Flags.string({ summary: 'Filter by container ID, unique ID prefix or name.' }),
    pod: Flags.string({ char: 'p', summary: 'Filter by pod ID, unique ID prefix or name.' }),
    label,
    output: output(['json', 'yaml', 'table'], 'table'),
    seconds: Flags.integer({ char: 's', default: 1, min: 1, summary: 'Sample interval for CPU usage, in seconds.' }),
    watch: Flags.boolean({ char: 'w', summary: 'Refresh every interval until Ctrl-C (in place on a terminal).' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    if (f.id && this.args.id && f.id !== this.args.id) throw new UsageError('give the container either as an argument or with --id, not both');
    const labelSelector = parseLabels(f.label);
    const fmt = outputFormat(f.output, ['json', 'yaml', 'table'], 'table');
    const format = fmt === 'table' ? undefined : fmt;
    const rt = await this.runtimeClient();
    const query = f.id ?? this.args.id;
    const filter = {
      id: query ? await resolveContainer(rt, query) : '',
      podSandboxId: f.pod ? await resolvePod(rt, f.pod) : '',
      labelSelector,
    };
    await statsLoop<ContainerStats>({
      sample: async () => sortById((await rt.call<{ stats: ContainerStats[] }>('ListContainerStats', { filter })).stats),
      table: (previous, current) => statsTable(CONTAINER_STATS_HEADER, containerStatsRows(previous, current, f.all)),
      document: format ? (current) => renderMessage('runtime.v1.ListContainerStatsResponse', { stats: current }, format) : undefined,
      intervalMs: f.seconds * 1000,
      watch: f.watch,
      tty: !!process.stdout.isTTY,
      signal: this.signal,
      write: (text) => process.stdout.write(text),
    });
  }
}
