import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { CliError, UsageError } from '../cli/cli-error';
import { resolveContainer } from '../cri/resolve';
import { collidingBefore, normalizeMovedGlobals } from '../streaming/exec-argv';
import { absoluteStreamUrl, localTerminal } from '../streaming/local';
import { runRemoteCommand } from '../streaming/remote-command';

// crictl's attach has -i/--stdin and -t/--tty; the globals stay available as --image-endpoint and --timeout.
const { timeout: globalTimeout, 'image-endpoint': globalImage, ...globalFlags } = BaseCommand.baseFlags;

export default class Attach extends BaseCommand<typeof Attach> {
  static override summary = 'Attach to a running container.';
  static override description =
    "Connects to the container's own stdout and stderr (and stdin with -i) until the container stops, stdin ends, or Ctrl-C. " +
    'With -i the container must have been created with stdin open; -t needs a container created with a terminal.';
  static override examples = [
    '<%= config.bin %> attach app',
    '<%= config.bin %> attach -it app',
    'echo hello | <%= config.bin %> attach -i app',
  ];
  static override baseFlags = {
    ...globalFlags,
    timeout: { ...globalTimeout, char: undefined },
    'image-endpoint': { ...globalImage, char: undefined },
  };
  static override args = {
    container: Args.string({ required: true, description: 'Container ID, unique ID prefix or name.' }),
  };
  static override flags = {
    stdin: Flags.boolean({ char: 'i', summary: "Send stdin to the container's stdin." }),
    tty: Flags.boolean({ char: 't', summary: "The container has a terminal: raw mode, size kept in step; needs -i and a terminal." }),
  };

  /** `tcrictl -t 5s attach app`: globals typed before the command keep their meaning. */
  public override async init(): Promise<void> {
    this.argv = normalizeMovedGlobals(this.argv, collidingBefore(process.argv.slice(2), this.id ?? 'attach'));
    await super.init();
  }

  async run(): Promise<void> {
    const { stdin: interactive, tty } = this.flags;
    if (tty && !interactive) throw new UsageError('-t/--tty needs -i/--stdin', 'use -it');
    if (tty && !process.stdin.isTTY) throw new UsageError('-t/--tty needs a terminal, but stdin is not one', 'drop -t (keep -i to pipe input into the container)');
    const rt = await this.runtimeClient();
    const containerId = await resolveContainer(rt, this.args.container);
    const req = { containerId, tty, stdin: interactive, stdout: true, stderr: !tty };
    const stdin = process.stdin;
    if (tty) stdin.setRawMode(true);
    try {
      const outcome = await runRemoteCommand({
        newUrl: async () => {
          const url = absoluteStreamUrl((await rt.call<{ url: string }>('Attach', req)).url, 'Attach');
          this.debugLine(`attach stream ${url}`);
          return url;
        },
        stdin: interactive ? stdin : undefined,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: this.signal,
        connectTimeoutMs: this.timeoutMs,
        terminal: tty ? localTerminal() : undefined,
        onOpen: (protocol) => this.debugLine(`attach stream protocol ${protocol}`),
        onFallback: (why) => this.debugLine(`${why}; trying SPDY`),
      });
      if (outcome.error) throw new CliError(`attach failed: ${outcome.error}`);
    } finally {
      if (tty) stdin.setRawMode(false);
      // A stdin we read from would keep the process alive.
      if (interactive) stdin.destroy();
    }
  }
}
