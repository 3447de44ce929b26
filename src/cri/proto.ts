/**
 * The CRI and containerd schemas, as protobufjs reflection objects.
 *
 * The build turns `proto/**.proto` into `src/cri/generated/schema.ts` (a JSON
 * descriptor) so that start-up never parses .proto text. We use protobufjs
 * reflection directly rather than @grpc/proto-loader at run time because the
 * renderer needs each message's field order (crictl's JSON follows it), and
 * loading the schema once serves both.
 */
import * as protobuf from 'protobufjs';
import { SCHEMA_JSON } from './generated/schema';

let root: protobuf.Root | undefined;

export function schemaRoot(): protobuf.Root {
  if (!root) {
    // Root.fromJSON would also resolve every type reference of the ~200 CRI
    // messages up front (~30 ms of every start). Resolve only the editions
    // features (wire format: packed, presence) here; type references are
    // resolved on use (method() below, Type.setup on first encode/decode,
    // json.ts calls field.resolve()).
    const r = new protobuf.Root();
    r.addJSON(JSON.parse(SCHEMA_JSON).nested);
    (r as unknown as { _resolveFeaturesRecursive(edition: unknown): void })._resolveFeaturesRecursive((r as unknown as { _edition: unknown })._edition);
    root = r;
  }
  return root;
}

export function messageType(fullName: string): protobuf.Type {
  return schemaRoot().lookupType(fullName);
}

/** How decoded messages look in this code base: the same options proto-loader documents. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: false,
};

export interface MethodInfo {
  path: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  serverStreaming: boolean;
}

const methodCache = new Map<string, MethodInfo>();

/** Looks up `pkg.Service/Method`, e.g. `runtime.v1.RuntimeService/Version`. */
export function method(service: string, name: string): MethodInfo {
  const key = `${service}/${name}`;
  let info = methodCache.get(key);
  if (!info) {
    const svc = schemaRoot().lookupService(service);
    const m = svc.methods[name];
    if (!m) throw new Error(`unknown method ${key}`);
    m.resolve();
    info = {
      path: `/${service}/${name}`,
      requestType: m.resolvedRequestType!,
      responseType: m.resolvedResponseType!,
      serverStreaming: !!m.responseStream,
    };
    methodCache.set(key, info);
  }
  return info;
}
