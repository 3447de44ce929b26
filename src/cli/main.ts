/**
 * The bundled entry's start-up path (dist/tcrictl.js, see scripts/build.js).
 *
 * oclif normally finds its plugin on disk: it reads package.json, the manifest
 * and then requires the command's file. In the bundle (and in the single
 * executable, where there is no file to require) everything is already in
 * memory, so we hand oclif a ready-made root plugin through `Config.load`'s
 * public `plugins` option: the manifest answers help and flag questions, and
 * `load()` evaluates only the one command that runs.
 */
import { Config, flush, run, type Command, type Interfaces } from '@oclif/core';
import { reorderGlobalFlags } from './argv';
import { reportError } from './errors';
import { protectExecTail } from '../streaming/exec-argv';

/** Command id → the command's class, evaluated on first access (getters). */
export type CommandRegistry = Record<string, Command.Class>;

export interface Embedded {
  /** Where the package lives (bundle) or the executable's directory (SEA). */
  root: string;
  pjson: Interfaces.PJSON;
  manifest: Interfaces.Manifest;
  commands: CommandRegistry;
}

export function inMemoryPlugin(e: Embedded): Interfaces.Plugin {
  const find = async (id: string, opts?: { must: boolean }): Promise<Command.Class> => {
    const cmd = Object.prototype.hasOwnProperty.call(e.commands, id) ? e.commands[id] : undefined;
    if (!cmd) {
      if (opts?.must) throw new Error(`command ${id} not found`);
      return undefined as unknown as Command.Class;
    }
    cmd.id = id;
    cmd.plugin = plugin;
    return cmd;
  };
  const plugin: Interfaces.Plugin = {
    _base: `${e.pjson.name}@${e.pjson.version}`,
    alias: e.pjson.name,
    commandIDs: Object.keys(e.manifest.commands),
    commands: Object.entries(e.manifest.commands).map(([id, c]) => ({
      ...c,
      id,
      pluginAlias: e.pjson.name,
      pluginType: 'core',
      load: () => find(id, { must: true }),
    })),
    commandsDir: undefined,
    findCommand: find as Interfaces.Plugin['findCommand'],
    hasManifest: true,
    hooks: {},
    isRoot: true,
    load: async () => {},
    moduleType: 'commonjs',
    name: e.pjson.name,
    options: { root: e.root, isRoot: true, pjson: e.pjson },
    pjson: e.pjson,
    root: e.root,
    topics: [],
    type: 'core',
    valid: true,
    version: e.pjson.version,
  };
  return plugin;
}

/** Runs the CLI; errors are reported once, here, with their exit code (errors.ts). */
export async function main(rawArgv: string[], e: Embedded): Promise<void> {
  // protectExecTail: a `--help` inside exec's remote command is not tcrictl's.
  const argv = protectExecTail(reorderGlobalFlags(rawArgv));
  const debug = argv.includes('-D') || argv.includes('--debug');
  try {
    const plugin = inMemoryPlugin(e);
    const config = await Config.load({ root: e.root, pjson: e.pjson, plugins: new Map([[plugin.name, plugin]]) });
    await run(argv, config);
    await flush();
  } catch (err) {
    const command = argv[0] && !argv[0].startsWith('-') && Object.prototype.hasOwnProperty.call(e.manifest.commands, argv[0]) ? argv[0] : undefined;
    reportError(err, debug, command);
  }
}
