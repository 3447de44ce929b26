/**
 * The bundle that `tcrictl` runs (dist/tcrictl.js, scripts/build.js): ASCII
 * with a build id, its two code caches (help, commands) accepted by this Node
 * and picked by the command line, every command in it, the libraries tcrictl
 * runs on in it (esbuild's metafile) and evaluated, and lazy: `version` and
 * `--help` evaluate neither other commands nor the libraries only they use.
 * Laziness is observed with V8's coverage and the bundle's source map.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import type * as http2 from 'node:http2';
import * as os from 'node:os';
import * as path from 'node:path';
import { originalPosition } from '../src/cli/stack';

const root = path.resolve(__dirname, '..', '..');
const bundleFile = path.join(root, 'dist', 'tcrictl.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadBundle, wrap } = require(path.join(root, 'bin', 'loader.js')) as {
  wrap(source: string): string;
  loadBundle(o: { source: string; filename: string; dirname: string; cachedData?: Buffer; requireFn: NodeJS.Require }): { exports: { run(argv: string[], root: string): Promise<void>; COMMANDS: Record<string, unknown> } };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheKind } = require(path.join(root, 'bin', 'loader.js')) as { cacheKind(argv: string[]): 'help' | 'commands' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cannedServer, warmRuns } = require(path.join(root, 'scripts', 'warm-cache.js')) as {
  cannedServer(socket: string): Promise<http2.Http2Server>;
  warmRuns(kind: string, endpoint: string): string[][];
};

/**
 * Constants of a method that runs only when oclif renders a command's help
 * (help/command.js sections()): V8 keeps them in a cache that holds its
 * compiled code. The bundle is minified, so strings, not function names.
 */
const HELP_ONLY_NAMES = ['ARGUMENTS', 'FLAG DESCRIPTIONS', 'usageHeader'];

