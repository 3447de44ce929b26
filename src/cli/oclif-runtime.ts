/**
 * oclif, for what tcrictl uses it for at run time: help (`--help`, no
 * command, `help`), `--version`, and the words for an unknown command.
 * Loaded only on those paths (main.ts requires this module lazily): commands
 * themselves run without oclif (command.ts).
 *
 * oclif normally finds its plugin on disk: it reads package.json, the
 * manifest and then requires the command's file. In the bundle (and in the
 * single executable, where there is no file to require) everything is
 * already in memory, so we hand oclif a ready-made root plugin through
 * `Config.load`'s public `plugins` option: the manifest answers help and
 * flag questions, and `load()` evaluates only a command that runs.
 */
import { Config, flush, loadHelpClass, run, type Command, type Interfaces } from '@oclif/core';
import type { Embedded } from './main';

export function inMemoryPlugin(e: Embedded): Interfaces.Plugin {
  const find = async (id: string, opts?: { must: boolean }): Promise<Command.Class> => {
    const cmd = Object.prototype.hasOwnProperty.call(e.commands, id) ? e.commands[id] : undefined;
    if (!cmd) {
      if (opts?.must) throw new Error(`command ${id} not found`);
      return undefined as unknown as Command.Class;
    }
    cmd.id = id;
    return cmd as unknown as Command.Class;
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

function loadConfig(e: Embedded): Promise<Config> {
  const plugin = inMemoryPlugin(e);
  return Config.load({ root: e.root, pjson: e.pjson, plugins: new Map([[plugin.name, plugin]]) });
}

/** oclif's own main: help, --version, unknown commands. */
export async function runOclif(argv: string[], e: Embedded): Promise<void> {
  await run(argv, await loadConfig(e));
  await flush();
}

/** The help of one command (exec shows it itself: its argv is not oclif's to read). */
export async function showHelp(argv: string[], e: Embedded): Promise<void> {
  const config = await loadConfig(e);
  const Help = await loadHelpClass(config);
  await new Help(config, config.pjson.oclif.helpOptions).showHelp(argv);
}
