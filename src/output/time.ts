/**
 * Go's time formatting as crictl prints CRI nanosecond timestamps, in the
 * local time zone (TZ) like Go's time.Unix(0, ns):
 *   RFC3339Nano  2026-11-25T13:43:25.635089029Z    (inspect JSON)
 *   String()     2026-11-25 13:43:25.635089029 +0000 UTC   (pods -v, inspectp -o table)
 */

/** Go's zero time.Time formatted as RFC3339Nano: what crictl prints for "never". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

interface Parts {
  date: string; // 2006-01-02
  clock: string; // 15:04:05
  fraction: string; // ".635089029" with trailing zeros dropped, or ""
  offsetMinutes: number; // east of UTC
  when: Date;
}

function parts(ns: string | bigint): Parts {
  const total = typeof ns === 'bigint' ? ns : BigInt(ns || '0');
  let secs = total / 1_000_000_000n;
  let nanos = total % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    secs -= 1n;
  }
  const when = new Date(Number(secs) * 1000);
  const offsetMinutes = -when.getTimezoneOffset();
  const local = new Date(when.getTime() + offsetMinutes * 60_000);
  const iso = local.toISOString(); // local wall clock, expressed in UTC fields
  const fraction = nanos === 0n ? '' : `.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return { date: iso.slice(0, 10), clock: iso.slice(11, 19), fraction, offsetMinutes, when };
}

function offset(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

/** Go `time.Unix(0, ns).Format(time.RFC3339Nano)` in the local zone. */
export function rfc3339Nano(ns: string | bigint): string {
  const p = parts(ns);
  const zone = p.offsetMinutes === 0 ? 'Z' : offset(p.offsetMinutes, true);
  return `${p.date}T${p.clock}${p.fraction}${zone}`;
}

/** The zone abbreviation Go would print: the tz name when there is one, else "+01" / "+0530". */
function zoneAbbrev(when: Date, offsetMinutes: number): string {
  let name = '';
  try {
    name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(when).find((x) => x.type === 'timeZoneName')?.value ?? '';
  } catch {
    name = '';
  }
  if (name && !/^(GMT|UTC)[+-]/.test(name) && !(name === 'GMT' && offsetMinutes !== 0)) return name === 'GMT' ? 'UTC' : name;
  const o = offset(offsetMinutes, false);
  return o.endsWith('00') ? o.slice(0, 3) : o;
}

/** Go `time.Unix(0, ns).String()`: "2006-01-02 15:04:05.999999999 -0700 MST". */
export function goTimeString(ns: string | bigint): string {
  const p = parts(ns);
  return `${p.date} ${p.clock}${p.fraction} ${offset(p.offsetMinutes, false)} ${zoneAbbrev(p.when, p.offsetMinutes)}`;
}
