import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { collidingBefore, normalizeMovedGlobals } from '../streaming/exec-argv';
import { parseDuration } from '../cli/duration';
import { finish, resolveAll, runEach, type Target } from '../cli/each';
import { UsageError } from '../cli/cli-error';
import { inContext } from '../cli/errors';
import { notFoundAs } from '../cri/resolve';
import { containerPicker } from '../cri/targets';

export default class Stop extends BaseCommand<typeof Stop> {
  static override summary = 'Stop one or more running containers.';
  static override description =
    'Sends the stop signal, then kills each container after -t seconds (crictl\'s stop -t; the call\'s deadline is ' +
    'that plus the usual timeout). Containers may be given by full ID, unique ID prefix or name; an ambiguous one ' +
    'lists the candidates and nothing is stopped. Each stopped container is printed as given.';
  static override examples = ['<%= config.bin %> stop app', '<%= config.bin %> stop -t 30 1f2e3d4c5b6a', '<%= config.bin %> stop -a'];
  static override strict = false;
  static override args = {
    ids: Args.string({ description: 'CONTAINER-ID... (full ID, unique prefix or name)', required: false }),
  };
  // crictl's stop -t/--timeout is the grace period; the global -t/--timeout, given before the command, still sets the calls' timeout.
  static override baseFlags = { ...BaseCommand.baseFlags, 'call-timeout': { ...BaseCommand.baseFlags.timeout, char: undefined, hidden: true } };
  static override flags = {
    timeout: Flags.string({ char: 't', summary: 'Seconds to wait before killing the container after a graceful stop is requested [default: 0].' }),
    all: Flags.boolean({ char: 'a', summary: 'Stop all running containers.' }),
  };

  /** `tcrictl -t 5s stop -t 10 app`: the moved global -t is the calls' timeout, the later one the grace period. */
  public override async init(): Promise<void> {
    const before = collidingBefore(process.argv.slice(2), this.id ?? 'stop');
    let moved = before.timeout;
    this.argv = normalizeMovedGlobals(this.argv, before).map((a) => (moved > 0 && a.startsWith('--timeout=') && moved-- ? `--call-timeout=${a.slice(10)}` : a));
    await super.init();
    const call = (this.flags as { 'call-timeout'?: string })['call-timeout'];
    const fromFile = this.settings.config.timeoutSeconds ?? 0;
    this.settings.timeoutMs = call !== undefined && parseDuration(call, '-t/--timeout') > 0 ? parseDuration(call, '-t/--timeout') : fromFile > 0 ? fromFile * 1000 : 2000;
  }

  async run(): Promise<void> {
    const f = this.flags;
    const queries = this.positionals;
    const graceMs = f.timeout === undefined ? 0 : Math.max(0, parseDuration(f.timeout, '-t/--timeout'));
    if (f.all && queries.length > 0) throw new UsageError('cannot specify CONTAINER-ID(s) when using --all');
    if (!f.all && queries.length === 0) throw new UsageError('you must specify at least one CONTAINER-ID or use --all');
    const rt = await this.runtimeClient();
    let targets: Target[];
    let unknown: unknown[] = [];
    if (f.all) {
      const running = await rt.listContainers({ state: { state: 'CONTAINER_RUNNING' } });
      if (running.length === 0) return this.print('No running containers found.');
      targets = running.map((c) => ({ query: c.id, id: c.id }));
    } else ({ targets, failures: unknown } = await resolveAll(queries, await containerPicker(rt, queries)));
    const failures = await runEach(targets, async (t) => {
      await rt.call('StopContainer', { containerId: t.id, timeout: Math.ceil(graceMs / 1000) }, { timeoutMs: this.timeoutMs + graceMs }).catch((err: unknown) => {
        throw inContext(notFoundAs(err, 'container', t.query, 'tcrictl ps -a'), `stopping the container "${t.query}"`);
      });
      this.print(t.query);
    }, this.signal);
    finish([...unknown, ...failures]);
  }
}
