/**
 * What the status commands (inspect, inspectp, inspecti) share once they know
 * the IDs: -o/-q, one status call per ID (8 at a time), and the output: the
 * -o table blocks, or one JSON/YAML document (an object for one ID, an array
 * for several; see output/inspect.ts).
 */
import { mapLimit } from '../cri/resolve';
import { renderStatusData, type StatusData } from '../output/inspect';
import type { OutputFormat } from '../output/render';
import { output, outputFormat, quietStatus } from './flags';

const FORMATS: OutputFormat[] = ['json', 'yaml', 'table'];

export const statusFlags = {
  output: output(FORMATS, 'json'),
  quiet: quietStatus,
};

export function statusFormat(value: string | undefined): OutputFormat {
  return outputFormat(value, FORMATS, 'json');
}

export interface StatusOutput<R> {
  /** The status call for one ID; `verbose` asks the runtime for its info map. */
  status: (id: string, verbose: boolean) => Promise<R>;
  table: (r: R, verbose: boolean) => string;
  json: (r: R) => StatusData;
}

/** -q sends verbose=false (no info) whatever the format. */
export async function renderStatuses<R>(ids: readonly string[], format: OutputFormat, quiet: boolean | undefined, o: StatusOutput<R>): Promise<string> {
  const verbose = !quiet;
  const responses = await mapLimit(ids, 8, (id) => o.status(id, verbose));
  if (format === 'table') return responses.map((r) => o.table(r, verbose)).join('');
  return renderStatusData(responses.map(o.json), format);
}
