/**
 * `ps` output: crictl's (HEAD) table rows, the -v text blocks and the -q lines.
 */
import { fromLabels, POD_NAME_LABEL, POD_NAMESPACE_LABEL } from '../cri/filters';
import type { Container, ContainerState, Labels } from '../cri/types';
import { ago, safeCell, truncateId } from './format';
import { renderTable } from './table';

export const CONTAINER_HEADER = ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE'];

const PRETTY_STATE: Record<ContainerState, string> = {
  CONTAINER_CREATED: 'Created',
  CONTAINER_RUNNING: 'Running',
  CONTAINER_EXITED: 'Exited',
  CONTAINER_UNKNOWN: 'Unknown',
};

export function prettyContainerState(s: string): string {
  return PRETTY_STATE[s as ContainerState] ?? s;
}

const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** go-digest's Parse: `algo:hex` with a known algorithm and the right length of lowercase hex. */
export function parseDigest(s: string): { algorithm: string; encoded: string } | undefined {
  const i = s.indexOf(':');
  if (i <= 0) return undefined;
  const algorithm = s.slice(0, i);
  const encoded = s.slice(i + 1);
  const len = DIGEST_LENGTHS[algorithm];
  if (!len || encoded.length !== len || !/^[a-f0-9]+$/.test(encoded)) return undefined;
  return { algorithm, encoded };
}

/** The IMAGE cell: kubelet puts image IDs there, which crictl shortens like any other ID. */
export function imageCell(image: string, noTrunc: boolean): string {
  if (noTrunc) return image;
  const d = parseDigest(image);
  return d ? truncateId(image, `${d.algorithm}:`) : image;
}

export interface ContainerRowOptions {
  noTrunc?: boolean;
  nowMs?: number;
  /** -r/--resolve-image-path: container image → the image's first repo tag. */
  resolvedImages?: ReadonlyMap<string, string>;
}

export function containerRow(c: Container, o: ContainerRowOptions = {}): string[] {
  const image = c.image?.image ?? '';
  let shown = imageCell(image, !!o.noTrunc);
  if (o.resolvedImages) shown = o.resolvedImages.get(image) ?? shown;
  return [
    o.noTrunc ? c.id : truncateId(c.id, ''),
    shown,
    ago(c.createdAt, o.nowMs),
    prettyContainerState(c.state),
    c.metadata?.name ?? '',
    String(c.metadata?.attempt ?? 0),
    o.noTrunc ? c.podSandboxId : truncateId(c.podSandboxId, ''),
    fromLabels(c.labels, POD_NAME_LABEL),
    fromLabels(c.labels, POD_NAMESPACE_LABEL),
  ];
}

/** `Labels:` / `Annotations:` blocks: only for non-empty maps (Go decodes empty maps as nil). */
export function mapBlock(title: string, m: Labels | null | undefined): string[] {
  const keys = Object.keys(m ?? {}).sort();
  if (keys.length === 0) return [];
  return [`${title}:`, ...keys.map((k) => `\t${safeCell(k)} -> ${safeCell(m![k])}`)];
}

/** `ps -v`: one block per container, each followed by an empty line. */
export function containerVerbose(c: Container, nowMs?: number): string {
  const lines = [`ID: ${safeCell(c.id)}`, `PodID: ${safeCell(c.podSandboxId)}`, `Namespace: ${safeCell(fromLabels(c.labels, POD_NAMESPACE_LABEL))}`];
  if (c.metadata) {
    if (c.metadata.name) lines.push(`Name: ${safeCell(c.metadata.name)}`);
    lines.push(`Attempt: ${c.metadata.attempt}`);
  }
  lines.push(`State: ${prettyContainerState(c.state)}`);
  if (c.image) lines.push(`Image: ${safeCell(c.image.image)}`);
  lines.push(`Created: ${ago(c.createdAt, nowMs)}`);
  lines.push(...mapBlock('Labels', c.labels), ...mapBlock('Annotations', c.annotations));
  return lines.join('\n') + '\n\n';
}

/** The text forms of ps: -q (full IDs), -v blocks, or the table. */
export function renderContainers(list: Container[], mode: { quiet?: boolean; verbose?: boolean } & ContainerRowOptions): string {
  if (mode.quiet) return list.map((c) => `${safeCell(c.id)}\n`).join('');
  if (mode.verbose) return list.map((c) => containerVerbose(c, mode.nowMs)).join('');
  return renderTable(CONTAINER_HEADER, list.map((c) => containerRow(c, mode)));
}
