/**
 * containerd's merge of a config and its `imports`, as each version really
 * does it (services/server/config/config.go, mergeConfig):
 *
 * - Every version: files load breadth-first (the main file, its imports in
 *   order, then their imports), each file at most once. Top-level settings
 *   merge field by field with mergo.WithOverride: a set (non-zero) value of a
 *   later file wins, an empty one does not; arrays (disabled_plugins, …) are
 *   appended. `proxy_plugins`, `stream_processors` and `timeouts` entries are
 *   replaced whole.
 * - containerd before 2.0 then replaces each plugin's table whole:
 *   `to.Plugins[k] = v`. A drop-in that sets only
 *   [plugins."io.containerd.grpc.v1.cri".containerd] default_runtime_name
 *   drops everything else the main file set for the CRI plugin (CNI
 *   directories, sandbox image, runtimes) back to containerd's defaults.
 * - containerd 2.0 and later merge plugin tables key by key (containerd#9982).
 */
import type { Ref } from './facts';
import { isTable, keyPath, KEY_SEP, locateKeys, type TomlTable } from './toml';

export interface ConfigLayer {
  file: string;
  text: string;
  data: TomlTable;
}

/** A plugin table of an earlier file that a later file replaced whole (containerd < 2.0). */
export interface ReplacedTable {
  plugin: string;
  /** The file whose table won, and where that table starts. */
  by: string;
  byRef?: Ref;
  /** Settings of the earlier files that no longer apply: key path (dotted, for messages) → where it was set. */
  lost: { key: string; ref: Ref }[];
}

export interface MergedConfig {
  data: TomlTable;
  /** keyPath → where the effective value was set. */
  keyLines: Record<string, Ref>;
  replaced: ReplacedTable[];
}

const WHOLE_ENTRY_TABLES = new Set(['proxy_plugins', 'stream_processors', 'timeouts']);

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === 0n || v === false;
}

/** mergo.Merge(to, from, WithOverride, WithAppendSlice) on plain tables; `deep` merges nested tables key by key. */
function mergeValue(to: unknown, from: unknown): unknown {
  if (isTable(to) && isTable(from)) {
    const out: TomlTable = { ...to };
    for (const [k, v] of Object.entries(from)) out[k] = k in out ? mergeValue(out[k], v) : v;
    return out;
  }
  if (Array.isArray(to) && Array.isArray(from)) return [...to, ...from.filter((x) => !to.some((y) => JSON.stringify(y) === JSON.stringify(x)))];
  return isZero(from) && to !== undefined ? to : from;
}

function dotted(parts: string[]): string {
  return parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join('.');
}

/** Merges the layers (main file first) as containerd `major` does. */
export function mergeLayers(layers: ConfigLayer[], major: number): MergedConfig {
  let data: TomlTable = {};
  const keyLines: Record<string, Ref> = {};
  const replaced: ReplacedTable[] = [];
  for (const layer of layers) {
    const lines = layer.text.split('\n');
    const located = locateKeys(layer.text);
    const pluginsHere = isTable(layer.data.plugins) ? Object.keys(layer.data.plugins) : [];
    if (major < 2 && data.plugins) {
      for (const id of pluginsHere) {
        if (!isTable(data.plugins) || !(id in data.plugins)) continue;
        const prefix = keyPath(['plugins', id]) + KEY_SEP;
        const lost = Object.entries(keyLines)
          .filter(([k, ref]) => k.startsWith(prefix) && !located.has(k) && ref.file !== layer.file && isLeaf(data, k))
          .map(([k, ref]) => ({ key: dotted(k.split(KEY_SEP)), ref }));
        for (const k of Object.keys(keyLines)) if (k.startsWith(prefix) || k === keyPath(['plugins', id])) delete keyLines[k];
        const header = [...located.keys()].find((k) => k === keyPath(['plugins', id]) || k.startsWith(prefix));
        const line = header ? located.get(header) : undefined;
        replaced.push({ plugin: id, by: layer.file, byRef: line ? { file: layer.file, line, text: lines[line - 1].trim() } : { file: layer.file }, lost });
      }
    }
    const next: TomlTable = { ...data };
    for (const [k, v] of Object.entries(layer.data)) {
      if (k === 'plugins' && isTable(v) && major < 2) next.plugins = { ...(isTable(data.plugins) ? data.plugins : {}), ...v };
      else if (WHOLE_ENTRY_TABLES.has(k) && isTable(v)) next[k] = { ...(isTable(data[k]) ? (data[k] as TomlTable) : {}), ...v };
      else next[k] = k in data ? mergeValue(data[k], v) : v;
    }
    data = next;
    for (const [k, line] of located) {
      const value = valueAt(layer.data, k);
      // An empty value does not override a set one (mergo.WithOverride).
      if (value !== undefined && isZero(value) && keyLines[k] && !k.startsWith(`plugins${KEY_SEP}`)) continue;
      keyLines[k] = { file: layer.file, line, text: lines[line - 1].trim() };
    }
  }
  return { data, keyLines, replaced };
}

function valueAt(data: TomlTable, key: string): unknown {
  let cur: unknown = data;
  for (const p of key.split(KEY_SEP)) {
    if (!isTable(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

function isLeaf(data: TomlTable, key: string): boolean {
  const v = valueAt(data, key);
  return v !== undefined && !isTable(v);
}
