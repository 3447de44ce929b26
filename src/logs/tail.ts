/**
 * `--tail N`: find where the last N lines start by reading the file backwards
 * in blocks, so the cost depends on N, not on the file's size.
 *
 * A line here is a logical line: a partial (P) record does not end one, so a
 * long line the runtime split into pieces counts once (crictl counts each
 * piece). With --stream only that stream's lines count. Records after the
 * last full line of a stream (a line still being written) are included.
 *
 * Lines are kept whole: the runtime copies stdout and stderr separately, so
 * the pieces of a long stdout line can have a stderr line between them. The
 * start is then moved back to the first piece of every included line, which
 * can bring in a few extra lines of the other stream, never half a line.
 */
import type { FileHandle } from 'node:fs/promises';
import { newRecord, parseCri, parseJson, STDOUT, type StreamIndex } from './record';

const NEWLINE = 0x0a;
const BLOCK = 64 * 1024;
/** Enough for any CRI header; json-file lines are read whole, up to this much. */
const HEADER = 64;
const MAX_JSON_LINE = 1 << 20;

class BackwardFile {
  private block = Buffer.allocUnsafe(BLOCK);
  private blockStart = 0;
  private blockEnd = 0; // empty cache

  constructor(private readonly fh: FileHandle) {}

  private async load(start: number, end: number): Promise<void> {
    const len = end - start;
    if (this.block.length < len) this.block = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.fh.read(this.block, got, len - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.blockStart = start;
    this.blockEnd = start + got;
  }

  /** The offset of the last newline before `before`, or -1. */
  async prevNewline(before: number): Promise<number> {
    let end = before;
    while (end > 0) {
      if (end <= this.blockStart || end > this.blockEnd) await this.load(Math.max(0, end - BLOCK), end);
      const i = this.block.lastIndexOf(NEWLINE, end - 1 - this.blockStart);
      if (i >= 0 && i < end - this.blockStart) return this.blockStart + i;
      end = this.blockStart;
    }
    return -1;
  }

  /** The bytes [start, end) (at most what the file has). */
  async bytes(start: number, end: number): Promise<{ buf: Buffer; start: number; end: number }> {
    if (start >= this.blockStart && end <= this.blockEnd) {
      return { buf: this.block, start: start - this.blockStart, end: end - this.blockStart };
    }
    const buf = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await this.fh.read(buf, 0, end - start, start);
    return { buf, start: 0, end: bytesRead };
  }

  async byteAt(pos: number): Promise<number> {
    const b = await this.bytes(pos, pos + 1);
    return b.buf[b.start];
  }
}

interface LineClass {
  stream: StreamIndex;
  partial: boolean;
}

async function classify(file: BackwardFile, start: number, end: number): Promise<LineClass> {
  const rec = newRecord();
  const head = await file.bytes(start, Math.min(end, start + HEADER));
  if (parseCri(head.buf, head.start, head.end, rec)) return { stream: rec.stream, partial: rec.partial };
  if (head.buf[head.start] === 0x7b && end - start <= MAX_JSON_LINE) {
    const whole = await file.bytes(start, end);
    if (parseJson(whole.buf, whole.start, whole.end, rec)) return { stream: rec.stream, partial: rec.partial };
  }
  return { stream: STDOUT, partial: false }; // a raw line
}

/**
 * The offset where the last `n` lines of the file (of `size` bytes) begin.
 * n = 0 gives where the unfinished lines at the end begin (or `size`).
 */
export async function tailStart(fh: FileHandle, size: number, n: number, stream?: StreamIndex): Promise<number> {
  if (size === 0) return 0;
  const file = new BackwardFile(fh);
  // open[s]: walking back inside an included line of stream s, whose first record is not found yet.
  const open = [false, false];
  const seenFull = [false, false];
  let counted = 0;
  let start = size;
  // `e` is where the current line's content ends (its newline, or EOF for an unterminated one).
  let e = (await file.byteAt(size - 1)) === NEWLINE ? size - 1 : size;
  for (;;) {
    const nl = await file.prevNewline(e);
    const c = await classify(file, nl + 1, e);
    if (stream === undefined || c.stream === stream) {
      const s = c.stream;
      if (c.partial) {
        // A piece of an included line, or of the unfinished last line of s.
        if (open[s] || !seenFull[s]) {
          open[s] = true;
          start = nl + 1;
        }
      } else {
        seenFull[s] = true;
        open[s] = false; // the line of s being walked starts after this record
        if (counted < n) {
          counted++;
          open[s] = true;
          start = nl + 1;
        } else if (!open[0] && !open[1]) {
          return start;
        }
      }
    }
    if (nl < 0) return counted < n ? 0 : start;
    e = nl;
  }
}
