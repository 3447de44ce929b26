/**
 * TOML helpers for containerd's config: parsing with line/column on errors,
 * and a line locator so findings can say "config.toml:14" for a key.
 *
 * The locator is a line scanner, not a second parser: it tracks table headers
 * and `key = value` lines, skipping the bodies of multi-line arrays and
 * strings. That is all a location needs, and it never throws.
 */

export type TomlTable = Record<string, unknown>;

export interface TomlSyntaxError {
  message: string;
  line?: number;
  column?: number;
}

export type TomlParse = { ok: true; data: TomlTable } | { ok: false; error: TomlSyntaxError };

export function parseToml(text: string): TomlParse {
  // Loaded on first use: most diagnose runs parse one small file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('smol-toml') as typeof import('smol-toml');
  try {
    return { ok: true, data: parse(text) as TomlTable };
  } catch (err) {
    const e = err as Error & { line?: number; column?: number };
    // smol-toml appends a code excerpt after a blank line; the first line is the reason.
    const reason = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    const column = e.line ? containerdColumn(text.split('\n')[e.line - 1] ?? '', e.column, reason) : e.column;
    return { ok: false, error: { message: reason, line: e.line, column } };
  }
}

/**
 * The column containerd 1.x (go-toml v1) reports for the same error: it points
 * at the start of the offending token where smol-toml points where it gave up
 * (an unclosed `    [plugins.…` header: 71:6, not 71:45). Measured against
 * containerd 1.6.20 for unclosed headers, unterminated strings and bad
 * numbers; other errors already agree.
 */
export function containerdColumn(line: string, column: number | undefined, reason: string): number | undefined {
  const t = line.trimStart();
  const indent = line.length - t.length;
  if (t.startsWith('[') && !t.includes('=') && !/\]\s*(#.*)?$/.test(t)) return indent + 2;
  const eq = line.indexOf('=');
  if (eq < 0) return column;
  const valueAt = eq + 1 + (line.slice(eq + 1).length - line.slice(eq + 1).trimStart().length);
  if (/string|control character/i.test(reason) && /["']/.test(line[valueAt] ?? '')) return valueAt + 2;
  if (/numeric|number|digit/i.test(reason)) return valueAt + 1;
  return column;
}

/** Splits a dotted TOML key (`a."b.c".d`) into its parts, unquoting them. */
export function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (quote) {
      if (ch === '\\' && quote === '"' && i + 1 < key.length) {
        cur += key[++i];
      } else if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

export const KEY_SEP = '\u0000';

export function keyPath(parts: readonly string[]): string {
  return parts.join(KEY_SEP);
}

/** Strips a trailing comment that is not inside a string. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** The position of `=` that separates key and value, outside quotes; -1 if none. */
function assignmentIndex(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '=') return i;
  }
  return -1;
}

function bracketBalance(value: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
  }
  return depth;
}

/** Maps each table header and key (as `keyPath(parts)`) to its 1-based line. */
export function locateKeys(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  let table: string[] = [];
  let openArray = 0;
  let openString: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (openString) {
      if (raw.includes(openString)) openString = undefined;
      continue;
    }
    const line = stripComment(raw).trim();
    if (openArray > 0) {
      openArray += bracketBalance(line);
      continue;
    }
    if (line === '') continue;
    const header = /^\[\[?\s*(.*?)\s*\]\]?$/.exec(line);
    if (header && !line.includes('=')) {
      table = splitKey(header[1]);
      if (!out.has(keyPath(table))) out.set(keyPath(table), i + 1);
      continue;
    }
    const eq = assignmentIndex(line);
    if (eq <= 0) continue;
    const full = [...table, ...splitKey(line.slice(0, eq))];
    out.set(keyPath(full), i + 1);
    const value = line.slice(eq + 1).trim();
    const ml = /^("""|''')/.exec(value);
    if (ml && value.indexOf(ml[1], 3) < 0) openString = ml[1];
    else openArray = Math.max(0, bracketBalance(value));
  }
  return out;
}

/** Reads a nested value by path; undefined when any part is missing or not a table. */
export function getPath(data: unknown, parts: readonly string[]): unknown {
  let cur: unknown = data;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as TomlTable)[p];
  }
  return cur;
}

export function isTable(v: unknown): v is TomlTable {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}
