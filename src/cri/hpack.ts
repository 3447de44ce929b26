/**
 * HPACK (RFC 7541), as much as a gRPC client needs: a full decoder (static
 * and dynamic tables, Huffman strings, table size updates) for what servers
 * send, and an encoder that writes literals only (no dynamic table, no
 * Huffman), which every decoder must accept.
 */

/** RFC 7541 Appendix A. Index 1 is the first entry. */
const STATIC: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''],
  ['etag', ''], ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''],
  ['if-modified-since', ''], ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''],
  ['last-modified', ''], ['link', ''], ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''],
  ['proxy-authorization', ''], ['range', ''], ['referer', ''], ['refresh', ''], ['retry-after', ''],
  ['server', ''], ['set-cookie', ''], ['strict-transport-security', ''], ['transfer-encoding', ''],
  ['user-agent', ''], ['vary', ''], ['via', ''], ['www-authenticate', ''],
];

/** Static table index of a name, for the encoder. */
const STATIC_NAME = new Map<string, number>();
STATIC.forEach(([name], i) => {
  if (!STATIC_NAME.has(name)) STATIC_NAME.set(name, i + 1);
});

/**
 * The Huffman code of RFC 7541 Appendix B is canonical, so the bit length of
 * each symbol (0-255, then EOS) defines it. One character per symbol: its
 * length is the char code minus 48 ('5' = 5 bits … 'N' = 30 bits).
 */
const HUFFMAN_LENGTHS =
  '=GLLLLLLLHNLLNLLLLLLLLNLLLLLLLLL6::<=68;::8;8666555666666678?6<:' +
  '=67777777777777777777777878=C=>6?56565666577666567655677777?;>=L' +
  'DFDDFFFGFGGGGGHGHHFGHGGGGEFGFGGHFEDFFGGEGFFHEFGGEEFEGFGGDFFFGFFG' +
  'JJDCFGFIJJJKKJHICEJKKJKHEEJJLKKKDHDEFEEGFFIIHHJGJKJJKKKKKLKKKKKJ' +
  'N';

interface Canonical {
  /** Per bit length: the first code of that length, and where its symbols start in `symbols`. */
  firstCode: Int32Array;
  firstIndex: Int32Array;
  count: Int32Array;
  symbols: Uint16Array;
}

let canonical: Canonical | undefined;

/** Codes by the canonical rule: shorter first, then by symbol value. */
function buildCanonical(): Canonical {
  const count = new Int32Array(31);
  for (let s = 0; s < 257; s++) count[HUFFMAN_LENGTHS.charCodeAt(s) - 48]++;
  const firstCode = new Int32Array(31);
  const firstIndex = new Int32Array(31);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= 30; len++) {
    code = (code + count[len - 1]) << 1;
    firstCode[len] = code;
    firstIndex[len] = index;
    index += count[len];
  }
  const symbols = new Uint16Array(257);
  const next = firstIndex.slice();
  for (let len = 1; len <= 30; len++) {
    for (let s = 0; s < 257; s++) if (HUFFMAN_LENGTHS.charCodeAt(s) - 48 === len) symbols[next[len]++] = s;
  }
  return { firstCode, firstIndex, count, symbols };
}

/** The code and bit length of a symbol (256 = EOS); for tests and the test-side encoder. */
export function huffmanCode(symbol: number): { code: number; bits: number } {
  const c = (canonical ??= buildCanonical());
  const bits = HUFFMAN_LENGTHS.charCodeAt(symbol) - 48;
  const rank = c.symbols.subarray(c.firstIndex[bits], c.firstIndex[bits] + c.count[bits]).indexOf(symbol);
  return { code: c.firstCode[bits] + rank, bits };
}

export class HpackError extends Error {}

export function huffmanDecode(buf: Uint8Array, start: number, end: number): string {
  const c = (canonical ??= buildCanonical());
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      code = (code << 1) | ((buf[i] >> bit) & 1);
      len++;
      const offset = code - c.firstCode[len];
      if (len >= 5 && offset >= 0 && offset < c.count[len]) {
        const sym = c.symbols[c.firstIndex[len] + offset];
        if (sym === 256) throw new HpackError('HPACK: EOS in a Huffman string');
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len > 30) throw new HpackError('HPACK: invalid Huffman code');
    }
  }
  // Padding: fewer than 8 bits, all ones (a prefix of EOS).
  if (len > 7 || code !== (1 << len) - 1) throw new HpackError('HPACK: invalid Huffman padding');
  return Buffer.from(out).toString('latin1');
}

