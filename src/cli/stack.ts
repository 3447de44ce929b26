/**
 * -D's stack traces in source terms. The bundle is minified (scripts/build.js):
 * its frames (`dist/tcrictl.js:240:1812`, names like `i`) say nothing to a
 * reader, and Node applies no source map to code run through vm.Script
 * (bin/loader.js). So frames in the bundle are looked up in its source map,
 * `<bundle>.map`, read only here, on this rare path. Without a map (the
 * single executable carries none) the stack is left as it is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Entry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
}
export interface Lookup {
  findEntry(line: number, column: number): Entry | Record<string, never>;
  /** Sources are relative to the map's folder (dist/): shown relative to the package root. */
  base: string;
  /** scripts/build.js asciiOnly: per line of esbuild's text, the columns of characters it wrote as \uXXXX. */
  escapes: Record<string, number[]>;
}

/** The bundle's first line is `// tcrictl-build <id>`: esbuild's text starts on its second line. */
const HEADER_LINES = 1;
/** `é` (1 column) became `\u00e9` (6). */
const ESCAPE_GROWTH = 5;

const FRAME = /(\(|at )([^()\s]*\/tcrictl\.js):(\d+):(\d+)(\)?)$/;

/** `stack` with every frame in the bundle replaced by its source file, line and column. */
export function sourceStack(stack: string, lookupFor: (bundle: string) => Lookup | undefined = readLookup): string {
  return stack
    .split('\n')
    .map((line) => {
      const m = FRAME.exec(line);
      if (!m) return line;
      const [whole, open, file, l, c, close] = m;
      const lookup = lookupFor(file);
      const at = lookup && original(lookup, Number(l), Number(c));
      return at ? `${line.slice(0, line.length - whole.length)}${open}${at.source}:${at.line}:${at.column}${close}` : line;
    })
    .join('\n');
}

/**
 * Where the bundle's 1-based `line`, `column` comes from: `src/…` or
 * `node_modules/…`, with a 1-based line and column; undefined without a map
 * or a mapping there. (Also how test/bundle.test.ts names the modules a run
 * evaluated.)
 */
export function originalPosition(bundle: string, line: number, column: number, lookupFor = readLookup): { source: string; line: number; column: number } | undefined {
  const lookup = lookupFor(bundle);
  return lookup && original(lookup, line, column);
}

function original(lookup: Lookup, line: number, column: number): { source: string; line: number; column: number } | undefined {
  const genLine = line - 1 - HEADER_LINES;
  if (genLine < 0) return undefined;
  let genColumn = column - 1;
  // Undo asciiOnly's lengthening of this line, left to right.
  for (const at of lookup.escapes[String(genLine)] ?? []) if (genColumn > at) genColumn = Math.max(at, genColumn - ESCAPE_GROWTH);
  const e = lookup.findEntry(genLine, genColumn);
  if (e.originalSource === undefined || e.originalLine === undefined) return undefined;
  return { source: path.normalize(path.join(lookup.base, e.originalSource)), line: e.originalLine + 1, column: (e.originalColumn ?? 0) + 1 };
}

const lookups = new Map<string, Lookup | undefined>();

function readLookup(bundle: string): Lookup | undefined {
  if (lookups.has(bundle)) return lookups.get(bundle);
  lookups.set(bundle, undefined);
  try {
    const payload = JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')) as { x_tcrictl_escapes?: Record<string, number[]> };
    // node:module is loaded here only: it pulls in the ESM loader.
    const { SourceMap } = require('node:module') as typeof import('node:module');
    const map = new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]);
    const lookup: Lookup = { findEntry: (l, c) => map.findEntry(l, c) as Entry, escapes: payload.x_tcrictl_escapes ?? {}, base: path.basename(path.dirname(bundle)) };
    lookups.set(bundle, lookup);
    return lookup;
  } catch {
    return undefined;
  }
}
