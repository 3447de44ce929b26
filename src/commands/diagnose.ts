import * as fs from 'node:fs';
import { Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { unreadableBecause } from '../cli/errno';
import { CliError, ExitCode, EXIT_INTERRUPTED } from '../cli/cli-error';
import { hostPath, KUBELET_CONFIG } from '../config/host';
import { diagnose, renderJson, renderText, type CollectOptions } from '../diagnose';
import { EXIT_CANNOT_DIAGNOSE } from '../diagnose/finding';
import { renderPrometheus, textfileProblem, writeTextfile } from '../diagnose/prometheus';
import { wantColour } from '../diagnose/style';

export default class Diagnose extends BaseCommand<typeof Diagnose> {
  static override summary = "Explain why the node's container runtime is broken: evidence, cause and fix.";
  static override description = `Checks, in the order failures cascade: the runtime sockets (missing, stale, permission, hung), containerd's own API (CRI plugin disabled or failed, with its init error), the CRI (Status, RuntimeReady/NetworkReady, slow calls), then cross-checks that start nothing: sandbox image, runtime handler shims and runc, CNI config and plugins, kubelet vs runtime cgroup driver and endpoint, config file syntax and misplaced keys, image filesystem usage, crash-looping containers. Root causes come first; knock-on effects are marked as consequences.

Read-only: it never restarts, rewrites, pulls or deletes anything. Without root it checks what it can and lists what it could not see.

Exit codes:
  0  healthy (no errors or warnings)
  1  warnings only
  2  errors found
  3  could not diagnose (bad flags, unreadable --kubelet-config/--runtime-config, unwritable --textfile)

The JSON schema (-o json), finding ids and checks are documented in docs/diagnose.md.`;
  static override examples = [
    '<%= config.bin %> diagnose',
    '<%= config.bin %> diagnose -o json',
    '<%= config.bin %> diagnose --verbose',
    '<%= config.bin %> diagnose --textfile /var/lib/node_exporter/textfile_collector/tcrictl.prom -o json >/dev/null',
    '<%= config.bin %> -r unix:///run/k3s/containerd/containerd.sock diagnose --runtime-config /var/lib/rancher/k3s/agent/etc/containerd/config.toml',
  ];
  static override flags = {
    output: Flags.string({ char: 'o', options: ['text', 'json', 'prometheus'], default: 'text', summary: 'Output format (prometheus: node_exporter textfile format).' }),
    verbose: Flags.boolean({ summary: 'Also list every check that passed, and what it looked at.' }),
    'no-color': Flags.boolean({ summary: 'No colour in the text report (also: NO_COLOR set; never when piped).' }),
    textfile: Flags.string({ summary: 'Also write the Prometheus textfile (node_exporter) to this .prom file, atomically.' }),
    'kubelet-config': Flags.string({ summary: `The kubelet's config file [default: ${KUBELET_CONFIG}].` }),
    'runtime-config': Flags.string({
      summary: "containerd's config file [default: the --config of the running containerd, else /etc/containerd/config.toml].",
    }),
  };

  /** Any problem with the command line means "could not diagnose" (3), not the global usage code. */
  public override async init(): Promise<void> {
    try {
      await super.init();
    } catch (err) {
      const oclifExit = (err as { oclif?: { exit?: number } }).oclif?.exit;
      if (oclifExit === 0) throw err;
      const message = (err as Error).message.split('\n').find((l) => l.trim() !== '')?.trim() ?? String(err);
      throw new CliError(message, { exitCode: EXIT_CANNOT_DIAGNOSE, hint: "see 'tcrictl diagnose --help'" });
    }
  }

  async run(): Promise<void> {
    const opts = this.collectOptions();
    const textfile = this.flags.textfile;
    const problem = textfile !== undefined ? textfileProblem(textfile) : undefined;
    if (problem) throw new CliError(`--textfile ${textfile}: ${problem}`, { exitCode: EXIT_CANNOT_DIAGNOSE, hint: 'give a writable path ending in .prom in node_exporter\'s textfile directory' });
    const json = this.flags.output !== 'text';
    // ora loops forever clearing lines on a terminal that reports 0 columns (some ptys): no spinner there.
    const spinner = !json && process.stderr.isTTY && (process.stderr.columns ?? 0) >= 20 ? startSpinner() : undefined;
    let report;
    try {
      report = await diagnose({ ...opts, progress: spinner ? (t) => spinner.update(t) : undefined });
    } finally {
      spinner?.stop();
    }
    if (this.signal.aborted) throw new CliError('interrupted', { exitCode: EXIT_INTERRUPTED });
    if (textfile !== undefined) {
      try {
        writeTextfile(textfile, renderPrometheus(report));
      } catch (err) {
        throw new CliError(`cannot write --textfile ${textfile}: ${(err as Error).message}`, { exitCode: EXIT_CANNOT_DIAGNOSE });
      }
    }
    const out = this.flags.output;
    if (out === 'json') this.print(renderJson(report));
    else if (out === 'prometheus') this.print(renderPrometheus(report));
    else this.print(renderText(report, { width: process.stdout.isTTY ? process.stdout.columns : undefined, color: wantColour(process.stdout, this.flags['no-color']), verbose: this.flags.verbose }));
    if (report.exitCode !== 0) throw new ExitCode(report.exitCode);
  }

  private collectOptions(): CollectOptions {
    const flagEndpoint = this.flags['runtime-endpoint'];
    const ep = this.settings.runtimeEndpoint;
    const kubeletConfig = this.explicitFile('kubelet-config') ?? hostPath(KUBELET_CONFIG);
    return {
      timeoutMs: this.settings.timeoutMs,
      explicitEndpoint: ep
        ? flagEndpoint !== undefined
          ? { endpoint: ep, kind: 'flag', source: endpointOnCommandLine() ? '-r/--runtime-endpoint' : 'CONTAINER_RUNTIME_ENDPOINT' }
          : { endpoint: ep, kind: 'crictl', source: `runtime-endpoint in ${this.settings.configFile}` }
        : undefined,
      kubeletConfig,
      runtimeConfig: this.explicitFile('runtime-config'),
      crictlConfig: this.settings.configFile,
      signal: this.signal,
    };
  }

  /** A file named on the command line must be readable; otherwise there is nothing to diagnose with. */
  private explicitFile(flag: 'kubelet-config' | 'runtime-config'): string | undefined {
    const p = this.flags[flag];
    if (p === undefined) return undefined;
    try {
      fs.accessSync(p, fs.constants.R_OK);
    } catch (err) {
      const why = unreadableBecause(err);
      throw new CliError(`--${flag} ${p} ${why}`, { exitCode: EXIT_CANNOT_DIAGNOSE, hint: `fix the path, or leave --${flag} out to use the default` });
    }
    return p;
  }
}

/** Whether -r/--runtime-endpoint is on the command line (else the flag's value came from CONTAINER_RUNTIME_ENDPOINT). */
function endpointOnCommandLine(): boolean {
  const args = process.argv.slice(2);
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '-r' || a === '--runtime-endpoint' || a.startsWith('--runtime-endpoint=') || /^-r./.test(a));
}

interface Spinner {
  update(text: string): void;
  stop(): void;
}

/** ora on stderr, loaded only on a terminal so piped and JSON runs never pay for it. */
function startSpinner(): Spinner | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('ora') as { default: (o: object) => { start(): { text: string; stop(): void }; } };
    const s = mod.default({ text: 'Starting checks', stream: process.stderr, discardStdin: false }).start();
    return {
      update: (text) => {
        s.text = text;
      },
      stop: () => s.stop(),
    };
  } catch {
    return undefined;
  }
}
