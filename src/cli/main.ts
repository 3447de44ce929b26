/**
 * The bundled entry's start-up path (dist/tcrictl.js, see scripts/build.js):
 * crictl's global-flag placement and exec's protected tail are settled here,
 * then oclif runs help, `--version` or the command (oclif-runtime.ts), and
 * every failure is reported once, by errors.ts.
 */
import type { Interfaces } from '@oclif/core';
import { reorderGlobalFlags } from './argv';
import { reportError, settleExitCode } from './errors';
import { ioStreams } from './io';
import { stdoutClosed, userSignal } from './lifecycle';
import type { Embedded } from './oclif-runtime';
import { protectExecTail } from '../streaming/exec-argv';

export type { Embedded } from './oclif-runtime';

/** The command id `word` names (an id or an alias), if it names one. */
export function commandId(word: string | undefined, manifest: Interfaces.Manifest): string | undefined {
  if (word === undefined || word.startsWith('-')) return undefined;
  if (Object.prototype.hasOwnProperty.call(manifest.commands, word)) return word;
  for (const [id, c] of Object.entries(manifest.commands)) {
    if (c.aliases?.includes(word) || c.hiddenAliases?.includes(word)) return id;
  }
  return undefined;
}

/**
 * oclif-runtime.ts (and with it @oclif/core), evaluated here. @oclif/core
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

/**
 * The event loop emptied while the command still waited (for an event that
 * never came): without this, that bug ends with exit 0 as if all was done.
 */
function endedUnfinished(): void {
  // A closed stdout or the user's signal ends a command where it stands: that is not this bug.
  if (stdoutClosed() || userSignal()) return;
  process.stderr.write('tcrictl: internal error: the command ended before it finished; its output may be incomplete\n');
  process.exitCode = 1;
}

/** Runs the CLI; errors are reported once, here, with their exit code (errors.ts). */
export async function main(rawArgv: string[], e: Embedded): Promise<void> {
  // protectExecTail: a `--help` inside exec's remote command is not tcrictl's.
  const argv = protectExecTail(reorderGlobalFlags(rawArgv));
  const id = commandId(argv[0], e.manifest);
  try {
    process.once('exit', endedUnfinished);
    try {
      await oclifRuntime().runOclif(argv, e);
    } finally {
      process.removeListener('exit', endedUnfinished);
    }
    settleExitCode();
  } catch (err) {
    const flags = id === undefined ? [] : Object.keys(e.manifest.commands[id].flags);
    reportError(err, { debug: argv.includes('-D') || argv.includes('--debug'), command: id, flags, err: ioStreams().err });
  }
}
