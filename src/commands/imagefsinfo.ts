import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { toProtoJson } from '../output/json';
import { imageFsInfoTable, renderStatusData, type ImageFsInfo } from '../output/inspect';

export default class Imagefsinfo extends BaseCommand<typeof Imagefsinfo> {
  static override summary = 'Return image filesystem info.';
  static override description =
    'Prints {"status": <ImageFsInfoResponse>} (image and container filesystems) like current crictl; ' +
    '-o table prints the usage per filesystem.';
  static override examples = ['<%= config.bin %> imagefsinfo', '<%= config.bin %> imagefsinfo -o table'];
  static override flags = {
    output: F.output(['json', 'yaml', 'table'], 'json'),
  };

  async run(): Promise<void> {
    const format = F.outputFormat(this.flags.output, ['json', 'yaml', 'table'], 'json');
    const img = await this.imageClient();
    const r = (await img.imageFsInfo()) as unknown as ImageFsInfo;
    if (format === 'table') {
      this.print(imageFsInfoTable(r));
      return;
    }
    this.print(renderStatusData([{ status: toProtoJson('runtime.v1.ImageFsInfoResponse', r) }], format));
  }
}
