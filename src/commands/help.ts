import { Args, Command } from '../cli/command';
import { globalFlags } from '../cli/global-flags';
import { showHelp } from '../cli/oclif-runtime';

/** crictl's `help [COMMAND]`: the same text as `[COMMAND] --help`; global flags are accepted and ignored. */
export default class Help extends Command {
  static override summary = 'Display help for tcrictl or one of its commands.';
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help ps'];
  static override strict = false;
  static override baseFlags = globalFlags;
  static override args = {
    command: Args.string({ description: 'The command to describe (default: all of them).', required: false }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    await showHelp(this.config, argv as string[]);
  }
}
