import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { applyImageFilters, imageArgMatcher, sortImages } from '../cri/image-filters';
import { renderImages } from '../output/images';
import { renderMessage } from '../output/render';
import { jsonListChunks, writeChunks } from '../output/stream';

export default class Images extends BaseCommand<typeof Images> {
  static override hiddenAliases = ['image', 'img'];
  static override summary = 'List images.';
  static override description =
    'Lists images, one table row per tag, sorted by first tag like crictl images. ' +
    'REPOSITORY[:TAG] is sent to the runtime and also applied here (containerd ignores it): ' +
    'without a tag it matches every tag of the repository.';
  static override examples = [
    '<%= config.bin %> images',
    '<%= config.bin %> images --digests busybox',
    '<%= config.bin %> images -f dangling=true -q',
    '<%= config.bin %> images -o json',
  ];
  static override args = {
    image: Args.string({ description: 'REPOSITORY[:TAG] to list (default: all images).', required: false }),
  };
  static override flags = {
    verbose: F.verbose('images'),
    quiet: F.quietList('image'),
    filter: F.imageFilter,
    output: F.output(['json', 'yaml', 'table'], 'table'),
    digests: Flags.boolean({ summary: 'Show digests.' }),
    'no-trunc': F.noTrunc,
    pinned: Flags.boolean({ summary: 'Show whether the image is pinned.' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = F.outputFormat(f.output, ['json', 'yaml', 'table'], 'table');
    const arg = this.args.image;
    applyImageFilters([], f.filter); // a bad -f is a usage error before any call
    const img = await this.imageClient();
    let list = sortImages(await img.listImages(arg));
    if (arg) list = list.filter(imageArgMatcher(arg));
    list = applyImageFilters(list, f.filter);
    if (format === 'json') return await writeChunks(jsonListChunks('runtime.v1.ListImagesResponse', 'images', list));
    if (format === 'yaml') {
      this.print(renderMessage('runtime.v1.ListImagesResponse', { images: list }, format));
      return;
    }
    const text = renderImages(list, { quiet: f.quiet, verbose: f.verbose, digests: f.digests, pinned: f.pinned, noTrunc: f['no-trunc'] });
    if (text) this.print(text);
  }
}
