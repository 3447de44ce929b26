/**
 * crictl takes global flags before the command (`crictl -r X ps`); oclif wants
 * the command first. Move leading global flags to just after the command id,
 * so `exec`'s trailing command line is never touched.
 */
const GLOBAL_VALUE_LONG = new Set(['--runtime-endpoint', '--image-endpoint', '--config', '--timeout']);
const GLOBAL_VALUE_SHORT: Record<string, string> = { '-r': '--runtime-endpoint', '-i': '--image-endpoint', '-c': '--config', '-t': '--timeout' };

/** The long name of a global flag token (`-t`, `-t5s`, `--timeout=5s` → `--timeout`; `-D` → `--debug`), if it is one. */
export function globalFlagName(token: string): string | undefined {
  if (token === '-D' || token === '--debug') return '--debug';
  const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token;
  if (GLOBAL_VALUE_LONG.has(name)) return name;
  if (token.startsWith('--')) return undefined;
  return Object.prototype.hasOwnProperty.call(GLOBAL_VALUE_SHORT, token.slice(0, 2)) ? GLOBAL_VALUE_SHORT[token.slice(0, 2)] : undefined;
}

/** Whether a global value flag token carries its value (`-t5s`, `--timeout=5s`) rather than taking the next token. */
export function hasInlineValue(token: string): boolean {
  return token.includes('=') || (!token.startsWith('--') && token.length > 2);
}

export function reorderGlobalFlags(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    const name = globalFlagName(a);
    if (!name) break;
    if (name === '--debug' || hasInlineValue(a)) {
      globals.push(a);
      i += 1;
    } else {
      globals.push(a, argv[i + 1] ?? '');
      i += 2;
    }
  }
  if (globals.length === 0 || i >= argv.length) return globals.length ? [...argv.slice(i), ...globals] : argv;
  const [command, ...rest] = argv.slice(i);
  if (command.startsWith('-')) return argv; // `--help`, `--version`: leave to oclif
  return [command, ...globals, ...rest];
}

/**
 * The command line without its global flags and their values, for help:
 * `tcrictl -r X help ps` and `tcrictl help ps -r X` describe `ps` (crictl
 * accepts global flags there), and the value X is no command name.
 */
export function withoutGlobalFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = globalFlagName(a);
    if (!name) out.push(a);
    else if (name !== '--debug' && !hasInlineValue(a)) i++;
  }
  return out;
}
