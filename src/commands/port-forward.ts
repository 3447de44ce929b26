import * as net from 'node:net';
import { Args, Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { UsageError } from '../cli/cli-error';
import { resolvePod } from '../cri/resolve';
import { absoluteStreamUrl } from '../streaming/local';
import { parsePortSpec, runPortForward } from '../streaming/port-forward';

export default class PortForward extends BaseCommand<typeof PortForward> {
  static override summary = 'Forward local ports to a pod.';
  static override description =
    "Listens on 127.0.0.1 (or --address) and carries each connection to the port in the pod's network namespace through the runtime's streaming server, until Ctrl-C.";
  static override usage = 'port-forward [--address IP] POD [LOCAL_PORT:]REMOTE_PORT...';
  static override examples = [
    '<%= config.bin %> port-forward web 8080:80',
    '<%= config.bin %> port-forward web :80            # any free local port',
    '<%= config.bin %> port-forward web 8080:80 8443:443',
  ];
  static override strict = false;
  static override args = {
    pod: Args.string({ required: true, description: 'Pod ID, unique ID prefix or name.' }),
    ports: Args.string({ description: '[LOCAL_PORT:]REMOTE_PORT, one or more.' }),
  };
  static override flags = {
    address: Flags.string({ default: '127.0.0.1', summary: 'Local address to listen on.' }),
  };

  async run(): Promise<void> {
    const [pod, ...specs] = this.positionals;
    if (specs.length === 0) throw new UsageError('port-forward needs at least one port', `usage: tcrictl ${PortForward.usage}`);
    const ports = specs.map(parsePortSpec);
    const address = this.flags.address;
    if (net.isIP(address) === 0) throw new UsageError(`--address: "${address}" is not an IP address`, 'e.g. --address 127.0.0.1 or --address 0.0.0.0');
    const rt = await this.runtimeClient();
    const podSandboxId = await resolvePod(rt, pod);
    const { url } = await rt.call<{ url: string }>('PortForward', { podSandboxId, port: ports.map((p) => p.remote) });
    const full = absoluteStreamUrl(url, 'PortForward');
    this.debugLine(`port-forward stream ${full}`);
    await runPortForward({
      url: full,
      ports,
      address,
      signal: this.signal,
      timeoutMs: this.timeoutMs,
      print: (line) => this.print(line),
      warn: (line) => this.warnLine(line),
    });
  }
}
