/**
 * One rpc's wire codec: its path, the build-time generated request encoder
 * (src/cri/generated/encoders.ts) and the response decoder — the generated one
 * when the build made it (src/cri/generated/decoders.ts), else protobufjs.
 *
 * Start-up cost is the point: nothing here loads the full protobufjs build or
 * the schema (./proto, ./decode); the fallback require()s them on first use,
 * inside a function, so the bundle keeps them out of every command that does
 * not need them.
 */
import { METHODS } from './generated/encoders';
import { DECODERS } from './generated/decoders';

export interface MethodCodec {
  /** HTTP/2 path, e.g. `/runtime.v1.RuntimeService/Version`. */
  path: string;
  /** Whether the server answers with a stream of responses. */
  serverStreaming: boolean;
  /** The plain request object (what protobufjs' fromObject accepts) → bytes. */
  encode(req: object): Uint8Array;
  /** Response bytes → plain object in the DECODE_OPTIONS shape of ./proto. */
  decode(buf: Uint8Array): unknown;
}

const cache = new Map<string, MethodCodec>();
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The codec for `service/name`, e.g. `methodCodec('runtime.v1.RuntimeService', 'Version')`. */
export function methodCodec(service: string, name: string): MethodCodec {
  const key = `${service}/${name}`;
  let codec = cache.get(key);
  if (codec) return codec;
  if (!hasOwn(METHODS, key)) throw new Error(`unknown method ${key}`);
  const m = METHODS[key];
  codec = { path: m.path, serverStreaming: m.serverStreaming, encode: m.encode, decode: responseDecoder(m.response) };
  cache.set(key, codec);
  return codec;
}

function responseDecoder(fullName: string): (buf: Uint8Array) => unknown {
  if (hasOwn(DECODERS, fullName)) return DECODERS[fullName];
  let fallback: ((buf: Uint8Array) => unknown) | undefined;
  return (buf) => {
    fallback ??= protobufjsDecoder(fullName);
    return fallback(buf);
  };
}

/** protobufjs' decode + toObject for a type without a generated decoder (loads the schema: first use only). */
function protobufjsDecoder(fullName: string): (buf: Uint8Array) => unknown {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { messageType } = require('./proto') as typeof import('./proto');
  const decode = require('./decode') as typeof import('./decode');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return decode.protobufjsDecoder(messageType(fullName));
}
