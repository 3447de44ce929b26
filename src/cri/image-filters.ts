/**
 * crictl's image list on the client side: its sort order, its REPOSITORY/TAG
 * and DIGEST columns, the `images [REPOSITORY[:TAG]]` argument and the
 * --filter values (before=, since=, reference=, dangling=).
 */
import { compileRegex } from './filters';
import { InputError } from './input-error';
import { normalizeImageRef } from './resolve';
import type { Image } from './types';

/** What images are sorted by. */
export type ImageSortKey = Pick<Image, 'id' | 'repoTags' | 'repoDigests'>;

/** crictl's imageByRef order: first repoTag, else first repoDigest, else ID (ascending). */
export function compareImages(a: ImageSortKey, b: ImageSortKey): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  if (a.repoTags.length > 0 && b.repoTags.length > 0) return cmp(a.repoTags[0], b.repoTags[0]);
  if (a.repoDigests.length > 0 && b.repoDigests.length > 0) return cmp(a.repoDigests[0], b.repoDigests[0]);
  return cmp(a.id, b.id);
}

export function sortImages<T extends ImageSortKey>(images: T[]): T[] {
  return [...images].sort(compareImages);
}

/** crictl's normalizeRepoDigest: [repo, digest] from the first repoDigest. */
export function repoDigestPair(repoDigests: readonly string[]): [string, string] {
  if (repoDigests.length === 0) return ['<none>', '<none>'];
  const pair = repoDigests[0].split('@');
  if (pair.length !== 2) return ['errorName', 'errorRepoDigest'];
  return [pair[0], pair[1]];
}

/** crictl's normalizeRepoTagPair: one [repo, tag] per repoTag, split at the last ":". */
export function repoTagPairs(repoTags: readonly string[], digestRepo: string): [string, string][] {
  if (repoTags.length === 0) return [[digestRepo, '<none>']];
  return repoTags.map((t): [string, string] => {
    const i = t.lastIndexOf(':');
    if (i === -1) return ['errorRepoTag', 'errorRepoTag'];
    const name = t.slice(0, i);
    return [name === '<none>' ? digestRepo : name, t.slice(i + 1)];
  });
}

/**
 * The `images [REPOSITORY[:TAG]]` argument, applied on the client side too
 * (containerd ignores the CRI filter). Without a tag it matches every tag of
 * the repository; short names match as a path suffix ("busybox" matches
 * docker.io/library/busybox and quay.io/x/busybox); hex matches an ID prefix.
 */
export function imageArgMatcher(arg: string): (img: Image) => boolean {
  const bareHex = arg.replace(/^sha256:/, '');
  const idMatch = /^[0-9a-f]+$/.test(bareHex) ? (img: Image) => img.id.replace(/^sha256:/, '').startsWith(bareHex) : () => false;
  const same = (candidate: string, want: string[]) => want.some((w) => candidate === w || candidate.endsWith(`/${w}`));
  const at = arg.indexOf('@');
  if (at >= 0) {
    const want = [arg, `${normalizeImageRef(arg.slice(0, at)).replace(/:latest$/, '')}${arg.slice(at)}`];
    return (img) => img.repoDigests.some((d) => same(d, want));
  }
  const hasTag = arg.lastIndexOf(':') > arg.lastIndexOf('/');
  if (hasTag) {
    const want = [arg, normalizeImageRef(arg)];
    return (img) => idMatch(img) || img.repoTags.some((t) => same(t, want));
  }
  const want = [arg, normalizeImageRef(arg).replace(/:latest$/, '')];
  const repoOfTag = (t: string) => (t.lastIndexOf(':') > t.lastIndexOf('/') ? t.slice(0, t.lastIndexOf(':')) : t);
  return (img) =>
    idMatch(img) || img.repoTags.some((t) => same(repoOfTag(t), want)) || img.repoDigests.some((d) => same(d.split('@')[0], want));
}

function beforeSince(value: string, list: Image[]): Image[] {
  // crictl's filterByBeforeSince: keep images up to (not including) the first match.
  const out: Image[] = [];
  const hasColon = value.includes(':');
  const hasAt = value.includes('@');
  for (const img of list) {
    if (hasColon && !hasAt) {
      const [repo, tag] = repoTagPairs(img.repoTags, repoDigestPair(img.repoDigests)[0])[0];
      if (`${repo}:${tag}` === value) break;
      out.push(img);
    }
    if (!hasColon && !hasAt) {
      // crictl compares the raw ID ("sha256:…"), which a colon-free value never prefixes; allow the bare hex.
      if (img.id.startsWith(value) || img.id.replace(/^sha256:/, '').startsWith(value)) break;
      out.push(img);
    }
    if (hasColon && hasAt && img.repoDigests.length > 0) {
      if (img.repoDigests[0].startsWith(value)) break;
      out.push(img);
    }
  }
  return out;
}

/** crictl's `images -f` (HEAD): dangling=, reference=, before=, since=, applied in order to the sorted list. */
export function applyImageFilters(images: Image[], filters: readonly string[] | undefined): Image[] {
  let list = [...images];
  for (const f of filters ?? []) {
    const eq = f.indexOf('=');
    const [key, value] = eq >= 0 ? [f.slice(0, eq), f.slice(eq + 1)] : [f, ''];
    if (key === 'before') list = beforeSince(value, [...list].reverse()).reverse();
    else if (key === 'since') list = beforeSince(value, list);
    else if (key === 'dangling') list = list.filter((i) => (value === 'true' && i.repoTags.length === 0) || (value === 'false' && i.repoTags.length > 0));
    else if (key === 'reference') {
      const re = compileRegex(value, '--filter reference');
      list = list.filter((i) => {
        const name = repoDigestPair(i.repoDigests)[0];
        return (re ? re.test(name) : true) || name === value;
      });
    } else throw new InputError(`unknown filter flag: ${f}`, 'use dangling=, reference=, before= or since=');
  }
  return list;
}
