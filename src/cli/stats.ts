/**
 * What `stats` and `statsp` share around the sampling loop of
 * output/stats.ts: the sampling flags, the ID-argument-or---id rule, and
 * wiring -o/-s/-w into `statsLoop`. The commands keep only their list call
 * and their table rows.
 */
import { Flags } from './command';
import { renderMessage, type OutputFormat } from '../output/render';
import { parseLabels, statsLoop } from '../output/stats';
import { UsageError } from './cli-error';
import { ioStreams } from './io';
import { label, output, outputFormat } from './flags';

const FORMATS = ['json', 'yaml', 'table'] as const;

export const statsIdFlag = (what: 'container' | 'pod') => Flags.string({ summary: `Filter by ${what} ID, unique ID prefix or name.` });

/** The flags after the target filters, in the order help lists them. */
export const samplingFlags = {
  label,
  output: output(FORMATS, 'table'),
  seconds: Flags.integer({ char: 's', default: 1, min: 1, summary: 'Sample interval for CPU usage, in seconds.' }),
  watch: Flags.boolean({ char: 'w', summary: 'Refresh every interval until Ctrl-C (in place on a terminal).' }),
};

export interface StatsFlags {
  id?: string;
  label?: string[];
  output?: string;
  seconds: number;
  watch: boolean;
}

export interface StatsRequest {
  /** The ID, prefix or name given as argument or --id, still to be resolved. */
  query?: string;
  labelSelector: Record<string, string>;
  format: OutputFormat;
}

/** Checks the flags before any connection is made, so usage errors come first. */
export function statsRequest(f: StatsFlags, arg: string | undefined, what: 'container' | 'pod'): StatsRequest {
  if (f.id && arg && f.id !== arg) throw new UsageError(`give the ${what} either as an argument or with --id, not both`);
  const labelSelector = parseLabels(f.label);
  return { query: f.id ?? arg, labelSelector, format: outputFormat(f.output, FORMATS, 'table') };
}

export interface StatsRun<T> {
  sample: () => Promise<T[]>;
  table: (previous: T[], current: T[]) => string;
  /** The CRI response type -o json|yaml renders, e.g. runtime.v1.ListContainerStatsResponse. */
  responseType: string;
}

export function runStats<T>(f: StatsFlags, req: StatsRequest, signal: AbortSignal, r: StatsRun<T>): Promise<void> {
  const fmt = req.format;
  return statsLoop<T>({
    sample: r.sample,
    table: r.table,
    document: fmt === 'table' ? undefined : (current) => renderMessage(r.responseType, { stats: current }, fmt),
    intervalMs: f.seconds * 1000,
    watch: f.watch,
    tty: !!ioStreams().out.isTTY,
    signal,
    write: (text) => ioStreams().out.write(text),
  });
}
