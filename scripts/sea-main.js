'use strict';
// The single executable's main script (bundled by scripts/build-binary.js
// with bin/loader.js). The CLI bundle and its V8 code caches are SEA assets:
// nothing is read from disk and no `node` is needed on the machine.
const path = require('node:path');
const sea = require('node:sea');
const { isBuiltin } = require('node:module');
const { cacheAssetFor, cacheKind, loadBundle } = require('../bin/loader');

/**
 * The embedder's require() loads built-in modules only and warns on anything
 * else. The bundle has everything inlined; a few libraries probe for optional
 * packages (require.resolve in a try): answer them as npm would when the
 * package is not installed, quietly.
 */
function seaRequire(id) {
  if (isBuiltin(id)) return require(id);
  throw Object.assign(new Error(`Cannot find module '${id}' (not in the tcrictl executable)`), { code: 'MODULE_NOT_FOUND' });
}
seaRequire.resolve = (id) => {
  if (isBuiltin(id)) return id;
  throw Object.assign(new Error(`Cannot find module '${id}' (not in the tcrictl executable)`), { code: 'MODULE_NOT_FOUND' });
};

// argv[0] and argv[1] are both the executable in a single executable application.
const argv = process.argv.slice(2);
const source = Buffer.from(sea.getRawAsset('tcrictl.js')).toString('latin1');
let cachedData;
try {
  // The cache that suits this command line (help or commands).
  cachedData = Buffer.from(sea.getRawAsset(cacheAssetFor(cacheKind(argv))));
} catch {
  cachedData = undefined; // built without that cache: slower start, same behaviour
}
const dir = path.dirname(process.execPath);
const bundle = loadBundle({
  source,
  filename: path.join(dir, 'tcrictl.js'),
  dirname: dir,
  cachedData,
  requireFn: seaRequire,
});
if (process.env.TCRICTL_DEBUG_STARTUP) process.stderr.write(`tcrictl: code cache ${bundle.cacheUsable() ? 'used' : 'not used'}\n`);
bundle.exports.run(argv, dir);
