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
  // @oclif/core checks the Node version with semver while it loads (~3 ms);
  // package.json's engines already says >=20. Skipped for this load only.
  const ENGINE = 'OCLIF_DISABLE_ENGINE_WARNING';
  const hadEngine = Object.prototype.hasOwnProperty.call(process.env, ENGINE);
  if (!hadEngine) process.env[ENGINE] = '1';
  try {
    script.runInThisContext()(mod.exports, requireFn, mod, filename, dirname);
  } finally {
    if (!hadEngine) delete process.env[ENGINE];
  }
  mod.loaded = true;
  return {
    exports: mod.exports,
    cacheUsable: () => cachedData !== undefined && !script.cachedDataRejected,
    // After running: includes the functions compiled lazily during this run.
    createCachedData: () => script.createCachedData(),
  };
}

module.exports = { buildId, loadBundle, readCodeCache, writeCodeCache };
