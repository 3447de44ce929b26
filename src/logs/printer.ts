/**
 * Turns parsed log lines into output: filters (--stream, --since), the
 * --timestamps prefix at the start of each logical line, partial (P) records
 * joined by simply not ending them, and raw lines passed through untouched.
 */
import { Kind, newRecord, parseCri, parseLine, STDOUT, type LogRecord, type StreamIndex } from './record';
import type { LogSink } from './sink';
import { compareTimestamps, fixedTimeBytes, formatFixed, parseRfc3339, parseTimeBytes, type Timestamp } from './timestamp';

export interface PrintOptions {
  timestamps?: boolean;
  since?: Timestamp;
  /** Print only this stream. */
  stream?: StreamIndex;
}

const NEWLINE = 0x0a;

/** A line longer than the read buffer, being passed through in pieces. */
interface LongLine {
  stream: StreamIndex;
  partial: boolean;
  skip: boolean;
}

export class LogPrinter {
  private readonly rec = newRecord();
  private readonly atLineStart = [true, true];
  private readonly time: Timestamp = { sec: 0, nsec: 0 };
  private long: LongLine | undefined;
  /** Lines that were in no known format, shown raw. */
  rawLines = 0;

  constructor(private readonly sink: LogSink, private readonly opts: PrintOptions = {}) {}

  get full(): boolean {
    return this.sink.full;
  }

  /** True while a line longer than the buffer is half written. */
  get inLongLine(): boolean {
    return this.long !== undefined;
  }

  /** False if the record is filtered out by --stream or --since. An unreadable time is not filtered. */
  private wanted(rec: LogRecord, buf: Buffer): boolean {
    if (this.opts.stream !== undefined && rec.stream !== this.opts.stream) return false;
    const since = this.opts.since;
    if (since) {
      if (rec.kind === Kind.Cri) {
        if (parseTimeBytes(buf, rec.timeStart, rec.timeEnd, this.time) && compareTimestamps(this.time, since) < 0) return false;
      } else {
        const ts = parseRfc3339(rec.time);
        if (ts && compareTimestamps(ts, since) < 0) return false;
      }
    }
    return true;
  }

  private prefix(rec: LogRecord, buf: Buffer): void {
    const s = rec.stream;
    if (!this.opts.timestamps || !this.atLineStart[s]) return;
    if (rec.kind === Kind.Cri) fixedTimeBytes(buf, rec.timeStart, rec.timeEnd, (src, a, b) => this.sink.append(s, src, a, b));
    else this.sink.appendString(s, `${formatFixed(rec.time)} `);
  }

  private raw(buf: Buffer, start: number, end: number): void {
    this.rawLines++;
    if (this.opts.stream !== undefined && this.opts.stream !== STDOUT) return;
    this.sink.append(STDOUT, buf, start, end);
    this.sink.appendByte(STDOUT, NEWLINE);
  }

  /**
   * Prints every complete line in buf[from, end) and returns where the first
   * incomplete one starts.
   *
   * The fast path (no --timestamps): a run of CRI records of the same stream
   * is compacted in place, each record's content (and newline) moved over
   * the headers with copyWithin, and the run is handed to the sink in one
   * copy. Everything before `s` is consumed, and compaction only moves bytes
   * down, so lines not yet read are never touched.
   */
  lines(buf: Buffer, from: number, end: number): number {
    if (this.opts.timestamps) return this.slowLines(buf, from, end);
    const rec = this.rec;
    const sink = this.sink;
    let s = from;
    let runStream: StreamIndex = STDOUT;
    let runStart = from;
    let w = from;
    while (s < end) {
      const nl = buf.indexOf(NEWLINE, s);
      if (nl < 0 || nl >= end) break;
      if (!parseCri(buf, s, nl, rec)) {
        sink.append(runStream, buf, runStart, w);
        this.line(buf, s, nl);
        runStart = w = s = nl + 1;
        if (sink.full) return end;
        continue;
      }
      if (this.wanted(rec, buf)) {
        if (rec.stream !== runStream) {
          sink.append(runStream, buf, runStart, w);
          runStream = rec.stream;
          runStart = w;
        }
        const stop = rec.partial ? nl : nl + 1;
        buf.copyWithin(w, rec.contentStart, stop);
        w += stop - rec.contentStart;
      }
      s = nl + 1;
    }
    sink.append(runStream, buf, runStart, w);
    return sink.full ? end : s;
  }

  private slowLines(buf: Buffer, from: number, end: number): number {
    let s = from;
    while (s < end) {
      const nl = buf.indexOf(NEWLINE, s);
      if (nl < 0 || nl >= end) break;
      this.line(buf, s, nl);
      s = nl + 1;
      if (this.sink.full) return end;
    }
    return s;
  }

  /** One complete line buf[start, end), without its newline. */
  line(buf: Buffer, start: number, end: number): void {
    const rec = this.rec;
    const kind = parseLine(buf, start, end, rec);
    if (kind === Kind.Raw) {
      this.raw(buf, start, end);
      return;
    }
    if (!this.wanted(rec, buf)) return;
    const s = rec.stream;
    this.prefix(rec, buf);
    if (kind === Kind.Cri) this.sink.append(s, buf, rec.contentStart, end);
    else this.sink.appendString(s, rec.text);
    if (!rec.partial) this.sink.appendByte(s, NEWLINE);
    this.atLineStart[s] = !rec.partial;
  }

  /** The first piece of a line that does not fit in the buffer: decide once how to pass it on. */
  beginLong(buf: Buffer, start: number, end: number): void {
    const rec = this.rec;
    if (parseCri(buf, start, end, rec)) {
      const skip = !this.wanted(rec, buf);
      this.long = { stream: rec.stream, partial: rec.partial, skip };
      if (!skip) {
        this.prefix(rec, buf);
        this.sink.append(rec.stream, buf, rec.contentStart, end);
      }
      return;
    }
    // Not CRI (json-file never writes such lines): pass it through raw.
    this.rawLines++;
    const skip = this.opts.stream !== undefined && this.opts.stream !== STDOUT;
    this.long = { stream: STDOUT, partial: false, skip };
    if (!skip) this.sink.append(STDOUT, buf, start, end);
  }

  /** More of the long line; `ended` when its newline was reached. */
  continueLong(buf: Buffer, start: number, end: number, ended: boolean): void {
    const long = this.long!;
    if (!long.skip) this.sink.append(long.stream, buf, start, end);
    if (!ended) return;
    if (!long.skip) {
      if (!long.partial) this.sink.appendByte(long.stream, NEWLINE);
      this.atLineStart[long.stream] = !long.partial;
    }
    this.long = undefined;
  }
}
