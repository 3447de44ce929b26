import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { cancelTimeoutMs, createContainer, createFlags, shouldPull } from '../cli/create';
import { inContext } from '../cli/errors';
import { showHelp } from '../cli/oclif-runtime';
import { hideCredentialArgs } from '../cli/pull';
import { removePod } from '../cli/removal';
import { loadContainerConfig, loadPodConfig } from '../cri/config-file';

export default class Run extends BaseCommand<typeof Run> {
  static override summary = 'Run a new container inside a sandbox.';
  static override description =
    'Runs a pod from the pod config, pulls the image (unless --no-pull or disable-pull-on-run: true in crictl.yaml), ' +
    'creates and starts the container, and prints the container ID. If a step after the pod fails, the pod is ' +
    "removed again (crictl leaves it behind). crictl's -r (runtime handler) is --runtime here.";
  static override examples = ['<%= config.bin %> run container-config.json pod-config.json', '<%= config.bin %> run --no-pull --runtime runc ctr.yaml pod.yaml'];
  static override args = {
    config: Args.string({ description: 'container-config.[json|yaml]', required: false }),
    podConfig: Args.string({ description: 'pod-config.[json|yaml]', required: false }),
  };
  static override flags = {
    ...createFlags,
    runtime: Flags.string({ summary: 'Runtime handler to use (as the runtime defines them, e.g. runc).' }),
  };

  async run(): Promise<void> {
    hideCredentialArgs();
    const f = this.flags;
    const { config: configFile, podConfig: podFile } = this.args;
    if (!configFile || !podFile) return showHelp(this.config, ['run']);
    const pull = shouldPull(f, !this.settings.config.disablePullOnRun);
    const warn = (l: string) => this.warnLine(l);
    const config = loadContainerConfig(configFile, warn);
    const podConfig = loadPodConfig(podFile, warn);
    const rt = await this.runtimeClient();
    const { podSandboxId: podId } = await rt
      .call<{ podSandboxId: string }>('RunPodSandbox', { config: podConfig, runtimeHandler: f.runtime ?? '' }, { timeoutMs: this.timeoutMs * 2 })
      .catch((err: unknown) => {
        throw inContext(err, 'run pod sandbox');
      });
    try {
      const id = await createContainer(rt, () => this.imageClient(), f, { podId, config, podConfig, pull, timeoutMs: cancelTimeoutMs(f, this.timeoutMs) });
      await rt.call('StartContainer', { containerId: id }).catch((err: unknown) => {
        throw inContext(err, `starting the container "${id}"`);
      });
      this.print(id);
    } catch (err) {
      await removePod(rt, { query: podId, id: podId }, { force: true, warn }).then(
        () => warn(`removed the pod sandbox ${podId} again`),
        (e: unknown) => warn(`the pod sandbox ${podId} is left behind: ${(e as Error).message}`),
      );
      throw err;
    }
  }
}
