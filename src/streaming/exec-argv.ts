/**
 * `exec`'s command line: `[flags] CONTAINER [--] COMMAND [ARG...]`. Everything
 * after the container is the remote command, dashes and all, so oclif must
 * never parse it: exec splits its argv here, hands oclif only the global
 * flags and the container, and keeps the command.
 *
 * Two global flags share letters or names with exec's own flags: global
 * -i/--image-endpoint vs exec -i/--interactive, global -t/--timeout vs exec
 * -t/--tty and --timeout (seconds for the command). As in crictl, after the
 * word `exec` they mean exec's. Global flags typed before `exec` are moved
 * after it by argv.ts; `collidingBefore` counts them so that the first such
 * occurrences are read as the global flags they were.
 */
import { globalFlagName as globalName, hasInlineValue } from '../cli/argv';
import { UsageError } from '../cli/cli-error';

export interface ExecArgv {
  /** Tokens of global flags, for oclif. */
  globals: string[];
  sync: boolean;
  tty: boolean;
  interactive: boolean;
  /** exec's --timeout (seconds), as typed. */
  timeout?: string;
  help: boolean;
  container?: string;
  command: string[];
}

export interface CollidingGlobals {
  timeout: number;
  image: number;
}

/**
 * How many -t/--timeout and -i/--image-endpoint flags the user typed before
 * `command` in the original argv (crictl's place for global flags). Zero
 * when the original argv does not start with global flags and the command.
 */
export function collidingBefore(original: string[], command: string): CollidingGlobals {
  const found: CollidingGlobals = { timeout: 0, image: 0 };
  let i = 0;
  while (i < original.length) {
    const t = original[i];
    const name = globalName(t);
    if (!name) break;
    if (name === '--timeout') found.timeout++;
    if (name === '--image-endpoint') found.image++;
    i += name === '--debug' || hasInlineValue(t) ? 1 : 2;
  }
  return original[i] === command ? found : { timeout: 0, image: 0 };
}

/**
 * For commands other than exec whose own flags reuse a global letter (logs
 * -t/--timestamps): rewrite the first `before.timeout` -t/--timeout and
 * `before.image` -i/--image-endpoint tokens (the globals argv.ts moved after
 * the command) to their long `--name=value` form, which cannot collide.
 */
export function normalizeMovedGlobals(argv: string[], before: CollidingGlobals): string[] {
  const out: string[] = [];
  const pending = { ...before };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const g = globalName(t);
    const key = g === '--timeout' ? 'timeout' : g === '--image-endpoint' ? 'image' : undefined;
    if (!key || pending[key] === 0) {
      out.push(t);
      continue;
    }
    pending[key]--;
    const value = t.includes('=') ? t.slice(t.indexOf('=') + 1) : hasInlineValue(t) ? t.slice(2) : argv[++i] ?? '';
    out.push(`${g}=${value}`);
  }
  return out;
}

function takeValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined) throw new UsageError(`flag ${flag} needs a value`);
  return v;
}

export function splitExecArgv(argv: string[], before: CollidingGlobals = { timeout: 0, image: 0 }): ExecArgv {
  const out: ExecArgv = { globals: [], sync: false, tty: false, interactive: false, help: false, command: [] };
  const pending = { ...before };
  let i = 0;
  for (; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      i++;
      break;
    }
    if (!t.startsWith('-') || t === '-') break;
    const g = globalName(t);
    const movedGlobal = (g === '--timeout' && pending.timeout > 0) || (g === '--image-endpoint' && pending.image > 0);
    if (movedGlobal || (g && g !== '--timeout' && g !== '--image-endpoint' && t !== '-i' && t !== '-t' && !/^-[sti]+$/.test(t))) {
      if (g === '--timeout') pending.timeout--;
      if (g === '--image-endpoint') pending.image--;
      out.globals.push(t);
      if (g !== '--debug' && !hasInlineValue(t)) out.globals.push(takeValue(argv, i++, t));
      continue;
    }
    if (t === '--help' || t === '-h') out.help = true;
    else if (t === '--sync') out.sync = true;
    else if (t === '--tty') out.tty = true;
    else if (t === '--interactive') out.interactive = true;
    else if (t === '--timeout') out.timeout = takeValue(argv, i++, t);
    else if (t.startsWith('--timeout=')) out.timeout = t.slice('--timeout='.length);
    else if (/^-[sti]+$/.test(t)) {
      for (const c of t.slice(1)) {
        if (c === 's') out.sync = true;
        else if (c === 't') out.tty = true;
        else out.interactive = true;
      }
    } else throw new UsageError(`unknown flag ${t} for exec`, "flags go before the container; see 'tcrictl exec --help'");
  }
  if (i < argv.length) out.container = argv[i++];
  if (argv[i] === '--') i++;
  out.command = argv.slice(i);
  return out;
}

/**
 * For argv.ts: help is shown whenever `--help` or `-h` appears before a `--`,
 * even inside exec's remote command (`tcrictl exec app ls --help`). A `--` right
 * after the container stops that; exec drops it again.
 */
export function protectExecTail(argv: string[]): string[] {
  if (argv[0] !== 'exec') return argv;
  let split: ExecArgv;
  try {
    split = splitExecArgv(argv.slice(1));
  } catch {
    return argv; // exec reports the problem itself
  }
  if (split.help || split.container === undefined || !split.command.some((a) => a === '--help' || a === '-h')) return argv;
  const tailStart = argv.length - split.command.length;
  if (argv[tailStart - 1] === '--') return argv;
  return [...argv.slice(0, tailStart), '--', ...argv.slice(tailStart)];
}
