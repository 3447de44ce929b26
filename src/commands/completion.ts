import { Args } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { bashScript } from '../completion/bash';
import { buildModel, type CachedCommandLike } from '../completion/model';
import { zshScript } from '../completion/zsh';

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Output shell completion code for bash or zsh.';
  static override description =
    'Completes commands, flags, flag values and, where a command takes one, container, pod and image IDs ' +
    "(asked from the runtime with '<%= config.bin %> ps -a -q' and a 2 s limit). " +
    'Load it in the current shell with source <(<%= config.bin %> completion bash), ' +
    'or install it: <%= config.bin %> completion bash > /etc/bash_completion.d/<%= config.bin %>; ' +
    '<%= config.bin %> completion zsh > "${fpath[1]}/_<%= config.bin %>". crictl also offers fish; tcrictl does not.';
  static override examples = [
    'source <(<%= config.bin %> completion bash)',
    '<%= config.bin %> completion zsh > "${fpath[1]}/_<%= config.bin %>"',
  ];
  static override args = {
    shell: Args.string({ options: ['bash', 'zsh'], default: 'bash', description: 'The shell: bash or zsh.' }),
  };

  async run(): Promise<void> {
    // The command list comes from the manifest: no command module is loaded.
    const model = buildModel(this.config.bin, this.config.commands as unknown as CachedCommandLike[]);
    this.print(this.args.shell === 'zsh' ? zshScript(model) : bashScript(model));
  }
}
