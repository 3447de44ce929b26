import { Args, Flags } from '../cli/command';
import { status as GrpcStatus } from '../cri/status';
import { BaseCommand } from '../cli/base-command';
import { CliError } from '../cli/cli-error';
import { type RuntimeClient } from '../cri/client';
import { RpcError } from '../cri/rpc-error';
import { resolveContainer } from '../cri/resolve';
import { previousLogPath, printLogs } from '../logs/logs';
import { collidingBefore, normalizeMovedGlobals } from '../streaming/exec-argv';
import { STDERR, STDOUT } from '../logs/record';
import { parseSince } from '../logs/timestamp';

// crictl's logs has -t/--timestamps; the global -t/--timeout stays available as --timeout.
const { timeout: globalTimeout, ...globalFlags } = BaseCommand.baseFlags;

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = 'Fetch the logs of a container.';
  static override description =
    'Reads the log file the runtime keeps for the container (CRI or json-file format): stdout lines go to stdout, stderr lines to stderr, and lines the runtime split into partial records are joined.';
  static override examples = [
    '<%= config.bin %> logs app',
    '<%= config.bin %> logs -f --tail 50 app',
    '<%= config.bin %> logs --since 10m -t app',
    '<%= config.bin %> logs --stream stderr --tail 20 app',
  ];
  static override baseFlags = { ...globalFlags, timeout: { ...globalTimeout, char: undefined } };
  static override args = {
    container: Args.string({ required: true, description: 'Container ID, unique ID prefix or name.' }),
  };
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep printing new lines until the container stops (or Ctrl-C).' }),
    previous: Flags.boolean({ char: 'p', summary: "Print the previous attempt's log (the kubelet's <attempt-1>.log)." }),
    tail: Flags.integer({ default: -1, min: -1, summary: 'Print only the last N lines (partial records joined count once); -1 = all.' }),
    'limit-bytes': Flags.integer({ default: -1, min: -1, summary: 'Stop after this many bytes of output; -1 = no limit.' }),
    since: Flags.string({ summary: 'Only lines at or after a time: a duration (10m, 1h30m), RFC3339 time or Unix timestamp.' }),
    timestamps: Flags.boolean({ char: 't', summary: 'Prefix each line with its RFC3339Nano timestamp.' }),
    stream: Flags.string({ options: ['stdout', 'stderr'], summary: 'Print only this stream.' }),
    reopen: Flags.boolean({ summary: 'Ask the runtime to reopen the log file first (ReopenContainerLog), as after a rotation.' }),
  };

  /** `tcrictl -t 5s logs app`: the moved global -t is the timeout, not -t/--timestamps. */
  public override async init(): Promise<void> {
    this.argv = normalizeMovedGlobals(this.argv, collidingBefore(process.argv.slice(2), this.id ?? 'logs'));
    await super.init();
  }

  async run(): Promise<void> {
    const f = this.flags;
    const since = f.since !== undefined ? parseSince(f.since) : undefined;
    const rt = await this.runtimeClient();
    const id = await resolveContainer(rt, this.args.container);
    if (f.reopen) await rt.call('ReopenContainerLog', { containerId: id });
    const { status } = await rt.containerStatus(id, false);
    if (!status) throw new CliError(`container ${id} not found`);
    const name = status.metadata?.name || id.slice(0, 13);
    let logPath = status.logPath;
    if (!logPath) {
      throw new CliError(`container "${name}" has no log file: the runtime was given no log path for it`, {
        hint: 'the kubelet sets one; for hand-made pods set log_directory in the pod config and log_path in the container config',
      });
    }
    if (f.previous) {
      const attempt = status.metadata?.attempt ?? 0;
      if (attempt === 0) throw new CliError(`container "${name}" has no previous attempt (it is attempt 0)`);
      logPath = previousLogPath(logPath, attempt);
    }
    const result = await printLogs({
      path: logPath,
      tail: f.tail,
      follow: f.follow && !f.previous,
      limitBytes: f['limit-bytes'],
      timestamps: f.timestamps,
      since,
      stream: f.stream === 'stdout' ? STDOUT : f.stream === 'stderr' ? STDERR : undefined,
      signal: this.signal,
      stillRunning: () => stillRunning(rt, id),
    });
    if (result.rawLines > 0 && !this.signal.aborted) {
      const n = result.rawLines;
      this.warnLine(`${n} line${n === 1 ? '' : 's'} of ${logPath} ${n === 1 ? 'was' : 'were'} in neither the CRI nor the json-file log format; shown as is`);
    }
  }
}

/** Whether the container can still write to its log. Transport trouble is not a reason to stop following. */
async function stillRunning(rt: RuntimeClient, id: string): Promise<boolean> {
  try {
    const { status } = await rt.containerStatus(id, false);
    return status?.state === 'CONTAINER_RUNNING' || status?.state === 'CONTAINER_CREATED';
  } catch (err) {
    return !(err instanceof RpcError && err.code === GrpcStatus.NOT_FOUND);
  }
}
