import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { cancelTimeoutMs, createContainer, createFlags, shouldPull } from '../cli/create';
import { showHelp } from '../cli/oclif-runtime';
import { hideCredentialArgs } from '../cli/pull';
import { loadContainerConfig, loadPodConfig } from '../cri/config-file';
import { resolvePod } from '../cri/resolve';

export default class Create extends BaseCommand<typeof Create> {
  static override summary = 'Create a new container.';
  static override description =
    'Creates a container in an existing pod from a container config and the pod\'s config (JSON or YAML) and prints its ID. ' +
    'The pod may be given by full ID, unique ID prefix or name. The image is pulled first only with --with-pull or ' +
    'pull-image-on-create: true in crictl.yaml.';
  static override examples = ['<%= config.bin %> create 5e6f7a8b9c0d container-config.json pod-config.json', '<%= config.bin %> create --with-pull web ctr.yaml pod.yaml'];
  static override args = {
    pod: Args.string({ description: 'POD-ID (full ID, unique prefix or name)', required: false }),
    config: Args.string({ description: 'container-config.[json|yaml]', required: false }),
    podConfig: Args.string({ description: 'pod-config.[json|yaml]', required: false }),
  };
  static override flags = createFlags;

  async run(): Promise<void> {
    hideCredentialArgs();
    const f = this.flags;
    const { pod, config: configFile, podConfig: podFile } = this.args;
    if (!pod || !configFile || !podFile) return showHelp(this.config, ['create']);
    const pull = shouldPull(f, !!this.settings.config.pullImageOnCreate);
    const warn = (l: string) => this.warnLine(l);
    const config = loadContainerConfig(configFile, warn);
    const podConfig = loadPodConfig(podFile, warn);
    const rt = await this.runtimeClient();
    const podId = await resolvePod(rt, pod);
    const id = await createContainer(rt, () => this.imageClient(), f, { podId, config, podConfig, pull, timeoutMs: cancelTimeoutMs(f, this.timeoutMs) });
    this.print(id);
  }
}
