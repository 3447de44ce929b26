/**
 * SPDY/3 framing, header blocks and their compression, and port-forward's
 * port specs. The bytes are checked against the draft's layouts; the
 * compressed header blocks are inflated the way a Go peer reads them (one
 * zlib stream for the session, primed with the SPDY/3 dictionary).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { CliError } from '../src/cli/cli-error';
import { parsePortSpec } from '../src/streaming/port-forward';
import { SPDY3_DICTIONARY } from '../src/streaming/spdy/dictionary';
import * as F from '../src/streaming/spdy/frame';
import { encodeHeaderBlock, HeaderCompressor } from '../src/streaming/spdy/header-block';

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of buf) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('SPDY/3 frames', () => {
  it('SYN_STREAM: control bit, version 3, type 1, flags, length, stream id, priority and slot 0', () => {
    const f = F.synStream(5, Buffer.from([0xaa, 0xbb]), true);
    assert.deepEqual([...f.subarray(0, 8)], [0x80, 0x03, 0x00, 0x01, 0x01, 0x00, 0x00, 12]);
    assert.deepEqual([...f.subarray(8)], [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb]);
  });

  it('DATA, RST_STREAM, PING, GOAWAY, WINDOW_UPDATE', () => {
    assert.deepEqual([...F.dataFrame(3, Buffer.from('hi'), true)], [0, 0, 0, 3, 1, 0, 0, 2, 0x68, 0x69]);
    assert.deepEqual([...F.dataFrame(0x7fffffff, Buffer.alloc(0))], [0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    assert.deepEqual([...F.rstStream(7, 1)], [0x80, 3, 0, 3, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 1]);
    assert.deepEqual([...F.ping(2)], [0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 2]);
    assert.deepEqual([...F.goAway(0)], [0x80, 3, 0, 7, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...F.windowUpdate(1, 65536)], [0x80, 3, 0, 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('the reader reassembles frames split at every byte, and tells data from control frames', () => {
    const wire = Buffer.concat([F.dataFrame(1, Buffer.from('abc')), F.ping(4), F.dataFrame(3, Buffer.alloc(0), true)]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = new F.FrameReader();
      const frames = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut))];
      assert.equal(frames.length, 3, `cut at ${cut}`);
      assert.deepEqual(frames[0], { kind: 'data', streamId: 1, fin: false, data: Buffer.from('abc') });
      assert.deepEqual(frames[1], { kind: 'control', type: F.FrameType.Ping, flags: 0, payload: Buffer.from([0, 0, 0, 4]) });
      assert.deepEqual(frames[2], { kind: 'data', streamId: 3, fin: true, data: Buffer.alloc(0) });
    }
    const bytewise = new F.FrameReader();
    const got = [...wire].flatMap((b) => bytewise.push(Buffer.from([b])));
    assert.equal(got.length, 3);
  });

  it('refuses another SPDY version', () => {
    const v2 = F.ping(2);
    v2[1] = 2;
    assert.throws(() => new F.FrameReader().push(v2), /SPDY version 2 frame/);
  });
});

describe('SPDY/3 header blocks', () => {
  it('the dictionary is the draft-3 one (1423 bytes; the Adler-32 a peer checks)', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.equal(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
    assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
    assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith('utf-,*,enq=0.'));
  });

  it('encodes a count, then length-prefixed lowercase names and values; several values NUL-joined', () => {
    const b = encodeHeaderBlock({ streamType: 'error', port: ['80', '81'] });
    const expect = Buffer.concat([
      Buffer.from([0, 0, 0, 2]),
      Buffer.from([0, 0, 0, 10]), Buffer.from('streamtype'), Buffer.from([0, 0, 0, 5]), Buffer.from('error'),
      Buffer.from([0, 0, 0, 4]), Buffer.from('port'), Buffer.from([0, 0, 0, 5]), Buffer.from('80\u000081'),
    ]);
    assert.deepEqual(b, expect);
  });

  it('compresses blocks as one zlib stream primed with the dictionary, each block readable on its own arrival', async () => {
    const c = new HeaderCompressor();
    const blocks: Record<string, string>[] = [{ streamType: 'error' }, { streamType: 'stdin' }, { streamType: 'data', port: '8080', requestID: '0' }];
    const wire = await Promise.all(blocks.map((h) => c.compress(h)));
    c.close();
    // zlib header: deflate, FDICT set, then the dictionary's Adler-32 (what the peer checks).
    assert.equal(wire[0][0], 0x78);
    assert.ok(wire[0][1] & 0x20, 'FDICT');
    assert.equal(wire[0].readUInt32BE(2), adler32(SPDY3_DICTIONARY));
    assert.equal(((wire[0][0] << 8) | wire[0][1]) % 31, 0, 'FCHECK');
    // Each later block continues the stream: inflating block by block gives each block back.
    const inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
    for (let i = 0; i < blocks.length; i++) {
      const out = await new Promise<Buffer>((resolve) => {
        const parts: Buffer[] = [];
        const onData = (d: Buffer) => parts.push(d);
        inflate.on('data', onData);
        inflate.write(wire[i], () => inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => setImmediate(() => (inflate.off('data', onData), resolve(Buffer.concat(parts))))));
      });
      assert.deepEqual(out, encodeHeaderBlock(blocks[i]), `block ${i}`);
    }
    assert.ok(wire[1].length < encodeHeaderBlock(blocks[1]).length, 'later blocks are smaller than their plain form');
  });
});

describe('port-forward port specs', () => {
  it("reads crictl's [LOCAL_PORT:]REMOTE_PORT", () => {
    assert.deepEqual(parsePortSpec('8080'), { local: 8080, remote: 8080 });
    assert.deepEqual(parsePortSpec('8080:80'), { local: 8080, remote: 80 });
    assert.deepEqual(parsePortSpec(':80'), { local: 0, remote: 80 });
    assert.deepEqual(parsePortSpec('0:65535'), { local: 0, remote: 65535 });
  });

  it('refuses anything else with a usage error naming the form', () => {
    for (const bad of ['', 'x', '80:', '0', '65536', '1:2:3', '-1', '80:x', ' 80', '70000:80']) {
      assert.throws(() => parsePortSpec(bad), (e: CliError) => e.exitCode === 1 && /is not a port to forward/.test(e.message) && /\[LOCAL_PORT:\]REMOTE_PORT/.test(e.hint ?? ''), bad);
    }
  });
});
