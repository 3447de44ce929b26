import { Args, Command, Flags } from '../cli/command';
import { showHelp } from '../cli/oclif-runtime';
import { status as GrpcStatus } from '../cri/status';
import { BaseCommand, resolveSettings } from '../cli/base-command';
import { CliError, ExitCode, UsageError } from '../cli/cli-error';
import { RpcError } from '../cri/rpc-error';
import { resolveContainer } from '../cri/resolve';
import { describeStartFailure } from '../streaming/channel';
import { collidingBefore, splitExecArgv, type ExecArgv } from '../streaming/exec-argv';
import { absoluteStreamUrl, localTerminal } from '../streaming/local';
import { runRemoteCommand } from '../streaming/remote-command';

export default class Exec extends BaseCommand<typeof Exec> {
  static override summary = 'Run a command in a running container.';
  static override description =
    "Everything after the container is the command, dashes included; a `--` before it is allowed. The command's exit code becomes tcrictl's.";
  static override usage = 'exec [-s [--timeout N] | -i [-t]] CONTAINER [--] COMMAND [ARG...]';
  static override examples = [
    '<%= config.bin %> exec app cat /etc/hostname',
    "<%= config.bin %> exec app sh -c 'exit 3'; echo $?",
    '<%= config.bin %> exec -it app sh',
    'echo hi | <%= config.bin %> exec -i app head -n1',
    '<%= config.bin %> exec -s --timeout 5 app ls -l /',
  ];
  // exec reads its own argv (see init); these are for --help.
  static override strict = false;
  static override args = {
    container: Args.string({ description: 'Container ID, unique ID prefix or name.' }),
    command: Args.string({ description: 'The command and its arguments.' }),
  };
  static override flags = {
    sync: Flags.boolean({ char: 's', summary: 'Run with ExecSync: no stdin, output returned when the command ends.' }),
    timeout: Flags.integer({ summary: 'With -s: seconds the command may run (0 = no limit).' }),
    interactive: Flags.boolean({ char: 'i', summary: 'Send stdin to the command.' }),
    tty: Flags.boolean({ char: 't', summary: 'Run in a terminal (raw mode, size kept in step); needs -i and a terminal.' }),
  };

  private exec!: ExecArgv;

  /** Splits argv before oclif can read the remote command as tcrictl flags; oclif parses only the global flags. */
  public override async init(): Promise<void> {
    this.exec = splitExecArgv(this.argv, collidingBefore(process.argv.slice(2), this.id ?? 'exec'));
    // The base class's own init, without BaseCommand's parse of the whole argv.
    await (Command.prototype as unknown as { init(): Promise<void> }).init.call(this);
    const { flags } = await this.parse({ flags: {}, baseFlags: BaseCommand.baseFlags as never, args: {}, strict: true }, this.exec.globals);
    this.flags = flags as typeof this.flags;
    this.settings = resolveSettings(flags as never, (line) => this.warnLine(line));
  }

  async run(): Promise<void> {
    const x = this.exec;
    if (x.help) {
      await showHelp(this.config, ['exec']);
      return;
    }
    if (!x.container) throw new UsageError('exec needs a container and a command', `usage: tcrictl ${Exec.usage}`);
    if (x.command.length === 0) throw new UsageError(`exec needs a command to run in container "${x.container}"`, `usage: tcrictl ${Exec.usage}`);
    if (x.sync && (x.tty || x.interactive)) throw new UsageError('-s/--sync cannot send stdin or use a terminal: drop -i/-t or -s');
    if (x.timeout !== undefined && !x.sync) throw new UsageError('--timeout applies to -s/--sync only');
    if (x.tty && !x.interactive) throw new UsageError('-t/--tty needs -i/--interactive', 'use -it');
    if (x.tty && !process.stdin.isTTY) throw new UsageError('-t/--tty needs a terminal, but stdin is not one', 'drop -t (keep -i to pipe input into the command)');
    const rt = await this.runtimeClient();
    const id = await resolveContainer(rt, x.container);
    if (x.sync) await this.execSync(id, x);
    else await this.execStream(id, x);
  }

  private async execSync(containerId: string, x: ExecArgv): Promise<void> {
    const seconds = x.timeout === undefined ? 0 : Number(x.timeout);
    if (!Number.isInteger(seconds) || seconds < 0) throw new UsageError(`--timeout: "${x.timeout}" is not a whole number of seconds`);
    const rt = await this.runtimeClient();
    let res: { stdout: string; stderr: string; exitCode: number };
    try {
      // The command may use its whole timeout; the call gets the global timeout on top (crictl's rule).
      res = await rt.call('ExecSync', { containerId, cmd: x.command, timeout: seconds }, { timeoutMs: seconds > 0 ? seconds * 1000 + this.timeoutMs : 0 });
    } catch (err) {
      throw this.syncError(err, x.command, seconds);
    }
    // bytes fields decode as base64 strings (DECODE_OPTIONS).
    process.stdout.write(Buffer.from(res.stdout, 'base64'));
    process.stderr.write(Buffer.from(res.stderr, 'base64'));
    if (res.exitCode !== 0) throw new ExitCode(res.exitCode);
  }

  private syncError(err: unknown, command: string[], seconds: number): unknown {
    if (!(err instanceof RpcError)) return err;
    if (seconds > 0 && (err.code === GrpcStatus.DEADLINE_EXCEEDED || /timeout .* exceeded|deadline exceeded/i.test(err.details))) {
      return new CliError(`command ${JSON.stringify(command.join(' '))} timed out after ${seconds}s`, { exitCode: 124 });
    }
    const start = describeStartFailure(err.details, command);
    return start ? new CliError(start.message, { exitCode: start.exitCode }) : err;
  }

  private async execStream(containerId: string, x: ExecArgv): Promise<void> {
    const rt = await this.runtimeClient();
    const req = { containerId, cmd: x.command, tty: x.tty, stdin: x.interactive, stdout: true, stderr: !x.tty };
    const stdin = process.stdin;
    const raw = x.tty && stdin.isTTY;
    if (raw) stdin.setRawMode(true);
    try {
      const outcome = await runRemoteCommand({
        newUrl: async () => {
          const url = absoluteStreamUrl((await rt.call<{ url: string }>('Exec', req)).url, 'Exec');
          this.debugLine(`exec stream ${url}`);
          return url;
        },
        stdin: x.interactive ? stdin : undefined,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: this.signal,
        connectTimeoutMs: this.timeoutMs,
        terminal: x.tty ? localTerminal() : undefined,
        onOpen: (protocol) => this.debugLine(`exec stream protocol ${protocol}`),
        onFallback: (why) => this.debugLine(`${why}; trying SPDY`),
      });
      if (outcome.error) {
        const start = describeStartFailure(outcome.error, x.command);
        if (start) throw new CliError(start.message, { exitCode: start.exitCode });
        throw new CliError(`exec failed: ${outcome.error}`);
      }
      if (outcome.exitCode !== 0) throw new ExitCode(outcome.exitCode);
    } finally {
      if (raw) stdin.setRawMode(false);
      // A stdin we read from would keep the process alive.
      if (x.interactive) stdin.destroy();
    }
  }
}
