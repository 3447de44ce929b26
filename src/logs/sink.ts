/**
 * Batched output for the two streams: bytes are copied into a large buffer
 * per stream and written in big chunks, which is what makes a full dump fast.
 *
 * Order between stdout and stderr: when both are the same file (a terminal,
 * `2>&1`) the two streams share one buffer and one target, which writes the
 * same bytes in the same order at full speed. Otherwise, with `keepOrder`,
 * one stream is flushed before the other is appended to; without it (two
 * different files, where the interleaving cannot be observed) each batches
 * on its own. `--limit-bytes` is enforced here, on the bytes actually written.
 */
import type { StreamIndex } from './record';

export interface Target {
  /** `done` is called once the target no longer needs `chunk` (Node streams do this). */
  write(chunk: Uint8Array, done?: (err?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Buffers kept for reuse: with a synchronous stdout two or three are in use at a time. */
const POOL_SIZE = 4;

export interface SinkOptions {
  /** Stop after this many bytes (prefixes included); negative = no limit. */
  limitBytes?: number;
  bufferSize?: number;
  /** stdout and stderr are the same file: write both through stdout's buffer. */
  merged?: boolean;
  /** Keep the order across two different targets (default true). */
  keepOrder?: boolean;
}

const DEFAULT_BUFFER = 1 << 20;

export class LogSink {
  private readonly bufs: Buffer[];
  private readonly spare: Buffer[] = [];
  private readonly lens = [0, 0];
  private readonly blocked = [false, false];
  private readonly size: number;
  private readonly limit: number;
  private readonly merged: boolean;
  private readonly keepOrder: boolean;
  private last: StreamIndex = 0;
  private waiter?: () => void;
  private error?: Error;
  /** Bytes handed to the targets or waiting in the buffers. */
  written = 0;
  /** True once --limit-bytes is reached: callers stop producing. */
  full = false;

  constructor(private readonly targets: [Target, Target], opts: SinkOptions = {}) {
    this.size = opts.bufferSize ?? DEFAULT_BUFFER;
    this.limit = opts.limitBytes ?? -1;
    this.merged = !!opts.merged;
    this.keepOrder = !this.merged && (opts.keepOrder ?? true);
    this.bufs = [Buffer.allocUnsafe(this.size), this.merged ? Buffer.alloc(0) : Buffer.allocUnsafe(this.size)];
    this.full = this.limit === 0;
  }

  /** How many of n bytes may still be written; sets `full` when the limit is hit. */
  private allow(n: number): number {
    if (this.limit < 0) return n;
    const room = this.limit - this.written;
    if (n >= room) {
      this.full = true;
      return Math.max(0, room);
    }
    return n;
  }

  /** The buffer stream s writes into, flushing the other one first when order matters. */
  private switchTo(stream: StreamIndex): StreamIndex {
    if (this.merged) return 0;
    if (stream !== this.last) {
      if (this.keepOrder) this.flush(this.last);
      this.last = stream;
    }
    return stream;
  }

  /** Appends src[start, end) to stream `stream`. */
  append(stream: StreamIndex, src: Uint8Array, start: number, end: number): void {
    if (this.full) return;
    const n = this.allow(end - start);
    if (n === 0) return;
    const s = this.switchTo(stream);
    this.written += n;
    let from = start;
    const stop = start + n;
    while (from < stop) {
      let len = this.lens[s];
      if (len === this.size) {
        this.flush(s);
        len = 0;
      }
      const take = Math.min(stop - from, this.size - len);
      if (take < 64) {
        // Short copies are cheaper in JS than through the native Buffer.copy.
        const buf = this.bufs[s];
        for (let i = 0; i < take; i++) buf[len + i] = src[from + i];
      } else {
        this.bufs[s].set(src.subarray(from, from + take), len);
      }
      this.lens[s] = len + take;
      from += take;
    }
  }

  appendByte(stream: StreamIndex, byte: number): void {
    if (this.full || this.allow(1) === 0) return;
    const s = this.switchTo(stream);
    this.written += 1;
    if (this.lens[s] === this.size) this.flush(s);
    this.bufs[s][this.lens[s]++] = byte;
  }

  appendString(s: StreamIndex, text: string): void {
    if (text.length === 0 || this.full) return;
    const bytes = Buffer.from(text, 'utf8');
    this.append(s, bytes, 0, bytes.length);
  }

  /**
   * Hands stream s's buffer to its target and continues in another one. The
   * target may hold on to the chunk until it is written, so a buffer is
   * reused only after the target says it is done with it; recycling keeps the
   * memory flat, where fresh buffers would pile up as garbage at 500 MB/s.
   */
  flush(s: StreamIndex): void {
    const len = this.lens[s];
    if (len === 0) return;
    const whole = this.bufs[s];
    this.bufs[s] = this.spare.pop() ?? Buffer.allocUnsafe(this.size);
    this.lens[s] = 0;
    const done = (err?: Error | null) => {
      if (err) this.fail(err);
      else if (this.spare.length < POOL_SIZE) this.spare.push(whole);
    };
    if (!this.targets[s].write(whole.subarray(0, len), done) && !this.blocked[s]) {
      // Listen for 'drain' now, not when settle() gets to this stream: a drain
      // that fires while settle() waits on the other stream must not be missed
      // (that lost lines when stdout and stderr were both pipes).
      this.blocked[s] = true;
      this.targets[s].once('drain', () => {
        this.blocked[s] = false;
        this.wake();
      });
    }
  }

  /**
   * A write failed: nothing more is written, and settle() rejects with the
   * error, except for a reader that went away (EPIPE), which ends the output
   * quietly as a closed pipe should (lifecycle.ts aborts the command).
   */
  private fail(err: NodeJS.ErrnoException): void {
    if (err.code !== 'EPIPE') this.error ??= err;
    this.full = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  flushAll(): void {
    // The stream written last goes last, so the order across streams is kept.
    const other = (1 - this.last) as StreamIndex;
    this.flush(other);
    this.flush(this.last);
  }

  /**
   * Waits until both targets accept data again (a slow pipe or terminal), or
   * until aborted. Rejects with the error of a failed write: output that
   * cannot be written is an error, never a silent success.
   */
  async settle(signal?: AbortSignal): Promise<void> {
    while (!this.error && (this.blocked[0] || this.blocked[1])) {
      if (signal?.aborted) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          this.waiter = undefined;
          resolve();
        };
        this.waiter = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    if (this.error) throw this.error;
  }
}
