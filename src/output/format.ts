/**
 * Cell formatting shared by every table: crictl's truncated IDs, go-units
 * relative ages and sizes, and escaping of workload-controlled text.
 */
export const TRUNC_ID_LEN = 13;

/** crictl's getTruncatedID: strip an algorithm prefix, keep 13 characters. */
export function truncateId(id: string, prefix = ''): string {
  let s = id;
  if (prefix && s.startsWith(prefix)) s = s.slice(prefix.length);
  const colon = s.indexOf(':');
  if (!prefix && colon > 0 && /^[a-z0-9]+$/.test(s.slice(0, colon))) s = s.slice(colon + 1);
  return s.length > TRUNC_ID_LEN ? s.slice(0, TRUNC_ID_LEN) : s;
}

/** go-units HumanDuration, as crictl prints ages ("3 seconds ago" without the " ago"). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  // go-units uses the truncated (not rounded) hours here.
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}

/** "N … ago" for a CRI nanosecond timestamp string. */
export function ago(createdAtNs: string, nowMs = Date.now()): string {
  const ms = Number(BigInt(createdAtNs || '0') / 1_000_000n);
  return `${humanDuration(Math.max(0, nowMs - ms))} ago`;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** The exact decimal value of a finite, non-negative double: digits × 10^-scale. */
function exactDecimal(x: number): { digits: string; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    exp2 = biased - 1075;
  }
  if (exp2 >= 0) return { digits: (mant << BigInt(exp2)).toString(), scale: 0 };
  // m / 2^k = m·5^k / 10^k: exact, so ties are real ties (Go rounds them to even).
  return { digits: (mant * 5n ** BigInt(-exp2)).toString(), scale: -exp2 };
}

/**
 * Go's fmt %.{precision}g: `precision` significant digits of the exact value,
 * exact ties rounded to even (1.125 → "1.12"), trailing zeros dropped, and
 * the exponent form when the exponent is < -4 or >= precision (999.5 → "1e+03").
 */
export function formatGoG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return '0';
  const sign = x < 0 ? '-' : '';
  const { digits, scale } = exactDecimal(Math.abs(x));
  let d = digits;
  let exp = d.length - 1 - scale; // decimal exponent of the first digit
  if (d.length > precision) {
    const rest = d.slice(precision);
    let keep = d.slice(0, precision);
    const half = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
    const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
    if (half || (tie && Number(keep[keep.length - 1]) % 2 === 1)) {
      const up = (BigInt(keep) + 1n).toString();
      if (up.length > keep.length) exp += 1;
      keep = up.slice(0, precision);
    }
    d = keep;
  }
  d = d.replace(/0+$/, '') || '0';
  if (exp < -4 || exp >= precision) {
    const mant = d.length > 1 ? `${d[0]}.${d.slice(1)}` : d;
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const point = exp + 1; // digits before the decimal point
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${d}`;
  if (point >= d.length) return `${sign}${d}${'0'.repeat(point - d.length)}`;
  return `${sign}${d.slice(0, point)}.${d.slice(point)}`;
}

/** go-units HumanSizeWithPrecision (decimal units): 1028707 → "1.03MB" with precision 3. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatGoG(size, precision)}${UNITS[i]}`;
}

/**
 * The one escaping function for text on its way to a terminal: names,
 * labels, annotations, image tags and server messages come from workloads or
 * runtimes, and must not be able to move the cursor, rewrite the screen, set
 * the window title or reorder the text. Every control character (Cc), every
 * Unicode format character (Cf: bidi marks and overrides, U+200E, U+200F,
 * U+061C, U+FEFF, …), lone surrogates and the line/paragraph separators
 * become \xNN or \u{…}; the rest is shown as it is. JSON and YAML output do
 * not use this (they carry the exact text).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;

export function safeCell(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
