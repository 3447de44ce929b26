/**
 * The command-line parser for tcrictl's commands: oclif's rules for the kinds
 * of flags and arguments tcrictl declares (see command.ts), without loading
 * oclif. Flags may come before or after arguments; `--name=value`,
 * `-o json`, `-ojson`, `-o=json`; short booleans combine (`-aq`); `--`
 * ends the flags; a flag with `env` reads it when not given. Unlike oclif it
 * never reads stdin for a missing argument. Errors are UsageErrors with the
 * words oclif's messages had.
 */
import { UsageError } from './errors';

export interface FlagDef {
  type: 'boolean' | 'option';
  name?: string;
  char?: string;
  env?: string;
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  options?: readonly string[];
  default?: unknown;
  allowNo?: boolean;
  aliases?: string[];
  charAliases?: string[];
  parse?: (input: never, ctx: unknown, def: never) => Promise<unknown>;
}

export interface ArgDef {
  name?: string;
  required?: boolean;
  options?: readonly string[];
  default?: unknown;
  description?: string;
  parse?: (input: never, ctx: unknown, def: never) => Promise<unknown>;
}

export interface ParseInput {
  flags?: Record<string, FlagDef>;
  baseFlags?: Record<string, FlagDef>;
  args?: Record<string, ArgDef>;
  strict?: boolean;
}

export interface ParseOutput {
  flags: Record<string, unknown>;
  args: Record<string, unknown>;
  /** The arguments in order: declared ones parsed, then the rest (strict = false). */
  argv: unknown[];
}

const TRUTHY = /^(true|1|yes|y|on)$/i;
const NEGATION = '--no-';

/** A flag's value must not look like one of the command's flags (`-o -a`). */
function isNegativeNumber(s: string): boolean {
  return /^-\d/.test(s);
}

class Tokens {
  readonly flagTokens = new Map<string, string[]>();
  readonly argTokens: string[] = [];
  readonly nonExistent: string[] = [];
}

export async function parseArgv(argv: string[], input: ParseInput, help: string): Promise<ParseOutput> {
  const flags: Record<string, FlagDef> = { ...(input.baseFlags ?? {}), ...(input.flags ?? {}) };
  for (const [k, f] of Object.entries(flags)) f.name = k;
  const argDefs = Object.entries(input.args ?? {});
  const fail = (message: string): never => {
    throw new UsageError(message, help);
  };
  const tokens = scan(argv, flags, fail);
  if (tokens.nonExistent.length > 0) fail(`Nonexistent flag${tokens.nonExistent.length > 1 ? 's' : ''}: ${tokens.nonExistent.join(', ')}`);
  if ((input.strict ?? true) && tokens.argTokens.length > argDefs.length) {
    const extra = tokens.argTokens.slice(argDefs.length);
    fail(`Unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}`);
  }
  const args: Record<string, unknown> = {};
  const out: unknown[] = [];
  for (let i = 0; i < argDefs.length; i++) {
    const [name, def] = argDefs[i];
    const raw = tokens.argTokens[i];
    if (raw !== undefined) {
      if (def.options && !def.options.includes(raw)) fail(`Expected ${raw} to be one of: ${def.options.join(', ')}`);
      args[name] = def.parse ? await def.parse(raw as never, {}, def as never) : raw;
      out.push(args[name]);
    } else if (def.default !== undefined) {
      args[name] = typeof def.default === 'function' ? await (def.default as () => unknown)() : def.default;
      out.push(args[name]);
    } else if (def.required) {
      fail(`missing argument ${name}${def.description ? ` (${def.description})` : ''}`);
    }
  }
  out.push(...tokens.argTokens.slice(argDefs.length));
  return { flags: await flagValues(flags, tokens, fail), args, argv: out };
}

