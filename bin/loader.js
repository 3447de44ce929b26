'use strict';
// Runs the bundle (dist/tcrictl.js) through vm.Script so that V8 can reuse
// compiled code from a code cache instead of parsing ~2 MB of JavaScript on
// every start (Node 20 has no built-in compile cache for require()).
// Shared by bin/run.js, the single executable (scripts/sea-main.js) and the
// build step that writes the cache (scripts/warm-cache.js).
const fs = require('node:fs');
const vm = require('node:vm');

/**
 * The bundle's first line names its build (a hash of its content); a cache
 * file starts with the same id. V8 itself only checks the source's length, so
 * without this a rebuilt bundle of equal length could run stale code.
 */
function buildId(source) {
  return /^\/\/ tcrictl-build ([0-9a-f]{16})/.exec(source)?.[1];
}

/**
 * The V8 data of `file` if it was made for this exact bundle and is complete,
 * else undefined. V8 rejects a cache from another V8 version or other flags by
 * itself, but it trusts the bytes it is given: a truncated file must never
 * reach it. The first line is `<build id> <byte count>`.
 */
function readCodeCache(file, source) {
  const id = buildId(source);
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const nl = buf.indexOf(10);
  if (!id || nl < 0 || nl > 64) return undefined;
  const [cacheId, size] = buf.toString('latin1', 0, nl).split(' ');
  const data = buf.subarray(nl + 1);
  if (cacheId !== id || Number(size) !== data.length) return undefined;
  return data;
}

/**
 * Which of the bundle's two code caches suits this command line. V8 reads a
 * whole cache on every start, so each holds only what its paths run: the
 * commands' cache oclif's parser and the commands, the help cache oclif's
 * help renderer (see src/cli/oclif-runtime.ts). Mirrors its routing cheaply,
 * without the manifest: an unknown command (or a `--help` that main.ts would
 * protect as exec's remote command) gets the wrong cache, which costs speed,
 * never correctness: V8 compiles whatever the cache lacks.
 * @param {string[]} argv the arguments after the program's name
 * @returns {'help' | 'commands'}
 */
function cacheKind(argv) {
  // `help [COMMAND]` is crictl's spelling of `[COMMAND] --help`.
  if (argv.length === 0 || argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'help') return 'help';
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--help' || a === '-h') return 'help';
  }
  return 'commands';
}

/** The cache file of `kind` next to the bundle: tcrictl.js.codecache, tcrictl.js.help.codecache. */
function cacheFileFor(bundleFile, kind) {
  return kind === 'help' ? `${bundleFile}.help.codecache` : `${bundleFile}.codecache`;
}

/** The single executable's asset name for the cache of `kind` (scripts/build-binary.js, scripts/sea-main.js). */
function cacheAssetFor(kind) {
  return kind === 'help' ? 'tcrictl.help.codecache' : 'tcrictl.codecache';
}

/** Writes atomically (concurrent starts and builds never see half a file). */
function writeCodeCache(file, source, data) {
  const id = buildId(source);
  if (!id) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${id} ${data.length}\n`, 'latin1'), data]));
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * What Module.wrap gives (CommonJS' function wrapper), without loading the
 * public 'module' built-in and the ESM loader it pulls in (~2 ms a start).
 */
function wrap(source) {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/**
 * Evaluates the bundle's source like require() would and returns its exports.
 * `cachedData` may be undefined or rejected by V8 (another Node version):
 * V8 then compiles normally and `cacheUsable()` says false.
 */
function loadBundle({ source, filename, dirname, cachedData, requireFn }) {
  const script = new vm.Script(wrap(source), { filename, cachedData });
  const mod = { exports: {}, filename, id: filename, loaded: false };
  script.runInThisContext()(mod.exports, requireFn, mod, filename, dirname);
  mod.loaded = true;
  return {
    exports: mod.exports,
    cacheUsable: () => cachedData !== undefined && !script.cachedDataRejected,
    // After running: includes the functions compiled lazily during this run.
    createCachedData: () => script.createCachedData(),
  };
}

module.exports = { buildId, cacheAssetFor, cacheFileFor, cacheKind, loadBundle, readCodeCache, wrap, writeCodeCache };
