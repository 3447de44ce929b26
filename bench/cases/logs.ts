/**
 * Cases from bench/logs.ts, if that file exists (it belongs to the logs
 * work): it should export `default` (or `cases`) as a BenchCase or an array.
 * Loaded at run time so this file compiles whether or not it exists yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchCase } from '../lib';

function load(): BenchCase[] {
  const file = path.join(__dirname, '..', 'logs.js');
  if (!fs.existsSync(file)) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: BenchCase | BenchCase[]; cases?: BenchCase | BenchCase[] };
  const found = mod.default ?? mod.cases ?? [];
  return Array.isArray(found) ? found : [found];
}

export default load();
