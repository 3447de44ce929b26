/**
 * Log timestamps as exact (seconds, nanoseconds) pairs: JavaScript Dates stop
 * at milliseconds, and `--since` must compare records written within the same
 * millisecond correctly. Parsing is cached per second because a busy log has
 * thousands of records per second and Date.parse is the expensive part.
 */
import { parseGoDuration } from '../cli/duration';
import { UsageError } from '../cli/cli-error';

export interface Timestamp {
  /** Seconds since the Unix epoch (may be negative). */
  sec: number;
  /** 0 ≤ nsec < 1e9. */
  nsec: number;
}

export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

let cachedSecondKey = '';
let cachedSecond = 0;

/** Parses RFC3339 / RFC3339Nano (what containerd, CRI-O and dockerd write). Undefined if it is not one. */
export function parseRfc3339(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const key = m[1] + m[3];
  let sec: number;
  if (key === cachedSecondKey) sec = cachedSecond;
  else {
    const ms = Date.parse(`${m[1].replace(/[t ]/, 'T')}${m[3].toUpperCase()}`);
    if (Number.isNaN(ms)) return undefined;
    sec = Math.floor(ms / 1000);
    cachedSecondKey = key;
    cachedSecond = sec;
  }
  const nsec = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  return { sec, nsec };
}

/**
 * Go's RFC3339NanoFixed ("2006-01-02T15:04:05.000000000Z07:00"), which crictl
 * prints for --timestamps: always nine fraction digits, and the zone kept as
 * written except that a zero offset is "Z".
 */
export function formatFixed(text: string): string {
  if (text.length === 30 && text.charCodeAt(29) === 0x5a /* Z */ && text.charCodeAt(19) === 0x2e /* . */) return text;
  const m = RFC3339.exec(text);
  if (!m) return text;
  const zone = m[3] === '+00:00' || m[3] === '-00:00' || m[3] === 'z' ? 'Z' : m[3];
  return `${m[1].replace(/[t ]/, 'T')}.${(m[2] ?? '').padEnd(9, '0')}${zone}`;
}

// The common case, bytes straight from a CRI line: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
const secondKey = Buffer.alloc(19);
let secondKeyValid = false;
let secondValue = 0;

/** True if buf[start, end) is a UTC RFC3339 time this fast path handles; `digits` is the fraction length. */
function fastUtcForm(buf: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len < 20 || buf[end - 1] !== 0x5a /* Z */) return -1;
  if (len === 20) return 0;
  if (buf[start + 19] !== 0x2e /* . */ || len > 30) return -1;
  for (let i = start + 20; i < end - 1; i++) if (buf[i] < 0x30 || buf[i] > 0x39) return -1;
  return len - 21;
}

/**
 * Parses the timestamp bytes of a CRI record into `out`, without making a
 * string in the common case. False if it is not a valid time.
 */
export function parseTimeBytes(buf: Buffer, start: number, end: number, out: Timestamp): boolean {
  const digits = fastUtcForm(buf, start, end);
  if (digits < 0) {
    const ts = parseRfc3339(buf.toString('latin1', start, end));
    if (!ts) return false;
    out.sec = ts.sec;
    out.nsec = ts.nsec;
    return true;
  }
  let same = secondKeyValid;
  for (let i = 0; same && i < 19; i++) if (buf[start + i] !== secondKey[i]) same = false;
  if (!same) {
    const ms = Date.parse(`${buf.toString('latin1', start, start + 19)}Z`);
    if (Number.isNaN(ms)) return false;
    secondValue = Math.floor(ms / 1000);
    buf.copy(secondKey, 0, start, start + 19);
    secondKeyValid = true;
  }
  let nsec = 0;
  for (let i = start + 20; i < start + 20 + digits; i++) nsec = nsec * 10 + (buf[i] - 0x30);
  for (let i = digits; i < 9; i++) nsec *= 10;
  out.sec = secondValue;
  out.nsec = nsec;
  return true;
}

const ZEROS = Buffer.from('.000000000');

/**
 * The --timestamps prefix for timestamp bytes buf[start, end): RFC3339NanoFixed
 * plus a space, as bytes. Calls `emit` once or more with byte ranges.
 */
export function fixedTimeBytes(buf: Buffer, start: number, end: number, emit: (src: Uint8Array, s: number, e: number) => void): void {
  const digits = fastUtcForm(buf, start, end);
  if (digits === 9) {
    emit(buf, start, end);
  } else if (digits >= 0) {
    emit(buf, start, end - 1); // without the Z
    emit(ZEROS, digits === 0 ? 0 : 1 + digits, 10);
    emit(ZEROS_Z, 0, 1);
  } else {
    const text = Buffer.from(formatFixed(buf.toString('latin1', start, end)), 'latin1');
    emit(text, 0, text.length);
  }
  emit(ZEROS_Z, 1, 2);
}

const ZEROS_Z = Buffer.from('Z ');

function fromNanos(totalNs: number): Timestamp {
  const sec = Math.floor(totalNs / 1e9);
  return { sec, nsec: Math.round(totalNs - sec * 1e9) };
}

/** A local-time date or date-time (no zone), as moby's timetype accepts. */
function parseLocal(text: string): Timestamp | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/.exec(text);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (Number.isNaN(d.getTime())) return undefined;
  return { sec: Math.floor(d.getTime() / 1000), nsec: m[7] ? Number(m[7].padEnd(9, '0')) : 0 };
}

/**
 * `--since`, as crictl (moby's timetype.GetTimestamp) reads it: a Go duration
 * before now (`42m`, `1h30m`), an RFC3339 time, a local date or date-time, or
 * a Unix timestamp with optional fraction (`1700000000.5`).
 */
export function parseSince(value: string, nowMs = Date.now()): Timestamp {
  const v = value.trim();
  const dur = parseGoDuration(v);
  if (dur !== undefined) return fromNanos(nowMs * 1e6 - dur);
  const abs = parseRfc3339(v) ?? parseLocal(v);
  if (abs) return abs;
  const unix = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (unix) return { sec: Number(unix[1]), nsec: unix[2] ? Number(unix[2].padEnd(9, '0')) : 0 };
  throw new UsageError(
    `--since: cannot read "${value}" as a duration or a time`,
    'use a duration such as 10m or 1h30m, an RFC3339 time such as 2024-05-01T10:00:00Z, or a Unix timestamp',
  );
}
