import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach, type Resolved } from '../cli/each';
import { UsageError } from '../cli/cli-error';
import { showHelp } from '../cli/oclif-runtime';
import { removeContainer } from '../cli/removal';
import { containerPicker } from '../cri/targets';

export default class Rm extends BaseCommand<typeof Rm> {
  static override summary = 'Remove one or more containers.';
  static override description =
    'Removes each container and, unless -k, its log files (as current crictl). A running container is refused unless -f, ' +
    'which stops it at once first. Containers may be given by full ID, unique ID prefix or name; an ambiguous one ' +
    'lists the candidates and nothing is removed. Each removed container is printed as given; unknown ones are ' +
    'reported and the others still removed (exit 1).';
  static override examples = [
    '<%= config.bin %> rm 1f2e3d4c5b6a',
    '<%= config.bin %> rm $(<%= config.bin %> ps -a --state exited -q)',
    '<%= config.bin %> rm -f app',
    '<%= config.bin %> rm -a',
  ];
  // crictl's usage line, word for word: scripts and crictl's e2e suite look for `crictl rm command`.
  static override usage = 'rm command [command options] CONTAINER-ID [CONTAINER-ID...]';
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    force: Flags.boolean({ char: 'f', summary: 'Stop a running container (at once) before removing it.' }),
    all: Flags.boolean({ char: 'a', summary: 'Remove all containers (running ones only with -f).' }),
    'keep-logs': Flags.boolean({ char: 'k', summary: 'Keep the container log file and its rotations.' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const queries = this.positionals;
    if (f.all && queries.length > 0) throw new UsageError('give CONTAINER-IDs or -a/--all, not both', "see 'tcrictl rm --help'");
    if (!f.all && queries.length === 0) return showHelp(this.config, ['rm']);
    const rt = await this.runtimeClient();
    let resolved: Resolved;
    if (f.all) {
      const all = await rt.listContainers({});
      if (all.length === 0) return void process.stderr.write('No containers to remove\n');
      resolved = { targets: all.map((c) => ({ query: c.id, id: c.id })), failures: [] };
    } else resolved = await resolveAll(queries, await containerPicker(rt, queries));
    const opts = { force: f.force, keepLogs: f['keep-logs'], warn: (l: string) => this.warnLine(l) };
    const failures = await runEach(resolved.targets, async (t) => {
      await removeContainer(rt, t, opts);
      this.print(t.query);
    }, this.signal);
    finish([...resolved.failures, ...failures]);
  }
}
