/**
 * tcrictl's command base class and flag builders, shaped like oclif's.
 *
 * oclif is the help system and the build's manifest maker, but evaluating it
 * (~300 KB with its dependencies) and running its start-up (config
 * discovery, hooks, theme file) cost ~30 ms of every start, half of what
 * `tcrictl version` may take on top of Node. So commands run without it:
 * `Flags`/`Args` build the same definition objects as oclif's (the manifest
 * and help read them unchanged), `Command` has the static surface oclif's
 * manifest reads and the init → run → catch → finally cycle, and parse.ts
 * reads the command line. oclif is loaded only to show help (main.ts).
 */
import type { Args as OclifArgs, Flags as OclifFlags, Interfaces } from '@oclif/core';
import { parseArgv, type ArgDef, type FlagDef, type ParseInput, type ParseOutput } from './parse';

/** What commands read of the running CLI (a subset of oclif's Config). */
export interface CliConfig {
  bin: string;
  root: string;
  version: string;
  /** The manifest's commands (completion lists them). */
  commands: Array<Interfaces.Manifest['commands'][string] & { id: string }>;
}

async function identity<T>(input: T): Promise<T> {
  return input;
}

function option(defaults: object = {}) {
  return (options: { multiple?: boolean } & object = {}) => ({
    parse: identity,
    ...defaults,
    ...options,
    input: [],
    multiple: Boolean(options.multiple),
    type: 'option',
  });
}

async function parseInteger(input: string, _ctx: unknown, opts: { min?: number; max?: number }): Promise<number> {
  if (!/^-?\d+$/.test(input)) throw new Error(`Expected an integer but received: ${input}`);
  const num = Number.parseInt(input, 10);
  if (opts.min !== undefined && num < opts.min) throw new Error(`Expected an integer greater than or equal to ${opts.min} but received: ${input}`);
  if (opts.max !== undefined && num > opts.max) throw new Error(`Expected an integer less than or equal to ${opts.max} but received: ${input}`);
  return num;
}

/** oclif's Flags.boolean/string/integer: the same objects, typed as oclif types them. */
export const Flags = {
  boolean: ((options: object = {}) => ({
    parse: identity,
    ...options,
    allowNo: Boolean((options as { allowNo?: boolean }).allowNo),
    type: 'boolean',
  })) as unknown as typeof OclifFlags.boolean,
  string: option() as unknown as typeof OclifFlags.string,
  integer: option({ parse: parseInteger }) as unknown as typeof OclifFlags.integer,
};

/** oclif's Args.string. */
export const Args = {
  string: ((options: object = {}) => ({ parse: identity, ...options, input: [], type: 'option' })) as unknown as typeof OclifArgs.string,
};

export abstract class Command {
  // The static surface oclif's manifest reads (same defaults as oclif's Command).
  static aliases: string[] = [];
  static args: Interfaces.ArgInput = {};
  static baseFlags: Interfaces.FlagInput;
  static description: string | undefined;
  static enableJsonFlag = false;
  static examples: Array<string | { command: string; description: string }>;
  static flags: Interfaces.FlagInput;
  static hasDynamicHelp = false;
  static hidden: boolean;
  static hiddenAliases: string[] = [];
  static id: string;
  static strict = true;
  static summary?: string;
  static usage: string | string[] | undefined;

  /** How oclif runs a command class (the manifest maker checks it exists). */
  static async run(this: new (argv: string[], config: CliConfig) => Command, argv: string[], config: CliConfig): Promise<unknown> {
    return new this(argv, config)._run();
  }

  constructor(
    public argv: string[],
    public config: CliConfig,
  ) {}

  get ctor(): typeof Command {
    return this.constructor as typeof Command;
  }

  get id(): string | undefined {
    return this.ctor.id;
  }

  async _run(): Promise<unknown> {
    let err: Error | undefined;
    try {
      await this.init();
      return await this.run();
    } catch (error) {
      err = error as Error;
      await this.catch(err);
    } finally {
      await this.finally(err);
    }
    return undefined;
  }

  async init(): Promise<void> {}

  abstract run(): Promise<unknown>;

  protected async catch(err: Error): Promise<unknown> {
    throw err;
  }

  protected async finally(_err: Error | undefined): Promise<unknown> {
    return undefined;
  }

  /** Reads the command line (`argv`, by default this command's) with the given definitions. */
  protected parse(input: ParseInput, argv: string[] = this.argv): Promise<ParseOutput> {
    return parseArgv(argv, input as { flags?: Record<string, FlagDef>; args?: Record<string, ArgDef> }, `see 'tcrictl ${this.id ?? '<command>'} --help'`);
  }
}
