/**
 * Response decoding: the build-time generated decoder of a message when there
 * is one (src/cri/generated/decoders.ts, from scripts/decoder-gen.js), else
 * protobufjs. Both give the DECODE_OPTIONS shape; test/decode.test.ts checks
 * that they agree.
 */
import type * as protobuf from 'protobufjs';
import { DECODE_OPTIONS } from './proto';
import { DECODERS } from './generated/decoders';

export type Decoder = (buf: Uint8Array) => unknown;

/** The generated decoder for `fullName` (no leading dot), if the build made one. */
export function generatedDecoder(fullName: string): Decoder | undefined {
  return Object.prototype.hasOwnProperty.call(DECODERS, fullName) ? DECODERS[fullName] : undefined;
}

/** protobufjs' way: decode, then convert (compiles both with new Function on first use). */
export function protobufjsDecoder(type: protobuf.Type): Decoder {
  return (buf) => type.toObject(type.decode(buf), DECODE_OPTIONS);
}

export function decoderFor(type: protobuf.Type): Decoder {
  return generatedDecoder(type.fullName.replace(/^\./, '')) ?? protobufjsDecoder(type);
}
