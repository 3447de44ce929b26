/**
 * Colour for the human report: error red, warning yellow, ok green. Plain SGR
 * codes; the command decides whether to colour (a terminal, no NO_COLOR, no
 * --no-color), the renderer only asks for a palette.
 */
export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export const COLOURS: Palette = { red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
export const NO_COLOURS: Palette = { red: plain, yellow: plain, green: plain, dim: plain, bold: plain };

/** Whether to colour a stream: a terminal, and neither NO_COLOR (any non-empty value) nor --no-color. */
export function wantColour(stream: { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/** Visible width of a string that may hold SGR codes. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * Wraps `text` to `width` columns: the first line starts with `first`, the
 * others with `rest`. A word longer than a line (a path) stays whole on its
 * own line rather than being cut.
 */
export function wrapLine(text: string, width: number, first: string, rest: string): string[] {
  // Split on single spaces so runs of spaces inside a line ("ERROR  id") survive.
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = first;
  let empty = true;
  for (const w of words) {
    if (!empty && w !== '' && visibleLength(cur) + 1 + visibleLength(w) > width) {
      lines.push(cur.trimEnd());
      cur = rest + w;
    } else if (empty) {
      if (w === '') continue;
      cur += w;
    } else cur = `${cur} ${w}`;
    empty = false;
  }
  lines.push(cur);
  return lines;
}
