/**
 * Who uses an image: containers (any state: an exited one may be restarted),
 * pod sandboxes (their pause image), and the runtime's configured sandbox
 * image, which every new pod needs even when no pod runs now. `rmi` refuses to
 * remove an image in use, and `rmi --prune` keeps all of these (crictl keeps
 * only pinned images and those of containers, so on containerd 1.6, which pins
 * nothing, it deletes the pause image under running pods).
 */
import type { ImageClient, RuntimeClient } from './client';
import { mapLimit } from './resolve';
import type { Image } from './types';

export interface ImageUsers {
  /** image ID → who uses it, e.g. `container app (1f2e3d4c5b6a, running)`. */
  users: Map<string, string[]>;
  /** IDs of the runtime's configured sandbox image(s). */
  sandboxImages: Set<string>;
}

/** The image an image reference, tag, digest or ID names, among `images`. */
export function findImage(images: Image[], ref: string): Image | undefined {
  if (!ref) return undefined;
  const bare = ref.replace(/^sha256:/, '');
  return images.find((i) => i.id === ref || i.id === `sha256:${bare}` || i.repoTags.includes(ref) || i.repoDigests.includes(ref));
}

function add(users: Map<string, string[]>, id: string, who: string): void {
  const list = users.get(id);
  if (list) list.push(who);
  else users.set(id, [who]);
}

/** The sandbox image named in the runtime's verbose Status config (containerd: sandboxImage; CRI-O: pause_image). */
export function configuredSandboxImages(info: Record<string, string>): string[] {
  const out: string[] = [];
  try {
    const config = JSON.parse(info.config ?? '{}') as Record<string, unknown>;
    const walk = (o: unknown, depth: number) => {
      if (!o || typeof o !== 'object' || depth > 3) return;
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
        if (/^(sandboxImage|sandbox_image|pause_image|pauseImage)$/.test(k) && typeof v === 'string' && v) out.push(v);
        else walk(v, depth + 1);
      }
    };
    walk(config, 0);
  } catch {
    /* a runtime without a JSON config: nothing known */
  }
  return out;
}

export async function imageUsers(rt: RuntimeClient, img: ImageClient, images: Image[]): Promise<ImageUsers> {
  const users = new Map<string, string[]>();
  const [containers, pods, status] = await Promise.all([rt.listContainers({}), rt.listPodSandbox({}), rt.status(true)]);
  for (const c of containers) {
    const refs = [c.imageRef, c.imageId ?? '', c.image?.image ?? ''];
    const hit = refs.map((r) => findImage(images, r)).find(Boolean);
    const state = c.state.replace('CONTAINER_', '').toLowerCase();
    if (hit) add(users, hit.id, `container ${c.metadata?.name ?? '?'} (${c.id.slice(0, 13)}, ${state})`);
  }
  await mapLimit(pods, 8, async (p) => {
    const st = await rt.podSandboxStatus(p.id, true).catch(() => undefined);
    let image = '';
    try {
      image = (JSON.parse(st?.info?.info ?? '{}') as { image?: string }).image ?? '';
    } catch {
      /* no verbose info from this runtime */
    }
    const hit = findImage(images, image);
    if (hit) add(users, hit.id, `pod ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? '?'} (${p.id.slice(0, 13)})`);
  });
  const sandboxImages = new Set<string>();
  for (const ref of configuredSandboxImages(status.info ?? {})) {
    const hit = findImage(images, ref) ?? (await img.imageStatus(ref, false)).image ?? undefined;
    if (hit) sandboxImages.add(hit.id);
  }
  return { users, sandboxImages };
}
