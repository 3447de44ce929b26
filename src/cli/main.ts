/**
 * The bundled entry's start-up path (dist/tcrictl.js, see scripts/build.js).
 *
 * A command line that names a command runs it directly (command.ts): no
 * oclif on the way. Help, `--version` and unknown commands go to oclif
 * (oclif-runtime.ts), loaded only then.
 */
import type { Interfaces } from '@oclif/core';
import { reorderGlobalFlags } from './argv';
import type { CliConfig, Command } from './command';
import { reportError, settleExitCode } from './errors';
import { protectExecTail } from '../streaming/exec-argv';

/** A command class as the registry holds it (constructible, with oclif's static surface). */
export type CommandClass = (typeof Command) & (new (argv: string[], config: CliConfig) => Command);

/** Command id → the command's class, evaluated on first access (getters). */
export type CommandRegistry = Record<string, CommandClass>;

export interface Embedded {
  /** Where the package lives (bundle) or the executable's directory (SEA). */
  root: string;
  pjson: Interfaces.PJSON;
  manifest: Interfaces.Manifest;
  commands: CommandRegistry;
}

let embedded: Embedded | undefined;

/** The command id `word` names (an id or an alias), if it names one. */
export function commandId(word: string | undefined, manifest: Interfaces.Manifest): string | undefined {
  if (word === undefined || word.startsWith('-')) return undefined;
  if (Object.prototype.hasOwnProperty.call(manifest.commands, word)) return word;
  for (const [id, c] of Object.entries(manifest.commands)) {
    if (c.aliases?.includes(word) || c.hiddenAliases?.includes(word)) return id;
  }
  return undefined;
}

/** oclif's rule: `--help` anywhere before a `--` asks for help. */
function asksForHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--help') return true;
    if (a === '--') return false;
  }
  return false;
}

function cliConfig(e: Embedded): CliConfig {
  return {
    bin: e.pjson.oclif.bin ?? e.pjson.name,
    root: e.root,
    version: e.pjson.version,
    // Only `completion` lists the commands: built when asked, not on every start.
    get commands() {
      return Object.entries(e.manifest.commands).map(([id, c]) => ({ ...c, id }));
    },
  };
}

/**
 * oclif-runtime.ts, evaluated on first use (help paths only). @oclif/core
 * checks the Node version with semver while it loads (~5 ms); package.json's
 * engines already says >=20, so that check is skipped for this load.
 */
function oclifRuntime(): typeof import('./oclif-runtime') {
  const ENGINE = 'OCLIF_DISABLE_ENGINE_WARNING';
  const had = Object.prototype.hasOwnProperty.call(process.env, ENGINE);
  if (!had) process.env[ENGINE] = '1';
  try {
    return require('./oclif-runtime') as typeof import('./oclif-runtime');
  } finally {
    if (!had) delete process.env[ENGINE];
  }
}

/** Shows a command's help through oclif (for commands that read their own argv, like exec). */
export async function showCommandHelp(argv: string[]): Promise<void> {
  if (!embedded) throw new Error('showCommandHelp: the CLI is not running');
  await oclifRuntime().showHelp(argv, embedded);
}

/** Runs the CLI; errors are reported once, here, with their exit code (errors.ts). */
export async function main(rawArgv: string[], e: Embedded): Promise<void> {
  embedded = e;
  // protectExecTail: a `--help` inside exec's remote command is not tcrictl's.
  const argv = protectExecTail(reorderGlobalFlags(rawArgv));
  const debug = argv.includes('-D') || argv.includes('--debug');
  const id = commandId(argv[0], e.manifest);
  try {
    if (id === undefined || asksForHelp(argv)) {
      await oclifRuntime().runOclif(argv, e);
      return;
    }
    const Cmd = e.commands[id];
    Cmd.id = id;
    await Cmd.run(argv.slice(1), cliConfig(e));
    settleExitCode();
  } catch (err) {
    reportError(err, debug, id);
  }
}
