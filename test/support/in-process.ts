/**
 * Runs a tcrictl command line inside the test process, as gh's tests run a
 * command with a Factory and IOStreams: the same main() the bundle runs
 * (argv handling, oclif, errors.ts), with stdout and stderr captured in
 * buffers (src/cli/io.ts) and, if given, a connection factory. Help and
 * `--version` are printed by oclif itself, to the process's stdout: test
 * those with runCli (test/fake/cli.ts), which spawns the binary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { BaseCommand, type ConnectionFactory } from '../../src/cli/base-command';
import { setIOStreams } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import type { CommandRegistry, Embedded } from '../../src/cli/oclif-runtime';
import { makeHostRoot } from '../fake/cli';
import { repoRoot } from './proto';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Environment variables set for the run (undefined removes one); restored afterwards. */
  env?: Record<string, string | undefined>;
  connectionFactory?: ConnectionFactory;
}

let embedded: Embedded | undefined;

/** The CLI as the bundle embeds it, from the compiled sources and the committed manifest. */
function cli(): Embedded {
  if (embedded) return embedded;
  const root = repoRoot();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
  const commands: CommandRegistry = {};
  const dir = path.join(__dirname, '..', '..', 'src', 'commands');
  for (const id of Object.keys(manifest.commands)) {
    Object.defineProperty(commands, id, { enumerable: true, get: () => require(path.join(dir, `${id}.js`)).default });
  }
  embedded = { root, pjson: { name: pkg.name, version: pkg.version, oclif: pkg.oclif } as Embedded['pjson'], manifest, commands };
  return embedded;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Isolated like runCli: no endpoint or config variables from whoever runs the tests. */
const ISOLATED_VARS = ['CONTAINER_RUNTIME_ENDPOINT', 'IMAGE_SERVICE_ENDPOINT', 'CRI_CONFIG_FILE', 'TCRICTL_ENDPOINTS'];

/** Runs one command line; never two at once (the streams and the environment are the process's). */
export async function runInProcess(argv: string[], opts: InProcessOptions = {}): Promise<InProcessResult> {
  const out = collect();
  const err = collect();
  const savedEnv = { ...process.env };
  const savedCode = process.exitCode;
  const savedFactory = BaseCommand.connectionFactory;
  for (const k of ISOLATED_VARS) delete process.env[k];
  process.env.TCRICTL_HOST_ROOT ??= '/nonexistent-host-root';
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (opts.connectionFactory) BaseCommand.connectionFactory = opts.connectionFactory;
  process.exitCode = undefined;
  setIOStreams({ in: new PassThrough(), out: out.stream, err: err.stream });
  try {
    await main(argv, cli());
    // PassThrough delivers 'data' on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { code: Number(process.exitCode ?? 0), stdout: out.text(), stderr: err.text() };
  } finally {
    setIOStreams(undefined);
    BaseCommand.connectionFactory = savedFactory;
    process.exitCode = savedCode;
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}

/**
 * runCli's signature (test/fake/cli.ts), run in process: TCRICTL_HOST_ROOT is
 * `hostRoot` or a fresh empty dir. Nothing is killed, so `hung` is false.
 */
export async function runCliInProcess(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; hostRoot?: string } = {},
): Promise<InProcessResult & { hung: false }> {
  const r = await runInProcess(argv, { env: { TCRICTL_HOST_ROOT: opts.hostRoot ?? makeHostRoot(), ...opts.env } });
  return { ...r, hung: false };
}
