'use strict';
// Generates protobuf request encoders as source code (build time), for the
// request type of every rpc in the schema. Each encoder turns the plain object
// callers pass into bytes equal to protobufjs 7's
// `type.encode(type.fromObject(obj)).finish()`, without protobufjs' reflection
// and run-time code generation (new Function: ~10 ms, not covered by the V8
// code cache) and without the full protobufjs build.
//
// The generated code is protobufjs' two generated functions written out per
// type, with the same coercions, in the same order:
//   c_<type>(d, n): src/converter.js fromObject — fields in declaration order,
//     the same TypeErrors (the first one fromObject meets is the one thrown),
//     the same coercions (String(), Boolean(), |0, >>>0, Long.fromValue,
//     base64), enum names/numbers through the same switch; the result holds a
//     field only where fromObject's message would have it as an own property.
//   e_<type>(m, w, q): src/encoder.js — fields by number, each written with
//     the same Writer method (protobufjs/minimal's), packed per field.packed,
//     maps entry by entry in Object.keys order.
// Two passes rather than one because two CRI types declare fields out of
// number order, and the error fromObject throws first depends on declaration
// order. test/encode.test.ts compares the output with protobufjs.
//
//   generateEncoders(root) → TypeScript source (src/cri/generated/encoders.ts)
const protobuf = require('protobufjs');
const { closure } = require('./decoder-gen');

const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED_LONGS = new Set(['uint64', 'fixed64']);
// protobufjs src/types.js: wire types of the basic types, packable types, map key wire types.
const WIRE = { double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5, int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2 };
const PACKED = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool']);
const MAP_KEY_WIRE = { int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5, int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2 };

const isType = (t) => t instanceof protobuf.Type;
const isEnum = (t) => t instanceof protobuf.Enum;
const bare = (fullName) => fullName.replace(/^\./, '');
const suffix = (fullName) => bare(fullName).replace(/\./g, '_');
const convIdent = (fullName) => 'c_' + suffix(fullName);
const encIdent = (fullName) => 'e_' + suffix(fullName);
const enumIdent = (fullName) => 'n_' + suffix(fullName);
const prop = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
const tag = (id, wire) => ((id << 3) | wire) >>> 0;

/** The Writer method protobufjs' encoder uses for a field's values (enums are int32). */
const writeType = (field) => (field.resolvedType && isEnum(field.resolvedType) ? 'int32' : field.type);

function checkField(field) {
  if (field.name === '__proto__') throw new Error(`encoder-gen: ${field.fullName}: a field named __proto__`);
  if (field.delimited) throw new Error(`encoder-gen: ${field.fullName}: group encoding is not supported`);
  if (!field.resolvedType && WIRE[field.type] === undefined) throw new Error(`encoder-gen: unsupported type ${field.type} in ${field.fullName}`);
  if (field.map && MAP_KEY_WIRE[field.keyType] === undefined) throw new Error(`encoder-gen: ${field.fullName}: map key type ${field.keyType}`);
}

// ------------------------------------------------------------------ fromObject

/** The value an unknown enum element of a repeated field gets: fromObject's fall-through from `default:`. */
function repeatedEnumFallback(field) {
  const values = Object.values(field.resolvedType.values);
  return values.includes(field.typeDefault) ? String(field.typeDefault) : null;
}

/**
 * `dst = expr` where undefined means "not set": a singular field holding
 * undefined is not written, but a list element or map entry must not exist
 * (a list's length, a map's keys).
 */
function setIfDefined(expr, dst, kind) {
  if (kind === 'single') return [`${dst} = ${expr};`];
  return [`{ const v = ${expr}; if (v !== undefined) ${dst} = v; }`];
}

/**
 * Statements converting `src` (an expression read more than once, as protobufjs
 * does) into `dst`, for one value of `field` (singular, element or map value).
 * `kind` is 'single' | 'repeated' | 'map'.
 */
function convertValue(field, src, dst, kind) {
  const t = field.resolvedType;
  if (t && isType(t)) return [`${dst} = message(${src}, ${convIdent(t.fullName)}, n, ${JSON.stringify(`${field.fullName}: object expected`)});`];
  if (t && isEnum(t)) {
    // fromObject's switch: a known name or number gives the number, another
    // number stays, anything else leaves a singular field (or map value) unset
    // and makes a list element the default.
    const fallback = kind === 'repeated' ? repeatedEnumFallback(field) : null;
    if (fallback !== null) return [`${dst} = ${enumIdent(t.fullName)}(${src}) ?? ${fallback};`];
    return setIfDefined(`${enumIdent(t.fullName)}(${src})`, dst, kind);
  }
  switch (field.type) {
    case 'double':
    case 'float':
      return [`${dst} = Number(${src});`];
    case 'uint32':
    case 'fixed32':
      return [`${dst} = ${src} >>> 0;`];
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return [`${dst} = ${src} | 0;`];
    case 'string':
      return [`${dst} = String(${src});`];
    case 'bool':
      return [`${dst} = Boolean(${src});`];
    case 'bytes':
      return setIfDefined(`bytes(${src})`, dst, kind);
  }
  if (LONGS.has(field.type)) return setIfDefined(`long(${src}, ${UNSIGNED_LONGS.has(field.type)})`, dst, kind);
  throw new Error(`encoder-gen: unsupported type ${field.type} in ${field.fullName}`);
}

