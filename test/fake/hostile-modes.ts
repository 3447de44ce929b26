/**
 * The hostile server's misbehaviours, by name. `expect` is what a correct
 * client does: 'error' (fail: exit 1, one line), 'ok' (the answer is valid
 * HTTP/2 and gRPC, e.g. unknown frame types must be ignored) or 'either'
 * (a legal answer the client may refuse, e.g. PUSH_PROMISE).
 */
import * as crypto from 'node:crypto';
import type { HostileConn } from './hostile-conn';
import type { HostileOptions } from './hostile';
import {
  dataFrames, F, frame, goaway, grpcMessage, headers, hpackIndexed, hpackInt, hpackLiterals, hpackString, RESPONSE_HEADERS, rstStream, settings, T, trailers,
} from './h2-frames';

export type Expect = 'error' | 'ok' | 'either';
type Action = (c: HostileConn, o: HostileOptions) => Promise<void>;

/** Floods stop here (or when the client goes). */
export const FLOOD_BYTES = 64 * 1024 * 1024;

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

/** A server's SETTINGS, the request's stream id; undefined if the client went. */
async function open(c: HostileConn): Promise<number | undefined> {
  if (!(await c.send(settings()))) return undefined;
  return c.request();
}

const message = (o: HostileOptions) => Buffer.concat(Array.from({ length: o.repeat ?? 1 }, () => grpcMessage(o.answer)));

/** A correct answer, as bytes (for the trickle). */
function correctAnswer(stream: number, o: HostileOptions): Buffer {
  return Buffer.concat([headers(stream, RESPONSE_HEADERS), ...dataFrames(stream, message(o)), trailers(stream)]);
}

/** Sends `unit` until FLOOD_BYTES or the client goes; units are batched so the loop is cheap. */
async function flood(c: HostileConn, unit: Buffer): Promise<void> {
  const batch = Buffer.concat(Array.from({ length: Math.max(1, Math.floor(65_536 / unit.length)) }, () => unit));
  while (c.sent < FLOOD_BYTES && (await c.send(batch)));
}

/** The answer with its gRPC message cut in half, then `then`. */
function midAnswer(then: (stream: number) => Buffer): Action {
  return async (c, o) => {
    const s = await open(c);
    if (s === undefined) return;
    const m = message(o);
    await c.send(headers(s, RESPONSE_HEADERS));
    await c.sendData(s, m.subarray(0, Math.max(6, m.length >> 1)));
    await c.send(then(s));
  };
}

/** Headers, then a gRPC message whose DATA is `body`, then the given trailers. */
function answerWith(body: (o: HostileOptions) => Buffer, tail: (s: number) => Buffer | undefined = (s) => trailers(s)): Action {
  return async (c, o) => {
    const s = await open(c);
    if (s === undefined) return;
    await c.send(headers(s, RESPONSE_HEADERS));
    const t = tail(s);
    await c.sendData(s, body(o), t === undefined);
    if (t) await c.send(t);
  };
}

/** A header block that starts with `block` and then stays open (the client waits or refuses). */
function badHeaderBlock(block: Buffer): Action {
  return async (c) => {
    const s = await open(c);
    if (s !== undefined) await c.send(frame(T.HEADERS, F.END_HEADERS, s, block));
  };
}

/** Sends a flood after the request arrived; `pause` stops reading the client (its ACKs pile up). */
function floodAfterRequest(unit: (s: number) => Buffer, pause: boolean, prelude?: (s: number) => Buffer): Action {
  return async (c) => {
    const s = await open(c);
    if (s === undefined) return;
    if (pause) c.pauseReading();
    if (prelude) await c.send(prelude(s));
    await flood(c, unit(s));
  };
}

const HOSTILE_TEXT = `\x1b]0;pwned\x07\x1b[31mred\x1b[0m\r\nfake: line\u202Eevil\u200E\u200F\u061C\uFEFF\u2066x\u2069 ${'A'.repeat(8000)}`;

