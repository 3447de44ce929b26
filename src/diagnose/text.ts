/** Small formatting helpers shared by rules and renderers. */
import type { Ref } from './facts';

/** "file:line: text", "file:line", "file" or the description. */
export function formatRef(ref: Ref | undefined): string {
  if (!ref) return '';
  if (ref.file && ref.line !== undefined) return `${ref.file}:${ref.line}${ref.text ? `: ${ref.text}` : ref.what ? ` (${ref.what})` : ''}`;
  if (ref.file && ref.what) return `${ref.file}: ${ref.what}`;
  return ref.file ?? ref.what ?? '';
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** ls-style mode string for a socket or directory: srw-rw---- */
export function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o140000 ? 's' : (mode & 0o170000) === 0o040000 ? 'd' : '-';
  const bits = ['r', 'w', 'x'];
  let out = type;
  for (let shift = 6; shift >= 0; shift -= 3) {
    for (let i = 0; i < 3; i++) out += mode & (1 << (shift + 2 - i)) ? bits[i] : '-';
  }
  return out;
}
