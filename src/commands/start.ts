import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach } from '../cli/each';
import { UsageError } from '../cli/cli-error';
import { inContext } from '../cli/errors';
import { notFoundAs } from '../cri/resolve';
import { containerPicker } from '../cri/targets';

export default class Start extends BaseCommand<typeof Start> {
  static override summary = 'Start one or more created containers.';
  static override description =
    'Containers may be given by full ID, unique ID prefix or name; an ambiguous one lists the candidates and nothing is started. Each started container is printed as given.';
  static override examples = ['<%= config.bin %> start 1f2e3d4c5b6a', '<%= config.bin %> start app'];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };

  async run(): Promise<void> {
    const queries = this.positionals;
    if (queries.length === 0) throw new UsageError('ID cannot be empty', 'give one or more containers: tcrictl start CONTAINER-ID...');
    const rt = await this.runtimeClient();
    const { targets, failures: unknown } = await resolveAll(queries, await containerPicker(rt, queries));
    const failures = await runEach(targets, async (t) => {
      await rt.call('StartContainer', { containerId: t.id }).catch((err: unknown) => {
        throw inContext(notFoundAs(err, 'container', t.query, 'tcrictl ps -a'), `starting the container "${t.query}"`);
      });
      this.print(t.query);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}