function namesIn(cacheFile: string): string[] {
  const data = fs.readFileSync(cacheFile).toString('latin1');
  return HELP_ONLY_NAMES.filter((n) => data.includes(n));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `runJs` (a bin/run.js) asynchronously: the canned server answers from this process. */
function runCli(runJs: string, argv: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [runJs, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A package root in a temp dir: bin/ and the bundle, plus the given cache files of dist/. */
function copyPackage(into: string, caches: string[]): string {
  fs.mkdirSync(path.join(into, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(into, 'dist'));
  for (const f of ['run.js', 'loader.js']) fs.copyFileSync(path.join(root, 'bin', f), path.join(into, 'bin', f));
  for (const f of ['tcrictl.js', ...caches]) fs.copyFileSync(path.join(root, 'dist', f), path.join(into, 'dist', f));
  return path.join(into, 'bin', 'run.js');
}

let copies = 0;
/** The length of bin/loader.js's CommonJS wrapper in front of the bundle's text. */
const WRAPPER = wrap('\u0000').indexOf('\u0000');

/**
 * Runs argv in a fresh copy of the bundle; returns the modules it evaluated.
 * The bundle is minified: module names are gone from it. So V8's precise
 * coverage says which of the copy's functions ran, and the source map
 * (src/cli/stack.ts) which module each lies in: a module with a function
 * that ran, its initialiser at least, was evaluated.
 */
async function modulesEvaluatedBy(argv: string[]): Promise<string[]> {
  const session = new inspector.Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  // A comment of its own: V8 would share one script (and its counts) between copies of the same text.
  const source = `${fs.readFileSync(bundleFile, 'latin1')}\n// copy ${++copies}`;
  const write = process.stdout.write;
  try {
    const b = loadBundle({ source, filename: bundleFile, dirname: path.dirname(bundleFile), requireFn: require });
    process.stdout.write = () => true;
    await b.exports.run(argv, root);
  } finally {
    process.stdout.write = write;
    process.exitCode = undefined;
  }
  const { result } = await post<inspector.Profiler.TakePreciseCoverageReturnType>('Profiler.takePreciseCoverage');
  await post('Profiler.stopPreciseCoverage');
  session.disconnect();
  // Earlier tests' copies have the same url: this copy is the newest script.
  const script = result.filter((s) => s.url === bundleFile || s.url === `file://${bundleFile}`).sort((a, b) => Number(a.scriptId) - Number(b.scriptId)).pop();
  assert.ok(script, 'no coverage for the bundle');
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const modules = new Set<string>();
  for (const fn of script.functions) {
    const range = fn.ranges[0];
    // The whole script (the wrapper) is not a module's.
    if (range.count === 0 || range.startOffset < WRAPPER) continue;
    // The middle of a function lies in its module: its first character may be esbuild's, not the module's.
    const at = Math.floor((range.startOffset + range.endOffset) / 2) - WRAPPER;
    let line = lineStarts.length - 1;
    while (lineStarts[line] > at) line--;
    const pos = originalPosition(bundleFile, line + 1, at - lineStarts[line] + 1);
    if (pos) modules.add(pos.source);
  }
  return [...modules];
}

/**
 * The libraries tcrictl runs on: each must be in the bundle (esbuild's
 * metafile) and evaluated by the command line given with it. ora draws
 * spinners, which need a terminal: in the bundle is checked.
 */
const RUN_LIBRARIES: Array<{ pkg: string; argv?: (endpoint: string) => string[] }> = [
  { pkg: '@grpc/grpc-js', argv: (ep) => ['version', '-r', ep] },
  { pkg: '@grpc/proto-loader', argv: (ep) => ['version', '-r', ep] },
  { pkg: '@oclif/core', argv: (ep) => ['version', '-r', ep] },
  { pkg: 'cli-table3', argv: (ep) => ['ps', '-r', ep] },
  { pkg: 'ora' },
];
/** The transport: a usage error or help never evaluates it. */
// (grpc-js's status constants excepted: a tiny module that errors.ts names codes with;
// the source map names grpc-js's TypeScript, src/constants.ts, for build/src/constants.js)
const TRANSPORT = [/node_modules\/@grpc\/(?!grpc-js\/(build\/)?src\/constants\.[jt]s$)/, /node_modules\/protobufjs\//];
const NOT_AT_RUN_TIME: RegExp[] = [];
const HEAVY_FOR_OTHERS = [/node_modules\/cli-table3\//, /node_modules\/ora\//, /node_modules\/yaml\//, /node_modules\/ws\//, /node_modules\/smol-toml\//, /src\/diagnose\//, /src\/commands\/(?!version\.ts)/];

describe('dist/tcrictl.js', () => {
  let dir: string;
  let server: http2.Http2Server;
  let endpoint: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-bundle-'));
    const socket = path.join(dir, 'cri.sock');
    server = await cannedServer(socket);
    endpoint = `unix://${socket}`;
  });
  after(() => {
    server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is ASCII and names its build on the first line (the code cache is tied to it)', () => {
    const buf = fs.readFileSync(bundleFile);
    assert.match(buf.subarray(0, 80).toString('latin1'), /^\/\/ tcrictl-build [0-9a-f]{16} /);
    assert.equal(buf.findIndex((b) => b > 0x7f), -1, 'non-ASCII byte: Node would decode the file as UTF-8 on every start');
  });

  it('has every command of src/commands, each evaluated only when asked for', () => {
    const names = fs.readdirSync(path.join(root, 'src', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    for (const n of names) assert.ok(n in manifest.commands, `${n} is not in oclif.manifest.json`);
    const b = loadBundle({ source: fs.readFileSync(bundleFile, 'latin1'), filename: bundleFile, dirname: path.dirname(bundleFile), requireFn: require });
    assert.deepEqual(Object.keys(b.exports.COMMANDS).sort(), names.sort());
    const d = Object.getOwnPropertyDescriptor(b.exports.COMMANDS, 'version');
    assert.equal(typeof d?.get, 'function', 'commands must be getters (lazy)');
  });

  it('holds the libraries tcrictl runs on (esbuild metafile), and runs them', async () => {
    const meta = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'tcrictl.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    for (const { pkg, argv } of RUN_LIBRARIES) {
      const prefix = `node_modules/${pkg}/`;
      assert.ok(inputs.some((i) => i.startsWith(prefix)), `${pkg} is not in the bundle`);
      if (!argv) continue;
      const mods = await modulesEvaluatedBy(argv(endpoint));
      assert.ok(mods.some((m) => m.startsWith(prefix)), `${argv(endpoint).join(' ')} did not evaluate ${pkg}`);
    }
  });

  it('`version` evaluates no other command, none of cli-table3, ora, yaml, ws, smol-toml', async () => {
    const mods = await modulesEvaluatedBy(['version', '-r', endpoint]);
    assert.ok(mods.includes('src/commands/version.ts'), `version did not run: ${mods.join(' ')}`);
    const heavy = mods.filter((m) => HEAVY_FOR_OTHERS.some((re) => re.test(m)) || NOT_AT_RUN_TIME.some((re) => re.test(m)));
    assert.deepEqual(heavy, []);
  });

  it('`--help` evaluates oclif but no command module and not the transport', async () => {
    const mods = await modulesEvaluatedBy(['--help']);
    assert.ok(mods.some((m) => m.includes('@oclif/core/')), 'oclif renders the help');
    assert.deepEqual(mods.filter((m) => m.startsWith('src/commands/') || HEAVY_FOR_OTHERS.some((re) => re.test(m)) || TRANSPORT.some((re) => re.test(m))), []);
  });

  it('a usage error evaluates not the transport', async () => {
    const mods = await modulesEvaluatedBy(['ps', '-o', 'xml', '-r', endpoint]);
    assert.ok(mods.includes('src/commands/ps.ts'), `ps did not run: ${mods.join(' ')}`);
    assert.deepEqual(mods.filter((m) => TRANSPORT.some((re) => re.test(m))), []);
  });

  it('starts with its code cache on this Node (bin/run.js), for commands and for help', async () => {
    const env = { TCRICTL_DEBUG_STARTUP: '1', TCRICTL_NO_CODE_CACHE: '1' };
    const runJs = path.join(root, 'bin', 'run.js');
    const v = await runCli(runJs, ['version', '-r', endpoint], env);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /RuntimeName:  warm-up/);
    assert.match(v.stderr, /^tcrictl: code cache used$/m);
    const h = await runCli(runJs, ['--help'], env);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /USAGE/);
    assert.match(h.stderr, /^tcrictl: code cache used$/m);
  });

  it('bin/run.js picks the cache of the command line\'s kind, and writes back only that one', async () => {
    const onlyHelp = copyPackage(path.join(dir, 'only-help'), ['tcrictl.js.help.codecache']);
    const noWrite = { TCRICTL_DEBUG_STARTUP: '1', TCRICTL_NO_CODE_CACHE: '1' };
    assert.match((await runCli(onlyHelp, ['--help'], noWrite)).stderr, /^tcrictl: code cache used$/m);
    assert.match((await runCli(onlyHelp, ['version', '-r', endpoint], noWrite)).stderr, /^tcrictl: code cache not used$/m);

    const none = copyPackage(path.join(dir, 'none'), []);
    const h = await runCli(none, ['--help'], { TCRICTL_DEBUG_STARTUP: '1' });
    assert.match(h.stderr, /^tcrictl: code cache not used$/m);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'none', 'dist')).sort(), ['tcrictl.js', 'tcrictl.js.help.codecache']);
    assert.match((await runCli(none, ['ps', '--help'], noWrite)).stderr, /^tcrictl: code cache used$/m, 'the written help cache is accepted');
  });

  it('keeps oclif\'s help out of the commands\' cache (dist/tcrictl.js.codecache)', () => {
    // The markers are meaningful: the help cache has them.
    assert.deepEqual(namesIn(`${bundleFile}.help.codecache`), HELP_ONLY_NAMES);
    assert.deepEqual(namesIn(`${bundleFile}.codecache`), [], 'help was warmed into the commands\' cache');
  });

  it('warms each cache with command lines of its own kind, in a process of its own', () => {
    for (const kind of ['commands', 'help'] as const) {
      const runs = warmRuns(kind, 'unix:///nowhere.sock');
      assert.ok(runs.length > 0);
      assert.deepEqual(runs.filter((argv) => cacheKind(argv) !== kind), [], `${kind} warm-up`);
    }
    // A fresh commands warm-up (scripts/warm-cache.js, as the build runs it) compiles none of oclif's help.
    const out = path.join(dir, 'fresh.codecache');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'warm-cache.js'), bundleFile, out, 'commands'], { stdio: 'pipe' });
    assert.deepEqual(namesIn(out), []);
  });
});

describe('cacheKind (bin/loader.js): which code cache a command line starts with', () => {
  const cases: Array<[string[], 'help' | 'commands']> = [
    [[], 'help'],
    [['--help'], 'help'],
    [['--version'], 'help'],
    [['help', 'ps'], 'help'],
    [['version', '--help'], 'help'],
    [['ps', '-a', '--help'], 'help'],
    [['-r', 'unix:///x.sock', 'ps', '--help'], 'help'],
    [['version'], 'commands'],
    [['ps', '-a', '-o', 'json'], 'commands'],
    [['-r', 'unix:///x.sock', 'pods'], 'commands'],
    [['exec', '-it', 'abc', '--', 'sh', '--help'], 'commands'],
    [['ps', '--version'], 'commands'],
  ];
  for (const [argv, kind] of cases) {
    it(`${JSON.stringify(argv)} → ${kind}`, () => assert.equal(cacheKind(argv), kind));
  }
});

