/**
 * The one base command: crictl's global flags, settings resolved in crictl's
 * precedence (flag > env > config file > auto-detection), lazily created CRI
 * clients, and the two seams tests use to run a command in process (gh's
 * Factory and IOStreams): `connectionFactory` makes the connections, and
 * `io` holds the streams (io.ts).
 */
import type { Interfaces } from '@oclif/core';
import { Command } from './command';
import { globalFlags } from './global-flags';
import { ioStreams, type IOStreams } from './io';
import { loadCrictlConfig, type CrictlConfig } from '../config/crictl-config';
import { DEFAULT_CRICTL_CONFIG, hostPath } from '../config/host';
import { ImageClient, RuntimeClient } from '../cri/client';
import { Connection } from '../cri/connection';
import { detectRuntime, normalizeEndpoint } from '../cri/endpoint';
import { processSignal } from './lifecycle';
import { parseDuration } from './duration';
import { UsageError } from './cli-error';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export interface Settings {
  runtimeEndpoint?: string;
  imageEndpoint?: string;
  timeoutMs: number;
  debug: boolean;
  configFile: string;
  config: CrictlConfig;
}

/** Tests inject a connection factory to count or fake connections. */
export type ConnectionFactory = (endpoint: string, timeoutMs: number) => Connection;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = globalFlags;

  static connectionFactory: ConnectionFactory = (endpoint, timeoutMs) => new Connection(endpoint, timeoutMs);

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  /** Every positional argument, for commands with `strict = false` that take a list of IDs. */
  protected positionals!: string[];
  protected settings!: Settings;
  protected readonly signal: AbortSignal = processSignal();
  /** The streams this command reads and writes (io.ts). */
  protected readonly io: IOStreams = ioStreams();
  private connections = new Map<string, Connection>();
  private runtimePromise?: Promise<RuntimeClient>;
  private imagePromise?: Promise<ImageClient>;

  public override async init(): Promise<void> {
    await super.init();
    const { args, argv, flags } = await this.parse(this.ctor as never);
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
    this.positionals = argv as string[];
    this.settings = resolveSettings(this.flags as unknown as GlobalFlagValues, (line) => this.warnLine(line));
  }

  get timeoutMs(): number {
    return this.settings.timeoutMs;
  }

  /** The runtime service, connected on first use. */
  protected runtimeClient(): Promise<RuntimeClient> {
    this.runtimePromise ??= this.connectRuntime().then((c) => new RuntimeClient(c, this.signal));
    return this.runtimePromise;
  }

  /** The image service; the runtime endpoint unless -i/--image-endpoint says otherwise. */
  protected imageClient(): Promise<ImageClient> {
    this.imagePromise ??= (async () => {
      const ep = this.settings.imageEndpoint;
      const conn = ep ? this.connection(ep) : (await this.runtimeClient()).conn;
      return new ImageClient(conn, this.signal);
    })();
    return this.imagePromise;
  }

  private async connectRuntime(): Promise<Connection> {
    const ep = this.settings.runtimeEndpoint;
    if (ep) return this.connection(ep);
    const found = await detectRuntime(this.settings.timeoutMs, (l) => this.debugLine(l), this.signal);
    this.debugLine(`using ${found.candidate.endpoint} (${found.candidate.source})`);
    this.connections.set(found.candidate.endpoint, found.conn);
    return found.conn;
  }

  private connection(endpoint: string): Connection {
    let c = this.connections.get(endpoint);
    if (!c) {
      c = BaseCommand.connectionFactory(endpoint, this.settings.timeoutMs);
      this.connections.set(endpoint, c);
      this.debugLine(`connecting to ${endpoint} (timeout ${this.settings.timeoutMs}ms)`);
    }
    return c;
  }

  protected debugLine(line: string): void {
    if (this.settings?.debug) this.io.err.write(`debug: ${line}\n`);
  }

  protected warnLine(line: string): void {
    this.io.err.write(`tcrictl: warning: ${line}\n`);
  }

  /** Writes to stdout, adding the trailing newline tables and JSON end with. */
  protected print(text: string): void {
    this.io.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    for (const c of this.connections.values()) c.close();
    return super.finally(err);
  }

  // Errors are reported by main.ts (errors.ts), in one place; oclif's catch would set the exit code.
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    throw err;
  }
}

interface GlobalFlagValues {
  'runtime-endpoint'?: string;
  'image-endpoint'?: string;
  config?: string;
  timeout?: string;
  debug?: boolean;
}

/** crictl's precedence: flag or env > config file > defaults. */
export function resolveSettings(flags: GlobalFlagValues, warn: (line: string) => void): Settings {
  const explicitConfig = flags.config !== undefined;
  const configFile = flags.config ?? hostPath(DEFAULT_CRICTL_CONFIG);
  const loaded = loadCrictlConfig(configFile, explicitConfig);
  if (loaded.warning) warn(loaded.warning);
  const config = loaded.config;
  let timeoutMs = 2000;
  if (flags.timeout !== undefined) {
    timeoutMs = parseDuration(flags.timeout, '-t/--timeout');
    if (timeoutMs < 0) throw new UsageError(`-t/--timeout: "${flags.timeout}" is negative`, '0 (or no -t) means the default, 2s');
    // crictl: 0 means the default.
    if (timeoutMs === 0) timeoutMs = 2000;
  } else if (config.timeoutSeconds !== undefined && config.timeoutSeconds > 0) timeoutMs = config.timeoutSeconds * 1000;
  const pick = (flag: string | undefined, file: string | undefined, what: string) => {
    // crictl: an empty flag (`--runtime-endpoint=`) is not set.
    if (flag) return normalizeEndpoint(flag, what);
    if (file) return normalizeEndpoint(file, `${what} in ${configFile}`);
    return undefined;
  };
  return {
    runtimeEndpoint: pick(flags['runtime-endpoint'], config.runtimeEndpoint, '--runtime-endpoint'),
    imageEndpoint: pick(flags['image-endpoint'], config.imageEndpoint, '--image-endpoint'),
    timeoutMs,
    debug: flags.debug || !!config.debug,
    configFile,
    config,
  };
}

