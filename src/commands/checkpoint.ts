import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach } from '../cli/each';
import { CliError, UsageError } from '../cli/cli-error';
import { inContext } from '../cli/errors';
import { notFoundAs } from '../cri/resolve';
import { status } from '../cri/status';
import { containerPicker } from '../cri/targets';

export default class Checkpoint extends BaseCommand<typeof Checkpoint> {
  static override summary = 'Checkpoint one or more running containers.';
  static override description =
    'Writes a checkpoint of each container to the --export tar (CheckpointContainer). Needs a runtime that supports it ' +
    '(CRI-O 1.25+ with CRIU; containerd 2.0+); others say so.';
  static override examples = ['<%= config.bin %> checkpoint --export=/tmp/app.tar app'];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };
  static override flags = {
    export: Flags.string({ char: 'e', summary: 'The tar archive to write (/path/to/checkpoint.tar).' }),
  };

  async run(): Promise<void> {
    const queries = this.positionals;
    if (queries.length === 0) throw new UsageError('ID cannot be empty', 'tcrictl checkpoint --export=/path/to/checkpoint.tar CONTAINER-ID');
    const location = this.flags.export;
    if (!location) {
      throw new UsageError('cannot checkpoint a container without specifying the checkpoint destination. Use --export=/path/to/checkpoint.tar');
    }
    const rt = await this.runtimeClient();
    const { targets, failures: unknown } = await resolveAll(queries, await containerPicker(rt, queries));
    const failures = await runEach(targets, async (t) => {
      await rt.call('CheckpointContainer', { containerId: t.id, location }).catch((err: unknown) => {
        if ((err as { code?: number }).code === status.UNIMPLEMENTED) {
          throw new CliError(`this runtime cannot checkpoint containers (CheckpointContainer is not implemented by ${rt.endpoint})`, {
            hint: 'checkpointing needs CRI-O 1.25+ with CRIU, or containerd 2.0+',
          });
        }
        throw inContext(notFoundAs(err, 'container', t.query, 'tcrictl ps -a'), `checkpointing the container "${t.query}" failed`);
      });
      this.print(t.query);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}
