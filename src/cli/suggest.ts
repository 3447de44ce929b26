/**
 * "Did you mean": the nearest known word to a mistyped command or flag
 * (Levenshtein distance, as oclif's plugin-not-found measures it), or the one
 * word the typed text starts, if it is unique.
 */
import { distance } from 'fastest-levenshtein';

export function suggest(typed: string, known: readonly string[]): string | undefined {
  if (typed.length < 2) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const word of known) {
    const d = distance(typed, word);
    if (d < bestDistance) [best, bestDistance] = [word, d];
  }
  // Close enough to be a typo: one edit for short words, two for longer ones.
  if (best !== undefined && bestDistance <= (typed.length >= 4 ? 2 : 1)) return best;
  const prefixed = known.filter((w) => w.startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
