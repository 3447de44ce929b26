/**
 * Builds the floor (grpc-version.ts) the way scripts/build.js builds tcrictl: one
 * esbuild bundle (scripts/bundle-lib.js BUNDLE_OPTIONS: CommonJS, node20,
 * minified; ASCII, `// tcrictl-build <id>` first line) run by bin/loader.js
 * with a V8 code cache written after a first, warming run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../test/support/proto';

/** Returns the command line that runs the floor against `endpoint` (cache warmed by the bench's warm-up run). */
export async function buildFloor(dir: string, endpoint: string): Promise<string[]> {
  const root = repoRoot();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BUNDLE_OPTIONS, stampedBundle } = require(path.join(root, 'scripts', 'bundle-lib.js')) as {
    BUNDLE_OPTIONS: import('esbuild').BuildOptions;
    stampedBundle(text: string, note: string): { text: string };
  };
  const result = await esbuild.build({
    ...BUNDLE_OPTIONS,
    stdin: { contents: "require('./bench/floor/grpc-version').run(process.argv[2]);", resolveDir: root, sourcefile: 'floor-entry.ts', loader: 'ts' },
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const bundle = path.join(dir, 'floor.js');
  fs.writeFileSync(bundle, stampedBundle(result.outputFiles[0].text, 'bench floor').text, 'latin1');
  const launcher = path.join(dir, 'run-floor.js');
  const loader = JSON.stringify(path.join(root, 'bin', 'loader.js'));
  fs.writeFileSync(
    launcher,
    [
      "'use strict';",
      "const fs = require('node:fs');",
      `const { loadBundle, readCodeCache, writeCodeCache } = require(${loader});`,
      `const file = ${JSON.stringify(bundle)};`,
      "const source = fs.readFileSync(file, 'latin1');",
      "const cacheFile = `${file}.codecache`;",
      'const b = loadBundle({ source, filename: file, dirname: __dirname, cachedData: readCodeCache(cacheFile, source), requireFn: require });',
      "if (!b.cacheUsable()) process.once('exit', () => writeCodeCache(cacheFile, source, b.createCachedData()));",
    ].join('\n') + '\n',
  );
  return [process.execPath, launcher, endpoint];
}
