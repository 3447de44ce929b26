import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { templateText } from '../cli/inspect';
import { isTemplate } from '../output/go-template';
import { toProtoJson } from '../output/json';
import { renderStatusData, runtimeHandlersJson, snakeOmitEmpty } from '../output/inspect';

interface StatusReply {
  status: unknown;
  info: Record<string, string>;
  runtimeHandlers?: { name?: string; features?: Record<string, unknown> | null }[];
  features?: Record<string, unknown> | null;
}

export default class Info extends BaseCommand<typeof Info> {
  static override summary = 'Display information of the container runtime.';
  static override description =
    "Prints the runtime's Status with its verbose info, keys sorted, like current crictl " +
    '({"status": …, "config": …, …}). -q asks for the conditions only.';
  static override examples = ['<%= config.bin %> info', '<%= config.bin %> info -q -o yaml', '<%= config.bin %> info | jq .status.conditions', "<%= config.bin %> info -o go-template --template '{{range .status.conditions}}{{.type}}={{.status}} {{end}}'"];
  static override flags = {
    output: F.output(['json', 'yaml', 'go-template'], 'json'),
    quiet: F.quietStatus,
    template: F.template,
  };

  async run(): Promise<void> {
    const format = F.outputOrTemplate(this.flags.output, this.flags.template, ['json', 'yaml'], 'json');
    const rt = await this.runtimeClient();
    const r = await rt.call<StatusReply>('Status', { verbose: !this.flags.quiet });
    const data = {
      status: toProtoJson('runtime.v1.RuntimeStatus', r.status ?? {}),
      runtimeHandlers: runtimeHandlersJson(r.runtimeHandlers),
      features: r.features ? snakeOmitEmpty(r.features) : undefined,
      info: r.info,
    };
    this.print(isTemplate(format) ? templateText(format, [data]) : renderStatusData([data], format as 'json' | 'yaml'));
  }
}
