/**
 * The CRI and containerd schemas: proto-loader package definitions for the
 * transport (connection.ts), protobufjs reflection for the renderer (field order:
 * crictl's JSON follows it, src/output/json.ts and json-writer.ts).
 *
 * The build turns `proto/**.proto` into `src/cri/generated/schema.ts` (a JSON
 * descriptor) so that start-up never parses .proto text; both read it.
 */
import type { MethodDefinition, Options, ServiceDefinition } from '@grpc/proto-loader';
import type * as protobuf from 'protobufjs';
import { SCHEMA_JSON } from './generated/schema';

/**
 * Built piecemeal: turning the whole schema (~200 messages) into protobufjs
 * objects costs ~20 ms of every start, while a command needs a handful of
 * types. `ensure()` adds a definition and everything its fields refer to
 * (its closure), then resolves the editions features (wire format: packed,
 * presence) of what was added. Type references are resolved on use
 * (json.ts and json-writer.ts field.resolve()).
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
  return [...owners].sort();
}

/** A namespace JSON holding `owners` (top-level definitions), as protobufjs' fromJSON/addJSON take it. */
function nestedJson(owners: string[], trim?: { service: string; method: string }): Record<string, JsonDef> {
  const nested: Record<string, JsonDef> = {};
  for (const owner of owners) {
    const d = index().get(owner)!;
    let ns = nested;
    for (const seg of d.pkg) ns = (ns[seg] ??= { nested: {} }).nested!;
    // A service cut down to the one method: its other methods' types are not in the closure.
    ns[d.path[0]] = trim && owner === trim.service ? { ...d.json, methods: { [trim.method]: d.json.methods![trim.method] } } : d.json;
  }
  return nested;
}

function ensure(fullName: string, methodName?: string): protobuf.Root {
  if (!root) {
    // protobufjs' reflection (~250 KB) is evaluated on first use, not at start-up.
    const pb = require('protobufjs') as typeof protobuf;
    root = new pb.Root();
  }
  const missing = closure(fullName, methodName).filter((o) => !added.has(o));
  if (missing.length === 0) return root;
  for (const owner of missing) added.add(owner);
  root.addJSON(nestedJson(missing) as unknown as Parameters<protobuf.Root['addJSON']>[0]);
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

/** The fully qualified request and response types of `service`'s method `name`. */
export function methodTypes(service: string, name: string): { request: string; response: string } {
  const svc = index().get(service);
  const m = svc?.json.methods && Object.prototype.hasOwnProperty.call(svc.json.methods, name) ? svc.json.methods[name] : undefined;
  const request = m && resolveName(m.requestType, svc!.pkg);
  const response = m && resolveName(m.responseType, svc!.pkg);
  if (!request || !response) throw new Error(`unknown method ${service}/${name}`);
  return { request, response };
}

const definitions = new Map<string, MethodDefinition<object, unknown>>();

/**
 * proto-loader's definition of `pkg.Service/Method` (path, serializers, the
 * DECODE_OPTIONS deserializer), e.g. `runtime.v1.RuntimeService/Version`.
 * Made from that method's closure only, once per method: proto-loader turns
 * every type it is given into descriptors, and a command calls a handful of
 * the ~200 messages' methods.
 */
export function methodDefinition(service: string, name: string): MethodDefinition<object, unknown> {
  const key = `${service}/${name}`;
  let def = definitions.get(key);
  if (def) return def;
  const svc = index().get(service);
  if (!svc?.json.methods || !Object.prototype.hasOwnProperty.call(svc.json.methods, name)) throw new Error(`unknown method ${key}`);
  const loader = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
  const pkg = loader.fromJSON({ nested: nestedJson(closure(service, name), { service, method: name }) } as unknown as Parameters<typeof loader.fromJSON>[0], DECODE_OPTIONS as Options);
  def = (pkg[service] as ServiceDefinition)[name] as MethodDefinition<object, unknown>;
  definitions.set(key, def);
  return def;
}
