#!/usr/bin/env node
'use strict';
// The `tcrictl` command of the npm package: runs the bundle dist/tcrictl.js
// (everything inlined, see scripts/build.js) with the V8 code cache that suits
// the command line (help or commands, bin/loader.js cacheKind).
// Errors are reported inside the bundle (src/cli/errors.ts), in one place.
const fs = require('node:fs');
const path = require('node:path');
const { cacheFileFor, cacheKind, loadBundle, readCodeCache, writeCodeCache } = require('./loader');

const root = path.resolve(__dirname, '..');
const filename = path.join(root, 'dist', 'tcrictl.js');
const argv = process.argv.slice(2);
const cacheFile = cacheFileFor(filename, cacheKind(argv));

let source;
try {
  // The build guarantees ASCII (scripts/build.js): latin1 decoding is exact and 3-5x faster than UTF-8.
  source = fs.readFileSync(filename, 'latin1');
} catch {
  process.stderr.write(`tcrictl: ${filename} is missing\n  hint: run 'npm run build' first\n`);
  process.exitCode = 1;
}
if (source !== undefined) {
  const bundle = loadBundle({
    source,
    filename,
    dirname: path.dirname(filename),
    cachedData: readCodeCache(cacheFile, source),
    requireFn: require,
  });
  if (process.env.TCRICTL_DEBUG_STARTUP) process.stderr.write(`tcrictl: code cache ${bundle.cacheUsable() ? 'used' : 'not used'}\n`);
  if (!bundle.cacheUsable() && !process.env.TCRICTL_NO_CODE_CACHE) {
    // Missing, or made by another Node version: write this kind's cache for the next start, if we may.
    process.once('exit', () => {
      try {
        writeCodeCache(cacheFile, source, bundle.createCachedData());
      } catch {
        // A read-only install just starts slower.
      }
    });
  }
  bundle.exports.run(argv, root);
}
