/**
 * SPDY/3 framing (draft 3; "SPDY/3.1" adds only session flow control), the
 * subset a client of the Kubernetes streaming protocols needs. A frame is
 * 8 bytes of header and a payload:
 *   control: 1 | version(15) | type(16) | flags(8) | length(24)
 *   data:    0 | stream id(31)          | flags(8) | length(24)
 * Header blocks are encoded by header-block.ts; this file never compresses.
 */

export const VERSION = 3;

export const enum FrameType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

export const FLAG_FIN = 0x01;
/** Larger frames are legal; peers (Go's spdystream included) handle any size up to 2^24-1. */
export const MAX_DATA = 32 * 1024;

export const RST_PROTOCOL_ERROR = 1;

export type Frame =
  | { kind: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { kind: 'control'; type: number; flags: number; payload: Buffer };

function control(type: number, flags: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt32BE((0x8000 | VERSION) * 0x10000 + type, 0);
  out.writeUInt32BE(flags * 0x1000000 + payload.length, 4);
  payload.copy(out, 8);
  return out;
}

function words(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** SYN_STREAM: stream id, associated id 0, priority 0, slot 0, then the compressed header block. */
export function synStream(streamId: number, compressedHeaders: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  return control(FrameType.SynStream, fin ? FLAG_FIN : 0, Buffer.concat([head, compressedHeaders]));
}

export function dataFrame(streamId: number, data: Uint8Array, fin = false): Buffer {
  const out = Buffer.allocUnsafe(8 + data.length);
  out.writeUInt32BE(streamId & 0x7fffffff, 0);
  out.writeUInt32BE((fin ? FLAG_FIN : 0) * 0x1000000 + data.length, 4);
  out.set(data, 8);
  return out;
}

export function rstStream(streamId: number, status: number): Buffer {
  return control(FrameType.RstStream, 0, words(streamId & 0x7fffffff, status));
}

export function ping(id: number): Buffer {
  return control(FrameType.Ping, 0, words(id));
}

export function goAway(lastGoodStreamId: number, status = 0): Buffer {
  return control(FrameType.GoAway, 0, words(lastGoodStreamId, status));
}

export function windowUpdate(streamId: number, delta: number): Buffer {
  return control(FrameType.WindowUpdate, 0, words(streamId & 0x7fffffff, delta & 0x7fffffff));
}

/** The stream id a control frame's payload starts with (SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE). */
export function controlStreamId(payload: Buffer): number {
  return payload.length >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0;
}

/** Incremental parser: feed socket chunks, get whole frames (at most 16 MiB each: the length is 24 bits). */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 8) break;
      const head = this.peek(8);
      const length = head.readUInt32BE(4) & 0xffffff;
      if (this.buffered < 8 + length) break;
      const whole = this.take(8 + length);
      const first = whole.readUInt32BE(0);
      const flags = whole[4];
      const body = whole.subarray(8);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== VERSION) throw new Error(`SPDY version ${version} frame; only version ${VERSION} is spoken`);
        frames.push({ kind: 'control', type: first & 0xffff, flags, payload: body });
      } else {
        frames.push({ kind: 'data', streamId: first & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: body });
      }
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.chunks[0].length < n) this.chunks = [Buffer.concat(this.chunks)];
    const first = this.chunks[0];
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}
