/**
 * oclif, set up for a CLI that lives in memory. oclif normally finds its
 * plugin on disk: it reads package.json and the manifest, then requires each
 * command's file. In the bundle (and in the single executable, where there is
 * no file to require) everything is already in memory, so oclif gets a
 * ready-made root plugin through `Config.load`'s public `plugins` option: the
 * manifest answers help and flag questions, and `load()` evaluates only the
 * command that runs. Hooks are functions here too (TcrictlConfig.runHook):
 * oclif would require them from files.
 */
import { Config, flush, Help, ux, type Command, type Hook, type Interfaces } from '@oclif/core';
import { withoutGlobalFlags } from './argv';
import { UsageError } from './cli-error';
import { suggest } from './suggest';

/** A command class as the registry holds it. */
export type CommandClass = Command.Class;

/** Command id → the command's class, evaluated on first access (getters). */
export type CommandRegistry = Record<string, CommandClass>;

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
    return cmd;
  };
  return {
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
}

/** oclif's command_not_found hook: one line, and what was meant if it is close. */
function commandNotFound(config: Config, id: string): never {
  const known = config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  const guess = id.startsWith('-') ? undefined : suggest(id, known);
  const list = `run '${config.bin} --help' for the list of commands`;
  throw new UsageError(`command ${id} not found`, guess ? `did you mean '${config.bin} ${guess}'? ${list}` : list);
}

class TcrictlConfig extends Config {
  // Only command_not_found has a hook; the other events (init, prerun, …) have none to run.
  override async runHook<T extends keyof Interfaces.Hooks>(event: T, opts: Interfaces.Hooks[T]['options']): Promise<Hook.Result<Interfaces.Hooks[T]['return']>> {
    const result: Hook.Result<Interfaces.Hooks[T]['return']> = { successes: [], failures: [] };
    if (event === 'command_not_found') {
      try {
        commandNotFound(this, (opts as { id: string }).id);
      } catch (error) {
        result.failures.push({ plugin: [...this.plugins.values()][0], error: error as Error });
      }
    }
    return result;
  }
}

export async function loadConfig(e: Embedded): Promise<Config> {
  const plugin = inMemoryPlugin(e);
  const config = new TcrictlConfig({ root: e.root, pjson: e.pjson, plugins: new Map([[plugin.name, plugin]]) });
  await config.load();
  return config;
}

/** oclif's rule, and crictl's `-h`: `--help` or `-h` anywhere before a `--` asks for help. */
function asksForHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--help' || a === '-h') return true;
    if (a === '--') return false;
  }
  return false;
}

/** Only global flags (or nothing): `tcrictl`, `tcrictl -r X`. */
function onlyGlobalFlags(argv: string[]): boolean {
  return withoutGlobalFlags(argv).length === 0;
}

/**
 * What oclif's `run` does for a CLI like this one (no topics, no plugins to
 * load): the version, help, or the command. Not `run` itself: it would load a
 * fresh Config and lose TcrictlConfig's hooks. crictl's spellings too: `-v`
 * for the version, `-h` for help, global flags before either.
 */
export async function runOclif(argv: string[], e: Embedded): Promise<void> {
  const config = await loadConfig(e);
  const first = withoutGlobalFlags(argv)[0];
  if (first === '--version' || first === '-v') ux.stdout(config.userAgent);
  else if (onlyGlobalFlags(argv) || asksForHelp(argv)) await showHelp(config, argv);
  else if (/^--?[^-]/.test(first)) await unknownRootFlag(config, first);
  else await config.runCommand(argv[0], argv.slice(1));
  await flush();
}

/**
 * A flag where the command should be (`tcrictl --invalid`): as crictl (urfave/cli), the root help on
 * stdout and Go's words on stderr, exit 1. Go's flag package names the flag with one dash.
 */
async function unknownRootFlag(config: Config, token: string): Promise<never> {
  await showHelp(config, []);
  await flush();
  throw new UsageError(`flag provided but not defined: -${token.replace(/^--?/, '').split('=')[0]}`, `run '${config.bin} --help' for the global options`);
}

/**
 * oclif's help with crictl's top: a NAME line first and the global options
 * last (oclif lists them only under each command).
 */
class TcrictlHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    this.log(this.section('NAME', `${this.config.bin} - client for CRI`));
    this.log('');
    await super.showRootHelp();
    // Commands that reuse -i/-t (attach, exec, logs) drop those letters: take a command that keeps them all.
    const globals = this.config.findCommand('version') ?? this.config.commands.find((c) => Object.values(c.flags).some((f) => f.helpGroup === 'GLOBAL'));
    const rows: Array<[string, string]> = Object.values(globals?.flags ?? {})
      .filter((f) => f.helpGroup === 'GLOBAL')
      .map((f) => [`${f.char ? `-${f.char}, ` : '    '}--${f.name}${f.type === 'option' ? '=<value>' : ''}`, `${f.env ? `[env: ${f.env}] ` : ''}${f.summary ?? ''}`]);
    rows.push(['-h, --help', 'Show help (also: help [COMMAND]).'], ['-v, --version', 'Print the version.']);
    rows.sort((a, b) => a[0].replace(/^-\w, /, '').trim().localeCompare(b[0].replace(/^-\w, /, '').trim()));
    this.log(this.section('GLOBAL OPTIONS', this.renderList(rows, { indentation: 2, stripAnsi: this.opts.stripAnsi })));
  }
}

/** The help of `argv` (root help, or one command's), global flags left out. */
export async function showHelp(config: Config, argv: string[]): Promise<void> {
  const subject = withoutGlobalFlags(argv).filter((a) => a !== '-h');
  await new TcrictlHelp(config, config.pjson.oclif.helpOptions).showHelp(subject);
}
