/**
 * `images` output: one table row per repo tag (crictl), the -v text blocks
 * and the -q lines.
 */
import { repoDigestPair, repoTagPairs } from '../cri/image-filters';
import type { Image } from '../cri/types';
import { humanSize, safeCell } from './format';
import { renderTable } from './table';

export interface ImageTableOptions {
  digests?: boolean;
  pinned?: boolean;
  noTrunc?: boolean;
}

export function imageHeader(o: ImageTableOptions): string[] {
  return ['IMAGE', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'SIZE', ...(o.pinned ? ['PINNED'] : [])];
}

/** crictl strips exactly "sha256:" (not other algorithms) before keeping 13 characters. */
function stripSha(s: string, noTrunc: boolean): string {
  if (noTrunc) return s;
  const bare = s.startsWith('sha256:') ? s.slice('sha256:'.length) : s;
  return bare.length > 13 ? bare.slice(0, 13) : bare;
}

export function imageRows(img: Image, o: ImageTableOptions = {}): string[][] {
  const [digestRepo, digest] = repoDigestPair(img.repoDigests);
  const size = humanSize(Number(img.size || '0'), 3);
  const id = stripSha(img.id, !!o.noTrunc);
  const shownDigest = stripSha(digest, !!o.noTrunc);
  return repoTagPairs(img.repoTags, digestRepo).map(([repo, tag]) => [
    repo,
    tag,
    ...(o.digests ? [shownDigest] : []),
    id,
    size,
    ...(o.pinned ? [String(!!img.pinned)] : []),
  ]);
}

/** `images -v`: one block per image, each followed by an empty line. */
export function imageVerbose(img: Image): string {
  const lines = [`ID: ${safeCell(img.id)}`];
  for (const t of img.repoTags) lines.push(`RepoTags: ${safeCell(t)}`);
  for (const d of img.repoDigests) lines.push(`RepoDigests: ${safeCell(d)}`);
  if (img.size && img.size !== '0') lines.push(`Size: ${img.size}`);
  // Go prints the *Int64Value with its prototext String().
  if (img.uid) lines.push(`Uid: value:${img.uid.value}`);
  if (img.username) lines.push(`Username: ${safeCell(img.username)}`);
  if (img.pinned) lines.push('Pinned: true');
  return lines.join('\n') + '\n\n';
}

export function renderImages(list: Image[], mode: ImageTableOptions & { quiet?: boolean; verbose?: boolean }): string {
  if (mode.quiet) return list.map((i) => `${safeCell(i.id)}\n`).join('');
  if (mode.verbose) return list.map(imageVerbose).join('');
  return renderTable(imageHeader(mode), list.flatMap((i) => imageRows(i, mode)));
}
