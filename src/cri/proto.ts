/**
 * The CRI and containerd schemas, as protobufjs reflection objects.
 *
 * The build turns `proto/**.proto` into `src/cri/generated/schema.ts` (a JSON
 * descriptor) so that start-up never parses .proto text. We use protobufjs
 * reflection directly rather than @grpc/proto-loader at run time because the
 * renderer needs each message's field order (crictl's JSON follows it), and
 * loading the schema once serves both.
 */
import type * as protobuf from 'protobufjs';
import { SCHEMA_JSON } from './generated/schema';

/**
 * Built piecemeal: turning the whole schema (~200 messages) into protobufjs
 * objects costs ~20 ms of every start, while a command needs a handful of
 * types. `ensure()` adds a definition and everything its fields refer to
 * (its closure), then resolves the editions features (wire format: packed,
 * presence) of what was added. Type references are resolved on use
 * (method() below, Type.setup on first encode/decode, json.ts field.resolve()).
 */
type JsonDef = { fields?: Record<string, { type: string; keyType?: string }>; values?: unknown; methods?: Record<string, { requestType: string; responseType: string }>; nested?: Record<string, JsonDef>; options?: unknown };

interface Def {
  /** Package path, e.g. ['runtime', 'v1']. */
  pkg: string[];
  /** The top-level definition in its package that holds this one (itself, unless nested). */
  owner: string;
  /** Path below the package, e.g. ['SecurityProfile', 'ProfileType']. */
  path: string[];
  json: JsonDef;
}

const SCALARS = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes']);

let root: protobuf.Root | undefined;
let defs: Map<string, Def> | undefined;
const added = new Set<string>();

const isDefinition = (j: JsonDef) => j.fields !== undefined || j.values !== undefined || j.methods !== undefined;

function index(): Map<string, Def> {
  if (defs) return defs;
  defs = new Map();
  const walk = (node: JsonDef, pkg: string[]) => {
    for (const [name, child] of Object.entries(node.nested ?? {})) {
      if (!isDefinition(child)) walk(child, [...pkg, name]);
      else addDef(child, pkg, [name], [...pkg, name].join('.'));
    }
  };
  const addDef = (j: JsonDef, pkg: string[], p: string[], owner: string) => {
    defs!.set([...pkg, ...p].join('.'), { pkg, owner, path: p, json: j });
    for (const [name, child] of Object.entries(j.nested ?? {})) addDef(child, pkg, [...p, name], owner);
  };
  walk(JSON.parse(SCHEMA_JSON) as JsonDef, []);
  return defs;
}

/** protobuf name lookup: innermost scope first, as protoc does. */
function resolveName(ref: string, scope: string[]): string | undefined {
  if (ref.startsWith('.')) return index().has(ref.slice(1)) ? ref.slice(1) : undefined;
  for (let i = scope.length; i >= 0; i--) {
    const candidate = [...scope.slice(0, i), ref].join('.');
    if (index().has(candidate)) return candidate;
  }
  return undefined;
}

/** The top-level definitions `fullName` needs: itself and what its fields (or the one method) refer to. */
function closure(fullName: string, methodName?: string): string[] {
  const owners = new Set<string>();
  const queue = [fullName];
  const refsOf = (name: string, d: Def): Array<[string, string[]]> => {
    const scope = [...d.pkg, ...d.path];
    const out: Array<[string, string[]]> = [];
    for (const f of Object.values(d.json.fields ?? {})) if (!SCALARS.has(f.type)) out.push([f.type, scope]);
    const methods = d.json.methods ?? {};
    for (const [mName, m] of Object.entries(methods)) {
      if (methodName !== undefined && name === fullName && mName !== methodName) continue;
      out.push([m.requestType, d.pkg], [m.responseType, d.pkg]);
    }
    return out;
  };
  const seen = new Set<string>();
  while (queue.length) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const d = index().get(name);
    if (!d) throw new Error(`protobuf: no definition ${name} in the schema`);
    owners.add(d.owner);
    for (const [ref, scope] of refsOf(name, d)) {
      const target = resolveName(ref, scope);
      if (!target) throw new Error(`protobuf: ${name} refers to unknown type ${ref}`);
      queue.push(target);
    }
  }
  return [...owners].filter((o) => !added.has(o)).sort();
}

function ensure(fullName: string, methodName?: string): protobuf.Root {
  if (!root) {
    // protobufjs' reflection (~250 KB) is evaluated on first use, not at start-up.
    const pb = require('protobufjs') as typeof protobuf;
    root = new pb.Root();
  }
  const missing = closure(fullName, methodName);
  if (missing.length === 0) return root;
  const nested: Record<string, JsonDef> = {};
  for (const owner of missing) {
    const d = index().get(owner)!;
    let ns = nested;
    for (const seg of d.pkg) ns = (ns[seg] ??= { nested: {} }).nested!;
    ns[d.path[0]] = d.json;
    added.add(owner);
  }
  root.addJSON(nested as Parameters<protobuf.Root['addJSON']>[0]);
  (root as unknown as { _resolveFeaturesRecursive(edition: unknown): void })._resolveFeaturesRecursive((root as unknown as { _edition: unknown })._edition);
  return root;
}

/** The whole schema (every definition loaded). */
export function schemaRoot(): protobuf.Root {
  for (const name of index().keys()) ensure(name);
  return root ?? ensure([...index().keys()][0]);
}

export function messageType(fullName: string): protobuf.Type {
  return ensure(fullName).lookupType(fullName);
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
    const svc = ensure(service, name).lookupService(service);
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
