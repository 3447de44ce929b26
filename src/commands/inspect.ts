import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { CliError } from '../cli/cli-error';
import * as F from '../cli/flags';
import { renderStatuses, statusFlags, statusFormat } from '../cli/inspect';
import { cachedImageLookup, listContainers } from '../cri/filters';
import { notFoundAs, resolveContainers } from '../cri/resolve';
import { containerStatusJson, containerStatusTable } from '../output/inspect';

export default class Inspect extends BaseCommand<typeof Inspect> {
  static override summary = 'Display the status of one or more containers.';
  static override description =
    'Prints {"info": …, "status": …} with every key sorted, like current crictl: one object for one container, ' +
    'an array for several. IDs may be full IDs, unique prefixes or container names. ' +
    'Without IDs it inspects the containers the filter flags select (default: running ones).';
  static override examples = [
    '<%= config.bin %> inspect 1f2e3d4c5b6a',
    '<%= config.bin %> inspect app -o yaml',
    '<%= config.bin %> inspect --name etcd -q',
    "<%= config.bin %> inspect app -o go-template --template '{{.status.state}}'",
  ];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    ...statusFlags,
    ...F.containerFilterFlags,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = statusFormat(f.output, f.template);
    const queries = this.positionals;
    const filters = F.labelAndNameFilters(f);
    const rt = await this.runtimeClient();
    let ids: string[];
    if (queries.length > 0) ids = await resolveContainers(rt, queries);
    else {
      const lookup = f.image ? cachedImageLookup(await this.imageClient()) : undefined;
      const opts = { pod: f.pod, state: f.state, all: f.all, latest: f.latest, last: f.last, ...filters, image: f.image };
      ids = (await listContainers(rt, lookup, opts)).map((c) => c.id);
      if (ids.length === 0) throw new CliError('no container IDs given and no container matches the filters', { hint: 'give IDs or names, or widen the filters (e.g. -a)' });
    }
    const text = await renderStatuses(ids, format, f.quiet, {
      status: (id, verbose) =>
        rt.containerStatus(id, verbose).catch((err: unknown) => {
          throw notFoundAs(err, 'container', queries[ids.indexOf(id)] ?? id, 'tcrictl ps -a');
        }),
      table: containerStatusTable,
      json: (r) => ({ status: containerStatusJson(r.status), info: r.info }),
    });
    this.print(text);
  }
}
