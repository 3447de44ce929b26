import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { parseDuration } from '../cli/duration';
import { inContext } from '../cli/errors';
import { showHelp } from '../cli/oclif-runtime';
import { loadPodConfig } from '../cri/config-file';

export default class Runp extends BaseCommand<typeof Runp> {
  static override summary = 'Run a new pod.';
  static override description =
    'Creates and starts a pod sandbox from a pod config (JSON or YAML, crictl\'s format: snake_case or camelCase keys) and prints its ID. ' +
    'metadata.name and metadata.namespace are required; a missing metadata.uid is made up. ' +
    "crictl's -r (runtime handler) is --runtime here: -r is the global --runtime-endpoint.";
  static override examples = ['<%= config.bin %> runp pod-config.json', '<%= config.bin %> runp --runtime runc pod.yaml'];
  static override args = {
    config: Args.string({ description: 'pod-config.[json|yaml]', required: false }),
  };
  static override flags = {
    runtime: Flags.string({ summary: 'Runtime handler to use (as the runtime defines them, e.g. runc).' }),
    'cancel-timeout': Flags.string({ char: 'T', summary: 'Longest time the pod may take to start [default: twice -t/--timeout].' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    if (!this.args.config) return showHelp(this.config, ['runp']);
    const config = loadPodConfig(this.args.config, (l) => this.warnLine(l));
    const timeoutMs = f['cancel-timeout'] ? parseDuration(f['cancel-timeout'], '-T/--cancel-timeout') : this.timeoutMs * 2;
    const rt = await this.runtimeClient();
    const res = await rt.call<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler: f.runtime ?? '' }, { timeoutMs }).catch((err: unknown) => {
      throw inContext(err, 'run pod sandbox');
    });
    this.print(res.podSandboxId);
  }
}
