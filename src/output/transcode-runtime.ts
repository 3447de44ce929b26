/**
 * Helpers for the build-time generated wire → JSON transcoders
 * (scripts/transcoder-gen.js → src/cri/generated/transcoders.ts).
 *
 * A transcoder reads one protobuf message and writes exactly the JSON text
 * `w_<type>(d_<type>(bytes), ind)` gives (src/cri/generated/json-writers.ts
 * over decoders.ts) as bytes, without building the decoded object or any
 * string: for a CLI that runs this once, mostly in V8's interpreter and
 * baseline tiers, native copies beat per-byte JavaScript, and strings (ropes
 * to flatten, UTF-8 to encode, garbage to collect) cost more than both.
 *
 * Everything lives in one Buffer, `mem`: constant text (keys, punctuation:
 * the pool), the response (from `IN`), and the output (from `OUT`). Copies
 * are `copyWithin` inside it: no view or string per copy.
 *
 * Strings are written in one of two modes. Plain (first): their bytes are
 * copied as they are between quotes, and where they are is noted. After an
 * element, one loop over those bytes says whether every string was plain
 * ASCII (nothing JSON escapes, no byte above 0x7f). If not, the element is
 * written again, carefully: each string decoded as BufferReader#string
 * decodes it (utf8Slice: invalid UTF-8 replaced) and quoted as the writers'
 * q() quotes it (JSON.stringify), as UTF-8.
 *
 * Reading goes through a protobufjs BufferReader and decode-runtime's 64-bit
 * readers, the very code the decoders use (the generated code inlines only
 * one-byte varints), so limits, skipping and errors are the decoders'.
 * State is module-level: one transcoding at a time, synchronous.
 */
import * as protobuf from 'protobufjs/minimal';
import { b64, outOfRange } from '../cri/decode-runtime';

export { f64s, f64u, i64, outOfRange, s64, u64 } from '../cri/decode-runtime';
export type R = protobuf.Reader;

/** A transcoder: writes the message in r up to `end` at indentation `ind` (spaces); list elements return their keys. */
export type T = (r: R, end: number, ind: number) => unknown;

type Slicing = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };

// ------------------------------------------------------------------ memory

/** Constant text, registered once (at load or first use of an indentation), copied into each `mem`. */
let pool = Buffer.allocUnsafe(4096);
let poolUsed = 0;
const POOL_ROOM = 1 << 16;
/** [pool (POOL_ROOM) | input | output]. */
let mem = Buffer.alloc(0);
let IN = 0;
let OUT = 0;
let o = 0;
/** Plain mode: the strings read since the element began, as [start, end) pairs in mem. */
let spans: number[] = [];
let nspans = 0;
let careful = false;

/**
 * Registers constant text; returns its id (offset << 10 | length). Not every
 * text may become a constant: ids hold lengths below 1024.
 */
export function constant(text: string): number {
  const b = Buffer.from(text, 'utf8');
  if (b.length >= 1024) throw new Error('transcode: constant text too long');
  if (poolUsed + b.length > POOL_ROOM) throw new Error('transcode: too much constant text');
  if (poolUsed + b.length > pool.length) {
    const bigger = Buffer.allocUnsafe(pool.length * 2);
    pool.copy(bigger, 0, 0, poolUsed);
    pool = bigger;
  }
  b.copy(pool, poolUsed);
  // Registered during a transcoding (a new indentation): mem's copy of the pool too.
  if (mem.length > 0) b.copy(mem, poolUsed);
  const id = (poolUsed << 10) | b.length;
  poolUsed += b.length;
  return id;
}

/** Starts transcoding a response: mem gets the constants so far, the response, and room for about twice its size of output. */
export function begin(bytes: Buffer): void {
  const n = bytes.length;
  IN = POOL_ROOM;
  OUT = IN + n;
  // Room for the elements' text: JSON is about twice the protobuf.
  mem = Buffer.allocUnsafe(OUT + Math.max(2 * n, 4096));
  pool.copy(mem, 0, 0, poolUsed);
  bytes.copy(mem, IN);
  o = OUT;
  careful = false;
  nspans = 0;
}

/** The output (elements' text from `OUT`, with room after it for one chunk of listChunks); lets mem go. */
export function finish(): { text: Buffer; used: number } {
  const used = o - OUT;
  if (o + CHUNK_BYTES > mem.length) grow(CHUNK_BYTES);
  const text = mem.subarray(OUT);
  mem = Buffer.alloc(0);
  return { text, used };
}

