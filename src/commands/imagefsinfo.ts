import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { templateText } from '../cli/inspect';
import { isTemplate } from '../output/go-template';
import { toProtoJson } from '../output/json';
import { imageFsInfoTable, renderStatusData, type ImageFsInfo } from '../output/inspect';

export default class Imagefsinfo extends BaseCommand<typeof Imagefsinfo> {
  static override summary = 'Return image filesystem info.';
  static override description =
    'Prints {"status": <ImageFsInfoResponse>} (image and container filesystems) like current crictl; ' +
    '-o table prints the usage per filesystem.';
  static override examples = ['<%= config.bin %> imagefsinfo', '<%= config.bin %> imagefsinfo -o table', "<%= config.bin %> imagefsinfo -o go-template --template '{{range .status.imageFilesystems}}{{.usedBytes.value}}{{end}}'"];
  static override flags = {
    output: F.output(['json', 'yaml', 'go-template', 'table'], 'json'),
    template: F.template,
  };

  async run(): Promise<void> {
    const format = F.outputOrTemplate(this.flags.output, this.flags.template, ['json', 'yaml', 'table'], 'json');
    const img = await this.imageClient();
    const r = (await img.imageFsInfo()) as unknown as ImageFsInfo;
    if (format === 'table') {
      this.print(imageFsInfoTable(r));
      return;
    }
    const data = { status: toProtoJson('runtime.v1.ImageFsInfoResponse', r) };
    this.print(isTemplate(format) ? templateText(format, [data]) : renderStatusData([data], format));
  }
}
