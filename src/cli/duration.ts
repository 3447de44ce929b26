import { UsageError } from './errors';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration (`2s`, `500ms`, `1m30s`) or plain seconds (`5`,
 * which crictl rejects but users type) into milliseconds. A leading minus is
 * kept (crictl reads a timeout ≤ 0 as "the default", so `-t -1` must parse).
 */
export function parseDuration(value: string, what: string): number {
  const trimmed = value.trim();
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const v = sign < 0 ? trimmed.slice(1) : trimmed;
  if (/^\d+(\.\d+)?$/.test(v)) return sign * Number(v) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * UNITS[m[2]];
    matched = re.lastIndex;
  }
  if (v === '' || matched !== v.length) {
    throw new UsageError(`${what}: invalid duration "${value}"`, 'use a duration such as 2s, 500ms or 1m, or plain seconds');
  }
  return sign * total;
}
