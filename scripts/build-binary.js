#!/usr/bin/env node
// `npm run build:binary`: dist/tcrictl, a self-contained Linux executable made
// with Node's single executable application support from the `node` running
// this script (nothing is downloaded): the bundle and its two code caches
// (help and commands, bin/loader.js cacheKind) become SEA assets, postject
// injects the blob into a copy of that node binary.
// Run after `npm run build` (the npm script does both).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BUNDLE, CACHE_KINDS, CODE_CACHES } = require('./bundle-lib');
const { buildId, cacheAssetFor, readCodeCache } = require('../bin/loader');

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'dist', 'tcrictl');
const STAMP = `${OUT}.build-id`;
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function main() {
  if (process.platform !== 'linux') throw new Error(`build:binary makes a Linux executable; this is ${process.platform}`);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12)) throw new Error(`Node ${process.version} cannot embed assets in a single executable; use Node 20.12 or later`);
  const source = fs.readFileSync(BUNDLE, 'latin1');
  if (!buildId(source)) throw new Error(`${BUNDLE} is not a tcrictl bundle; run 'npm run build' first`);
  // A cache missing or made for another bundle is left out: that kind of start compiles.
  const caches = CACHE_KINDS.map((kind) => [kind, readCodeCache(CODE_CACHES[kind], source)]).filter(([, data]) => data);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-sea-'));
  try {
    const mainFile = path.join(work, 'sea-main.js');
    require('esbuild').buildSync({
      entryPoints: [path.join(__dirname, 'sea-main.js')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: mainFile,
      logLevel: 'warning',
    });
    const assets = { 'tcrictl.js': BUNDLE };
    for (const [kind, data] of caches) {
      const asset = cacheAssetFor(kind);
      fs.writeFileSync(path.join(work, asset), data);
      assets[asset] = path.join(work, asset);
    }
    const blob = path.join(work, 'sea.blob');
    const config = { main: mainFile, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets };
    fs.writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify(config, null, 2));
    const prep = spawnSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], { encoding: 'utf8' });
    if (prep.status !== 0) throw new Error(`node --experimental-sea-config failed: ${prep.stderr || prep.stdout}`);

    const tmpOut = `${OUT}.${process.pid}.tmp`;
    fs.copyFileSync(process.execPath, tmpOut);
    fs.chmodSync(tmpOut, 0o755);
    const postject = path.join(root, 'node_modules', 'postject', 'dist', 'cli.js');
    // postject's ELF library warns about every note section of node's binary
    // ("Can't find string offset for section name '.note…'"): harmless, hidden.
    const r = spawnSync(process.execPath, [postject, tmpOut, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], { encoding: 'utf8' });
    const noise = /^warning: Can't find string offset for section name '\.note/;
    const errLines = (r.stderr || '').split('\n').filter((l) => l.trim() && !noise.test(l));
    if (errLines.length) process.stderr.write(errLines.join('\n') + '\n');
    if (r.status !== 0) throw new Error(`postject failed (exit ${r.status})`);
    fs.renameSync(tmpOut, OUT);
    // Which bundle is inside, so tests (test/ship.e2e.test.ts) can tell a stale executable.
    fs.writeFileSync(STAMP, `${buildId(source)}\n`);
    const mib = (fs.statSync(OUT).size / 1048576).toFixed(0);
    console.log(`build:binary: ${path.relative(root, OUT)} (${mib} MiB, node ${process.version}${caches.length ? `, code caches: ${caches.map(([kind]) => kind).join(', ')}` : ', no code cache'})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  console.error(`build:binary: ${err && err.message ? err.message : err}`);
  process.exitCode = 1;
}