function grow(n: number): void {
  const b = Buffer.allocUnsafe(Math.max(mem.length * 2, o + n));
  mem.copy(b, 0, 0, o);
  mem = b;
}

/** Constant text `id` (see constant()). */
export function lit(id: number): void {
  const len = id & 1023;
  const off = id >>> 10;
  if (o + len > mem.length) grow(len);
  mem.copyWithin(o, off, off + len);
  o += len;
}

/** lit(id), then str(s, e). */
export function kstr(id: number, s: number, e: number): void {
  if (careful || s < 0) {
    lit(id);
    return str(s, e);
  }
  const len = id & 1023;
  const off = id >>> 10;
  const n = e - s;
  if (o + len + n + 2 > mem.length) grow(len + n + 2);
  const m = mem;
  m.copyWithin(o, off, off + len);
  o += len;
  m[o++] = QUOTE;
  m.copyWithin(o, IN + s, IN + e);
  spans[nspans++] = IN + s;
  spans[nspans++] = IN + e;
  o += n;
  m[o++] = QUOTE;
}

/** lit(id), then int(v). */
export function kint(id: number, v: number): void {
  lit(id);
  int(v);
}

/** lit(id), then quoted(v). */
export function kquoted(id: number, v: string): void {
  lit(id);
  quoted(v);
}

/** Text made here (numbers, base64, careful strings), as UTF-8. */
function text(t: string): void {
  const max = t.length * 3;
  if (o + max > mem.length) grow(max);
  o += mem.write(t, o, 'utf8');
}

// ------------------------------------------------------------------ values

