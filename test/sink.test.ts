/**
 * The log sink against targets that push back (pipes whose reader is slow):
 * every byte is written once, in order, whichever target drains first, and a
 * failed write is an error, never a silent end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { LogSink, type Target } from '../src/logs/sink';

/** A target that refuses more after each write until drain() is called, like a full pipe. */
class SlowTarget extends EventEmitter implements Target {
  chunks: Buffer[] = [];
  pending: Array<(err?: Error | null) => void> = [];
  constructor(private readonly failWith?: NodeJS.ErrnoException) {
    super();
  }
  write(chunk: Uint8Array, done?: (err?: Error | null) => void): boolean {
    this.chunks.push(Buffer.from(chunk));
    if (done) this.pending.push(done);
    return false;
  }
  drain(): void {
    for (const cb of this.pending.splice(0)) cb(this.failWith ?? null);
    if (!this.failWith) this.emit('drain');
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

describe('LogSink with two slow pipes', () => {
  it('sees a drain of the second stream that comes before the first one drains', async () => {
    const out = new SlowTarget();
    const err = new SlowTarget();
    const sink = new LogSink([out, err], { keepOrder: false });
    sink.appendString(0, 'o1\n');
    sink.appendString(1, 'e1\n');
    sink.flushAll();
    let settled = false;
    const p = sink.settle().then(() => (settled = true));
    err.drain(); // stderr drains first, while settle() may be waiting on stdout
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'stdout is still full');
    out.drain();
    await p;
    assert.equal(settled, true);
    assert.equal(out.text, 'o1\n');
    assert.equal(err.text, 'e1\n');
  });

  it('writes every line of both streams over many rounds of back-pressure', async () => {
    const out = new SlowTarget();
    const err = new SlowTarget();
    const sink = new LogSink([out, err], { keepOrder: false, bufferSize: 64 });
    for (let i = 0; i < 2000; i++) {
      sink.appendString(0, `out ${i}\n`);
      sink.appendString(1, `err ${i}\n`);
      if (i % 50 === 49) {
        sink.flushAll();
        const p = sink.settle();
        // Drain in alternating order, as two independent readers would.
        if (i % 100 === 49) (err.drain(), out.drain());
        else (out.drain(), err.drain());
        await p;
      }
    }
    sink.flushAll();
    out.drain();
    err.drain();
    await sink.settle();
    assert.equal(out.text.split('\n').length - 1, 2000);
    assert.equal(err.text.split('\n').length - 1, 2000);
    assert.equal(out.text.split('\n')[1999], 'out 1999');
  });

  it('rejects when a write fails, instead of ending as if all was written', async () => {
    const out = new SlowTarget(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const err = new SlowTarget();
    const sink = new LogSink([out, err]);
    sink.appendString(0, 'x\n');
    sink.flushAll();
    const p = sink.settle();
    out.drain();
    await assert.rejects(p, /no space left/);
    assert.equal(sink.full, true, 'nothing more is produced after a failed write');
  });

  it('ends quietly when the reader went away (EPIPE): the closed-pipe path handles it', async () => {
    const out = new SlowTarget(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const sink = new LogSink([out, new SlowTarget()]);
    sink.appendString(0, 'x\n');
    sink.flushAll();
    const ctl = new AbortController();
    const p = sink.settle(ctl.signal);
    out.drain();
    ctl.abort(); // lifecycle.ts aborts on stdout's EPIPE
    await p;
    assert.equal(sink.full, true);
  });
});
