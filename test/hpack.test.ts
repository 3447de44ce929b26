/**
 * HPACK (src/cri/hpack.ts) against RFC 7541: the canonical Huffman code
 * rebuilt from bit lengths must be Appendix B exactly (checked against an
 * independent copy of the table), the Appendix C examples must decode with the
 * dynamic table in the state the RFC shows after each header block, malformed
 * input must be rejected with HpackError, and what encodeHeaders writes must
 * decode back without touching the peer's dynamic table.
 *
 * The dynamic table is private; it is read from outside by decoding indexed
 * fields 62, 63, … (an indexed field never changes the table) until the
 * decoder says the index is out of range.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHeaders, HpackDecoder, HpackError, huffmanCode, huffmanDecode } from '../src/cri/hpack';

/**
 * RFC 7541 Appendix B, symbols 0-255: the "code as hex" and "len" columns of the RFC's table,
 * written out in full — a source independent of the bit-length string hpack.ts derives the codes from.
 */
const APPENDIX_B_CODES = [
  0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7, 0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,
  0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3, 0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,
  0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa, 0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,
  0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,
  0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
  0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,
  0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26, 0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,
  0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,
  0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9, 0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,
  0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3, 0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,
  0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde, 0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,
  0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef, 0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,
  0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec, 0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,
  0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2, 0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,
  0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3, 0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,
  0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea, 0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,
];
const APPENDIX_B_BITS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
];

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

type Fields = Array<[string, string]>;

/** The dynamic table, newest first, read by decoding indexed fields 62, 63, … until one is out of range. */
function dynamicTable(d: HpackDecoder): Fields {
  const out: Fields = [];
  for (let index = 62; ; index++) {
    let field: [string, string];
    try {
      [field] = d.decode(indexed(index));
    } catch (err) {
      assert.ok(err instanceof HpackError, `probing index ${index}: ${String(err)}`);
      return out;
    }
    out.push(field);
  }
}

/** An indexed header field representation (RFC 7541 6.1), 7-bit prefix integer. */
function indexed(index: number): Buffer {
  if (index < 127) return Buffer.from([0x80 | index]);
  const out = [0xff];
  let rest = index - 127;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}

/** RFC 7541 4.1: an entry's size is its name and value octets plus 32. */
const tableSize = (t: Fields) => t.reduce((n, [k, v]) => n + Buffer.byteLength(k, 'latin1') + Buffer.byteLength(v, 'latin1') + 32, 0);

/** A test-side Huffman encoder from huffmanCode: MSB first, padded with the most significant bits of EOS (ones). */
function huffmanEncode(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (const b of bytes) {
    const { code, bits } = huffmanCode(b);
    for (let i = bits - 1; i >= 0; i--) {
      acc = (acc << 1) | (Math.floor(code / 2 ** i) & 1);
      if (++n === 8) {
        out.push(acc);
        acc = 0;
        n = 0;
      }
    }
  }
  if (n > 0) out.push(((acc << (8 - n)) | ((1 << (8 - n)) - 1)) & 0xff);
  return Buffer.from(out);
}

