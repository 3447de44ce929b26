/**
 * Raw HTTP/2 frames (RFC 9113 §4) and the little HPACK (RFC 7541) a
 * misbehaving server needs: enough to write any frame byte by byte, and to
 * cut a byte stream back into frames. Test code only; nothing here checks
 * what it is given, on purpose.
 */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const T = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
export const F = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

export function frame(type: number, flags: number, stream: number, payload: Buffer | Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(9 + payload.length);
  out.writeUIntBE(payload.length & 0xffffff, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(stream >>> 0, 5);
  out.set(payload, 9);
  return out;
}

export const encodeFrame = (f: Frame): Buffer => frame(f.type, f.flags, f.stream, f.payload);

/** Cuts `buf` into whole frames; the incomplete tail (if any) is returned as `rest`. */
export function parseFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  while (buf.length - at >= 9) {
    const len = buf.readUIntBE(at, 3);
    if (buf.length - at < 9 + len) break;
    frames.push({ type: buf[at + 3], flags: buf[at + 4], stream: buf.readUInt32BE(at + 5) & 0x7fffffff, payload: buf.subarray(at + 9, at + 9 + len) });
    at += 9 + len;
  }
  return { frames, rest: buf.subarray(at) };
}

export function settings(pairs: Array<[number, number]> = []): Buffer {
  const p = Buffer.alloc(6 * pairs.length);
  pairs.forEach(([id, v], i) => {
    p.writeUInt16BE(id, 6 * i);
    p.writeUInt32BE(v >>> 0, 6 * i + 2);
  });
  return frame(T.SETTINGS, 0, 0, p);
}

export function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

export const goaway = (lastStream: number, code: number): Buffer => frame(T.GOAWAY, 0, 0, u32(lastStream, code));
export const rstStream = (stream: number, code: number): Buffer => frame(T.RST_STREAM, 0, stream, u32(code));
export const windowUpdate = (stream: number, increment: number): Buffer => frame(T.WINDOW_UPDATE, 0, stream, u32(increment));

/** HPACK integer with an N-bit prefix; `first` holds the pattern bits above the prefix. */
export function hpackInt(value: number, prefixBits: number, first = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([first | value]);
  const out = [first | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** A string literal, not Huffman-coded. */
export const hpackString = (s: string | Buffer): Buffer => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
  return Buffer.concat([hpackInt(b.length, 7), b]);
};

/** "Literal header field without indexing — new name" for each pair. */
export function hpackLiterals(headers: Array<[string, string]>): Buffer {
  return Buffer.concat(headers.flatMap(([k, v]) => [Buffer.from([0]), hpackString(k), hpackString(v)]));
}

/** "Literal header field with incremental indexing — new name": enters the dynamic table. */
export const hpackIndexed = (k: string, v: string): Buffer => Buffer.concat([Buffer.from([0x40]), hpackString(k), hpackString(v)]);

/** The 5-byte gRPC prefix (uncompressed) and the message. */
export function grpcMessage(body: Buffer, declaredLength = body.length): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([head, body]);
}

export const RESPONSE_HEADERS: Array<[string, string]> = [[':status', '200'], ['content-type', 'application/grpc']];
export const headers = (stream: number, h: Array<[string, string]>, endStream = false): Buffer =>
  frame(T.HEADERS, F.END_HEADERS | (endStream ? F.END_STREAM : 0), stream, hpackLiterals(h));
export const trailers = (stream: number, code: number | string = 0, message?: string): Buffer =>
  headers(stream, [['grpc-status', String(code)], ...(message === undefined ? [] : [['grpc-message', message] as [string, string]])], true);

/** DATA frames of at most 16 KiB (the default SETTINGS_MAX_FRAME_SIZE) carrying `bytes`. */
export function dataFrames(stream: number, bytes: Buffer, endStream = false): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length || out.length === 0; at += 16384) {
    const last = at + 16384 >= bytes.length;
    out.push(frame(T.DATA, last && endStream ? F.END_STREAM : 0, stream, bytes.subarray(at, at + 16384)));
  }
  return out;
}
