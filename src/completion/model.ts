/**
 * What the completion scripts know: every command, its flags and what its
 * positional arguments are, read from oclif's command list (the manifest, so
 * no command module is loaded to answer `tcrictl completion`).
 */

/** What a positional argument or flag value names, when tcrictl can list them cheaply. */
export type IdKind = 'containers' | 'pods' | 'images';

export interface FlagModel {
  name: string;
  char?: string;
  summary: string;
  /** True for flags that take a value (`-o json`), false for switches. */
  takesValue: boolean;
  /** Allowed values, when known (oclif `options`, or "one of: a|b" in the summary). */
  values: string[];
  /** The flag's value is an ID of this kind (e.g. `ps --pod`). */
  idKind?: IdKind;
  multiple: boolean;
}

export interface CommandModel {
  id: string;
  summary: string;
  aliases: string[];
  flags: FlagModel[];
  /** Kind of each positional argument, in order (undefined: nothing to offer). */
  args: Array<IdKind | undefined>;
  /** More positionals than declared are allowed; they repeat the last kind, except after a free-form argument. */
  variadic: boolean;
}

export interface CompletionModel {
  bin: string;
  commands: CommandModel[];
  /** The global flags (`-r`, `-i`, `-c`, `-t`, `-D`) that may also come before the command. */
  globalFlags: FlagModel[];
}

/** The parts of oclif's cached command (manifest entry) that completion reads. */
export interface CachedCommandLike {
  id: string;
  summary?: string;
  description?: string;
  hidden?: boolean;
  aliases?: string[];
  hiddenAliases?: string[];
  strict?: boolean;
  flags: Record<string, { name: string; char?: string; summary?: string; description?: string; type: string; options?: readonly string[]; hidden?: boolean; multiple?: boolean; helpGroup?: string }>;
  args: Record<string, { name: string; description?: string; summary?: string }>;
}

/** Reads the kind of ID an argument expects from its name and help text. */
export function idKindOf(name: string, text = ''): IdKind | undefined {
  const s = `${name} ${text}`;
  if (/\bpod|POD-ID/i.test(s)) return 'pods';
  if (/\bcontainer|CONTAINER-ID/i.test(s)) return 'containers';
  if (/\bimage|REPOSITORY/i.test(s)) return 'images';
  return undefined;
}

/** `options`, or the list in a summary such as "Output format, one of: json|yaml|table". */
function valuesOf(flag: CachedCommandLike['flags'][string]): string[] {
  if (flag.options?.length) return [...flag.options];
  const m = /one of:?\s*([\w.-]+(?:\|[\w.-]+)+)/i.exec(flag.summary ?? flag.description ?? '');
  return m ? m[1].split('|').map((v) => v.replace(/\.+$/, '')) : [];
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0].trim();
}

function flagModel(f: CachedCommandLike['flags'][string]): FlagModel {
  const takesValue = f.type === 'option';
  return {
    name: f.name,
    char: f.char,
    summary: firstLine(f.summary ?? f.description),
    takesValue,
    values: takesValue ? valuesOf(f) : [],
    idKind: takesValue && (f.name === 'pod' || f.name === 'pod-id') ? 'pods' : undefined,
    multiple: !!f.multiple,
  };
}

export function buildModel(bin: string, commands: CachedCommandLike[]): CompletionModel {
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const globalNames = new Set<string>();
  const globalFlags: FlagModel[] = [];
  const out: CommandModel[] = visible.map((c) => {
    const flags = Object.values(c.flags)
      .filter((f) => !f.hidden)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const f of flags) {
      if (f.helpGroup === 'GLOBAL' && !globalNames.has(f.name)) {
        globalNames.add(f.name);
        globalFlags.push(flagModel(f));
      }
    }
    // A command's own flag wins a short name shared with a global one (exec -i is --interactive).
    const ownChars = new Set(flags.filter((f) => f.helpGroup !== 'GLOBAL' && f.char).map((f) => f.char));
    const models = flags.map((f) => {
      const fm = flagModel(f);
      if (f.helpGroup === 'GLOBAL' && fm.char && ownChars.has(fm.char)) fm.char = undefined;
      return fm;
    });
    return {
      id: c.id,
      summary: firstLine(c.summary ?? c.description),
      aliases: [...(c.aliases ?? []), ...(c.hiddenAliases ?? [])].filter((a) => a !== c.id),
      flags: models,
      args: Object.values(c.args).map((a) => idKindOf(a.name, a.description ?? a.summary)),
      variadic: c.strict === false,
    };
  });
  // Aliases complete like their command (`img` = `images`).
  const withAliases = out.flatMap((c) => [c, ...c.aliases.filter((a) => !out.some((o) => o.id === a)).map((a) => ({ ...c, id: a, aliases: [] }))]);
  globalFlags.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { bin, commands: withAliases.sort((a, b) => (a.id < b.id ? -1 : 1)), globalFlags };
}

/** The tcrictl call that lists IDs of a kind, one per line (quiet output). */
export const ID_LISTERS: Record<IdKind, string[]> = {
  containers: ['ps', '-a', '-q'],
  pods: ['pods', '-q'],
  images: ['images', '-q'],
};