/** Deterministic PRNG (mulberry32): failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const huff = (b: Buffer) => huffmanDecode(b, 0, b.length);

describe('Huffman code (RFC 7541 Appendix B)', () => {
  it('the canonical code rebuilt from bit lengths is Appendix B for the symbols the brief names', () => {
    const sample: Array<[number, number, number]> = [
      [0, 0x1ff8, 13],
      [1, 0x7fffd8, 23],
      [10, 0x3ffffffc, 30],
      ['0'.charCodeAt(0), 0x0, 5],
      ['a'.charCodeAt(0), 0x3, 5],
      [' '.charCodeAt(0), 0x14, 6],
      [255, 0x3ffffee, 26],
      [256, 0x3fffffff, 30],
    ];
    for (const [symbol, code, bits] of sample) assert.deepEqual(huffmanCode(symbol), { code, bits }, `symbol ${symbol}`);
  });

  it('equals Appendix B for every one of the 256 octets', () => {
    assert.equal(APPENDIX_B_CODES.length, 256);
    assert.equal(APPENDIX_B_BITS.length, 256);
    for (let s = 0; s < 256; s++) {
      assert.deepEqual(huffmanCode(s), { code: APPENDIX_B_CODES[s], bits: APPENDIX_B_BITS[s] }, `symbol ${s}`);
    }
  });

  it('the 257 lengths fill the code space exactly (Kraft sum 1), and the codes are distinct and fit their lengths', () => {
    let sum = 0; // in units of 2^-30, exact in a double
    const seen = new Set<string>();
    for (let s = 0; s <= 256; s++) {
      const { code, bits } = huffmanCode(s);
      assert.ok(bits >= 5 && bits <= 30, `symbol ${s}: ${bits} bits`);
      assert.ok(code >= 0 && code < 2 ** bits, `symbol ${s}: code ${code} does not fit ${bits} bits`);
      sum += 2 ** (30 - bits);
      seen.add(`${bits}:${code}`);
    }
    assert.equal(sum, 2 ** 30);
    assert.equal(seen.size, 257);
  });

  it('decodes the Appendix C Huffman strings', () => {
    const cases: Array<[string, string]> = [
      ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'],
      ['a8eb 1064 9cbf', 'no-cache'],
      ['25a8 49e9 5ba9 7d7f', 'custom-key'],
      ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'],
      ['6402', '302'],
      ['aec3 771a 4b', 'private'],
      ['d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3', 'https://www.example.com'],
      ['9bd9 ab', 'gzip'],
      [
        '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
        'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
      ],
    ];
    for (const [h, want] of cases) {
      assert.equal(huff(hex(h)), want);
      assert.deepEqual(huffmanEncode(Buffer.from(want, 'latin1')), hex(h), `test-side encoder on ${want}`);
    }
  });

  it('decodes only the given range of the buffer', () => {
    const inner = hex('9bd9 ab'); // "gzip"
    const buf = Buffer.concat([Buffer.from([0x00, 0x00]), inner, Buffer.from([0x00])]);
    assert.equal(huffmanDecode(buf, 2, 2 + inner.length), 'gzip');
    assert.equal(huffmanDecode(buf, 2, 2), '');
  });

  it('round-trips random byte strings (every octet value, lengths 0-300) through the test-side encoder', () => {
    const rand = rng(7541);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    assert.deepEqual(Buffer.from(huff(huffmanEncode(all)), 'latin1'), all);
    for (let round = 0; round < 500; round++) {
      const len = Math.floor(rand() * 300);
      // Half the strings from the full octet range, half from printable text (short codes).
      const bytes = Buffer.from(Array.from({ length: len }, () => (round % 2 ? Math.floor(rand() * 256) : 32 + Math.floor(rand() * 95))));
      assert.deepEqual(Buffer.from(huff(huffmanEncode(bytes)), 'latin1'), bytes, `round ${round}`);
    }
  });

  it('rejects padding longer than 7 bits', () => {
    assert.throws(() => huff(Buffer.from([0xff])), HpackError); // 8 bits of padding alone
    assert.throws(() => huff(Buffer.from([0x1f, 0xff])), HpackError); // "a" + 11 bits of ones
    assert.throws(() => huff(Buffer.from([0x1f, 0xff, 0xff, 0xff])), HpackError);
    assert.throws(() => huff(Buffer.from([0xff, 0x9f, 0xff, 0xff, 0xff])), HpackError);
  });

  it('rejects padding that is not all ones', () => {
    assert.throws(() => huff(Buffer.from([0x00])), HpackError); // "0" + 000
    assert.throws(() => huff(Buffer.from([0x18])), HpackError); // "a" + 000
    assert.throws(() => huff(Buffer.from([0x1e])), HpackError); // "a" + 110
    assert.equal(huff(Buffer.from([0x1f])), 'a'); // "a" + 111: the control
  });

  it('rejects EOS inside a string', () => {
    assert.throws(() => huff(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xfc])), HpackError); // EOS, then "0"-ish bits
    assert.throws(() => huff(Buffer.from([0xff, 0xff, 0xff, 0xfc])), HpackError); // exactly EOS + 00
    // "a" (00011) then EOS (30 ones) then 5 bits of padding: 40 bits.
    assert.throws(() => huff(Buffer.from([0x1f, 0xff, 0xff, 0xff, 0xff])), HpackError);
  });
});

describe('HpackDecoder: RFC 7541 Appendix C', () => {
  it('C.2.1 literal with indexing: decoded, and added to the dynamic table', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')), [['custom-key', 'custom-header']]);
    assert.deepEqual(dynamicTable(d), [['custom-key', 'custom-header']]);
    assert.equal(tableSize(dynamicTable(d)), 55);
  });

  it('C.2.2 literal without indexing: decoded, table untouched', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('040c 2f73 616d 706c 652f 7061 7468')), [[':path', '/sample/path']]);
    assert.deepEqual(dynamicTable(d), []);
  });

  it('C.2.3 literal never indexed: decoded, table untouched', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74')), [['password', 'secret']]);
    assert.deepEqual(dynamicTable(d), []);
  });

  it('C.2.4 indexed field from the static table', () => {
    const d = new HpackDecoder();
    assert.deepEqual(d.decode(hex('82')), [[':method', 'GET']]);
    assert.deepEqual(dynamicTable(d), []);
  });

  const requests = (blocks: string[]) => () => {
    const d = new HpackDecoder(4096);
    const authority: [string, string] = [':authority', 'www.example.com'];
    const cacheControl: [string, string] = ['cache-control', 'no-cache'];
    const custom: [string, string] = ['custom-key', 'custom-value'];

    assert.deepEqual(d.decode(hex(blocks[0])), [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], authority]);
    assert.deepEqual(dynamicTable(d), [authority]);
    assert.equal(tableSize(dynamicTable(d)), 57);

    assert.deepEqual(d.decode(hex(blocks[1])), [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], authority, cacheControl]);
    assert.deepEqual(dynamicTable(d), [cacheControl, authority]);
    assert.equal(tableSize(dynamicTable(d)), 110);

    assert.deepEqual(d.decode(hex(blocks[2])), [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], authority, custom]);
    assert.deepEqual(dynamicTable(d), [custom, cacheControl, authority]);
    assert.equal(tableSize(dynamicTable(d)), 164);
  };

  it(
    'C.3 three requests without Huffman, the dynamic table carried across them',
    requests([
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ]),
  );

  it(
    'C.4 the same requests with Huffman (names too), the dynamic table carried across them',
    requests([
      '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
      '8286 84be 5886 a8eb 1064 9cbf',
      '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ]),
  );

  const responses = (blocks: string[]) => () => {
    // SETTINGS_HEADER_TABLE_SIZE 256: entries get evicted.
    const d = new HpackDecoder(256);
    const status302: [string, string] = [':status', '302'];
    const status307: [string, string] = [':status', '307'];
    const priv: [string, string] = ['cache-control', 'private'];
    const date1: [string, string] = ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'];
    const date2: [string, string] = ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'];
    const location: [string, string] = ['location', 'https://www.example.com'];
    const gzip: [string, string] = ['content-encoding', 'gzip'];
    const cookie: [string, string] = ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'];

    assert.deepEqual(d.decode(hex(blocks[0])), [status302, priv, date1, location]);
    assert.deepEqual(dynamicTable(d), [location, date1, priv, status302]);
    assert.equal(tableSize(dynamicTable(d)), 222);

    // ":status: 307" evicts ":status: 302".
    assert.deepEqual(d.decode(hex(blocks[1])), [status307, priv, date1, location]);
    assert.deepEqual(dynamicTable(d), [status307, location, date1, priv]);
    assert.equal(tableSize(dynamicTable(d)), 222);

    // date, content-encoding and set-cookie are added; every older entry is evicted.
    assert.deepEqual(d.decode(hex(blocks[2])), [[':status', '200'], priv, date2, location, gzip, cookie]);
    assert.deepEqual(dynamicTable(d), [cookie, gzip, date2]);
    assert.equal(tableSize(dynamicTable(d)), 215);
  };

  it(
    'C.5 three responses without Huffman, 256-byte table with evictions',
    responses([
      `4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
       2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`,
      '4803 3330 37c1 c0bf',
      `88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
       54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
       5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`,
    ]),
  );

  it(
    'C.6 three responses with Huffman, 256-byte table with evictions',
    responses([
      `4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
       2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3`,
      '4883 640e ffc1 c0bf',
      `88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
       77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
       9587 3160 65c0 03ed 4ee5 b106 3d50 07`,
    ]),
  );
});

describe('HpackDecoder: table size and eviction', () => {
  const c3 = [
    '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    '8286 84be 5808 6e6f 2d63 6163 6865',
    '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
  ];

  it('a size update evicts the oldest entries down to the new size, and 0 empties the table', () => {
    const d = new HpackDecoder(4096);
    for (const b of c3) d.decode(hex(b));
    assert.equal(dynamicTable(d).length, 3);
    // Size update to 110 (001 prefix, 5-bit integer: 31 + 79).
    assert.deepEqual(d.decode(Buffer.from([0x3f, 79])), []);
    assert.deepEqual(dynamicTable(d), [['custom-key', 'custom-value'], ['cache-control', 'no-cache']]);
    assert.deepEqual(d.decode(Buffer.from([0x20])), []);
    assert.deepEqual(dynamicTable(d), []);
    // Back up to the limit: entries are kept again.
    d.decode(Buffer.from([0x3f, 0xe1, 0x1f])); // 31 + 97 + 31*128 = 4096
    d.decode(hex(c3[0]));
    assert.deepEqual(dynamicTable(d), [[':authority', 'www.example.com']]);
  });

  it('a size update above the limit we announced is rejected', () => {
    assert.throws(() => new HpackDecoder(4096).decode(Buffer.from([0x3f, 0xe2, 0x1f])), HpackError); // 4097
    assert.throws(() => new HpackDecoder(256).decode(Buffer.from([0x3f, 0xe2, 0x01])), HpackError); // 257
    assert.deepEqual(new HpackDecoder(256).decode(Buffer.from([0x3f, 0xe1, 0x01])), []); // 256: fine
  });

  it('an entry larger than the table empties it and is not added (RFC 7541 4.4), yet is emitted', () => {
    const d = new HpackDecoder(256);
    d.decode(hex(c3[0]));
    assert.equal(dynamicTable(d).length, 1);
    const big = 'x'.repeat(300);
    const block = Buffer.concat([Buffer.from([0x40, 0x03]), Buffer.from('big'), Buffer.from([0x7f, 0xad, 0x01]), Buffer.from(big)]); // 127 + 45 + 128 = 300
    assert.deepEqual(d.decode(block), [['big', big]]);
    assert.deepEqual(dynamicTable(d), []);
  });

  it('an entry of exactly the table size fits (after evicting everything else)', () => {
    const d = new HpackDecoder(256);
    d.decode(hex(c3[0]));
    const value = 'v'.repeat(256 - 32 - 1);
    const block = Buffer.concat([Buffer.from([0x40, 0x01]), Buffer.from('k'), Buffer.from([0x7f, value.length - 127]), Buffer.from(value)]);
    d.decode(block);
    assert.deepEqual(dynamicTable(d), [['k', value]]);
  });

  it('a table filled to exactly its size keeps every entry', () => {
    const d = new HpackDecoder(256);
    d.decode(hex(c3[0])); // :authority www.example.com, 57 bytes
    const value = 'v'.repeat(256 - 57 - 32 - 1); // "k": value, 199 bytes: 256 in all
    d.decode(Buffer.concat([Buffer.from([0x40, 0x01]), Buffer.from('k'), Buffer.from([0x7f, value.length - 127]), Buffer.from(value)]));
    assert.deepEqual(dynamicTable(d), [['k', value], [':authority', 'www.example.com']]);
    assert.equal(tableSize(dynamicTable(d)), 256);
  });

  it('a literal may name a dynamic table entry', () => {
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')); // custom-key: custom-header
    // Literal without indexing, name index 62 (4-bit prefix: 15 + 47), value "x".
    assert.deepEqual(d.decode(Buffer.from([0x0f, 47, 0x01, 0x78])), [['custom-key', 'x']]);
  });
});

describe('HpackDecoder: malformed blocks are HpackErrors', () => {
  const rejects = (block: number[] | Buffer, why: string) => assert.throws(() => new HpackDecoder().decode(Buffer.from(block)), HpackError, why);

  it('index 0', () => {
    rejects([0x80], 'indexed field 0');
    rejects([0x82, 0x80], 'indexed field 0 after a good one');
  });

  it('indexes beyond the static and dynamic tables', () => {
    rejects([0xbe], 'indexed 62 with an empty dynamic table');
    rejects([0xff, 0x80, 0x01], 'indexed 255');
    rejects([0x7e, 0x01, 0x61], 'literal with indexing naming 62');
    rejects([0x0f, 47, 0x01, 0x61], 'literal without indexing naming 62');
    rejects([0x1f, 47, 0x01, 0x61], 'literal never indexed naming 62');
    assert.deepEqual(new HpackDecoder().decode(Buffer.from([0xbd])), [['www-authenticate', '']]); // 61: the last static entry
  });

  it('truncated integers', () => {
    rejects([0xff], 'index prefix full, no continuation');
    rejects([0xff, 0x80], 'continuation bit set on the last byte');
    rejects([0x3f], 'size update prefix full, no continuation');
    rejects([0x00, 0x7f], 'name length prefix full, no continuation');
    rejects([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'an integer too large');
  });

  it('truncated strings', () => {
    rejects([0x00], 'no name length');
    rejects([0x00, 0x05, 0x61, 0x62], 'name shorter than its length');
    rejects([0x00, 0x01, 0x61], 'no value');
    rejects([0x40, 0x01, 0x61, 0x03, 0x62], 'value shorter than its length');
    rejects([0x04, 0x85, 0xff], 'Huffman value shorter than its length');
  });

  it('bad Huffman inside a block', () => {
    rejects([0x04, 0x81, 0x00], 'padding not all ones');
    rejects([0x04, 0x82, 0x1f, 0xff], 'padding longer than 7 bits');
    rejects([0x04, 0x84, 0xff, 0xff, 0xff, 0xfc], 'EOS');
  });
});

describe('encodeHeaders → HpackDecoder', () => {
  it('round-trips what a gRPC request sends, and more, without touching the dynamic table', () => {
    const headers: Fields = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', '/runtime.v1.RuntimeService/ListContainers'],
      [':authority', 'localhost'],
      ['content-type', 'application/grpc'],
      ['te', 'trailers'],
      ['user-agent', 'tcrictl'],
      ['grpc-timeout', '2000m'],
      ['x-empty', ''],
      ['', 'empty name'],
      ['x-long-126', 'a'.repeat(126)],
      ['x-long-127', 'b'.repeat(127)],
      ['x-long-128', 'c'.repeat(128)],
      ['x-long-20000', 'd'.repeat(20000)],
      ['x-latin1', 'caf\u00e9 \u00ff\u0001'],
      ['accept-encoding', 'identity'],
      ['www-authenticate', 'last static name'],
    ];
    const d = new HpackDecoder();
    const block = encodeHeaders(headers);
    assert.deepEqual(d.decode(block), headers);
    assert.deepEqual(dynamicTable(d), [], 'literals without indexing only');
    // A second block decodes the same: no state shared.
    assert.deepEqual(d.decode(encodeHeaders(headers)), headers);
  });

  it('uses the static table for names it has (a short block), literal names otherwise', () => {
    const block = encodeHeaders([[':path', '/x']]);
    assert.deepEqual([...block], [0x04, 0x02, 0x2f, 0x78]); // name index 4, value "/x"
    const lit = encodeHeaders([['te', 'trailers']]);
    assert.deepEqual([...lit.subarray(0, 4)], [0x00, 0x02, 0x74, 0x65]);
  });

  it('round-trips random headers', () => {
    const rand = rng(2024);
    const pick = (s: string) => s[Math.floor(rand() * s.length)];
    const names = [':path', 'content-type', 'grpc-message', 'x-custom', 'user-agent'];
    for (let round = 0; round < 200; round++) {
      const headers: Fields = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => [
        rand() < 0.5 ? names[Math.floor(rand() * names.length)] : Array.from({ length: 1 + Math.floor(rand() * 20) }, () => pick('abcdefghijklmnopqrstuvwxyz-_0123456789')).join(''),
        Array.from({ length: Math.floor(rand() * 400) }, () => String.fromCharCode(Math.floor(rand() * 256))).join(''),
      ]);
      assert.deepEqual(new HpackDecoder().decode(encodeHeaders(headers)), headers, `round ${round}`);
    }
  });
});
