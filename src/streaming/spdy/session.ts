/**
 * A SPDY/3.1 client session on an upgraded HTTP/1.1 socket: streams opened
 * by the client with headers, data both ways, half-close (FIN) per
 * direction, RST_STREAM, PING answered, GOAWAY.
 *
 * Flow control is left out, as Go's spdystream (the server side of every
 * Kubernetes streaming server, and kubectl's client) leaves it out: it
 * never sends WINDOW_UPDATE, so a sender that honoured the 64 KiB initial
 * window would stall for ever; and it ignores those it gets, while one still
 * in flight when the server closes makes the server's kernel reset the
 * connection, which throws away output not yet read here. Backpressure
 * comes from the socket instead.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import * as F from './frame';
import { HeaderCompressor } from './header-block';

export class SpdyStream extends EventEmitter {
  localEnded = false;
  remoteEnded = false;
  resetByPeer = false;
  /** Settled by SYN_REPLY (accepted) or RST_STREAM (refused). */
  readonly replied: Promise<void>;
  settleReply!: (err?: Error) => void;

  constructor(readonly session: SpdySession, readonly id: number) {
    super();
    this.replied = new Promise<void>((resolve, reject) => {
      this.settleReply = (err) => (err ? reject(err) : resolve());
    });
    this.replied.catch(() => undefined);
  }

  /** Sends data in frames of at most 32 KiB; false when the socket wants a 'drain'. */
  write(data: Uint8Array): boolean {
    if (this.localEnded || this.resetByPeer) return true;
    let ok = true;
    for (let off = 0; off < data.length; off += F.MAX_DATA) ok = this.session.send(F.dataFrame(this.id, data.subarray(off, off + F.MAX_DATA)));
    return ok;
  }

  /** Half-close: the peer reads end-of-file on this stream. */
  end(): void {
    if (this.localEnded || this.resetByPeer) return;
    this.localEnded = true;
    this.session.send(F.dataFrame(this.id, Buffer.alloc(0), true));
  }

  /** Called by the session for each DATA frame of this stream. */
  receive(data: Buffer, fin: boolean): void {
    if (data.length > 0) this.emit('data', data);
    if (fin && !this.remoteEnded) {
      this.remoteEnded = true;
      this.emit('end');
    }
  }

  peerReset(status: number): void {
    this.resetByPeer = true;
    this.settleReply(new Error(`the server refused the stream (RST_STREAM status ${status})`));
    if (!this.remoteEnded) {
      this.remoteEnded = true;
      this.emit('reset', status);
      this.emit('end');
    }
  }
}

export class SpdySession extends EventEmitter {
  private readonly reader = new F.FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private nextId = 1;
  private closed = false;

  /** Why the session ended, if it failed (a socket error or a frame it could not read); 'close' follows. */
  failure?: Error;

  constructor(readonly socket: Duplex, head?: Buffer) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => (this.failure ??= err));
    socket.on('close', () => this.onClose());
    if (head && head.length > 0) queueMicrotask(() => this.onData(head));
  }

  /**
   * Opens a stream with these headers. Listen to it at once (data may follow
   * the reply in the same read); write to it only after `replied`, so that
   * its SYN_STREAM, sent once the headers are compressed, goes first.
   */
  open(headers: Record<string, string>): SpdyStream {
    const stream = new SpdyStream(this, this.nextId);
    this.nextId += 2;
    this.streams.set(stream.id, stream);
    if (this.closed) stream.settleReply(new Error('the SPDY session is closed'));
    else {
      this.compressor.compress(headers).then(
        (block) => this.send(F.synStream(stream.id, block)),
        (err: Error) => stream.settleReply(err),
      );
    }
    return stream;
  }

  send(frame: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return true;
    return this.socket.write(frame);
  }

  /** Slow local output: stop reading the socket until it catches up. */
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }

  /** Polite end: GOAWAY, then close the socket once written. */
  close(): void {
    if (this.closed) return;
    this.send(F.goAway(0));
    this.socket.end();
    this.onClose();
  }

  destroy(): void {
    this.socket.destroy();
    this.onClose();
  }

  private onData(chunk: Buffer): void {
    let frames: F.Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.failure ??= err as Error;
      this.destroy();
      return;
    }
    for (const f of frames) {
      if (f.kind === 'data') this.onDataFrame(f.streamId, f.data, f.fin);
      else this.onControl(f.type, f.flags, f.payload);
    }
  }

  private onDataFrame(id: number, data: Buffer, fin: boolean): void {
    this.streams.get(id)?.receive(data, fin);
  }

  private onControl(type: number, flags: number, payload: Buffer): void {
    const stream = this.streams.get(F.controlStreamId(payload));
    switch (type) {
      case F.FrameType.SynReply:
        stream?.settleReply();
        if (stream && flags & F.FLAG_FIN) stream.receive(Buffer.alloc(0), true);
        break;
      case F.FrameType.Headers:
        if (stream && flags & F.FLAG_FIN) stream.receive(Buffer.alloc(0), true);
        break;
      case F.FrameType.RstStream:
        stream?.peerReset(payload.length >= 8 ? payload.readUInt32BE(4) : 0);
        break;
      case F.FrameType.SynStream:
        // Servers of these protocols never push; refuse anything they open.
        this.send(F.rstStream(F.controlStreamId(payload), F.RST_PROTOCOL_ERROR));
        break;
      case F.FrameType.Ping:
        // Our pings are odd; an even id is the server's, answered by echoing it.
        if (payload.length >= 4 && payload.readUInt32BE(0) % 2 === 0) this.send(F.ping(payload.readUInt32BE(0)));
        break;
      case F.FrameType.GoAway:
        this.emit('goaway');
        break;
      default:
        // SETTINGS, WINDOW_UPDATE (see above) and unknown types carry nothing we act on.
        break;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.compressor.close();
    for (const s of this.streams.values()) {
      s.settleReply(new Error('the connection closed before the server accepted the stream'));
      if (!s.remoteEnded) {
        s.remoteEnded = true;
        s.emit('end');
      }
    }
    this.emit('close');
  }
}
