'use strict';
// Helpers shared by the build steps: where the bundle lives, which files are
// commands, and how the bundle's V8 code cache is made.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { cacheFileFor } = require('../bin/loader');

const root = path.resolve(__dirname, '..');
const BUNDLE = path.join(root, 'dist', 'tcrictl.js');
/** The bundle's source map (scripts/build.js; read by src/cli/stack.ts for -D). */
const SOURCE_MAP = `${BUNDLE}.map`;
/**
 * How the bundle is made, also for the bench's grpc-js floor (bench/floor/build.ts):
 * one CommonJS file for Node 20, minified. Minified, V8 reads half the text
 * and a smaller code cache at every start: `version` ~20 ms sooner (README, Speed).
 */
const BUNDLE_OPTIONS = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, legalComments: 'none' };
/** esbuild's metafile of the bundle: its inputs, by path. */
const METAFILE = path.join(root, 'dist', 'tcrictl.meta.json');
/** The bundle's code caches by kind (bin/loader.js cacheKind). */
const CACHE_KINDS = ['commands', 'help'];
const CODE_CACHES = Object.fromEntries(CACHE_KINDS.map((kind) => [kind, cacheFileFor(BUNDLE, kind)]));

/** [id, file] for every command module under src/commands, as oclif's pattern strategy would name them. */
function commandFiles(base) {
  const dir = path.join(base, 'src', 'commands');
  const out = [];
  const walk = (d, prefix) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, [...prefix, e.name]);
      else if (/\.tsx?$/.test(e.name) && !/\.(d|test|spec)\.tsx?$/.test(e.name)) {
        const name = e.name.replace(/\.tsx?$/, '');
        const id = [...prefix, ...(name === 'index' ? [] : [name])].join(':');
        if (id) out.push([id, p]);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir, []);
  return out;
}

/**
 * Runs the fresh bundle through the start-up paths of each cache kind and
 * saves V8's code for every function that ran, so a real start compiles
 * almost nothing. Each kind in a child process of its own (warm-cache.js):
 * the commands' cache must not carry oclif's help renderer.
 */
function warmCodeCache() {
  for (const kind of CACHE_KINDS) {
    execFileSync(process.execPath, [path.join(__dirname, 'warm-cache.js'), BUNDLE, CODE_CACHES[kind], kind], { stdio: 'inherit' });
  }
}

// CODE_CACHE (the commands' cache): the name scripts/build.js imports.
module.exports = { BUNDLE, BUNDLE_OPTIONS, SOURCE_MAP, METAFILE, CACHE_KINDS, CODE_CACHE: CODE_CACHES.commands, CODE_CACHES, commandFiles, warmCodeCache };
