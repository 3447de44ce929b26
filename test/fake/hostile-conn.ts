/**
 * One accepted connection of the hostile server (hostile.ts), seen from the
 * server: reads the client's preface and frames, answers SETTINGS and PING as
 * a server must (unless told not to), keeps the flow-control windows, and
 * writes with backpressure so a flood never grows this process's memory.
 * Every wait ends when the connection or the server closes.
 */
import type * as net from 'node:net';
import { F, frame, parseFrames, PREFACE, T } from './h2-frames';

const DEFAULT_WINDOW = 65_535;

export class HostileConn {
  closed = false;
  /** Bytes written so far (floods stop at their cap). */
  sent = 0;
  private inbuf = Buffer.alloc(0);
  private sawPreface = false;
  private connWindow = DEFAULT_WINDOW;
  private initialStreamWindow = DEFAULT_WINDOW;
  private readonly streamWindows = new Map<number, number>();
  private readonly waiters = new Set<() => void>();
  private readonly requests: number[] = [];
  /** Answer the client's SETTINGS and PINGs (a flood "not reading" turns this off with pauseReading). */
  autoAck = true;

  constructor(readonly socket: net.Socket, private readonly serverStopped: () => boolean) {
    socket.on('data', (c: Buffer) => this.onData(c));
    const close = () => {
      this.closed = true;
      this.wake();
    };
    socket.on('close', close);
    socket.on('error', close);
  }

  get done(): boolean {
    return this.closed || this.serverStopped();
  }

  /** Stop reading: the client's writes (ACKs, WINDOW_UPDATEs) pile up in the kernel. */
  pauseReading(): void {
    this.autoAck = false;
    this.socket.pause();
  }

  /** Writes `bytes`, waiting for the socket to drain; false once the connection is gone. */
  async send(bytes: Buffer): Promise<boolean> {
    if (this.done) return false;
    this.sent += bytes.length;
    if (this.socket.write(bytes)) return !this.done;
    await this.until(() => this.socket.writableLength === 0);
    return !this.done;
  }

  /** The next request's stream id, once its HEADERS arrived; undefined if the connection went first. */
  async request(): Promise<number | undefined> {
    await this.until(() => this.requests.length > 0);
    return this.requests.shift();
  }

  /** DATA frames within the client's flow-control windows (as a polite server sends them). */
  async sendData(stream: number, bytes: Buffer, endStream = false): Promise<boolean> {
    let at = 0;
    do {
      await this.until(() => bytes.length === at || (this.connWindow > 0 && this.window(stream) > 0));
      if (this.done) return false;
      const n = Math.min(16_384, bytes.length - at, this.connWindow, this.window(stream));
      this.connWindow -= n;
      this.streamWindows.set(stream, this.window(stream) - n);
      const last = at + n === bytes.length;
      if (!(await this.send(frame(T.DATA, last && endStream ? F.END_STREAM : 0, stream, bytes.subarray(at, at + n))))) return false;
      at += n;
    } while (at < bytes.length);
    return true;
  }

  /**
   * Waits up to `ms` for `n` bytes of window on `stream` (and the connection),
   * then counts them as used; false if it had to give up (the caller may send
   * anyway, as a hostile or broken server would).
   */
  async takeWindow(stream: number, n: number, ms: number): Promise<boolean> {
    const fits = () => this.connWindow >= n && this.window(stream) >= n;
    if (!fits()) await Promise.race([this.until(fits), this.sleep(ms)]);
    const ok = fits();
    this.connWindow -= n;
    this.streamWindows.set(stream, this.window(stream) - n);
    return ok;
  }

  /** Resolves when the request's HEADERS arrived, or after `ms`. */
  async requestWithin(ms: number): Promise<number | undefined> {
    if (this.requests.length === 0) await Promise.race([this.until(() => this.requests.length > 0), this.sleep(ms)]);
    return this.requests.shift();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters;
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  /** Resolves when `cond` holds or the connection is gone. */
  private until(cond: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.done && !cond()) return;
        this.waiters.delete(check);
        this.socket.off('drain', check);
        resolve();
      };
      this.waiters.add(check);
      this.socket.on('drain', check);
      check();
    });
  }

  wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The room the client gave for DATA on `stream` right now (stream and connection windows). */
  room(stream: number): number {
    return Math.min(this.connWindow, this.window(stream));
  }

  private window(stream: number): number {
    return this.streamWindows.get(stream) ?? this.initialStreamWindow;
  }

  private onData(chunk: Buffer): void {
    this.inbuf = Buffer.concat([this.inbuf, chunk]);
    if (!this.sawPreface) {
      if (this.inbuf.length < PREFACE.length) return;
      this.sawPreface = true;
      this.inbuf = this.inbuf.subarray(PREFACE.length);
    }
    const { frames, rest } = parseFrames(this.inbuf);
    this.inbuf = Buffer.from(rest);
    for (const f of frames) {
      if (f.type === T.SETTINGS && !(f.flags & F.ACK)) {
        for (let i = 0; i + 6 <= f.payload.length; i += 6) {
          if (f.payload.readUInt16BE(i) === 4) this.initialStreamWindow = f.payload.readUInt32BE(i + 2);
        }
        if (this.autoAck) this.socket.write(frame(T.SETTINGS, F.ACK, 0));
      } else if (f.type === T.PING && !(f.flags & F.ACK) && this.autoAck) {
        this.socket.write(frame(T.PING, F.ACK, 0, f.payload));
      } else if (f.type === T.WINDOW_UPDATE && f.payload.length === 4) {
        const inc = f.payload.readUInt32BE(0) & 0x7fffffff;
        if (f.stream === 0) this.connWindow += inc;
        else this.streamWindows.set(f.stream, this.window(f.stream) + inc);
      } else if (f.type === T.HEADERS) {
        this.requests.push(f.stream);
      }
    }
    this.wake();
  }
}
