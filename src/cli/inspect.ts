/**
 * What the status commands (inspect, inspectp, inspecti) share once they know
 * the IDs: -o/-q, one status call per ID (8 at a time), and the output: the
 * -o table blocks, or one JSON/YAML document (an object for one ID, an array
 * for several; see output/inspect.ts), or with -o go-template the --template's
 * output for each object, as crictl prints it.
 */
import { mapLimit } from '../cri/resolve';
import { isTemplate, runTemplateOn, templateFailure, type GoTemplate } from '../output/go-template';
import { renderStatusData, statusObject, type StatusData } from '../output/inspect';
import type { OutputFormat } from '../output/render';
import { CliError } from './cli-error';
import { output, outputOrTemplate, quietStatus, template } from './flags';

const FORMATS: OutputFormat[] = ['json', 'yaml', 'table'];

export const statusFlags = {
  output: output(['json', 'yaml', 'go-template', 'table'], 'json'),
  quiet: quietStatus,
  template,
};

export function statusFormat(value: string | undefined, tmpl: string | undefined): OutputFormat | GoTemplate {
  return outputOrTemplate(value, tmpl, FORMATS, 'json');
}

/** What crictl prints for -o go-template: the template's output and a newline, once per object. */
export function templateText(t: GoTemplate, objects: StatusData[]): string {
  return objects
    .map((d) => {
      try {
        return `${runTemplateOn(t, statusObject(d))}\n`;
      } catch (err) {
        throw new CliError(templateFailure(err));
      }
    })
    .join('');
}

export interface StatusOutput<R> {
  /** The status call for one ID; `verbose` asks the runtime for its info map. */
  status: (id: string, verbose: boolean) => Promise<R>;
  table: (r: R, verbose: boolean) => string;
  json: (r: R) => StatusData;
}

/** -q sends verbose=false (no info) whatever the format. */
export async function renderStatuses<R>(ids: readonly string[], format: OutputFormat | GoTemplate, quiet: boolean | undefined, o: StatusOutput<R>): Promise<string> {
  const verbose = !quiet;
  const responses = await mapLimit(ids, 8, (id) => o.status(id, verbose));
  if (isTemplate(format)) return templateText(format, responses.map(o.json));
  if (format === 'table') return responses.map((r) => o.table(r, verbose)).join('');
  return renderStatusData(responses.map(o.json), format);
}
