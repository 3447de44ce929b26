'use strict';
// Runs the bundle (dist/tcrictl.js) through vm.Script so that V8 can reuse
// compiled code from a code cache instead of parsing ~2 MB of JavaScript on
// every start (Node 20 has no built-in compile cache for require()).
// Shared by bin/run.js, the single executable (scripts/sea-main.js) and the
// build step that writes the cache (scripts/warm-cache.js).
const fs = require('node:fs');
const vm = require('node:vm');
const Module = require('node:module');

/**
 * The bundle's first line names its build (a hash of its content); a cache
 * file starts with the same id. V8 itself only checks the source's length, so
 * without this a rebuilt bundle of equal length could run stale code.
 */
function buildId(source) {
  return /^\/\/ tcrictl-build ([0-9a-f]{16})/.exec(source)?.[1];
}

/** The V8 data of `file` if it was made for this exact bundle, else undefined. */
function readCodeCache(file, source) {
  const id = buildId(source);
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (!id || buf.length < 17 || buf.toString('latin1', 0, 17) !== `${id}\n`) return undefined;
  return buf.subarray(17);
}

/** Writes atomically (concurrent starts and builds never see half a file). */
function writeCodeCache(file, source, data) {
  const id = buildId(source);
  if (!id) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${id}\n`, 'latin1'), data]));
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Evaluates the bundle's source like require() would and returns its exports.
 * `cachedData` may be undefined or rejected by V8 (another Node version):
 * V8 then compiles normally and `cacheUsable()` says false.
 */
function loadBundle({ source, filename, dirname, cachedData, requireFn }) {
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
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
