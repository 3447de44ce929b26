import { Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import * as F from '../cli/flags';
import { cachedImageLookup, containerFilter, listContainers, selectContainers } from '../cri/filters';
import type { ImageClient } from '../cri/client';
import { renderContainers } from '../output/containers';
import { renderMessage } from '../output/render';
import { jsonListChunks, writeChunks } from '../output/stream';

export default class Ps extends BaseCommand<typeof Ps> {
  static override summary = 'List containers.';
  static override description =
    'Lists running containers (all with -a), newest first, like crictl ps. ' +
    '-l/-n include every state, even with --state. crictl\'s -r (resolve image path) is --resolve-image-path here: -r is the global --runtime-endpoint.';
  static override examples = [
    '<%= config.bin %> ps',
    '<%= config.bin %> ps -a --namespace kube-system',
    '<%= config.bin %> ps --name "^etcd" -q',
    '<%= config.bin %> ps -a -o json',
  ];
  static override flags = {
    ...F.containerFilterFlags,
    id: Flags.string({ summary: 'Filter by container ID (or ID prefix, if the runtime accepts one).' }),
    quiet: F.quietList('container'),
    output: F.output(['json', 'yaml', 'table'], 'table'),
    'no-trunc': F.noTrunc,
    'resolve-image-path': Flags.boolean({ summary: "Show the image's first repo tag instead of what the container was created with (crictl: -r)." }),
    verbose: F.verbose('containers'),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const format = F.outputFormat(f.output, ['json', 'yaml', 'table'], 'table');
    const opts = {
      id: f.id,
      pod: f.pod,
      state: f.state,
      all: f.all,
      latest: f.latest,
      last: f.last,
      ...F.labelAndNameFilters(f),
      image: f.image,
    };
    const rt = await this.runtimeClient();
    const needImages = !!f.image || (f['resolve-image-path'] && format === 'table' && !f.quiet && !f.verbose);
    const img = needImages ? await this.imageClient() : undefined;
    if (format === 'json') {
      // protobufjs' decoded messages, written without a toObject copy: ps -a -o json on 20,000 containers (json-writer.ts).
      const messages = await selectContainers(await rt.listContainerMessages(containerFilter(opts)), img && cachedImageLookup(img), opts);
      return await writeChunks(jsonListChunks('runtime.v1.ListContainersResponse', 'containers', messages, { pb: true }));
    }
    const list = await listContainers(rt, img && cachedImageLookup(img), opts);
    if (format === 'yaml') {
      this.print(renderMessage('runtime.v1.ListContainersResponse', { containers: list }, format));
      return;
    }
    const resolvedImages = f['resolve-image-path'] && img ? await repoTagsOf(img, list.map((c) => c.image?.image ?? '')) : undefined;
    const text = renderContainers(list, { quiet: f.quiet, verbose: f.verbose, noTrunc: f['no-trunc'], resolvedImages });
    if (text) this.print(text);
  }
}

/** crictl's getRepoImage: the first repo tag of each image (images without one keep their cell). */
async function repoTagsOf(img: ImageClient, refs: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of new Set(refs)) {
    if (!ref) continue;
    const tag = (await img.imageStatus(ref, false)).image?.repoTags[0];
    if (tag) out.set(ref, tag);
  }
  return out;
}
