/**
 * containerd's config file: parsed with the line of every key, its imports
 * expanded and merged as containerd merges them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileState, Ref, RuntimeConfigFacts } from '../facts';
import { mergeLayers, type ConfigLayer } from '../config-merge';
import { locateKeys, parseToml, type TomlSyntaxError, type TomlTable } from '../toml';
import { readFileState } from './host';

function keyLinesOf(text: string, file: string, into: Record<string, Ref>): void {
  const lines = text.split('\n');
  for (const [key, line] of locateKeys(text)) into[key] = { file, line, text: lines[line - 1].trim() };
}

function invalidState(file: string, text: string, e: TomlSyntaxError): FileState {
  const excerpt = e.line ? text.split('\n')[e.line - 1]?.trimEnd() : undefined;
  return { path: file, status: 'invalid', error: e.message, line: e.line, column: e.column, excerpt };
}

/**
 * Reads the config and its `imports` (globs, breadth-first, each file once, as
 * containerd loads them) and merges them as containerd 1.x does; the settings
 * step merges again as 2.x does when the daemon turns out to be 2.x.
 */
export function collectRuntimeConfig(file: string, how: RuntimeConfigFacts['how']): RuntimeConfigFacts {
  const main = readFileState(file);
  const facts: RuntimeConfigFacts = { how, state: main.state, keyLines: {}, imports: [] };
  if (main.text === undefined) return facts;
  try {
    facts.mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    /* raced with a rename: no mtime */
  }
  const parsed = parseToml(main.text);
  if (!parsed.ok) {
    keyLinesOf(main.text, file, facts.keyLines);
    facts.state = invalidState(file, main.text, parsed.error);
    return facts;
  }
  const v = parsed.data.version;
  facts.version = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 1;
  const layers: ConfigLayer[] = [{ file, text: main.text, data: parsed.data }];
  const loaded = new Set([file]);
  const pending = [...importsOf(parsed.data, file)];
  while (pending.length) {
    const imp = pending.shift()!;
    if (loaded.has(imp)) continue;
    loaded.add(imp);
    const r = readFileState(imp);
    if (r.text === undefined) {
      facts.imports.push(r.state);
      continue;
    }
    const p = parseToml(r.text);
    if (!p.ok) {
      keyLinesOf(r.text, imp, facts.keyLines);
      facts.imports.push(invalidState(imp, r.text, p.error));
      continue;
    }
    facts.imports.push(r.state);
    layers.push({ file: imp, text: r.text, data: p.data });
    pending.push(...importsOf(p.data, imp));
  }
  facts.layers = layers;
  applyMerge(facts, 1);
  return facts;
}

/** (Re-)merges the layers as containerd `major` does. */
export function applyMerge(facts: RuntimeConfigFacts, major: number): void {
  if (!facts.layers) return;
  const m = mergeLayers(facts.layers, major);
  const invalid = Object.fromEntries(Object.entries(facts.keyLines).filter(([, ref]) => facts.imports.some((i) => i.status === 'invalid' && i.path === ref.file)));
  facts.data = m.data;
  facts.keyLines = { ...m.keyLines, ...invalid };
  facts.replaced = m.replaced;
  facts.mergedAs = major < 2 ? 1 : 2;
}

function importsOf(data: TomlTable, file: string): string[] {
  const list = Array.isArray(data.imports) ? data.imports.filter((i): i is string => typeof i === 'string') : [];
  return list.flatMap((pattern) => expandImport(pattern, path.dirname(file)));
}

/** containerd resolves relative imports against the main file's directory and expands `*`. */
function expandImport(pattern: string, baseDir: string): string[] {
  const abs = path.isAbsolute(pattern) ? pattern : path.join(baseDir, pattern);
  if (!/[*?[]/.test(abs)) return [abs];
  const dir = path.dirname(abs);
  const re = new RegExp(`^${path.basename(abs).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return fs.readdirSync(dir).filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}
