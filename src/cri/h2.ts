/**
 * An HTTP/2 client connection (RFC 9113) over a unix socket, for gRPC calls.
 *
 * Why not node:http2: loading it (with the tls, crypto and http modules it
 * pulls in) and setting up nghttp2 costs ~20 ms of every tcrictl start, a
 * third of what `tcrictl version` may cost on top of Node itself. A gRPC
 * client needs a small part of HTTP/2: client streams with one HEADERS and
 * a few DATA frames out; HEADERS, DATA and trailers in; SETTINGS, PING,
 * WINDOW_UPDATE, RST_STREAM and GOAWAY handled as the protocol requires.
 * We announce a receive window of 2^31-1 so that big answers (`ps -a` on a
 * busy node) stream without waiting for WINDOW_UPDATEs.
 */
import * as net from 'node:net';
import { encodeHeaders, HpackDecoder } from './hpack';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

const enum Frame {
  DATA = 0,
  HEADERS = 1,
  PRIORITY = 2,
  RST_STREAM = 3,
  SETTINGS = 4,
  PUSH_PROMISE = 5,
  PING = 6,
  GOAWAY = 7,
  WINDOW_UPDATE = 8,
  CONTINUATION = 9,
}

const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY_FLAG = 0x20;

const SETTINGS_ENABLE_PUSH = 0x2;
const SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
const SETTINGS_MAX_FRAME_SIZE = 0x5;

export const RST_NO_ERROR = 0;
export const RST_PROTOCOL_ERROR = 1;
export const RST_CANCEL = 8;

const MAX_WINDOW = 2 ** 31 - 1;
const DEFAULT_WINDOW = 65535;
/** What we accept (the protocol's default); larger frames are a connection error. */
const MAX_FRAME = 16384;
/** Received bytes after which we hand the window back (it never gets near empty). */
const REPLENISH = 2 ** 30;

export interface StreamEvents {
  /** The first HEADERS (response headers, or all there is for "trailers-only"). */
  onHeaders(headers: Map<string, string>, endStream: boolean): void;
  onData(chunk: Buffer): void;
  /** The second HEADERS. */
  onTrailers(trailers: Map<string, string>): void;
  /** The stream is over: normally (rstCode undefined), reset by the server, or the connection failed. */
  onClose(info: { rstCode?: number; error?: Error }): void;
}

interface Stream {
  id: number;
  events: StreamEvents;
  /** HEADERS sent; until then it waits in `queue` for the server's concurrency limit. */
  opened: boolean;
  /** The HEADERS frame, until sent. */
  headersFrame?: Buffer;
  gotHeaders: boolean;
  sendWindow: number;
  /** Body bytes not yet sent for lack of window. */
  pending: Buffer;
  endAfterPending: boolean;
  received: number;
}

