'use strict';
// Helpers shared by the build steps: where the bundle lives, which files are
// commands, and how the bundle's V8 code cache is made.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
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
 * esbuild escapes non-ASCII in strings but not inside regex literals. One such
 * character makes Node decode the file as UTF-8 into a two-byte string: ~10 ms
 * more per start for a 2 MB bundle. `\uXXXX` means the same in a regex (with or
 * without the u flag) and in comments; astral characters would need care, so
 * they stop the build. Returns the text and, per line (0-based) that changed,
 * the columns (of esbuild's text) of the characters escaped.
 */
function asciiOnly(text) {
  const escapes = {};
  const lines = text.split('\n').map((line, no) =>
    line.replace(/[^\x00-\x7f]/g, (ch, col) => {
      const code = ch.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) throw new Error(`bundle: astral character U+${ch.codePointAt(0).toString(16)} in a regex or comment; escape it in the source`);
      (escapes[no] ??= []).push(col);
      return `\\u${code.toString(16).padStart(4, '0')}`;
    }),
  );
  return { text: lines.join('\n'), escapes };
}

/**
 * esbuild's text as a bundle file: ASCII (asciiOnly), with the first line
 * `// tcrictl-build <id> (<note>)`, the id a hash of the text that ties a
 * code cache to this exact bundle (bin/loader.js). Also the bench's floor.
 */
function stampedBundle(esbuildText, note) {
  const { text, escapes } = asciiOnly(esbuildText);
  const id = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { text: `// tcrictl-build ${id} (${note})\n${text}`, escapes };
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
module.exports = { BUNDLE, BUNDLE_OPTIONS, SOURCE_MAP, METAFILE, stampedBundle, CACHE_KINDS, CODE_CACHE: CODE_CACHES.commands, CODE_CACHES, commandFiles, warmCodeCache };
