/**
 * The one output switch: json and yaml are produced here and never decorated
 * (no colour, no spinner, TTY or not); tables come from table.ts.
 */
import { UsageError } from '../cli/cli-error';
import { sortKeysDeep, stringifyJson, toProtoJson } from './json';
import { messageJson } from './json-writer';

export type OutputFormat = 'json' | 'yaml' | 'table';

// As in crictl, go-template is only on inspect, inspectp, inspecti, imagefsinfo, info and events.
export const GO_TEMPLATE_HINT = "-o go-template is on inspect, inspectp, inspecti, imagefsinfo, info and events; here use -o json with jq, e.g. tcrictl ps -o json | jq -r '.containers[].id'";

export function checkFormat(value: string | undefined, allowed: readonly OutputFormat[], fallback: OutputFormat): OutputFormat {
  const v = (value ?? fallback) as OutputFormat;
  if (v === ('go-template' as OutputFormat)) throw new UsageError('-o go-template is not supported by this command', GO_TEMPLATE_HINT);
  if (!allowed.includes(v)) {
    throw new UsageError(`unsupported output format "${value}"`, `use one of: ${allowed.join(', ')}`);
  }
  return v;
}

/** YAML as crictl makes it (JSON → YAML): keys sorted at every level, int64 strings stay quoted. */
export function toYaml(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  // YAML 1.1 quoting ("yes", timestamps) and unindented sequences, as Go's sigs.k8s.io/yaml writes.
  return YAML.stringify(sortKeysDeep(value), { lineWidth: 0, version: '1.1', indentSeq: false, sortMapEntries: true });
}

export function renderValue(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? stringifyJson(value) : toYaml(value);
}

/** A whole CRI response message (e.g. ListContainersResponse) in crictl's JSON or YAML. */
export function renderMessage(typeName: string, msg: unknown, format: 'json' | 'yaml'): string {
  // JSON goes through the message writers: a JS object would put integer-like
  // map keys ("10") first, where Go (and crictl) sort every key as a string.
  if (format === 'json') return messageJson(typeName, msg);
  return renderValue(toProtoJson(typeName, msg), format);
}
