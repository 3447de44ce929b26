/**
 * Go's fmt.Sprintf for the verbs templates use on JSON values: %v %s %d %f
 * %q %t %x %%, with the flags - + 0 and width/precision. A wrong verb or a
 * missing operand prints Go's %!v(…) markers instead of failing, as Go does.
 */
import { goString } from './exec';

const SPEC = /%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;

export function formatPrintf(format: string, args: unknown[]): string {
  let n = 0;
  const out = format.replace(SPEC, (whole, flags: string, width?: string, prec?: string, verb = 'v') => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    const body = verbText(verb, a, flags, prec);
    if (body === undefined) return `%!${verb}(${typeof a === 'string' ? 'string' : typeof a}=${goString(a)})`;
    const w = width ? Number(width) : 0;
    if (body.length >= w) return body;
    if (flags.includes('-')) return body.padEnd(w);
    if (flags.includes('0') && /[dfx]/.test(verb)) {
      const sign = /^[-+]/.test(body) ? body[0] : '';
      return sign + body.slice(sign.length).padStart(w - sign.length, '0');
    }
    return body.padStart(w);
  });
  return n < args.length ? `${out}%!(EXTRA ${args.slice(n).map((a) => `${typeof a}=${goString(a)}`).join(', ')})` : out;
}

function verbText(verb: string, a: unknown, flags: string, prec?: string): string | undefined {
  const plus = flags.includes('+');
  const num = typeof a === 'number' ? a : undefined;
  switch (verb) {
    case 'v': return goString(a);
    case 's': return typeof a === 'string' ? (prec ? a.slice(0, Number(prec)) : a) : goString(a);
    case 'q': return typeof a === 'string' ? JSON.stringify(a) : undefined;
    case 't': return typeof a === 'boolean' ? String(a) : undefined;
    case 'd':
      if (num === undefined || !Number.isInteger(num)) return undefined;
      return (plus && num >= 0 ? '+' : '') + String(num);
    case 'f': case 'F':
      if (num === undefined) return undefined;
      return (plus && num >= 0 ? '+' : '') + num.toFixed(prec ? Number(prec) : 6);
    case 'x': case 'X': {
      const s = typeof a === 'string' ? Buffer.from(a).toString('hex') : num !== undefined && Number.isInteger(num) ? num.toString(16) : undefined;
      return verb === 'X' ? s?.toUpperCase() : s;
    }
    default: return undefined;
  }
}
