import { Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { safeCell } from '../output/format';
import { renderMessage, type OutputFormat } from '../output/render';

export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Display runtime version information.';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version -o json'];
  static override flags = {
    output: Flags.string({ char: 'o', options: ['json', 'yaml', 'table'], summary: 'Output format (crictl prints text; json and yaml are extras).' }),
  };

  async run(): Promise<void> {
    const rt = await this.runtimeClient();
    const v = await rt.version();
    const format = this.flags.output as OutputFormat | undefined;
    if (format === 'json' || format === 'yaml') {
      this.print(renderMessage('runtime.v1.VersionResponse', v, format));
      return;
    }
    // crictl uses fmt.Println("Version: ", x): two spaces after the colon. The runtime's words, escaped.
    const lines: Array<[string, string]> = [['Version', v.version], ['RuntimeName', v.runtimeName], ['RuntimeVersion', v.runtimeVersion], ['RuntimeApiVersion', v.runtimeApiVersion]];
    this.print(lines.map(([k, x]) => `${k}:  ${safeCell(x)}`).join('\n'));
  }
}