/** A header block decoder for one connection (the dynamic table lives as long as it does). */
export class HpackDecoder {
  private table: Array<[string, string]> = [];
  private size = 0;
  private maxSize: number;

  /** `limit`: SETTINGS_HEADER_TABLE_SIZE we announced (4096 by default). */
  constructor(private readonly limit = 4096) {
    this.maxSize = limit;
  }

  /** Header fields in order, as [name, value] pairs. */
  decode(block: Uint8Array): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const r = { buf: block, pos: 0 };
    while (r.pos < block.length) {
      const b = block[r.pos];
      if (b & 0x80) {
        out.push(this.entry(integer(r, 7)));
      } else if (b & 0x40) {
        const f = this.literal(r, 6);
        this.add(f);
        out.push(f);
      } else if (b & 0x20) {
        const size = integer(r, 5);
        if (size > this.limit) throw new HpackError('HPACK: table size update above the limit');
        this.maxSize = size;
        this.evict(0);
      } else {
        out.push(this.literal(r, 4));
      }
    }
    return out;
  }

  private entry(index: number): [string, string] {
    if (index === 0) throw new HpackError('HPACK: index 0');
    if (index <= STATIC.length) return [STATIC[index - 1][0], STATIC[index - 1][1]];
    const e = this.table[index - STATIC.length - 1];
    if (!e) throw new HpackError(`HPACK: index ${index} out of range`);
    return [e[0], e[1]];
  }

  private literal(r: Reader, prefix: number): [string, string] {
    const index = integer(r, prefix);
    const name = index === 0 ? string(r) : this.entry(index)[0];
    return [name, string(r)];
  }

  private add(f: [string, string]): void {
    const size = f[0].length + f[1].length + 32;
    this.evict(size);
    if (size > this.maxSize) return; // too big: the table is now empty (RFC 7541 4.4)
    this.table.unshift(f);
    this.size += size;
  }

  private evict(room: number): void {
    while (this.table.length > 0 && this.size + room > this.maxSize) {
      const [n, v] = this.table.pop()!;
      this.size -= n.length + v.length + 32;
    }
  }
}

interface Reader {
  buf: Uint8Array;
  pos: number;
}

function integer(r: Reader, prefix: number): number {
  if (r.pos >= r.buf.length) throw new HpackError('HPACK: truncated integer');
  const max = (1 << prefix) - 1;
  let value = r.buf[r.pos++] & max;
  if (value < max) return value;
  let shift = 0;
  for (;;) {
    if (r.pos >= r.buf.length) throw new HpackError('HPACK: truncated integer');
    const b = r.buf[r.pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) break;
    if (shift > 28) throw new HpackError('HPACK: integer too large');
  }
  return value;
}

function string(r: Reader): string {
  if (r.pos >= r.buf.length) throw new HpackError('HPACK: truncated string');
  const huffman = (r.buf[r.pos] & 0x80) !== 0;
  const len = integer(r, 7);
  const end = r.pos + len;
  if (end > r.buf.length) throw new HpackError('HPACK: truncated string');
  const s = huffman ? huffmanDecode(r.buf, r.pos, end) : Buffer.from(r.buf.buffer, r.buf.byteOffset + r.pos, len).toString('latin1');
  r.pos = end;
  return s;
}

function encodeInteger(out: number[], value: number, prefix: number, flags: number): void {
  const max = (1 << prefix) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  value -= max;
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

function encodeString(out: number[], s: string): void {
  const bytes = Buffer.from(s, 'latin1');
  encodeInteger(out, bytes.length, 7, 0);
  for (const b of bytes) out.push(b);
}

/**
 * A header block of literals "without indexing" (static names where there
 * are some): the peer's dynamic table is never touched, so no state to share.
 */
export function encodeHeaders(headers: Array<[string, string]>): Buffer {
  const out: number[] = [];
  for (const [name, value] of headers) {
    const index = STATIC_NAME.get(name);
    if (index !== undefined) encodeInteger(out, index, 4, 0);
    else {
      out.push(0);
      encodeString(out, name);
    }
    encodeString(out, value);
  }
  return Buffer.from(out);
}
