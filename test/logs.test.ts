/**
 * Pure tests of the log machinery: timestamps and --since, record parsing,
 * printing (streams, partials, prefixes, limits), --tail from the end, and
 * --follow across appends, rotation and truncation — on temp files, no runtime.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { open } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliError, UsageError } from '../src/cli/cli-error';
import { previousLogPath, printLogs, type LogsOptions } from '../src/logs/logs';
import { LogPrinter } from '../src/logs/printer';
import { LogReader } from '../src/logs/reader';
import { Kind, newRecord, parseLine, STDERR } from '../src/logs/record';
import { LogSink, type Target } from '../src/logs/sink';
import { tailStart } from '../src/logs/tail';
import { formatFixed, parseRfc3339, parseSince } from '../src/logs/timestamp';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-logs-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;

function tempFile(content: string | Buffer): string {
  const p = path.join(tmp, `f${fileNo++}`, '0.log');
  fs.mkdirSync(path.dirname(p));
  fs.writeFileSync(p, content);
  return p;
}

/** Collects what is written to it; one instance per stream. */
class Collector implements Target {
  chunks: Buffer[] = [];
  write(chunk: Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }
  once(): this {
    return this;
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Writes go to one shared log, so the order across streams can be checked. */
function interleaved(): { targets: [Target, Target]; log: string[] } {
  const log: string[] = [];
  const mk = (tag: string): Target => ({
    write: (c) => {
      log.push(`${tag}:${Buffer.from(c).toString()}`);
      return true;
    },
    once: () => undefined,
  });
  return { targets: [mk('out'), mk('err')], log };
}

async function run(file: string, opts: Partial<LogsOptions> = {}) {
  const out = new Collector();
  const err = new Collector();
  const res = await printLogs({ path: file, targets: [out, err], ...opts });
  return { out: out.text, err: err.text, ...res };
}

const T = (i: number) => `2024-05-01T10:00:${String(i).padStart(2, '0')}.123456789Z`;
const cri = (i: number, stream: 'stdout' | 'stderr', tag: string, content: string) => `${T(i)} ${stream} ${tag} ${content}\n`;

describe('timestamps and --since', () => {
  it('parses RFC3339Nano exactly, including offsets and short fractions', () => {
    assert.deepEqual(parseRfc3339('2024-05-01T10:00:00.123456789Z'), { sec: 1714557600, nsec: 123456789 });
    assert.deepEqual(parseRfc3339('2024-05-01T10:00:00.5Z'), { sec: 1714557600, nsec: 500000000 });
    assert.deepEqual(parseRfc3339('2024-05-01T12:00:00+02:00'), { sec: 1714557600, nsec: 0 });
    assert.equal(parseRfc3339('2024-05-01 nope'), undefined);
  });

  it('formats with nine fraction digits like Go RFC3339NanoFixed', () => {
    assert.equal(formatFixed('2024-05-01T10:00:00.5Z'), '2024-05-01T10:00:00.500000000Z');
    assert.equal(formatFixed('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000000000Z');
    assert.equal(formatFixed('2024-05-01T10:00:00.123456789Z'), '2024-05-01T10:00:00.123456789Z');
    assert.equal(formatFixed('2024-05-01T10:00:00.1+00:00'), '2024-05-01T10:00:00.100000000Z');
    assert.equal(formatFixed('2024-05-01T12:00:00.1+02:00'), '2024-05-01T12:00:00.100000000+02:00');
  });

  it('accepts a duration, an RFC3339 time, a local date and a Unix timestamp', () => {
    const now = Date.UTC(2024, 4, 1, 10, 0, 0);
    assert.deepEqual(parseSince('10m', now), { sec: now / 1000 - 600, nsec: 0 });
    assert.deepEqual(parseSince('2024-05-01T09:00:00.25Z', now), { sec: now / 1000 - 3600, nsec: 250000000 });
    assert.deepEqual(parseSince('1714557600.5', now), { sec: 1714557600, nsec: 500000000 });
    const local = parseSince('2024-05-01', now);
    assert.equal(local.sec, new Date(2024, 4, 1).getTime() / 1000);
    assert.throws(() => parseSince('yesterday'), UsageError);
  });
});

describe('record parsing', () => {
  const parse = (line: string) => {
    const buf = Buffer.from(line);
    const rec = newRecord();
    const kind = parseLine(buf, 0, buf.length, rec);
    return { kind, rec, line: buf, content: kind === Kind.Json ? rec.text : buf.toString('utf8', rec.contentStart) };
  };
  const buf = (p: { line: Buffer }) => p.line;

  it('reads CRI records: stream, P/F tag with extra tags, content with spaces', () => {
    const a = parse(`${T(1)} stderr P:x:y two  words`);
    assert.equal(a.kind, Kind.Cri);
    assert.equal(a.rec.stream, STDERR);
    assert.equal(a.rec.partial, true);
    assert.equal(buf(a).toString('latin1', a.rec.timeStart, a.rec.timeEnd), T(1));
    assert.equal(a.content, 'two  words');
    const b = parse(`${T(1)} stdout F `);
    assert.equal(b.kind, Kind.Cri);
    assert.equal(b.content, '');
  });

  it('reads json-file lines and knows a piece without a newline is partial', () => {
    const a = parse('{"log":"hello\\n","stream":"stderr","time":"2024-05-01T10:00:00Z"}');
    assert.equal(a.kind, Kind.Json);
    assert.equal(a.rec.stream, STDERR);
    assert.equal(a.rec.partial, false);
    assert.equal(a.content, 'hello');
    assert.equal(parse('{"log":"hel","stream":"stdout","time":"2024-05-01T10:00:00Z"}').rec.partial, true);
  });

  it('treats anything else as raw', () => {
    for (const line of ['hello world', `${T(1)} stdin F x`, `${T(1)} stdout X x`, `${T(1)} stdout F`, '{"log":1}', `not-a-time stdout F x`]) {
      assert.equal(parse(line).kind, Kind.Raw, line);
    }
  });
});

describe('printLogs', () => {
  const mixed =
    cri(1, 'stdout', 'F', 'out one') +
    cri(2, 'stderr', 'F', 'err one') +
    cri(3, 'stdout', 'P', 'part-a ') +
    cri(4, 'stdout', 'P', 'part-b ') +
    cri(5, 'stdout', 'F', 'part-c') +
    cri(6, 'stderr', 'F', 'err two') +
    cri(7, 'stdout', 'F', 'out last');

  it('separates the streams and joins partial records', async () => {
    const r = await run(tempFile(mixed));
    assert.equal(r.out, 'out one\npart-a part-b part-c\nout last\n');
    assert.equal(r.err, 'err one\nerr two\n');
    assert.equal(r.rawLines, 0);
  });

  it('keeps the order across the two streams', async () => {
    const file = tempFile(mixed);
    const { targets, log } = interleaved();
    await printLogs({ path: file, targets });
    assert.deepEqual(log, ['out:out one\n', 'err:err one\n', 'out:part-a part-b part-c\n', 'err:err two\n', 'out:out last\n']);
  });

  it('prefixes timestamps once per logical line, nine digits', async () => {
    const r = await run(tempFile(mixed), { timestamps: true });
    assert.equal(r.out, `${T(1)} out one\n${T(3)} part-a part-b part-c\n${T(7)} out last\n`);
    assert.equal(r.err, `${T(2)} err one\n${T(6)} err two\n`);
    const short = await run(tempFile(`2024-05-01T10:00:00.5Z stdout F x\n`), { timestamps: true });
    assert.equal(short.out, '2024-05-01T10:00:00.500000000Z x\n');
  });

  it('filters with --since and --stream', async () => {
    const file = tempFile(mixed);
    const since = parseSince(T(5));
    const r = await run(file, { since });
    assert.equal(r.out, 'part-c\nout last\n');
    assert.equal(r.err, 'err two\n');
    const e = await run(file, { stream: STDERR });
    assert.equal(e.out, '');
    assert.equal(e.err, 'err one\nerr two\n');
  });

  it('stops at --limit-bytes, counting the prefix, cutting mid-line', async () => {
    const r = await run(tempFile(cri(1, 'stdout', 'F', 'line 0') + cri(2, 'stdout', 'F', 'line 1')), { limitBytes: 10 });
    assert.equal(r.out, 'line 0\nlin');
    assert.equal(r.bytes, 10);
    const z = await run(tempFile(mixed), { limitBytes: 0 });
    assert.equal(z.out + z.err, '');
  });

  it('shows malformed lines raw and counts them, never drops them', async () => {
    const r = await run(tempFile(cri(1, 'stdout', 'F', 'good') + 'garbage in the middle\n' + cri(2, 'stderr', 'F', 'bad?') + '\n'));
    assert.equal(r.out, 'good\ngarbage in the middle\n\n');
    assert.equal(r.err, 'bad?\n');
    assert.equal(r.rawLines, 2);
  });

  it('prints an unterminated last line', async () => {
    const r = await run(tempFile(cri(1, 'stdout', 'F', 'a') + `${T(2)} stdout F b`));
    assert.equal(r.out, 'a\nb\n');
  });

  it('reads json-file logs', async () => {
    const file = tempFile(
      '{"log":"hello\\n","stream":"stdout","time":"2024-05-01T10:00:00.1Z"}\n' +
        '{"log":"oops\\n","stream":"stderr","time":"2024-05-01T10:00:01Z"}\n' +
        '{"log":"long-","stream":"stdout","time":"2024-05-01T10:00:02Z"}\n' +
        '{"log":"line\\n","stream":"stdout","time":"2024-05-01T10:00:03Z"}\n',
    );
    const r = await run(file, { timestamps: true });
    assert.equal(r.out, '2024-05-01T10:00:00.100000000Z hello\n2024-05-01T10:00:02.000000000Z long-line\n');
    assert.equal(r.err, '2024-05-01T10:00:01.000000000Z oops\n');
  });

  it('passes lines longer than the read buffer through in pieces', async () => {
    const big = 'x'.repeat(300);
    const file = tempFile(cri(1, 'stdout', 'F', big) + cri(2, 'stderr', 'P', big) + cri(3, 'stderr', 'F', 'end') + `raw-${big}\n` + cri(4, 'stdout', 'F', 'ok'));
    const out = new Collector();
    const err = new Collector();
    const sink = new LogSink([out, err], { bufferSize: 64 });
    const printer = new LogPrinter(sink, {});
    const reader = new LogReader(printer, sink, undefined, 100);
    const fh = await open(file, 'r');
    try {
      await reader.pump(fh, 0, true);
    } finally {
      await fh.close();
    }
    assert.equal(out.text, `${big}\nraw-${big}\nok\n`);
    assert.equal(err.text, `${big}end\n`);
    assert.equal(printer.rawLines, 1);
  });

  it('rejects a file in no log format, a missing file and a directory with clear errors', async () => {
    await assert.rejects(run(tempFile('#!/bin/sh\necho hi\n')), (e: CliError) => /is not a container log/.test(e.message));
    await assert.rejects(run(path.join(tmp, 'nope.log')), (e: CliError) => /log file .*nope\.log does not exist/.test(e.message));
    await assert.rejects(run(tmp), (e: CliError) => /is a directory/.test(e.message));
    const empty = await run(tempFile(''));
    assert.equal(empty.out, '');
  });

  it('names the previous attempt the way the kubelet does', () => {
    assert.equal(previousLogPath('/var/log/pods/ns_p_u/app/3.log', 3), '/var/log/pods/ns_p_u/app/2.log');
    assert.equal(previousLogPath('/x/app/1.log', 1), '/x/app/0.log');
  });
});

describe('--tail', () => {
  const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => cri(i % 60, i % 3 === 2 ? 'stderr' : 'stdout', 'F', `line ${from + i}`)).join('');

  it('prints the last N lines, N = 0 prints nothing, N larger than the file prints all', async () => {
    const file = tempFile(lines(10));
    const r = await run(file, { tail: 3 });
    assert.equal(r.out, 'line 7\nline 9\n');
    assert.equal(r.err, 'line 8\n');
    assert.equal((await run(file, { tail: 0 })).out, '');
    const all = await run(file, { tail: 100 });
    assert.equal(all.out.split('\n').length - 1 + all.err.split('\n').length - 1, 10);
  });

  it('counts a line split into partial records once, and keeps the trailing unfinished line', async () => {
    const file = tempFile(cri(1, 'stdout', 'F', 'first') + cri(2, 'stdout', 'P', 'a') + cri(3, 'stdout', 'P', 'b') + cri(4, 'stdout', 'F', 'c') + cri(5, 'stdout', 'P', 'unfinished'));
    assert.equal((await run(file, { tail: 1 })).out, 'abc\nunfinished');
    assert.equal((await run(file, { tail: 2 })).out, 'first\nabc\nunfinished');
  });

  it('keeps a long line whole when a line of the other stream landed between its pieces', async () => {
    // containerd copies stdout and stderr separately: the file order can be like this.
    const file = tempFile(
      cri(1, 'stdout', 'F', 'before') + cri(2, 'stdout', 'P', 'aa') + cri(3, 'stderr', 'F', 'err') + cri(4, 'stdout', 'P', 'bb') + cri(5, 'stdout', 'F', 'cc') + cri(6, 'stdout', 'F', 'last'),
    );
    const r = await run(file, { tail: 2 });
    assert.equal(r.out, 'aabbcc\nlast\n', 'the long line is whole');
    assert.equal(r.err, 'err\n', 'the stderr line between its pieces comes along');
    const one = await run(file, { tail: 1 });
    assert.equal(one.out, 'last\n');
    assert.equal(one.err, '');
  });

  it('counts only the selected stream with --stream', async () => {
    const file = tempFile(lines(30));
    const r = await run(file, { tail: 2, stream: STDERR });
    assert.equal(r.err, 'line 26\nline 29\n');
    assert.equal(r.out, '');
  });

  it('handles an unterminated last line and a file without newlines', async () => {
    assert.equal((await run(tempFile(cri(1, 'stdout', 'F', 'a') + `${T(2)} stdout F b`), { tail: 1 })).out, 'b\n');
    assert.equal((await run(tempFile(`${T(2)} stdout F only`), { tail: 5 })).out, 'only\n');
  });

  for (const [what, content] of [
    ['both streams', () => lines(100_000)],
    ['stdout only', () => Array.from({ length: 100_000 }, (_, i) => cri(i % 60, 'stdout', 'F', `line ${i}`)).join('')],
  ] as const) {
  it(`reads a bounded amount of a large file (${what})`, async () => {
    const file = tempFile(content());
    const size = fs.statSync(file).size;
    const fh = await open(file, 'r');
    let bytesRead = 0;
    const counting = new Proxy(fh, {
      get(target, prop) {
        if (prop === 'read') {
          return async (...a: Parameters<typeof fh.read>) => {
            const r = await (target.read as (...x: unknown[]) => Promise<{ bytesRead: number }>)(...a);
            bytesRead += r.bytesRead;
            return r;
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    try {
      const start = await tailStart(counting, size, 100);
      assert.ok(size > 5_000_000);
      assert.ok(bytesRead < 200_000, `read ${bytesRead} bytes of ${size}`);
      const rest = fs.readFileSync(file).subarray(start).toString();
      assert.equal(rest.split('\n').length - 1, 100);
      assert.match(rest, /^\S+ \S+ F line 99900\n/);
    } finally {
      await fh.close();
    }
  });
  }
});

describe('--follow', () => {
  /** Follows `file` until stillRunning turns false; returns control handles. */
  function follow(file: string, opts: Partial<LogsOptions> = {}) {
    const out = new Collector();
    const err = new Collector();
    let running = true;
    const ac = new AbortController();
    const done = printLogs({
      path: file,
      follow: true,
      targets: [out, err],
      stillRunning: async () => running,
      pollMs: 10,
      statusEveryMs: 10,
      signal: ac.signal,
      ...opts,
    });
    return {
      out,
      err,
      done,
      stop: () => {
        running = false;
      },
      abort: () => ac.abort(),
    };
  }

  async function until(cond: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(cond(), `timed out waiting for ${what}`);
  }

  it('prints appended lines and ends when the container stops, with the unterminated last line', async () => {
    const file = tempFile(cri(0, 'stdout', 'F', 'before'));
    const f = follow(file, { tail: 1 });
    await until(() => f.out.text === 'before\n', 'the existing line');
    fs.appendFileSync(file, cri(1, 'stdout', 'F', 'new 1') + cri(2, 'stderr', 'F', 'new err'));
    await until(() => f.out.text.includes('new 1'), 'the appended line');
    fs.appendFileSync(file, `${T(3)} stdout P half-`);
    fs.appendFileSync(file, `\n${T(4)} stdout F way`);
    f.stop();
    await f.done;
    assert.equal(f.out.text, 'before\nnew 1\nhalf-way\n');
    assert.equal(f.err.text, 'new err\n');
  });

  it('survives rotation (rename, then the runtime reopens) with no lost or repeated line', async () => {
    const file = tempFile('');
    const f = follow(file);
    const expected: string[] = [];
    let n = 0;
    const write = (p: string, count: number) => {
      let s = '';
      for (let i = 0; i < count; i++, n++) {
        s += cri(n % 60, 'stdout', 'F', `l${n}`);
        expected.push(`l${n}`);
      }
      fs.appendFileSync(p, s);
    };
    write(file, 500);
    await until(() => f.out.text.includes('l499\n'), 'the first batch');
    const pause = () => new Promise((r) => setTimeout(r, 30)); // a few poll rounds of the follower
    for (let r = 0; r < 3; r++) {
      const rotated = `${file}.2024050110000${r}`;
      fs.renameSync(file, rotated);
      write(rotated, 200); // the runtime still writes to the renamed file until it reopens
      await pause();
      fs.writeFileSync(file, ''); // ReopenContainerLog creates the new file…
      await pause();
      write(rotated, 50); // …and may append to the old one before it switches
      await pause();
      write(file, 300);
      const last = `l${n - 1}\n`;
      await until(() => f.out.text.endsWith(last), `the lines after rotation ${r}`);
    }
    const last = `l${n - 1}\n`;
    await until(() => f.out.text.endsWith(last), 'the last line');
    f.stop();
    await f.done;
    assert.deepEqual(f.out.text.trimEnd().split('\n'), expected);
  });

  it('starts over when the file is truncated in place', async () => {
    const file = tempFile(cri(1, 'stdout', 'F', 'one') + cri(2, 'stdout', 'F', 'two'));
    const f = follow(file);
    await until(() => f.out.text === 'one\ntwo\n', 'the first lines');
    fs.writeFileSync(file, cri(3, 'stdout', 'F', 'three'));
    await until(() => f.out.text.endsWith('three\n'), 'the line after truncation');
    f.stop();
    await f.done;
    assert.equal(f.out.text, 'one\ntwo\nthree\n');
  });

  it('ends at once on abort (Ctrl-C or a closed pipe)', async () => {
    const file = tempFile(cri(1, 'stdout', 'F', 'one'));
    const f = follow(file);
    await until(() => f.out.text === 'one\n', 'the first line');
    f.abort();
    await f.done;
  });

  it('keeps up with a writer appending while it reads', async () => {
    const file = tempFile('');
    const f = follow(file);
    const total = 20_000;
    for (let i = 0; i < total; i += 1000) {
      let s = '';
      for (let j = i; j < i + 1000; j++) s += cri(j % 60, 'stdout', 'F', `n${j}`);
      fs.appendFileSync(file, s);
      await new Promise((r) => setImmediate(r));
    }
    await until(() => f.out.text.endsWith(`n${total - 1}\n`), 'the last line');
    f.stop();
    await f.done;
    const got = f.out.text.trimEnd().split('\n');
    assert.equal(got.length, total);
    assert.equal(got[12345], 'n12345');
  });
});
