import { Args, Command, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { UsageError } from '../cli/cli-error';
import { showHelp } from '../cli/oclif-runtime';
import { getOption, OPTIONS, readConfigDocument, setOption, writeConfigAtomically } from '../config/crictl-config-edit';
import { DEFAULT_CRICTL_CONFIG, hostPath } from '../config/host';
import { renderTable } from '../output/table';

export default class Config extends BaseCommand<typeof Config> {
  static override summary = 'Get, set and list crictl configuration options.';
  static override description =
    'Reads or changes the config file (-c, CRI_CONFIG_FILE, default /etc/crictl.yaml) that tcrictl and crictl share. ' +
    'Options: runtime-endpoint, image-endpoint, timeout (seconds), debug, pull-image-on-create, disable-pull-on-run, max-retries. ' +
    'Changes keep the file\'s comments and order and replace it atomically; a bad key or value changes nothing.';
  static override examples = [
    '<%= config.bin %> config --set runtime-endpoint=unix:///run/containerd/containerd.sock',
    '<%= config.bin %> config --set debug=true,timeout=5',
    '<%= config.bin %> config debug true',
    '<%= config.bin %> config --get runtime-endpoint',
    '<%= config.bin %> config --list',
  ];
  static override strict = false;
  static override args = {
    key: Args.string({ description: 'Option to set (the old positional form: config KEY VALUE).', required: false }),
    value: Args.string({ description: 'Its value.', required: false }),
  };
  static override flags = {
    get: Flags.string({ summary: 'Show the value of one option.' }),
    set: Flags.string({ multiple: true, multipleNonGreedy: true, summary: 'Set options: KEY=VALUE[,KEY=VALUE] (repeatable).' }),
    list: Flags.boolean({ summary: 'Show every option and its value.' }),
  };

  private file!: string;

  /** Only parses: the file may be missing or about to be written, so it is not loaded as settings. */
  public override async init(): Promise<void> {
    await (Command.prototype as unknown as { init(): Promise<void> }).init.call(this);
    const { flags, argv } = await this.parse({ flags: Config.flags as never, baseFlags: BaseCommand.baseFlags as never, args: Config.args as never, strict: false });
    this.flags = flags as typeof this.flags;
    this.positionals = argv as string[];
    this.file = this.flags.config ?? hostPath(DEFAULT_CRICTL_CONFIG);
  }

  async run(): Promise<void> {
    const f = this.flags;
    if (f.get !== undefined) return this.print(getOption(readConfigDocument(this.file), f.get));
    if (f.set) return this.set(f.set.flatMap((s) => s.split(',')).map(pairOf));
    if (f.list) return this.list();
    const [key, value] = this.positionals;
    if (key === undefined) return showHelp(this.config, ['config']);
    if (this.positionals.length > 2) throw new UsageError(`too many arguments: ${this.positionals.join(' ')}`, 'use tcrictl config --set KEY=VALUE');
    return this.set([[key, value ?? '']]);
  }

  /** Every pair is checked before the file is written: one bad pair leaves it as it was. */
  private set(pairs: Array<[string, string]>): void {
    const doc = readConfigDocument(this.file);
    for (const [k, v] of pairs) setOption(doc, k, v);
    writeConfigAtomically(this.file, doc);
  }

  private list(): void {
    const doc = readConfigDocument(this.file);
    const rows = OPTIONS.map(([k]) => [k, getOption(doc, k)]);
    // crictl clears the screen first; only where there is a screen.
    if (process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
    this.print(renderTable(['KEY', 'VALUE'], rows));
  }
}

function pairOf(option: string): [string, string] {
  const parts = option.split('=');
  if (parts.length !== 2) throw new UsageError(`incorrectly specified option: ${option}`, 'use --set KEY=VALUE[,KEY=VALUE]');
  return [parts[0], parts[1]];
}
