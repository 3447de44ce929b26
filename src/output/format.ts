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
  return `${Math.floor(hours / 24 / 365)} years`;
}

/** "N … ago" for a CRI nanosecond timestamp string. */
export function ago(createdAtNs: string, nowMs = Date.now()): string {
  const ms = Number(BigInt(createdAtNs || '0') / 1_000_000n);
  return `${humanDuration(Math.max(0, nowMs - ms))} ago`;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's %.Ng: N significant digits, trailing zeros dropped, exponent form when Go would use it. */
function goG(x: number, precision: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toPrecision(precision);
  // Rounding can carry into a new digit (999.9 → "1.00e+3" in Go terms).
  const rounded = Number(s);
  const e = rounded === 0 ? exp : Math.floor(Math.log10(Math.abs(rounded)));
  if (e < -4 || e >= precision) {
    const [m, ex] = rounded.toExponential(precision - 1).split('e');
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(ex);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

/** go-units HumanSizeWithPrecision (decimal units): 1028707 → "1.03MB" with precision 3. */
export function humanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${goG(size, precision)}${UNITS[i]}`;
}

/**
 * Names, labels and annotations come from workloads: a name must not be able
 * to move the cursor or rewrite the screen. Control characters become \xNN.
 */
export function safeCell(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
