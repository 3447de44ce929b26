/**
 * `tcrictl config`: reads and changes crictl.yaml the way crictl does — every
 * key of crictl's, values checked with the same parsers as loading
 * (crictl-config.ts), comments, order and quoting kept (a YAML document,
 * edited in place), missing keys appended. The file is replaced atomically
 * (written beside it, then renamed), so a crash never leaves half a file, and
 * a bad key or value leaves it untouched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Document } from 'yaml';
import { UsageError } from '../cli/cli-error';
import { FileRefused, readRegularFileSync } from '../cli/regular-file';
import { KEYS, MAX_CONFIG_BYTES, parseBool, parseInt_ } from './crictl-config';

/** crictl's keys in crictl's --list order, with the value `--get` prints when the file does not set it. */
export const OPTIONS: Array<[string, string]> = [
  ['runtime-endpoint', ''],
  ['image-endpoint', ''],
  ['timeout', '0'],
  ['debug', 'false'],
  ['pull-image-on-create', 'false'],
  ['disable-pull-on-run', 'false'],
  ['max-retries', '0'],
];

const INT_KEYS = new Set(['timeout', 'max-retries']);
const STRING_KEYS = new Set(['runtime-endpoint', 'image-endpoint']);

function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

function checkKey(key: string): void {
  if (!Object.prototype.hasOwnProperty.call(KEYS, key)) {
    throw new UsageError(`no configuration option named ${key}`, `valid options: ${OPTIONS.map((o) => o[0]).join(', ')}`);
  }
}

/** The file as a YAML document (an empty one if the file does not exist). */
export function readConfigDocument(file: string): Document {
  let text = '';
  try {
    // As loadCrictlConfig reads it: a FIFO or /dev/zero would block or never end.
    text = readRegularFileSync(file, MAX_CONFIG_BYTES);
  } catch (err) {
    if (err instanceof FileRefused) throw new UsageError(`config file ${err.message}`, 'fix the -c/--config path or CRI_CONFIG_FILE');
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`load config file ${file}: ${doc.errors[0].message.split('\n')[0]}`, 'fix the file by hand');
  const value = doc.toJS() as unknown;
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new UsageError(`load config file ${file}: the file is not a YAML mapping of crictl options`, 'fix the file by hand');
  }
  return doc;
}

/** The value crictl prints for `--get key` (Go's formatting of the typed value). */
export function getOption(doc: Document, key: string): string {
  checkKey(key);
  const v = doc.get(key) as unknown;
  if (v === undefined || v === null) return OPTIONS.find((o) => o[0] === key)![1];
  if (STRING_KEYS.has(key)) return String(v);
  return INT_KEYS.has(key) ? String(parseInt_(key, v)) : String(parseBool(key, v));
}

/** Sets `key` to `value` (checked and typed as loading would read it). */
export function setOption(doc: Document, key: string, value: string): void {
  checkKey(key);
  let typed: string | number | boolean = value;
  try {
    if (INT_KEYS.has(key)) typed = parseInt_(key, value);
    else if (!STRING_KEYS.has(key)) typed = parseBool(key, value);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}`, INT_KEYS.has(key) ? `${key} takes a whole number` : `${key} takes true or false`);
  }
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  doc.set(key, typed);
}

/** Writes the document beside `file` and renames it over the file: all or nothing. */
export function writeConfigAtomically(file: string, doc: Document): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  let mode = 0o600; // current crictl creates the file 0600
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    /* a new file */
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, doc.toString());
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