const MODES = {
  ok: { expect: 'ok', describe: 'a correct answer (control)', act: answerWith(message) },
  silent: { expect: 'error', describe: 'accepts and stays silent', act: async () => {} },
  'settings-then-silence': { expect: 'error', describe: 'SETTINGS, then nothing', act: async (c) => void (await open(c)) },
  'garbage-preface': { expect: 'error', describe: '64 KiB of random bytes instead of the server preface', act: async (c) => void (await c.send(crypto.randomBytes(65_536))) },
  http1: { expect: 'error', describe: 'an HTTP/1.1 answer', act: async (c) => void (await c.send(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nbad request'))) },
  'hpack-table-size': { expect: 'error', describe: 'HPACK dynamic table size update to 4 GiB', act: badHeaderBlock(Buffer.concat([hpackInt(0xffffffff, 5, 0x20), hpackLiterals(RESPONSE_HEADERS)])) },
  'hpack-huge-literal': { expect: 'error', describe: 'HPACK literal that declares 2 GiB', act: badHeaderBlock(Buffer.concat([Buffer.from([0]), hpackInt(0x7fffffff, 7), Buffer.from('x-huge')])) },
  'hpack-bad-huffman': { expect: 'error', describe: 'HPACK Huffman string holding EOS', act: badHeaderBlock(Buffer.concat([Buffer.from([0]), hpackString('x-h'), hpackInt(4, 7, 0x80), Buffer.from([0xff, 0xff, 0xff, 0xff])])) },
  'hpack-bad-index': { expect: 'error', describe: 'HPACK index 200 with an empty dynamic table', act: badHeaderBlock(hpackInt(200, 7, 0x80)) },
  // Trailers nghttp2 cannot decode, after the whole answer: Node stops reading with the call open (src/cri/dead-call.ts).
  'hpack-bad-trailers': { expect: 'error', describe: 'the whole answer, then trailers holding HPACK index 200', act: answerWith(message, (s) => frame(T.HEADERS, F.END_HEADERS | F.END_STREAM, s, hpackInt(200, 7, 0x80))) },
  'hpack-bomb': {
    expect: 'error',
    describe: 'HPACK bomb: a 4 KiB header indexed once, referenced 64 Mi times over CONTINUATION',
    act: floodAfterRequest((s) => frame(T.CONTINUATION, 0, s, Buffer.alloc(16_384, 0xbe)), false, (s) => frame(T.HEADERS, 0, s, Buffer.concat([hpackLiterals(RESPONSE_HEADERS), hpackIndexed('x-bomb', 'a'.repeat(4000))]))),
  },
  'continuation-flood': {
    expect: 'error',
    describe: 'endless CONTINUATION (64 MiB of small headers, never END_HEADERS)',
    act: floodAfterRequest((s) => frame(T.CONTINUATION, 0, s, hpackLiterals(Array.from({ length: 1000 }, () => ['x-a', 'bbbbbbbbbb'] as [string, string]))), false, (s) => frame(T.HEADERS, 0, s, hpackLiterals(RESPONSE_HEADERS))),
  },
  'settings-flood': { expect: 'error', describe: 'SETTINGS flood, reading the ACKs', act: floodAfterRequest(() => settings([[3, 100]]), false) },
  'settings-flood-noread': { expect: 'error', describe: 'SETTINGS flood, not reading', act: floodAfterRequest(() => settings([[3, 100]]), true) },
  'ping-flood': { expect: 'error', describe: 'PING flood, reading the ACKs', act: floodAfterRequest(() => frame(T.PING, 0, 0, Buffer.alloc(8)), false) },
  'ping-flood-noread': { expect: 'error', describe: 'PING flood, not reading', act: floodAfterRequest(() => frame(T.PING, 0, 0, Buffer.alloc(8)), true) },
  'empty-data-flood': { expect: 'error', describe: 'zero-length DATA flood, reading', act: floodAfterRequest((s) => frame(T.DATA, 0, s), false, (s) => headers(s, RESPONSE_HEADERS)) },
  'empty-data-flood-noread': { expect: 'error', describe: 'zero-length DATA flood, not reading', act: floodAfterRequest((s) => frame(T.DATA, 0, s), true, (s) => headers(s, RESPONSE_HEADERS)) },
  'data-past-window': {
    // nghttp2 credits its window when it queues its own WINDOW_UPDATE, so excess sent in 16 KiB frames
    // is not seen as a violation; the message itself is valid, so accepting it prints no garbage.
    expect: 'either',
    describe: "DATA 64 KiB past the client's window (a valid message, padded with an unknown field)",
    act: async (c, o) => {
      const s = await open(c);
      if (s === undefined) return;
      // Unknown field 1000 (length-delimited) is legal protobuf: only the window is broken.
      const size = c.room(s) + 65_536;
      const pad = (n: number) => Buffer.concat([Buffer.from([0xc2, 0x3e]), varint(n), Buffer.alloc(n)]);
      const body = Buffer.concat([o.answer, pad(size)]);
      await c.send(Buffer.concat([headers(s, RESPONSE_HEADERS), ...dataFrames(s, grpcMessage(body)), trailers(s)]));
    },
  },
  'length-4gib': { expect: 'error', describe: 'gRPC length prefix of 4 GiB', act: answerWith((o) => Buffer.concat([grpcMessage(o.answer, 0xffffffff), Buffer.alloc(16_384)]), () => undefined) },
  'message-300mib': {
    expect: 'error',
    describe: 'a 300 MiB message, sent in full within the windows',
    act: async (c) => {
      const s = await open(c);
      if (s === undefined) return;
      const mib = Buffer.alloc(1 << 20, 0x0a);
      await c.send(headers(s, RESPONSE_HEADERS));
      let ok = await c.sendData(s, grpcMessage(Buffer.alloc(0), 300 * (1 << 20)));
      for (let i = 0; ok && i < 300; i++) ok = await c.sendData(s, mib);
      if (ok) await c.send(trailers(s));
    },
  },
  'length-short': { expect: 'error', describe: 'length prefix 0 before the whole answer', act: answerWith((o) => grpcMessage(o.answer, 0)) },
  'length-long': { expect: 'error', describe: 'length prefix 1,000 bytes longer than the answer', act: answerWith((o) => grpcMessage(o.answer, o.answer.length + 1000)) },
  'no-trailers': { expect: 'error', describe: 'the answer ends on DATA with END_STREAM: no trailers', act: answerWith(message, () => undefined) },
  'no-status': { expect: 'error', describe: 'trailers without grpc-status', act: answerWith(message, (s) => headers(s, [['x-note', 'no status here']], true)) },
  'status-nan': { expect: 'error', describe: 'grpc-status: zero (not a number)', act: answerWith(message, (s) => trailers(s, 'zero')) },
  cancelled: { expect: 'error', describe: 'grpc-status 1 (CANCELLED) from the server', act: async (c) => {
    const s = await open(c);
    if (s !== undefined) await c.send(headers(s, [...RESPONSE_HEADERS, ['grpc-status', '1'], ['grpc-message', 'cancelled by the server']], true));
  } },
  'hostile-message': { expect: 'error', describe: 'grpc-status 13 with escapes, bidi and 8 KB in grpc-message', act: async (c) => {
    const s = await open(c);
    if (s !== undefined) await c.send(headers(s, [...RESPONSE_HEADERS, ['grpc-status', '13'], ['grpc-message', encodeURIComponent(HOSTILE_TEXT)]], true));
  } },
  'goaway-mid': { expect: 'error', describe: 'GOAWAY (PROTOCOL_ERROR) halfway through the answer, then silence', act: midAnswer(() => goaway(0, 1)) },
  'rst-mid': { expect: 'error', describe: 'RST_STREAM (INTERNAL_ERROR) halfway through the answer', act: midAnswer((s) => rstStream(s, 2)) },
  trickle: {
    expect: 'error',
    describe: 'a correct answer, one byte every 100 ms',
    act: async (c, o) => {
      const s = await open(c);
      if (s === undefined) return;
      const all = correctAnswer(s, o);
      for (let i = 0; i < all.length && !c.done; i++) {
        await c.send(all.subarray(i, i + 1));
        await c.sleep(100);
      }
    },
  },
  'push-promise': {
    expect: 'either',
    describe: 'PUSH_PROMISE (stream 2) before a correct answer',
    act: async (c, o) => {
      const s = await open(c);
      if (s === undefined) return;
      await c.send(frame(T.PUSH_PROMISE, F.END_HEADERS, s, Buffer.concat([Buffer.from([0, 0, 0, 2]), hpackLiterals([[':method', 'GET'], [':path', '/x'], [':scheme', 'http'], [':authority', 'localhost']])])));
      await c.send(correctAnswer(s, o));
    },
  },
  'reserved-bits': {
    expect: 'ok',
    describe: 'unknown frame types, undefined flags and the reserved stream-id bit around a correct answer',
    act: async (c, o) => {
      await c.send(frame(T.SETTINGS, 0xfe, 0, Buffer.alloc(0)));
      await c.send(frame(0x42, 0xff, 0, Buffer.from('ignore me')));
      const s = await c.request();
      if (s === undefined) return;
      await c.send(frame(0xfa, 0x0, s, Buffer.from('and me')));
      await c.send(frame(T.HEADERS, F.END_HEADERS | 0xd2, s | 0x80000000, hpackLiterals(RESPONSE_HEADERS)));
      await c.send(frame(T.DATA, 0xf6, s));
      await c.sendData(s, message(o));
      await c.send(frame(T.HEADERS, F.END_HEADERS | F.END_STREAM | 0xd2, s, hpackLiterals([['grpc-status', '0']])));
    },
  },
} satisfies Record<string, { expect: Expect; describe: string; act: Action }>;

export type HostileMode = keyof typeof MODES;

export const HOSTILE_MODES: Array<{ mode: HostileMode; expect: Expect; describe: string }> = Object.entries(MODES).map(([mode, m]) => ({ mode: mode as HostileMode, expect: m.expect as Expect, describe: m.describe }));

export function modeActions(mode: HostileMode): Action {
  return MODES[mode].act;
}