/** Splits argv into flag values, arguments and unknown flags. */
function scan(argv: string[], flags: Record<string, FlagDef>, fail: (m: string) => never): Tokens {
  const t = new Tokens();
  const queue = [...argv];
  let greedy: FlagDef | undefined;
  let parsingFlags = true;
  const find = (arg: string) => findFlag(arg, flags);
  while (queue.length > 0) {
    const token = queue.shift()!;
    if (parsingFlags && token.startsWith('-') && token !== '-') {
      if (token === '--') {
        parsingFlags = false;
        continue;
      }
      const hit = find(token) ?? withEquals(token, find);
      if (hit) {
        const { flag, isLong, inline } = hit;
        const name = flag.name!;
        if (flag.type === 'option') {
          if (!flag.multiple && t.flagTokens.has(name)) fail(`Flag --${name} can only be specified once`);
          const value = inline ?? (isLong || token.length < 3 ? queue.shift() : token.slice(token[2] === '=' ? 3 : 2));
          if (value === undefined || find(value)) {
            fail(flag.options ? `Flag --${name} expects one of these values: ${flag.options.join(', ')}` : `Flag --${name} expects a value`);
          }
          push(t.flagTokens, name, value!);
          greedy = flag.multiple && !flag.multipleNonGreedy ? flag : undefined;
        } else {
          push(t.flagTokens, name, token);
          // -aq: the remaining letters are flags of their own.
          if (!isLong && token.length > 2 && inline === undefined) queue.unshift(`-${token.slice(2)}`);
        }
        continue;
      }
      if (!isNegativeNumber(token)) {
        t.nonExistent.push(token);
        continue;
      }
    }
    if (parsingFlags && greedy) push(t.flagTokens, greedy.name!, token);
    else t.argTokens.push(token);
  }
  return t;
}

interface Hit {
  flag: FlagDef;
  isLong: boolean;
  /** The value after `=` in `--name=value`. */
  inline?: string;
}

function findFlag(arg: string, flags: Record<string, FlagDef>): Hit | undefined {
  if (arg.startsWith('--')) {
    const name = arg.slice(2);
    const byName = Object.prototype.hasOwnProperty.call(flags, name) ? flags[name] : Object.values(flags).find((f) => f.aliases?.includes(name));
    if (byName) return { flag: byName, isLong: true };
    if (arg.startsWith(NEGATION)) {
      const f = flags[arg.slice(NEGATION.length)];
      if (f?.type === 'boolean' && f.allowNo) return { flag: f, isLong: true };
    }
    return undefined;
  }
  if (!arg.startsWith('-') || arg.length < 2) return undefined;
  const ch = arg[1];
  const f = Object.values(flags).find((x) => x.char === ch || x.charAliases?.includes(ch));
  return f ? { flag: f, isLong: false } : undefined;
}

/** `--name=value`: the flag before the `=`, with its value. */
function withEquals(arg: string, find: (a: string) => Hit | undefined): Hit | undefined {
  const i = arg.indexOf('=');
  if (i < 0) return undefined;
  const hit = find(arg.slice(0, i));
  if (!hit) return undefined;
  if (hit.flag.type === 'boolean') return undefined;
  return { ...hit, inline: arg.slice(i + 1), isLong: true };
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Each flag's value: from its tokens, else its env variable, else its default. */
async function flagValues(flags: Record<string, FlagDef>, t: Tokens, fail: (m: string) => never): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const convert = async (f: FlagDef, raw: string) => {
    if (f.options && !f.options.includes(raw)) fail(`Expected --${f.name}=${raw} to be one of: ${f.options.join(', ')}`);
    if (!f.parse) return raw;
    try {
      return await f.parse(raw as never, {}, f as never);
    } catch (err) {
      const why = (err as Error).message;
      return fail(`--${f.name}: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
    }
  };
  for (const [name, f] of Object.entries(flags)) {
    const given = t.flagTokens.get(name);
    let value: unknown;
    if (given) {
      if (f.type === 'boolean') value = given[given.length - 1] !== `${NEGATION}${name}`;
      else if (f.multiple) value = await Promise.all(given.map((g) => convert(f, g)));
      else value = await convert(f, given[given.length - 1]);
    } else if (f.env && process.env[f.env]) {
      const env = process.env[f.env]!;
      value = f.type === 'boolean' ? TRUTHY.test(env) : await convert(f, env);
    } else if (f.default !== undefined) {
      value = typeof f.default === 'function' ? await (f.default as (o: object) => unknown)({ flags: out, options: f }) : f.default;
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}
