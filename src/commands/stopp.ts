import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach } from '../cli/each';
import { inContext } from '../cli/errors';
import { showHelp } from '../cli/oclif-runtime';
import { notFoundAs } from '../cri/resolve';
import { podPicker } from '../cri/targets';

export default class Stopp extends BaseCommand<typeof Stopp> {
  static override summary = 'Stop one or more running pods.';
  static override description =
    'Stops every container of each pod and the pod sandbox itself (its network goes away). ' +
    'Pods may be given by full ID, unique ID prefix or name; an ambiguous one lists the candidates and nothing is stopped.';
  static override examples = ['<%= config.bin %> stopp 5e6f7a8b9c0d', '<%= config.bin %> stopp web'];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'POD-ID... (full ID, unique prefix or name)', required: false }),
  };

  async run(): Promise<void> {
    const queries = this.positionals;
    if (queries.length === 0) return showHelp(this.config, ['stopp']);
    const rt = await this.runtimeClient();
    const { targets, failures: unknown } = await resolveAll(queries, await podPicker(rt, queries));
    const failures = await runEach(targets, async (t) => {
      await rt.call('StopPodSandbox', { podSandboxId: t.id }).catch((err: unknown) => {
        throw inContext(notFoundAs(err, 'pod', t.query, 'tcrictl pods'), `stopping the pod sandbox "${t.query}"`);
      });
      this.print(`Stopped sandbox ${t.query}`);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}