function convertField(field) {
  const d = `d${prop(field.name)}`;
  const m = `m${prop(field.name)}`;
  const expected = (what) => `throw TypeError(${JSON.stringify(`${field.fullName}: ${what} expected`)});`;
  if (field.map) {
    return [
      `if (${d}) {`,
      `  if (!isObject(${d})) ${expected('object')}`,
      `  const o: Loose = (${m} = {});`,
      `  for (let ks = Object.keys(${d}), i = 0; i < ks.length; ++i) {`,
      '    if (ks[i] === "__proto__") makeProp(o, ks[i]);',
      ...convertValue(field, `${d}[ks[i]]`, 'o[ks[i]]', 'map').map((l) => `    ${l}`),
      '  }',
      '}',
    ];
  }
  if (field.repeated) {
    return [
      `if (${d}) {`,
      `  if (!Array.isArray(${d})) ${expected('array')}`,
      `  const a: Loose[] = (${m} = []);`,
      `  for (let i = 0; i < ${d}.length; ++i) {`,
      ...convertValue(field, `${d}[i]`, 'a[i]', 'repeated').map((l) => `    ${l}`),
      '  }',
      '}',
    ];
  }
  // fromObject's enum switch needs no null test (null matches no case).
  if (field.resolvedType && isEnum(field.resolvedType)) return convertValue(field, d, m, 'single');
  const body = convertValue(field, d, m, 'single');
  return body.length === 1 ? [`if (${d} != null) ${body[0]}`] : [`if (${d} != null) {`, ...body.map((l) => `  ${l}`), '}'];
}

function converterSource(type) {
  const fields = type.fieldsArray;
  const head = `function ${convIdent(type.fullName)}(d: Loose, n: number): Loose {`;
  // fromObject of a type without fields returns a new message whatever it is given.
  if (fields.length === 0) return [head, '  return {};', '}'].join('\n');
  const out = [
    head,
    `  if (!isObject(d)) throw TypeError(${JSON.stringify(`${type.fullName}: object expected`)});`,
    '  if (n > util.recursionLimit) throw Error("maximum nesting depth exceeded");',
    // Unset fields read as undefined, also those named like Object.prototype's members.
    `  const m: Loose = { ${fields.filter((f) => f.name in Object.prototype).map((f) => `${key(f.name)}: undefined`).join(', ')} };`.replace('{  }', '{}'),
  ];
  for (const f of fields) out.push(...convertField(f).map((l) => `  ${l}`));
  out.push('  return m;', '}');
  return out.join('\n');
}

// --------------------------------------------------------------------- encode

/** A statement writing one message value `v` of `field` as a length-delimited field with tag `t`. */
function writeMessage(field, v, t) {
  return `${encIdent(field.resolvedType.fullName)}(${v}, w.uint32(${t}).fork(), q + 1).ldelim();`;
}

function encodeField(field) {
  const m = `m${prop(field.name)}`;
  const wt = writeType(field);
  const sub = field.resolvedType && isType(field.resolvedType);
  if (field.map) {
    const entry = `w.uint32(${tag(field.id, 2)}).fork().uint32(${8 | MAP_KEY_WIRE[field.keyType]}).${field.keyType}(ks[i])`;
    const value = sub
      ? [`${encIdent(field.resolvedType.fullName)}(${m}[ks[i]], ${entry}.uint32(18).fork(), q + 1).ldelim().ldelim();`]
      : [`${entry}.uint32(${16 | WIRE[wt]}).${wt}(${m}[ks[i]]).ldelim();`];
    return [`if (${m} !== undefined) {`, `  for (let ks = Object.keys(${m}), i = 0; i < ks.length; ++i) {`, ...value.map((l) => `    ${l}`), '  }', '}'];
  }
  if (field.repeated) {
    if (field.packed && PACKED.has(wt)) {
      return [
        `if (${m} !== undefined && ${m}.length) {`,
        `  w.uint32(${tag(field.id, 2)}).fork();`,
        `  for (let i = 0; i < ${m}.length; ++i) w.${wt}(${m}[i]);`,
        '  w.ldelim();',
        '}',
      ];
    }
    const body = sub ? writeMessage(field, `${m}[i]`, tag(field.id, 2)) : `w.uint32(${tag(field.id, WIRE[wt])}).${wt}(${m}[i]);`;
    return [`if (${m} !== undefined && ${m}.length) for (let i = 0; i < ${m}.length; ++i) ${body}`];
  }
  if (sub) return [`if (${m} !== undefined) ${writeMessage(field, m, tag(field.id, 2))}`];
  return [`if (${m} !== undefined) w.uint32(${tag(field.id, WIRE[wt])}).${wt}(${m});`];
}

