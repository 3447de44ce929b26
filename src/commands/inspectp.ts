import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { CliError } from '../cli/cli-error';
import * as F from '../cli/flags';
import { renderStatuses, statusFlags, statusFormat } from '../cli/inspect';
import { listPods } from '../cri/filters';
import { notFoundAs, resolvePods } from '../cri/resolve';
import { podStatusJson, podStatusTable } from '../output/inspect';

export default class Inspectp extends BaseCommand<typeof Inspectp> {
  static override summary = 'Display the status of one or more pods.';
  static override description =
    'Prints {"info": …, "status": …} with every key sorted, like current crictl: one object for one pod, ' +
    'an array for several. IDs may be full IDs, unique prefixes or pod names. ' +
    'Without IDs it inspects the pods the filter flags select (default: all).';
  static override examples = ['<%= config.bin %> inspectp 9a8b7c6d5e4f', '<%= config.bin %> inspectp web -o table', '<%= config.bin %> inspectp --namespace kube-system -q', "<%= config.bin %> inspectp web -o go-template --template '{{.status.metadata.name}} {{.status.state}}'"];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'POD-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    ...statusFlags,
    ...F.podFilterFlags,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = statusFormat(f.output, f.template);
    const queries = this.positionals;
    const filters = F.labelAndNameFilters(f);
    const rt = await this.runtimeClient();
    let ids: string[];
    if (queries.length > 0) ids = await resolvePods(rt, queries);
    else {
      ids = (await listPods(rt, { state: f.state, latest: f.latest, last: f.last, ...filters })).map((p) => p.id);
      if (ids.length === 0) throw new CliError('no pod IDs given and no pod matches the filters', { hint: 'give IDs or names, or widen the filters' });
    }
    const text = await renderStatuses(ids, format, f.quiet, {
      status: (id, verbose) =>
        rt.podSandboxStatus(id, verbose).catch((err: unknown) => {
          throw notFoundAs(err, 'pod', queries[ids.indexOf(id)] ?? id, 'tcrictl pods');
        }),
      table: podStatusTable,
      json: (r) => ({ status: podStatusJson(r.status), info: r.info }),
    });
    this.print(text);
  }
}
