/**
 * Reads a log file forward in large chunks and feeds complete lines to the
 * printer. Memory is one read buffer plus the sink's buffers, whatever the
 * file or line size: a line longer than the buffer is passed on in pieces.
 */
import type { FileHandle } from 'node:fs/promises';
import type { LogPrinter } from './printer';
import type { LogSink } from './sink';

const NEWLINE = 0x0a;
const READ_BUFFER_SIZE = 1 << 20;

export class LogReader {
  private readonly buf: Buffer;

  constructor(
    private readonly printer: LogPrinter,
    private readonly sink: LogSink,
    private readonly signal?: AbortSignal,
    bufferSize = READ_BUFFER_SIZE,
  ) {
    this.buf = Buffer.allocUnsafe(bufferSize);
  }

  /** --limit-bytes reached. */
  get full(): boolean {
    return this.printer.full;
  }

  private get stopped(): boolean {
    return this.printer.full || !!this.signal?.aborted;
  }

  /**
   * Prints every complete line from `pos` to the end of the file and returns
   * the offset after the last byte consumed. An unterminated last line is
   * left for the next call, unless `final` (the writer is gone), when it is
   * printed as it is.
   */
  async pump(fh: FileHandle, pos: number, final: boolean): Promise<number> {
    const buf = this.buf;
    const size = buf.length;
    let have = 0; // buf[0, have) holds the file's bytes from pos
    for (;;) {
      if (this.stopped) return pos;
      const { bytesRead } = await fh.read(buf, have, size - have, pos + have);
      if (bytesRead === 0) break;
      have += bytesRead;
      let s = 0;
      if (this.printer.inLongLine) {
        const nl = buf.indexOf(NEWLINE, 0);
        const ended = nl >= 0 && nl < have;
        this.printer.continueLong(buf, 0, ended ? nl : have, ended);
        s = ended ? nl + 1 : have;
      }
      s = this.printer.lines(buf, s, have);
      if (s === 0 && have === size) {
        // No newline in a full buffer: start passing this line on in pieces.
        this.printer.beginLong(buf, 0, have);
        s = have;
      }
      pos += s;
      if (s < have) buf.copyWithin(0, s, have);
      have -= s;
      this.sink.flushAll();
      await this.sink.settle(this.signal);
    }
    if (have > 0 && final && !this.stopped) {
      if (this.printer.inLongLine) this.printer.continueLong(buf, 0, have, true);
      else this.printer.line(buf, 0, have);
      pos += have;
    } else if (final && this.printer.inLongLine) {
      this.printer.continueLong(buf, 0, 0, true);
    }
    this.sink.flushAll();
    await this.sink.settle(this.signal);
    return pos;
  }
}
