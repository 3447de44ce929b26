import { Flags } from '../cli/command';
import { BaseCommand } from '../cli/base-command';
import { CliError, UsageError } from '../cli/cli-error';
import { drained, ioStreams } from '../cli/io';
import { compileTemplate, runTemplate, templateFailure, type GoTemplate } from '../output/go-template';
import { status } from '../cri/status';
import type { ContainerEventResponse } from '../cri/types';
import { renderMessage } from '../output/render';
import { safeCell, truncateId } from '../output/format';

const TYPE = 'runtime.v1.ContainerEventResponse';
const FORMATS = ['json', 'yaml', 'go-template', 'table'];

export default class Events extends BaseCommand<typeof Events> {
  static override summary = 'Stream the events of containers.';
  static override aliases = ['event'];
  static override description =
    'Prints each container event (created, started, stopped, deleted) as the runtime sends it (GetContainerEvents), ' +
    'until Ctrl-C: one JSON document per event (crictl\'s format), YAML documents, one line per event from ' +
    '-o go-template --template T (run on the event\'s JSON), or one table row per event. ' +
    'Runtimes: containerd 1.7+, CRI-O 1.26+.';
  static override examples = [
    '<%= config.bin %> events',
    '<%= config.bin %> events -o table',
    "<%= config.bin %> events | jq -r '.containerEventType'",
    "<%= config.bin %> events -o go-template --template '{{.containerId}} {{.containerEventType}}'",
  ];
  static override flags = {
    output: Flags.string({ char: 'o', summary: `Output format, one of: ${FORMATS.join('|')} [default: json].` }),
    template: Flags.string({ summary: 'The template for -o go-template (Go text/template, run on each event\'s JSON).' }),
  };

  async run(): Promise<void> {
    const format = this.flags.output ?? 'json';
    const template = checkOptions(format, this.flags.template);
    const rt = await this.runtimeClient();
    if (format === 'table') this.print(row(['TIME', 'CONTAINER', 'EVENT', 'POD', 'NAMESPACE']));
    const out = ioStreams().out;
    try {
      for await (const e of rt.stream<ContainerEventResponse>('GetContainerEvents', {})) {
        const text = format === 'table' ? row(tableCells(e)) : template ? templated(template, e) : renderMessage(TYPE, e, format as 'json' | 'yaml');
        const more = out.write(format === 'yaml' ? `---\n${text.endsWith('\n') ? text : `${text}\n`}` : text.endsWith('\n') ? text : `${text}\n`);
        // A closed stdout never drains: stop at the abort lifecycle.ts sends (leaving the loop cancels the stream).
        if (!more) await drained(out, this.signal);
        if (this.signal.aborted) return;
      }
    } catch (err) {
      if ((err as { code?: number }).code === status.UNIMPLEMENTED) {
        throw new CliError(`the runtime at ${rt.endpoint} does not stream container events (GetContainerEvents): containerd 1.7+ and CRI-O 1.26+ do`, {
          hint: 'upgrade the runtime, or watch with `tcrictl ps -a` meanwhile',
        });
      }
      throw err;
    }
  }
}

/** crictl's checks, in its order and words, before any connection: a bad -o or --template is exit 1. */
function checkOptions(format: string, template: string | undefined): GoTemplate | undefined {
  if (format === 'go-template') return compileTemplate(template ?? '');
  if (!FORMATS.includes(format)) throw new UsageError(`don't support "${format}" format`, `use one of: ${FORMATS.join(', ')}`);
  if (template) throw new UsageError(`template can't be used with "${format}" format`, 'add -o go-template');
  return undefined;
}

/** One event through the template; a failure is printed in its place and the stream goes on, as crictl does. */
function templated(t: GoTemplate, e: ContainerEventResponse): string {
  try {
    return `${runTemplate(t, renderMessage(TYPE, e, 'json'))}\n`;
  } catch (err) {
    return `failed to format container event with the error: ${templateFailure(err)}\n`;
  }
}

const WIDTHS = [31, 14, 9, 24, 0];

function row(cells: string[]): string {
  return cells.map((c, i) => (WIDTHS[i] ? c.padEnd(WIDTHS[i]) : c)).join('  ');
}

function tableCells(e: ContainerEventResponse): string[] {
  const ms = Number(BigInt(String(e.createdAt || '0')) / 1_000_000n);
  const kind = String(e.containerEventType).replace(/^CONTAINER_/, '').replace(/_EVENT$/, '');
  const pod = e.podSandboxStatus?.metadata;
  return [new Date(ms).toISOString(), truncateId(e.containerId), kind, safeCell(pod?.name ?? ''), safeCell(pod?.namespace ?? '')];
}
