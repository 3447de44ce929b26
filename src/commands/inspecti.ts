import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { CliError } from '../cli/cli-error';
import * as F from '../cli/flags';
import { renderStatuses, statusFlags, statusFormat } from '../cli/inspect';
import type { ImageClient } from '../cri/client';
import { applyImageFilters, imageArgMatcher, sortImages } from '../cri/image-filters';
import { resolveImage } from '../cri/resolve';
import type { Image } from '../cri/types';
import { imageStatusJson, imageStatusTable } from '../output/inspect';

export default class Inspecti extends BaseCommand<typeof Inspecti> {
  static override summary = 'Return the status of one or more images.';
  static override description =
    'Prints {"info": …, "status": …} with every key sorted, like current crictl: one object for one image, ' +
    'an array for several. An image may be a reference (busybox, busybox:1.36), an ID or a unique ID prefix. ' +
    'Without arguments it inspects every image (--name and -f narrow the list).';
  static override examples = ['<%= config.bin %> inspecti busybox', '<%= config.bin %> inspecti f19d423cb2f4 -o table', '<%= config.bin %> inspecti -f dangling=true -q', "<%= config.bin %> inspecti busybox -o go-template --template '{{index .status.repoTags 0}} {{.status.size}}'"];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'IMAGE-ID... (reference, ID or unique ID prefix)', required: false }),
  };
  static override flags = {
    ...statusFlags,
    name: Flags.string({ summary: 'Without IDs: only images matching this REPOSITORY[:TAG].' }),
    filter: F.imageFilter,
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = statusFormat(f.output, f.template);
    let queries = this.positionals;
    applyImageFilters([], f.filter); // a bad -f is a usage error before any call
    const img = await this.imageClient();
    if (queries.length === 0) {
      let list = sortImages(await img.listImages(f.name));
      if (f.name) list = list.filter(imageArgMatcher(f.name));
      queries = applyImageFilters(list, f.filter).map((i) => i.id);
      if (queries.length === 0) throw new CliError('no image IDs given and no image matches the filters', { hint: "list them with 'tcrictl images'" });
    }
    const text = await renderStatuses(queries, format, f.quiet, {
      status: (q, verbose) => imageStatus(img, q, verbose),
      table: imageStatusTable,
      json: (r) => ({ status: imageStatusJson(r.image), info: r.info }),
    });
    this.print(text);
  }
}

/** ImageStatus as the runtime resolves the reference; else tcrictl's own lookup (tags, ID prefixes). */
async function imageStatus(img: ImageClient, query: string, verbose: boolean): Promise<{ image: Image; info: Record<string, string> }> {
  const direct = await img.imageStatus(query, verbose);
  if (direct.image) return { image: direct.image, info: direct.info };
  const found = await resolveImage(img, query); // throws `no such image "X" present`
  const r = await img.imageStatus(found.id, verbose);
  if (!r.image) throw new CliError(`no such image "${query}" present`);
  return { image: r.image, info: r.info };
}