/** Characters JSON.stringify escapes, and any other than ASCII: a plain string has none. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7f]/;

/** JSON.stringify(v) for a string, as the writers' q(). */
function q(v: string): string {
  return NOT_PLAIN.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

/** The string in the input's [s, e) as JSON (s < 0: the empty string). */
export function str(s: number, e: number): void {
  if (s < 0) return lit(EMPTY_STRING);
  if (careful) return text(q((mem as Slicing).utf8Slice(IN + s, IN + e)));
  const n = e - s;
  if (o + n + 2 > mem.length) grow(n + 2);
  const m = mem;
  m[o++] = QUOTE;
  m.copyWithin(o, IN + s, IN + e);
  spans[nspans++] = IN + s;
  spans[nspans++] = IN + e;
  o += n;
  m[o++] = QUOTE;
}

/** Whether the plain-mode strings of the element are all plain ASCII (one loop, which V8 soon optimizes). */
function allPlain(m: Buffer, sp: number[], n: number): boolean {
  for (let k = 0; k < n; k += 2) {
    const e = sp[k + 1];
    for (let i = sp[k]; i < e; i++) {
      const c = m[i];
      if (c < 0x20 || c > 0x7f || c === QUOTE || c === 0x5c) return false;
    }
  }
  return true;
}

/** The string in the input's [s, e) (s < 0: empty), as BufferReader#string returns it. */
export function strValue(s: number, e: number): string {
  if (s < 0) return '';
  if (careful) return (mem as Slicing).utf8Slice(IN + s, IN + e);
  spans[nspans++] = IN + s;
  spans[nspans++] = IN + e;
  return (mem as Slicing).latin1Slice(IN + s, IN + e);
}

/** The strings of a repeated string field's spans. */
export function strValues(acc: number[]): string[] {
  const out: string[] = [];
  for (let j = 0; j < acc.length; j += 2) out.push(strValue(acc[j], acc[j + 1]));
  return out;
}

/** A 32-bit integer, as JSON.stringify prints it. */
export function int(v: number): void {
  if (v >= 0 && v < 10) {
    if (o + 1 > mem.length) grow(1);
    mem[o++] = 0x30 + v;
  } else text(String(v));
}

/** A 64-bit integer's decimal string, quoted. */
export function quoted(v: string): void {
  text('"' + v + '"');
}

/** Any decoded scalar, as q(v) prints it: strings quoted, numbers as JSON.stringify (NaN: null), booleans. */
export function scalar(v: unknown): void {
  text(typeof v === 'string' ? q(v) : (JSON.stringify(v) ?? 'null'));
}

/** bytes: base64 of the input's [s, e), as the decoders' b64 (s < 0: empty). */
export function base64(s: number, e: number): void {
  if (s < 0) return lit(EMPTY_STRING);
  text('"' + b64(mem.subarray(IN + s, IN + e)) + '"');
}

export function bool(v: boolean): void {
  lit(v ? TRUE : FALSE);
}

const QUOTE = 0x22;
const EMPTY_STRING = constant('""');
const TRUE = constant('true');
const FALSE = constant('false');
const EMPTY_LIST = constant('[]');
const EMPTY_OBJECT = constant('{}');
const COLON = constant(': ');
const OPEN_LIST = constant('[\n');
const OPEN_OBJECT = constant('{\n');
const COMMA_NL = constant(',\n');
const INDENT = constant('    ');
const SPACES: number[] = [];
/** n spaces (n < 1024). */
const spaces = (n: number): number => (SPACES[n] ??= constant(' '.repeat(n)));
const CLOSERS: number[][] = [[], []];
/** "\n" + n spaces + "]" (k = 0) or "}" (k = 1). */
const closer = (n: number, k: number): number => (CLOSERS[k][n] ??= constant('\n' + ' '.repeat(n) + (k ? '}' : ']')));

export const EMPTY_MESSAGE = EMPTY_OBJECT;

// ------------------------------------------------------------------ reading

/** The reader for a whole response (a BufferReader, as the decoders get for a Buffer). */
export function reader(bytes: Buffer): R {
  if (!Buffer.isBuffer(bytes)) throw new TypeError('transcode: a Buffer is required');
  return protobuf.Reader.create(bytes);
}

/** BufferReader#string without the string: returns the start; r.pos is the (clamped) end. */
export function strAt(r: R): number {
  const n = r.uint32();
  const s = r.pos;
  r.pos = Math.min(s + n, r.len);
  return s;
}

/** Reader#bytes without the copy: returns the start; r.pos is the end (out of range throws). */
export function bytesAt(r: R): number {
  const n = r.uint32();
  const s = r.pos;
  if (s + n > r.len) throw RangeError(`index out of range: ${s} + ${n} > ${r.len}`);
  r.pos = s + n;
  return s;
}

/** A sub-message, skipped after the decoders' length check; returns where its length starts. */
export function msgSkip(r: R): number {
  const p = r.pos;
  const c = r.uint32() + r.pos;
  if (c > r.len) throw outOfRange();
  r.pos = c;
  return p;
}

/** Writes the sub-message whose length starts at p (read and checked as the decoders' sub()). */
export function msgAt(r: R, p: number, t: T, ind: number): void {
  r.pos = p;
  const c = r.uint32() + r.pos;
  if (c > r.len) throw outOfRange();
  const len = r.len;
  r.len = c;
  t(r, c, ind);
  if (r.pos !== c) throw outOfRange();
  r.len = len;
}

/**
 * A sub-message the decoders read but then replaced (a singular field sent
 * twice, a map key repeated): read for its errors only, output discarded.
 */
export function msgCheck(r: R, p: number, t: T): void {
  const here = r.pos;
  const mark = o;
  const marked = nspans;
  msgAt(r, p, t, 0);
  o = mark;
  nspans = marked;
  r.pos = here;
}

/** The decoders' check after a length-delimited part (sub-message, map entry, packed run). */
export function checkEnd(r: R, end: number, len: number): void {
  if (r.pos !== end) throw outOfRange();
  r.len = len;
}

// ---------------------------------------------------------- fields and parts

/** A message's constant text at one indentation: before each field (as first or not), its end. */
export interface Parts {
  inner: number;
  first: number[];
  rest: number[];
  close: number;
}

/** Parts by indentation (in spaces) for one message type: the JSON writers' partsCache, as constants. */
export function parts(names: string[]): (ind: number) => Parts {
  const byInd: Parts[] = [];
  return (ind) => {
    let p = byInd[ind];
    if (!p) {
      const inner = ' '.repeat(ind + 2);
      p = {
        inner: ind + 2,
        first: names.map((n) => constant('{\n' + inner + JSON.stringify(n) + ': ')),
        rest: names.map((n) => constant(',\n' + inner + JSON.stringify(n) + ': ')),
        close: closer(ind, 1),
      };
      byInd[ind] = p;
    }
    return p;
  };
}

/** Element kinds of repeated fields and map values. */
export const STR = 0;
export const BYTES = 1;
export const SCALAR = 2;
export const MSG = 3;

/** One element or map value: spans for STR/BYTES (a, b), a decoded value (a) for SCALAR, a position (a) for MSG. */
function value(r: R, kind: number, a: unknown, b: number, ind: number, t: T | null): void {
  if (kind === STR) str(a as number, b);
  else if (kind === BYTES) base64(a as number, b);
  else if (kind === SCALAR) scalar(a);
  else msgAt(r, a as number, t!, ind);
}

/**
 * A repeated field as rep() prints it: `acc` holds two slots per element
 * (STR/BYTES: start and end; SCALAR: the decoded value; MSG: its position).
 */
export function rep(r: R, acc: unknown[], ind: number, kind: number, t: T | null): void {
  if (acc.length === 0) return lit(EMPTY_LIST);
  const deeper = spaces(ind + 2);
  lit(OPEN_LIST);
  for (let j = 0; j < acc.length; j += 2) {
    if (j) lit(COMMA_NL);
    lit(deeper);
    value(r, kind, acc[j], acc[j + 1] as number, ind + 2, t);
  }
  lit(closer(ind, 0));
}

/** Sorts `order` (indexes into `keys`) by key, stably: an insertion sort, since maps have few keys and each comparison is a native one. */
function sortByKey(order: number[], keys: string[]): void {
  for (let i = 1; i < order.length; i++) {
    const v = order[i];
    const kv = keys[v];
    let j = i - 1;
    while (j >= 0 && keys[order[j]] > kv) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = v;
  }
}

/**
 * A map as map() prints it: keys sorted as JS strings, the last entry of a
 * key winning. `acc` holds four slots per entry: the key (string keys: the
 * span [start, end), start -1 when absent; other key types: the String()ed
 * key and 0), then the value's two slots as in rep().
 */
export function map(r: R, acc: unknown[], ind: number, kind: number, t: T | null): void {
  const n = acc.length >> 2;
  if (n === 0) return lit(EMPTY_OBJECT);
  // Keys as strings: Latin-1 in plain mode (a key that is not plain ASCII sends the element to careful mode anyway).
  const keys: string[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = acc[4 * i];
    keys.push(typeof k === 'string' ? k : (k as number) < 0 ? '' : careful ? (mem as Slicing).utf8Slice(IN + (k as number), IN + (acc[4 * i + 1] as number)) : (mem as Slicing).latin1Slice(IN + (k as number), IN + (acc[4 * i + 1] as number)));
    order.push(i);
  }
  sortByKey(order, keys);
  const deeper = spaces(ind + 2);
  lit(OPEN_OBJECT);
  let first = true;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    // Equal keys: the decoded object keeps the last entry (the last of the run: the sort is stable).
    if (j + 1 < n && keys[order[j + 1]] === keys[i]) {
      if (kind === MSG) msgCheck(r, acc[4 * i + 2] as number, t!);
      continue;
    }
    if (!first) lit(COMMA_NL);
    first = false;
    lit(deeper);
    const k = acc[4 * i];
    if (typeof k === 'string') text(q(k));
    else str(k as number, acc[4 * i + 1] as number);
    lit(COLON);
    value(r, kind, acc[4 * i + 2], acc[4 * i + 3] as number, ind + 2, t);
  }
  lit(closer(ind, 1));
}