function header(length: number, type: Frame, flags: number, stream: number): Buffer {
  const h = Buffer.allocUnsafe(9);
  h.writeUIntBE(length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return h;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function setting(id: number, value: number): Buffer {
  const b = Buffer.allocUnsafe(6);
  b.writeUInt16BE(id, 0);
  b.writeUInt32BE(value, 2);
  return b;
}

export class H2ProtocolError extends Error {}

export class H2Connection {
  private readonly socket: net.Socket;
  private readonly streams = new Map<number, Stream>();
  private readonly decoder = new HpackDecoder();
  private nextId = 1;
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  private sawSettings = false;
  private peerMaxFrame = MAX_FRAME;
  private peerInitialWindow = DEFAULT_WINDOW;
  /** SETTINGS_MAX_CONCURRENT_STREAMS: opening more is a protocol error the server answers with resets. */
  private peerMaxStreams = Infinity;
  private openStreams = 0;
  /** Streams waiting to be opened, in id order (ids must go out increasing). */
  private queue: Stream[] = [];
  private sendWindow = DEFAULT_WINDOW;
  private receivedSinceUpdate = 0;
  /** A header block being continued: stream and fragments. */
  private continuing?: { stream: number; flags: number; parts: Buffer[] };
  private failure?: Error;
  /** Highest stream the server will process after GOAWAY. */
  private goawayLast?: number;
  private closing = false;
  closed = false;

  constructor(socketPath: string) {
    this.socket = net.connect(socketPath);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
    // Written at once; net queues it until the socket connects.
    this.socket.write(
      Buffer.concat([
        PREFACE,
        this.settingsFrame(),
        header(4, Frame.WINDOW_UPDATE, 0, 0),
        u32(MAX_WINDOW - DEFAULT_WINDOW),
      ]),
    );
    this.socket.unref();
  }

  private settingsFrame(): Buffer {
    const body = Buffer.concat([setting(SETTINGS_ENABLE_PUSH, 0), setting(SETTINGS_INITIAL_WINDOW_SIZE, MAX_WINDOW)]);
    return Buffer.concat([header(body.length, Frame.SETTINGS, 0, 0), body]);
  }

  /** True while new streams can be opened. */
  get usable(): boolean {
    return !this.closed && !this.closing && this.goawayLast === undefined;
  }

  get activeStreams(): number {
    return this.streams.size;
  }

  /** Opens a stream: HEADERS, then `body` as DATA ending the stream. */
  request(headers: Array<[string, string]>, body: Buffer, events: StreamEvents): number {
    if (!this.usable) throw this.failure ?? new Error('the connection is closing');
    const block = encodeHeaders(headers);
    if (block.length > this.peerMaxFrame) throw new H2ProtocolError('request headers larger than one frame');
    const id = this.nextId;
    this.nextId += 2;
    const headersFrame = Buffer.concat([header(block.length, Frame.HEADERS, END_HEADERS, id), block]);
    const s: Stream = { id, events, opened: false, headersFrame, gotHeaders: false, sendWindow: this.peerInitialWindow, pending: body, endAfterPending: true, received: 0 };
    this.streams.set(id, s);
    if (this.streams.size === 1) this.socket.ref();
    this.queue.push(s);
    this.openQueued();
    return id;
  }

  /** Opens waiting streams, oldest first, as far as the server's concurrency limit allows. */
  private openQueued(): void {
    while (this.queue.length > 0 && this.openStreams < this.peerMaxStreams && !this.closed) {
      const s = this.queue.shift()!;
      if (this.streams.get(s.id) !== s) continue; // reset before it was opened
      s.opened = true;
      this.openStreams++;
      this.socket.write(s.headersFrame!);
      s.headersFrame = undefined;
      this.flush(s);
    }
  }

  private remove(s: Stream): void {
    this.streams.delete(s.id);
    if (s.opened) this.openStreams--;
  }

  /** Sends what the flow-control windows allow of the stream's body. */
  private flush(s: Stream): void {
    if (!s.opened) return;
    const out: Buffer[] = [];
    while (s.pending.length > 0) {
      const n = Math.min(s.pending.length, s.sendWindow, this.sendWindow, this.peerMaxFrame);
      if (n <= 0) break;
      const last = n === s.pending.length && s.endAfterPending;
      out.push(header(n, Frame.DATA, last ? END_STREAM : 0, s.id), s.pending.subarray(0, n));
      s.pending = s.pending.subarray(n);
      s.sendWindow -= n;
      this.sendWindow -= n;
      if (last) s.endAfterPending = false;
    }
    if (s.pending.length === 0 && s.endAfterPending) {
      out.push(header(0, Frame.DATA, END_STREAM, s.id));
      s.endAfterPending = false;
    }
    if (out.length) this.socket.write(Buffer.concat(out));
  }

  /** Ends a stream from our side (deadline, Ctrl-C): RST_STREAM, and no more events. */
  reset(id: number, code = RST_CANCEL): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.remove(s);
    // A stream never opened is just dropped: RST_STREAM on an idle stream is a protocol error.
    if (s.opened && !this.closed) this.socket.write(Buffer.concat([header(4, Frame.RST_STREAM, 0, id), u32(code)]));
    this.openQueued();
    this.idle();
  }

  /** Closes now; streams still open end with an error. */
  destroy(): void {
    this.fail(new Error('the connection was closed'));
  }

  /** Closes once the streams still open are over. */
  closeWhenIdle(): void {
    this.closing = true;
    this.idle();
  }

  private idle(): void {
    if (this.streams.size > 0 || this.closed) return;
    // After GOAWAY no stream can be opened here any more: nothing left to keep it for.
    if (this.closing || this.goawayLast !== undefined) this.destroy();
    else this.socket.unref();
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = err;
    this.socket.destroy();
    const streams = [...this.streams.values()];
    this.streams.clear();
    this.queue = [];
    this.openStreams = 0;
    for (const s of streams) s.events.onClose({ error: err });
  }

  private receive(chunk: Buffer): void {
    this.inbox.push(chunk);
    this.inboxBytes += chunk.length;
    try {
      while (this.inboxBytes >= 9 && !this.closed) {
        const head = this.peek(9);
        const length = head.readUIntBE(0, 3);
        if (!this.sawSettings && head[3] !== Frame.SETTINGS) throw new H2ProtocolError('the server does not speak HTTP/2 (no SETTINGS first)');
        if (length > MAX_FRAME) throw new H2ProtocolError(`frame of ${length} bytes is larger than ${MAX_FRAME}`);
        if (this.inboxBytes < 9 + length) break;
        const frame = this.take(9 + length);
        this.frame(frame[3], frame[4], frame.readUInt32BE(5) & 0x7fffffff, frame.subarray(9));
      }
    } catch (err) {
      this.fail(err instanceof H2ProtocolError ? err : new H2ProtocolError(`HTTP/2 protocol error: ${(err as Error).message}`));
    }
  }

  private peek(n: number): Buffer {
    if (this.inbox[0].length < n) this.inbox = [Buffer.concat(this.inbox)];
    return this.inbox[0];
  }

  private take(n: number): Buffer {
    let first = this.inbox[0];
    if (first.length < n) {
      first = Buffer.concat(this.inbox);
      this.inbox = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.inbox.shift();
    else this.inbox[0] = first.subarray(n);
    this.inboxBytes -= n;
    return out;
  }

  private frame(type: number, flags: number, id: number, payload: Buffer): void {
    if (this.continuing && type !== Frame.CONTINUATION) throw new H2ProtocolError('expected CONTINUATION');
    switch (type) {
      case Frame.SETTINGS:
        return this.settings(flags, payload);
      case Frame.PING:
        // Echoed as is: a PING of another size would make our ACK a malformed frame.
        if (payload.length !== 8) throw new H2ProtocolError(`PING of ${payload.length} bytes`);
        if (!(flags & ACK)) this.socket.write(Buffer.concat([header(8, Frame.PING, ACK, 0), payload]));
        return;
      case Frame.WINDOW_UPDATE:
        return this.windowUpdate(id, payload.readUInt32BE(0) & 0x7fffffff);
      case Frame.HEADERS:
        return this.headers(id, flags, this.unpad(flags, payload, true));
      case Frame.CONTINUATION:
        return this.continuation(id, flags, payload);
      case Frame.DATA:
        return this.data(id, flags, payload);
      case Frame.RST_STREAM:
        return this.closeStream(id, { rstCode: payload.readUInt32BE(0) });
      case Frame.GOAWAY:
        return this.goaway(payload.readUInt32BE(0) & 0x7fffffff, payload.readUInt32BE(4));
      case Frame.PUSH_PROMISE:
        throw new H2ProtocolError('PUSH_PROMISE although push is disabled');
      default:
        return; // PRIORITY and unknown frame types are ignored (RFC 9113 5.5)
    }
  }

  private settings(flags: number, payload: Buffer): void {
    if (flags & ACK) return;
    this.sawSettings = true;
    for (let i = 0; i + 6 <= payload.length; i += 6) {
      const id = payload.readUInt16BE(i);
      const value = payload.readUInt32BE(i + 2);
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const s of this.streams.values()) s.sendWindow += delta;
      } else if (id === SETTINGS_MAX_FRAME_SIZE) this.peerMaxFrame = value;
      else if (id === SETTINGS_MAX_CONCURRENT_STREAMS) this.peerMaxStreams = value;
    }
    this.socket.write(header(0, Frame.SETTINGS, ACK, 0));
    for (const s of this.streams.values()) this.flush(s);
    this.openQueued();
  }

  private windowUpdate(id: number, increment: number): void {
    if (id === 0) {
      this.sendWindow += increment;
      for (const s of this.streams.values()) this.flush(s);
      return;
    }
    const s = this.streams.get(id);
    if (!s) return;
    s.sendWindow += increment;
    this.flush(s);
  }

  /** The payload without padding (and without the priority fields of HEADERS). */
  private unpad(flags: number, payload: Buffer, isHeaders: boolean): Buffer {
    let start = 0;
    let end = payload.length;
    if (flags & PADDED) {
      start = 1;
      end -= payload[0];
    }
    if (isHeaders && flags & PRIORITY_FLAG) start += 5;
    if (start > end) throw new H2ProtocolError('padding longer than the frame');
    return payload.subarray(start, end);
  }

  private headers(id: number, flags: number, fragment: Buffer): void {
    if (flags & END_HEADERS) this.headerBlock(id, flags, fragment);
    else this.continuing = { stream: id, flags, parts: [fragment] };
  }

  private continuation(id: number, flags: number, fragment: Buffer): void {
    const c = this.continuing;
    if (!c || c.stream !== id) throw new H2ProtocolError('unexpected CONTINUATION');
    c.parts.push(fragment);
    if (!(flags & END_HEADERS)) return;
    this.continuing = undefined;
    this.headerBlock(id, c.flags, Buffer.concat(c.parts));
  }

  /** Every block is decoded, even for streams we reset: the HPACK table is shared. */
  private headerBlock(id: number, flags: number, block: Buffer): void {
    const fields = new Map(this.decoder.decode(block));
    const s = this.streams.get(id);
    if (!s) return;
    const end = (flags & END_STREAM) !== 0;
    if (!s.gotHeaders) {
      s.gotHeaders = true;
      s.events.onHeaders(fields, end);
    } else s.events.onTrailers(fields);
    if (end) this.closeStream(id, {});
  }

  private data(id: number, flags: number, payload: Buffer): void {
    this.receivedSinceUpdate += payload.length;
    if (this.receivedSinceUpdate >= REPLENISH) {
      this.socket.write(Buffer.concat([header(4, Frame.WINDOW_UPDATE, 0, 0), u32(this.receivedSinceUpdate)]));
      this.receivedSinceUpdate = 0;
    }
    const s = this.streams.get(id);
    if (!s) return;
    s.received += payload.length;
    if (s.received >= REPLENISH) {
      this.socket.write(Buffer.concat([header(4, Frame.WINDOW_UPDATE, 0, id), u32(s.received)]));
      s.received = 0;
    }
    const body = this.unpad(flags, payload, false);
    if (body.length) s.events.onData(body);
    if (flags & END_STREAM && this.streams.has(id)) this.closeStream(id, {});
  }

  private closeStream(id: number, info: { rstCode?: number }): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.remove(s);
    s.events.onClose(info);
    this.openQueued();
    this.idle();
  }

  private goaway(lastStream: number, code: number): void {
    this.goawayLast = lastStream;
    const err = new Error(`the server is going away (GOAWAY code ${code})`);
    // Streams past the last one, and those still waiting to open (no new stream after GOAWAY), end here.
    for (const s of [...this.streams.values()]) {
      if (s.id > lastStream || !s.opened) {
        this.remove(s);
        s.events.onClose({ error: err });
      }
    }
    this.idle();
    if (this.streams.size === 0) this.fail(err);
  }
}
