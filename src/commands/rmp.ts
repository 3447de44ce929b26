import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach, type Resolved } from '../cli/each';
import { UsageError } from '../cli/cli-error';
import { showHelp } from '../cli/oclif-runtime';
import { removePod } from '../cli/removal';
import { podPicker } from '../cri/targets';

export default class Rmp extends BaseCommand<typeof Rmp> {
  static override summary = 'Remove one or more pods.';
  static override description =
    'Removes each pod sandbox with its containers. A ready pod is refused unless -f, which stops it first. ' +
    'Pods may be given by full ID, unique ID prefix or name; an ambiguous one lists the candidates and nothing is removed.';
  static override examples = ['<%= config.bin %> rmp 5e6f7a8b9c0d', '<%= config.bin %> rmp -f web', '<%= config.bin %> rmp -a'];
  // crictl's usage line, word for word: scripts and crictl's e2e suite look for `crictl rmp command`.
  static override usage = 'rmp command [command options] POD-ID [POD-ID...]';
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'POD-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    force: Flags.boolean({ char: 'f', summary: 'Stop a ready pod before removing it.' }),
    all: Flags.boolean({ char: 'a', summary: 'Remove all pods (ready ones only with -f).' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const queries = this.positionals;
    if (f.all && queries.length > 0) throw new UsageError('give POD-IDs or -a/--all, not both', "see 'tcrictl rmp --help'");
    if (!f.all && queries.length === 0) return showHelp(this.config, ['rmp']);
    const rt = await this.runtimeClient();
    let resolved: Resolved;
    if (f.all) {
      const all = await rt.listPodSandbox({});
      if (all.length === 0) return void process.stderr.write('No pods to remove\n');
      resolved = { targets: all.map((p) => ({ query: p.id, id: p.id })), failures: [] };
    } else resolved = await resolveAll(queries, await podPicker(rt, queries));
    const opts = { force: f.force, warn: (l: string) => this.warnLine(l) };
    const failures = await runEach(resolved.targets, async (t) => {
      await removePod(rt, t, opts);
      this.print(`Removed sandbox ${t.query}`);
    }, this.signal);
    finish([...resolved.failures, ...failures]);
  }
}