// ------------------------------------------------------------ string maps

const MAP_PARTS: number[][] = [];
/** '{\n' + indentation + '"', ',\n' + indentation + '"', '": "', '\n' + indentation + '}'. */
const mapParts = (ind: number): number[] =>
  (MAP_PARTS[ind] ??= [constant('{\n' + ' '.repeat(ind + 2) + '"'), constant(',\n' + ' '.repeat(ind + 2) + '"'), constant('": "'), closer(ind, 1)]);

/**
 * A map<string, string> as map() prints it (keys sorted, the last entry of a
 * key winning); `acc` holds the entries' key and value spans, four numbers
 * each. In plain mode keys sort as Latin-1 strings (a key that is not plain
 * ASCII sends the element to careful mode, where map() does it the general
 * way), and each entry is two constants and two copies.
 */
export function mapSS(r: R, acc: number[], ind: number): void {
  if (careful || acc.length === 0) return map(r, acc, ind, STR, null);
  const n = acc.length >> 2;
  const keys: string[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const ks = acc[4 * i];
    // Flat strings: in V8's baseline tier, comparing substrings (sliced strings) costs twice as much.
    keys.push(ks < 0 ? '' : (mem as Slicing).latin1Slice(IN + ks, IN + acc[4 * i + 1]));
    order.push(i);
  }
  sortByKey(order, keys);
  const parts = mapParts(ind);
  let first = true;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    // Equal keys: the decoded object keeps the last entry (the last of the run: the sort is stable).
    if (j + 1 < n && keys[order[j + 1]] === keys[i]) continue;
    lit(first ? parts[0] : parts[1]);
    first = false;
    copy(acc[4 * i], acc[4 * i + 1]);
    lit(parts[2]);
    copy(acc[4 * i + 2], acc[4 * i + 3]);
    if (o + 1 > mem.length) grow(1);
    mem[o++] = QUOTE;
  }
  lit(parts[3]);
}

