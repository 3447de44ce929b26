/**
 * A method's codecs from protobufjs alone, answering decoded messages as they
 * come out of `Type.decode` (no `toObject` copy). For the big lists written
 * as JSON (`ps -a -o json` on 20,000 containers): the copy cost as much as
 * the decode, and kept a second live object graph that every young-generation
 * GC had to move. src/output/json-writer.ts writes crictl's JSON from these
 * messages; everything else keeps proto-loader's plain objects (proto.ts).
 */
import type * as protobuf from 'protobufjs';
import { messageType, methodTypes } from './proto';

export interface RawMethod {
  path: string;
  requestSerialize: (req: object) => Buffer;
  responseDeserialize: (buf: Buffer) => protobuf.Message;
}

const methods = new Map<string, RawMethod>();

/** Like proto.ts methodDefinition, with the response left as protobufjs decoded it. */
export function rawMethod(service: string, name: string): RawMethod {
  const key = `${service}/${name}`;
  let m = methods.get(key);
  if (m) return m;
  const types = methodTypes(service, name);
  const req = messageType(types.request);
  const res = messageType(types.response);
  m = {
    path: `/${key}`,
    // What proto-loader's serializer does (protobufjs' writer makes a Buffer under Node).
    requestSerialize: (r) => req.encode(req.fromObject(r)).finish() as Buffer,
    responseDeserialize: (buf) => res.decode(buf),
  };
  methods.set(key, m);
  return m;
}
