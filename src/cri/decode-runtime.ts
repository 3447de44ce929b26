/**
 * Helpers for the build-time generated decoders (scripts/decoder-gen.js →
 * src/cri/generated/decoders.ts). Reading goes through protobufjs' Reader,
 * so varints, strings and skipping behave exactly as in `Type.decode`; only
 * 64-bit integers are read here, straight into the decimal strings that
 * `toObject({longs: String})` gives, without a Long object per value.
 * Only protobufjs/minimal: the full build (reflection, code generation) is
 * not needed to read a response.
 */
import * as protobuf from 'protobufjs/minimal';

export type R = protobuf.Reader;
export type Obj = Record<string, unknown>;

export const outOfRange = (): RangeError => new RangeError('index out of range');

/** protobufjs' util.makeProp: a "__proto__" key becomes an own property. */
export function makeProp(obj: unknown, k: string): void {
  Object.defineProperty(obj, k, { enumerable: true, configurable: true, writable: true });
}

/** The whole buffer as one message, as `Type.decode(buf)` reads it. */
export function top(buf: Uint8Array, fn: (r: R, end: number) => Obj): Obj {
  const r = protobuf.Reader.create(buf);
  return fn(r, r.len);
}

/** A length-delimited sub-message: reads may not run past its end (protobufjs' decode(r, length)). */
export function sub(r: R, fn: (r: R, end: number) => Obj): Obj {
  const c = r.uint32() + r.pos;
  if (c > r.len) throw outOfRange();
  const len = r.len;
  r.len = c;
  const m = fn(r, c);
  if (r.pos !== c) throw outOfRange();
  r.len = len;
  return m;
}

export function b64(bytes: Uint8Array): string {
  return protobuf.util.base64.encode(bytes, 0, bytes.length);
}

// The 64 bits last read, as two unsigned 32-bit halves (no allocation per value).
let lo = 0;
let hi = 0;

/** protobufjs' readLongVarint, same checks and errors. */
function varint64(r: R): void {
  const buf = r.buf;
  lo = 0;
  hi = 0;
  let i = 0;
  if (r.len - r.pos > 4) {
    for (; i < 4; ++i) {
      lo = (lo | ((buf[r.pos] & 127) << (i * 7))) >>> 0;
      if (buf[r.pos++] < 128) return;
    }
    lo = (lo | ((buf[r.pos] & 127) << 28)) >>> 0;
    hi = (hi | ((buf[r.pos] & 127) >> 4)) >>> 0;
    if (buf[r.pos++] < 128) return;
    i = 0;
  } else {
    for (; i < 3; ++i) {
      if (r.pos >= r.len) throw outOfRange();
      lo = (lo | ((buf[r.pos] & 127) << (i * 7))) >>> 0;
      if (buf[r.pos++] < 128) return;
    }
    lo = (lo | ((buf[r.pos++] & 127) << (i * 7))) >>> 0;
    return;
  }
  if (r.len - r.pos > 4) {
    for (; i < 5; ++i) {
      hi = (hi | ((buf[r.pos] & 127) << (i * 7 + 3))) >>> 0;
      if (buf[r.pos++] < 128) return;
    }
  } else {
    for (; i < 5; ++i) {
      if (r.pos >= r.len) throw outOfRange();
      hi = (hi | ((buf[r.pos] & 127) << (i * 7 + 3))) >>> 0;
      if (buf[r.pos++] < 128) return;
    }
  }
  throw Error('invalid varint encoding');
}

function fixed64(r: R): void {
  if (r.pos + 8 > r.len) throw outOfRange();
  const b = r.buf;
  const p = r.pos;
  lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  hi = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
  r.pos = p + 8;
}

/** A base-1e7 digit with its leading zeros. */
function digits7(d: number): string {
  const s = String(d);
  return '0000000'.slice(s.length) + s;
}

/**
 * The unsigned 64-bit value hi:lo in decimal, with double arithmetic only
 * (google-protobuf's joinUnsignedDecimalString; a BigInt per value is several
 * times slower in a short-lived process): below 2^53 the double is exact, above
 * it the value is split 16:24:24 and turned into three base-1e7 digits.
 */
export function unsignedDecimal(lo: number, hi: number): string {
  if (hi <= 0x1fffff) return String(hi * 4294967296 + lo);
  const low = lo & 0xffffff;
  const mid = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const high = (hi >>> 16) & 0xffff;
  // 2^24 = (1, 6777216) and 2^48 = (2, 8147497, 6710656) in base 1e7.
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  if (a >= 10000000) {
    b += Math.floor(a / 10000000);
    a %= 10000000;
  }
  if (b >= 10000000) {
    c += Math.floor(b / 10000000);
    b %= 10000000;
  }
  return String(c) + digits7(b) + digits7(a);
}

/** The two's complement 64-bit value hi:lo in decimal (Long#toString of a signed Long). */
export function signedDecimal(lo: number, hi: number): string {
  if (hi < 0x80000000) return unsignedDecimal(lo, hi);
  // Negative: print "-" and the magnitude, the two's complement of hi:lo.
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return '-' + unsignedDecimal(nlo, nhi);
}

function unsignedString(): string {
  return unsignedDecimal(lo, hi);
}

function signedString(): string {
  return signedDecimal(lo, hi);
}

export function i64(r: R): string {
  varint64(r);
  return signedString();
}

export function u64(r: R): string {
  varint64(r);
  return unsignedString();
}

export function s64(r: R): string {
  varint64(r);
  const mask = -(lo & 1);
  lo = (((lo >>> 1) | (hi << 31)) ^ mask) >>> 0;
  hi = ((hi >>> 1) ^ mask) >>> 0;
  return signedString();
}

export function f64u(r: R): string {
  fixed64(r);
  return unsignedString();
}

export function f64s(r: R): string {
  fixed64(r);
  return signedString();
}
