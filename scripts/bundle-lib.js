'use strict';
// Helpers shared by the build steps: where the bundle lives, which files are
// commands, and how the bundle's V8 code cache is made.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const BUNDLE = path.join(root, 'dist', 'tcrictl.js');
const CODE_CACHE = `${BUNDLE}.codecache`;

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
 * Runs the fresh bundle once in a child process (help, then a version call that
 * fails fast on a missing socket) and saves V8's code for every function that
 * ran, so a real start compiles almost nothing.
 */
function warmCodeCache() {
  execFileSync(process.execPath, [path.join(__dirname, 'warm-cache.js'), BUNDLE, CODE_CACHE], { stdio: 'inherit' });
}

module.exports = { BUNDLE, CODE_CACHE, commandFiles, warmCodeCache };
