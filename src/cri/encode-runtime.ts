/**
 * Helpers for the build-time generated request encoders (scripts/encoder-gen.js
 * → src/cri/generated/encoders.ts). Only protobufjs/minimal (Writer, util,
 * Long): the full build, with reflection and run-time code generation, stays
 * off the request path. The coercions here are the ones protobufjs' generated
 * `fromObject` applies (src/converter.js), so the bytes come out the same.
 */
import { util, Writer } from 'protobufjs/minimal';

export { util, Writer };

/**
 * What the encoders take and hold: anything `Type.fromObject` accepts,
 * coerced with the same JavaScript operators (String(), |0, >>>0, …), which
 * is why these values are untyped.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** One rpc: its HTTP/2 path, message full names (no leading dot) and request encoder. */
export interface MethodEntry {
  path: string;
  request: string;
  response: string;
  serverStreaming: boolean;
  encode(req: object): Uint8Array;
}

/** protobufjs' util.isObject (a truthy value of type object: arrays too). */
export function isObject(v: unknown): boolean {
  return !!v && typeof v === 'object';
}

/** protobufjs' util.makeProp: a "__proto__" key becomes an own property. */
export function makeProp(obj: unknown, k: string): void {
  Object.defineProperty(obj, k, { enumerable: true, configurable: true, writable: true });
}

/**
 * A 64-bit field's value as fromObject makes it: a Long (number, decimal
 * string, Long or {low, high}, and bigint through long.js); undefined where
 * fromObject would leave the field unset.
 */
export function long(v: Loose, unsigned: boolean): Loose {
  const Long = util.Long as unknown as { fromValue(v: unknown, unsigned: boolean): Loose } | null;
  if (Long) return Long.fromValue(v, unsigned);
  if (typeof v === 'string') return parseInt(v, 10);
  if (typeof v === 'number') return v;
  if (typeof v === 'object') return new util.LongBits(v.low >>> 0, v.high >>> 0).toNumber(unsigned);
  return undefined;
}

/**
 * A bytes field's value as fromObject makes it: base64 text decoded, anything
 * with a length taken as is, otherwise undefined (fromObject leaves the field
 * unset; a null list element throws reading its length, as there).
 */
export function bytes(v: Loose): Loose {
  if (typeof v === 'string') {
    const buf = util.newBuffer(util.base64.length(v));
    util.base64.decode(v, buf, 0);
    return buf;
  }
  if (v.length >= 0) return v;
  return undefined;
}

/** A message value: fromObject's object test (with the field's error), then its conversion one level deeper. */
export function message(v: Loose, convert: (d: Loose, n: number) => Loose, n: number, error: string): Loose {
  if (!isObject(v)) throw TypeError(error);
  return convert(v, n + 1);
}

/** A request encoder: `type.encode(type.fromObject(obj)).finish()` from a type's two generated halves. */
export function encoder(convert: (d: Loose, n: number) => Loose, write: (m: Loose, w: Writer, q: number) => Writer): (obj: unknown) => Uint8Array {
  return (obj) => write(convert(obj, 0), Writer.create(), 0).finish();
}
