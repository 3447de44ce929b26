/**
 * CRI int64s (timestamps in ns, sizes) as they come: decimal strings from
 * proto-loader's toObject, long.js Longs from protobufjs' own messages.
 */
/**
 * An int64 as a BigInt: a decimal string (toObject's shape), or a decoded
 * message's long.js Long (RawContainer), read from its two 32-bit halves:
 * Long's own toString() divides in JS and cost 90 ms on 20,000 containers.
 */
export function int64Of(v: string | { toString(): string }): bigint {
  if (typeof v === 'string') return BigInt(v || '0');
  const l = v as { low?: number; high?: number; unsigned?: boolean };
  if (typeof l.low !== 'number' || typeof l.high !== 'number') return BigInt(String(v));
  return (BigInt(l.unsigned ? l.high >>> 0 : l.high) << 32n) + BigInt(l.low >>> 0);
}

/** `item` with its int64 `v`'s high (signed) and low (unsigned) 32 bits, exactly, as numbers. */
export function halvesOf<T>(item: T, v: string | { toString(): string }): { item: T; hi: number; lo: number } {
  const l = v as { low?: number; high?: number; unsigned?: boolean };
  if (typeof v !== 'string' && typeof l.low === 'number' && typeof l.high === 'number') return { item, hi: l.unsigned ? l.high >>> 0 : l.high, lo: l.low >>> 0 };
  const n = int64Of(v);
  return { item, hi: Number(n >> 32n), lo: Number(n & 0xffffffffn) };
}