function encoderSource(type) {
  // "when a message is serialized its known fields should be written sequentially by field number"
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id);
  const out = [
    `function ${encIdent(type.fullName)}(${fields.length ? 'm' : '_m'}: Loose, w: Writer, q: number): Writer {`,
    '  if (q > util.recursionLimit) throw Error("max depth exceeded");',
  ];
  for (const f of fields) out.push(...encodeField(f).map((l) => `  ${l}`));
  out.push('  return w;', '}');
  return out.join('\n');
}

function enumSource(e) {
  // Names and numbers by value; aliases share their number's case.
  const byValue = new Map();
  for (const [name, value] of Object.entries(e.values)) {
    if (!byValue.has(value)) byValue.set(value, []);
    byValue.get(value).push(name);
  }
  const cases = [];
  for (const [value, names] of byValue) {
    for (const n of names) cases.push(`    case ${JSON.stringify(n)}:`);
    cases.push(`    case ${value}:`, `      return ${value};`);
  }
  return [
    `function ${enumIdent(e.fullName)}(v: unknown): number | undefined {`,
    '  switch (v) {',
    ...cases,
    '    default:',
    '      return typeof v === "number" ? v : undefined;',
    '  }',
    '}',
  ].join('\n');
}

// ---------------------------------------------------------------------- module

/** Every service in the schema, by full name. */
function services(root) {
  const out = [];
  const walk = (ns) => {
    for (const o of ns.nestedArray) {
      if (o instanceof protobuf.Service) out.push(o);
      if (o.nestedArray) walk(o);
    }
  };
  walk(root);
  return out.sort((a, b) => (a.fullName < b.fullName ? -1 : 1));
}


function generateEncoders(root, runtimeModule = '../encode-runtime') {
  const methods = [];
  for (const svc of services(root)) {
    for (const m of svc.methodsArray) {
      m.resolve();
      if (m.requestStream) throw new Error(`encoder-gen: ${m.fullName}: client streaming is not supported`);
      methods.push({ service: bare(svc.fullName), name: m.name, request: m.resolvedRequestType, response: m.resolvedResponseType, serverStreaming: !!m.responseStream });
    }
  }
  const requests = [...new Map(methods.map((m) => [m.request.fullName, m.request])).values()].sort((a, b) => (a.fullName < b.fullName ? -1 : 1));
  const { types, enums } = closure(null, requests, checkField);
  const entries = methods.map(
    (m) =>
      `  ${JSON.stringify(`${m.service}/${m.name}`)}: { path: ${JSON.stringify(`/${m.service}/${m.name}`)}, request: ${JSON.stringify(bare(m.request.fullName))}, ` +
      `response: ${JSON.stringify(bare(m.response.fullName))}, serverStreaming: ${m.serverStreaming}, encode: ENCODERS[${JSON.stringify(bare(m.request.fullName))}] },`,
  );
  return [
    '// Generated by scripts/encoder-gen.js (scripts/build.js). Do not edit.',
    '/* eslint-disable */',
    `import { bytes, encoder, isObject, long, makeProp, message, util, Writer, type Loose, type MethodEntry } from ${JSON.stringify(runtimeModule)};`,
    '',
    ...enums.map(enumSource),
    '',
    ...types.map(converterSource),
    '',
    ...types.map(encoderSource),
    '',
    '/** Request encoders by message full name: plain object → bytes of protobufjs encode(fromObject(obj)). */',
    'export const ENCODERS: Record<string, (obj: unknown) => Uint8Array> = {',
    ...requests.map((t) => `  ${JSON.stringify(bare(t.fullName))}: encoder(${convIdent(t.fullName)}, ${encIdent(t.fullName)}),`),
    '};',
    '',
    "/** Every rpc of every service in proto/, keyed '<service full name>/<Method>'. */",
    'export const METHODS: Record<string, MethodEntry> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

module.exports = { generateEncoders };
