import { Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { listPods } from '../cri/filters';
import { renderPods } from '../output/pods';
import { renderMessage } from '../output/render';
import { jsonListChunks, writeChunks } from '../output/stream';

export default class Pods extends BaseCommand<typeof Pods> {
  static override summary = 'List pods.';
  static override description = 'Lists pod sandboxes in every state, newest first, like crictl pods.';
  static override examples = [
    '<%= config.bin %> pods',
    '<%= config.bin %> pods --namespace kube-system -s ready',
    '<%= config.bin %> pods --label app=web -q',
    '<%= config.bin %> pods -o json',
  ];
  static override flags = {
    id: Flags.string({ summary: 'Filter by pod ID (or ID prefix, if the runtime accepts one).' }),
    ...F.podFilterFlags,
    verbose: F.verbose('pods'),
    quiet: F.quietList('pod'),
    output: F.output(['json', 'yaml', 'table'], 'table'),
    'no-trunc': F.noTrunc,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = F.outputFormat(f.output, ['json', 'yaml', 'table'], 'table');
    const opts = {
      id: f.id,
      state: f.state,
      latest: f.latest,
      last: f.last,
      ...F.labelAndNameFilters(f),
    };
    const list = await listPods(await this.runtimeClient(), opts);
    if (format === 'json') return await writeChunks(jsonListChunks('runtime.v1.ListPodSandboxResponse', 'items', list));
    if (format === 'yaml') {
      this.print(renderMessage('runtime.v1.ListPodSandboxResponse', { items: list }, format));
      return;
    }
    const text = renderPods(list, { quiet: f.quiet, verbose: f.verbose, noTrunc: f['no-trunc'] });
    if (text) this.print(text);
  }
}