/** A plain-mode string's bytes as they are, unquoted (s < 0: nothing), to be checked with the element's. */
function copy(s: number, e: number): void {
  if (s < 0) return;
  const n = e - s;
  if (o + n > mem.length) grow(n);
  mem.copyWithin(o, IN + s, IN + e);
  spans[nspans++] = IN + s;
  spans[nspans++] = IN + e;
  o += n;
}

// ------------------------------------------------------------------- lists

/**
 * A list element: where its text is in the output (indented and followed by
 * ",\n", as inside jsonListChunks' list), with what its list needs to sort
 * and filter it.
 */
export interface Item {
  start: number;
  end: number;
}

/** A list response transcoded: its elements' text, and the elements in the runtime's order. */
export interface Transcoded<K extends Item> {
  /** The elements' text in [0, used), and free room after it. */
  text: Buffer;
  used: number;
  items: K[];
}

let elementStart = 0;

/** Before an element's first reading. */
export function enter(): void {
  lit(INDENT);
  elementStart = o;
  nspans = 0;
}

/**
 * After an element's first reading: whether to read it again carefully
 * (some string was not plain ASCII). Then its output so far is dropped.
 */
export function redo(): boolean {
  const plain = allPlain(mem, spans, nspans);
  nspans = 0;
  if (plain) return false;
  o = elementStart;
  careful = true;
  return true;
}

/** After an element: its span (from OUT), back to plain mode. */
export function done(k: Item): void {
  lit(COMMA_NL);
  k.start = elementStart - 4 - OUT;
  k.end = o - OUT;
  careful = false;
}

const CHUNK_BYTES = 1 << 16;

/**
 * One message (the whole of `bytes`) transcoded at indentation `ind`, as a
 * list element is (plain, then carefully if needed): what the tests compare
 * with the JSON writers.
 */
export function transcodeOne(bytes: Buffer, t: T, ind: number): string {
  const r = reader(bytes);
  begin(bytes);
  const start = o;
  elementStart = o;
  nspans = 0;
  t(r, r.len, ind);
  if (redo()) {
    r.pos = 0;
    t(r, r.len, ind);
  }
  careful = false;
  const text = mem.toString('utf8', start, o);
  finish();
  return text;
}

/**
 * jsonListChunks' text for `items` (in this order), taken from a list's
 * transcoded text, in Buffers of 64 KiB (the last one shorter): `{"<field>":
 * [ … ]}` with the same indentation and newlines. Each chunk is put together
 * in the room after the text (copyWithin: no view per piece) and copied out
 * once: the whole document never exists.
 */
export function* listChunks(field: string, t: { text: Buffer; used: number }, items: readonly Item[]): Generator<Uint8Array | string> {
  if (items.length === 0) {
    yield `{\n  ${JSON.stringify(field)}: []\n}\n`;
    return;
  }
  const { text, used } = t;
  const head = Buffer.from(`{\n  ${JSON.stringify(field)}: [\n`);
  const tail = Buffer.from('\n  ]\n}\n');
  const room = used + CHUNK_BYTES <= text.length ? text : Buffer.allocUnsafe(used + CHUNK_BYTES);
  if (room !== text) text.copy(room, 0, 0, used);
  const full = used + CHUNK_BYTES;
  let n = used;
  head.copy(room, n);
  n += head.length;
  const last = items.length - 1;
  for (let i = 0; i <= last + 1; i++) {
    // Each element (the last one without its ",\n"), then the tail.
    let s: number;
    let e: number;
    let from = room;
    if (i <= last) {
      s = items[i].start;
      e = items[i].end - (i === last ? 2 : 0);
    } else {
      from = tail;
      s = 0;
      e = tail.length;
    }
    while (s < e) {
      const k = Math.min(e - s, full - n);
      if (from === room) room.copyWithin(n, s, s + k);
      else from.copy(room, n, s, s + k);
      n += k;
      s += k;
      if (n === full) {
        yield Buffer.from(room.subarray(used, full));
        n = used;
      }
    }
  }
  if (n > used) yield Buffer.from(room.subarray(used, n));
}
