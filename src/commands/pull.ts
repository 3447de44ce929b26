import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { UsageError } from '../cli/cli-error';
import { hideCredentialArgs, pullFlags, pullImage, pullTimeoutMs, registryAuth } from '../cli/pull';
import { loadPodConfig } from '../cri/config-file';
import { parseLabels } from '../cri/filters';

export default class Pull extends BaseCommand<typeof Pull> {
  static override summary = 'Pull an image from a registry.';
  static override description =
    'Prints "Image is up to date for <image ID>" when the image is there. On a terminal a spinner shows the pull. ' +
    'Credentials: --creds USER[:PASS] or CRICTL_CREDS, --auth BASE64 or CRICTL_AUTH, or -u USER with the password ' +
    'typed (or piped on stdin); they never appear in -D output, errors or the process list. No time limit unless --pull-timeout.';
  static override examples = [
    '<%= config.bin %> pull registry.k8s.io/pause:3.9',
    'CRICTL_CREDS=me:secret <%= config.bin %> pull registry.example.com/app:1.2',
    'echo "$PASSWORD" | <%= config.bin %> pull -u me registry.example.com/app:1.2',
  ];
  static override args = {
    image: Args.string({ description: 'NAME[:TAG|@DIGEST]', required: false }),
  };
  static override flags = {
    ...pullFlags,
    'pod-config': Flags.string({ summary: 'Pull for this pod-config.[json|yaml] (runtime handler, namespace).' }),
    annotation: Flags.string({ char: 'a', multiple: true, multipleNonGreedy: true, summary: 'key=value annotation for the pulled image (repeatable).' }),
  };

  async run(): Promise<void> {
    hideCredentialArgs();
    const f = this.flags;
    const image = this.args.image;
    if (!image) throw new UsageError('image name cannot be empty', 'usage: tcrictl pull NAME[:TAG|@DIGEST]');
    const timeoutMs = pullTimeoutMs(f);
    const annotations = f.annotation ? parseLabels(f.annotation) : undefined;
    const sandboxConfig = f['pod-config'] ? loadPodConfig(f['pod-config'], (l) => this.warnLine(l)) : undefined;
    const auth = await registryAuth(f);
    const img = await this.imageClient();
    const ref = await pullImage(img, { image, auth, sandboxConfig, annotations, timeoutMs });
    this.print(`Image is up to date for ${ref}`);
  }
}
