import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { finish, resolveAll, runEach, type Target } from '../cli/each';
import { CliError, UsageError } from '../cli/cli-error';
import { inContext } from '../cli/errors';
import { showHelp } from '../cli/oclif-runtime';
import { findImage, imageUsers } from '../cri/image-users';
import { normalizeImageRef, resolveImage } from '../cri/resolve';
import type { Image } from '../cri/types';

export default class Rmi extends BaseCommand<typeof Rmi> {
  static override summary = 'Remove one or more images.';
  static override description =
    'Removes each image with all its tags and prints "Deleted: <tag>" for each (its digests if it has no tag). ' +
    'Images may be given by ID, ID prefix, tag or digest. An image that a container (in any state) or a pod ' +
    'sandbox uses is refused, naming them. --prune removes every image nobody uses and keeps pinned images, ' +
    "images of containers and pod sandboxes, and the runtime's configured sandbox (pause) image.";
  static override examples = [
    '<%= config.bin %> rmi busybox',
    '<%= config.bin %> rmi 59c250122452',
    '<%= config.bin %> rmi --prune',
  ];
  // crictl's usage line, word for word: scripts and crictl's e2e suite look for `crictl rmi command`.
  static override usage = 'rmi command [command options] IMAGE-ID [IMAGE-ID...]';
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'IMAGE-ID... (ID, ID prefix, tag or digest)', required: false }),
  };
  static override flags = {
    all: Flags.boolean({ char: 'a', summary: 'Remove all images (those in use are refused).' }),
    prune: Flags.boolean({ char: 'q', summary: 'Remove all unused images (keeps pinned, in-use and sandbox images).' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const queries = this.positionals;
    if ((f.all || f.prune) && queries.length > 0) throw new UsageError('give IMAGE-IDs or -a/--all or -q/--prune, not both', "see 'tcrictl rmi --help'");
    if (f.all && f.prune) throw new UsageError('-a/--all and -q/--prune cannot be used together', 'use --prune to keep the images in use');
    if (!f.all && !f.prune && queries.length === 0) return showHelp(this.config, ['rmi']);
    const [img, rt] = [await this.imageClient(), await this.runtimeClient()];
    const images = await img.listImages();
    const { users, sandboxImages } = await imageUsers(rt, img, images);
    let targets: Target[];
    let unknown: unknown[] = [];
    if (f.prune) {
      targets = images.filter((i) => !i.pinned && !users.has(i.id) && !sandboxImages.has(i.id)).map(asTarget);
      for (const i of images) if (!targets.some((t) => t.id === i.id)) this.debugLine(`keeping ${i.repoTags[0] ?? i.id}: ${keepReason(i, users, sandboxImages)}`);
    } else if (f.all) targets = images.map(asTarget);
    else {
      const pick = async (q: string) => (findImage(images, q) ?? findImage(images, normalizeImageRef(q)) ?? (await resolveImage(img, q))).id;
      ({ targets, failures: unknown } = await resolveAll(queries, pick));
    }
    if (targets.length === 0 && unknown.length === 0) return void process.stderr.write('No images to remove\n');
    const byId = new Map(images.map((i) => [i.id, i]));
    const failures = await runEach(targets, async (t) => {
      const image = byId.get(t.id) ?? (await img.imageStatus(t.id, false)).image;
      if (!image) throw new CliError(`no such image ${t.query}`);
      const using = users.get(image.id);
      if (using) throw inUse(t.query, using);
      if (image.repoTags.length > 1 && !f.all && !f.prune && !/^sha256:|^[0-9a-f]+$/.test(t.query)) {
        this.warnLine(`image "${t.query}" has several tags; removing it deletes all of them: ${image.repoTags.join(', ')}`);
      }
      try {
        await img.call('RemoveImage', { image: { image: image.id } });
      } catch (err) {
        if (f.prune) return this.warnLine(`could not remove ${image.repoTags[0] ?? image.id}: ${(inContext(err, 'RemoveImage') as Error).message}`);
        throw inContext(err, `removing image "${t.query}"`);
      }
      const names = image.repoTags.length > 0 ? image.repoTags : image.repoDigests;
      this.print(names.map((n) => `Deleted: ${n}`).join('\n') || `Deleted: ${image.id}`);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}

function keepReason(i: Image, users: Map<string, string[]>, sandbox: Set<string>): string {
  if (i.pinned) return 'pinned';
  if (sandbox.has(i.id)) return "the runtime's sandbox image";
  return `used by ${users.get(i.id)?.join(', ')}`;
}

function inUse(query: string, using: string[]): CliError {
  const shown = using.slice(0, 5).join(', ') + (using.length > 5 ? ` and ${using.length - 5} more` : '');
  return new CliError(`image "${query}" is in use by ${shown}`, { hint: 'remove those first (tcrictl rm / rmp), then the image' });
}

/** -a/--prune name each image by its first tag in messages. */
function asTarget(i: Image): Target {
  return { query: i.repoTags[0] ?? i.id, id: i.id };
}
