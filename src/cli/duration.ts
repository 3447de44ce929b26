/**
 * The one reader of durations: Go's time.ParseDuration (what crictl's flags
 * and --since take), plus plain seconds for -t/--timeout.
 */
import { UsageError } from './cli-error';

// Go accepts both micro signs: U+00B5 (micro) and U+03BC (Greek mu).
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const ELEMENT = /(\d+\.?\d*|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;

/** Go's time.ParseDuration, in nanoseconds (a float: precise enough for timeouts and --since); undefined if Go would reject it. */
export function parseGoDuration(text: string): number | undefined {
  const sign = text[0] === '-' || text[0] === '+' ? text[0] : '';
  const body = text.slice(sign.length);
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  for (let at = 0; at < body.length; at = ELEMENT.lastIndex) {
    ELEMENT.lastIndex = at;
    const m = ELEMENT.exec(body);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_NS[m[2]];
  }
  return sign === '-' ? -total : total;
}

/**
 * A Go duration (`2s`, `500ms`, `1m30s`, `.5s`) or plain seconds (`5`, which
 * crictl rejects but users type), in milliseconds. A leading minus is kept:
 * the caller decides what a negative value means.
 */
export function parseDuration(value: string, what: string): number {
  const v = value.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const ns = parseGoDuration(v);
  if (ns === undefined) {
    throw new UsageError(`${what}: invalid duration "${value}"`, 'use a duration such as 2s, 500ms or 1m, or plain seconds');
  }
  return ns / 1e6;
}

/** `n / unit` in decimal, without float noise or trailing zeros (n, unit: integers). */
function decimal(n: number, unit: number): string {
  const whole = Math.floor(n / unit);
  const frac = String(n % unit).padStart(String(unit).length - 1, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** Go's time.Duration.String() of `ms` milliseconds: 1ns, 1.5\u00b5s, 500ms, 2s, 1m30s, 1h0m0s. */
export function formatGoDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${decimal(ns, 1e3)}\u00b5s`;
  if (ns < 1e9) return `${sign}${decimal(ns, 1e6)}ms`;
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  const s = decimal(ns % 60e9, 1e9);
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
