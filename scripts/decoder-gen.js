'use strict';
// Generates protobuf decoders as source code (build time), for the response
// messages tcrictl decodes. Each decoder reads the wire format straight into
// the plain-object shape of src/cri/proto.ts DECODE_OPTIONS, i.e. it returns
// exactly what `type.toObject(type.decode(buf), DECODE_OPTIONS)` returns
// (same values, same key order), without protobufjs' run-time code generation
// (new Function: not covered by the V8 code cache) and without the
// intermediate message objects and Long instances.
//
// The reading rules mirror protobufjs 7's generated decoder (src/decoder.js)
// and converter (src/converter.js): fields matched by number whatever their
// wire type, packed and unpacked repeated scalars both accepted, last value of
// a repeated singular field wins, unknown fields skipped with skipType,
// nested lengths checked the same way. test/decode.test.ts compares the two.
//
//   generateDecoders(root, ['runtime.v1.VersionResponse', …]) → TypeScript source
//   generateJsonWriters(root, same names) → TypeScript source (JSON writers for those types, below)
const protobuf = require('protobufjs');

const LONGS = { int64: 'i64', uint64: 'u64', sint64: 's64', fixed64: 'f64u', sfixed64: 'f64s' };
const PACKABLE = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool']);
const READERS = { double: 'double', float: 'float', int32: 'int32', uint32: 'uint32', sint32: 'sint32', fixed32: 'fixed32', sfixed32: 'sfixed32', bool: 'bool', string: 'string' };

const isType = (t) => t instanceof protobuf.Type;
const isEnum = (t) => t instanceof protobuf.Enum;
const ident = (fullName) => 'd_' + fullName.replace(/^\./, '').replace(/\./g, '_');
const enumIdent = (fullName) => 'e_' + fullName.replace(/^\./, '').replace(/\./g, '_');
const prop = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** An expression reading one (already converted) value of a field's element type. */
function readExpr(field, type) {
  if (field.resolvedType && isType(field.resolvedType)) return `sub(r, ${ident(field.resolvedType.fullName)})`; // only in map values
  if (field.resolvedType && isEnum(field.resolvedType)) return `${enumIdent(field.resolvedType.fullName)}(r.int32())`;
  if (LONGS[type]) return `${LONGS[type]}(r)`;
  if (type === 'bytes') return 'b64(r.bytes())';
  if (READERS[type]) return `r.${READERS[type]}()`;
  throw new Error(`decoder-gen: unsupported type ${type} in ${field.fullName}`);
}

/** The default toObject puts in a field that was not on the wire (a JS literal). */
function defaultLiteral(field) {
  if (field.resolvedType && isEnum(field.resolvedType)) return JSON.stringify(field.resolvedType.valuesById[field.typeDefault]);
  if (field.long) return JSON.stringify(field.typeDefault.toString());
  if (field.bytes) return JSON.stringify(String.fromCharCode.apply(String, field.typeDefault));
  const v = field.typeDefault;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return JSON.stringify(v ?? null);
}

/** A map entry's value when the entry has none (protobufjs: types.defaults, then converted). */
function mapValueDefault(field) {
  if (field.resolvedType && isType(field.resolvedType)) return null; // protobufjs' toObject(null) throws
  if (field.resolvedType && isEnum(field.resolvedType)) return `${enumIdent(field.resolvedType.fullName)}(0)`;
  if (LONGS[field.type]) return '"0"';
  if (field.type === 'bytes' || field.type === 'string') return '""';
  if (field.type === 'bool') return 'false';
  return '0';
}

function mapKeyRead(field) {
  if (LONGS[field.keyType]) throw new Error(`decoder-gen: ${field.fullName}: 64-bit map keys are not supported`);
  if (!READERS[field.keyType]) throw new Error(`decoder-gen: ${field.fullName}: map key type ${field.keyType}`);
  return `r.${READERS[field.keyType]}()`;
}

function mapKeyDefault(field) {
  return field.keyType === 'string' ? '""' : field.keyType === 'bool' ? 'false' : '0';
}

function fieldCase(field, target) {
  const type = field.resolvedType && isEnum(field.resolvedType) ? 'int32' : field.type;
  const lines = [];
  if (field.delimited) throw new Error(`decoder-gen: ${field.fullName}: group encoding is not supported`);
  if (field.map) {
    const valueDefault = mapValueDefault(field);
    lines.push(
      `{ const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;`,
      `  let k: ${field.keyType === 'string' ? 'string' : field.keyType === 'bool' ? 'boolean' : 'number'} = ${mapKeyDefault(field)}, v: ${tsType(field)}${valueDefault === null ? ' | null' : ''} = ${valueDefault ?? 'null'};`,
      `  while (r.pos < c2) { const t2 = r.uint32(); switch (t2 >>> 3) { case 1: k = ${mapKeyRead(field)}; break; case 2: v = ${readExpr(field, type)}; break; default: r.skipType(t2 & 7); } }`,
      `  if (r.pos !== c2) throw outOfRange(); r.len = end;`,
      valueDefault === null ? `  if (v === null) throw new TypeError("map ${field.fullName}: entry without a value");` : '',
      field.keyType === 'string' ? `  if (k === "__proto__") makeProp(${target}, k);` : '',
      `  ${target}[${field.keyType === 'string' ? 'k' : 'String(k)'}] = v; }`,
    );
  } else if (field.resolvedType && isType(field.resolvedType)) {
    // Inline rather than sub(): each call site then calls one decoder, which V8 can inline.
    lines.push(
      `{ const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;`,
      `  const m = ${ident(field.resolvedType.fullName)}(r, c2);`,
      `  if (r.pos !== c2) throw outOfRange(); r.len = end; ${field.repeated ? `${target}.push(m)` : `${target} = m`}; }`,
    );
  } else if (field.repeated) {
    if (PACKABLE.has(type)) {
      lines.push(
        `if ((t & 7) === 2) { const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;`,
        `  while (r.pos < c2) ${target}.push(${readExpr(field, type)});`,
        `  if (r.pos !== c2) throw outOfRange(); r.len = end; } else`,
      );
    }
    lines.push(`${target}.push(${readExpr(field, type)});`);
  } else {
    lines.push(`${target} = ${readExpr(field, type)};`);
  }
  return lines.filter(Boolean);
}

/** The TypeScript type of one converted value of a field's element type. */
function tsType(field) {
  if (field.resolvedType && isType(field.resolvedType)) return 'Obj';
  if (field.resolvedType && isEnum(field.resolvedType)) return 'string | number';
  if (LONGS[field.type] || field.type === 'string' || field.type === 'bytes') return 'string';
  if (field.type === 'bool') return 'boolean';
  return 'number';
}

function messageSource(type) {
  // toObject's key order: repeated, then maps, then the other fields (each by
  // field number) get defaults; oneof members appear only when set, after those.
  // Fields are read into locals and the object is made once, at the end.
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id);
  for (const f of fields) f.resolve();
  const repeated = fields.filter((f) => !f.partOf && f.repeated);
  const maps = fields.filter((f) => !f.partOf && !f.repeated && f.map);
  const normal = fields.filter((f) => !f.partOf && !f.repeated && !f.map);
  const oneofMembers = fields.filter((f) => f.partOf);
  const local = (f) => `f${f.id}`;
  const out = [`function ${ident(type.fullName)}(r: R, end: number): Obj {`];
  for (const f of repeated) out.push(`  const ${local(f)}: Array<${tsType(f)}> = [];`);
  for (const f of maps) out.push(`  const ${local(f)}: Record<string, ${tsType(f)}> = {};`);
  for (const f of normal) out.push(`  let ${local(f)}: ${tsType(f)}${isType(f.resolvedType) ? ' | null' : ''} = ${defaultLiteral(f)};`);
  for (const f of oneofMembers) {
    if (f.map || f.repeated) throw new Error(`decoder-gen: ${f.fullName}: repeated oneof member`);
    out.push(`  let ${local(f)}: ${tsType(f)} | undefined;`);
  }
  out.push('  while (r.pos < end) {', '    const t = r.uint32();');
  if (fields.length) out.push('    switch (t >>> 3) {');
  for (const f of fields) {
    out.push(`      case ${f.id}: {`, ...fieldCase(f, local(f)).map((l) => `        ${l}`), '        break;', '      }');
  }
  if (fields.length) out.push('      default:', '        r.skipType(t & 7);', '    }');
  else out.push('    r.skipType(t & 7);');
  out.push('  }');
  const init = [...repeated, ...maps, ...normal].map((f) => `${key(f.name)}: ${local(f)}`);
  out.push(`  const d: Obj = { ${init.join(', ')} };`);
  for (const f of oneofMembers) out.push(`  if (${local(f)} !== undefined) d${prop(f.name)} = ${local(f)};`);
  out.push('  return d;', '}');
  return out.join('\n');
}

function enumSource(e) {
  const cases = Object.keys(e.valuesById)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => `    case ${id}: return ${JSON.stringify(e.valuesById[id])};`);
  return [`function ${enumIdent(e.fullName)}(v: number): string | number {`, '  switch (v) {', ...cases, '    default: return v;', '  }', '}'].join('\n');
}

/** Message and enum types reachable from `names` (full names without the leading dot). */
/**
 * Message and enum types reachable from `roots` (full names looked up in
 * `root`, or Type objects), each list sorted by name; `onField` sees every
 * field on the way (the encoder generator checks what it supports there).
 * Shared by the decoder, encoder and transcoder generators.
 */
function closure(root, roots, onField = () => {}) {
  const types = new Map();
  const enums = new Map();
  const visit = (t) => {
    if (types.has(t.fullName)) return;
    types.set(t.fullName, t);
    for (const f of t.fieldsArray) {
      f.resolve();
      onField(f);
      if (f.resolvedType && isType(f.resolvedType)) visit(f.resolvedType);
      else if (f.resolvedType && isEnum(f.resolvedType)) enums.set(f.resolvedType.fullName, f.resolvedType);
    }
  };
  for (const n of roots) visit(typeof n === 'string' ? root.lookupType(n) : n);
  const byName = (m) => [...m.values()].sort((a, b) => (a.fullName < b.fullName ? -1 : 1));
  return { types: byName(types), enums: byName(enums) };
}

function generateDecoders(root, names, runtimeModule = '../decode-runtime') {
  const { types, enums } = closure(root, names);
  const entries = [...names].sort().map((n) => `  ${JSON.stringify(n)}: (buf: Uint8Array) => top(buf, ${ident(root.lookupType(n).fullName)}),`);
  return [
    '// Generated by scripts/decoder-gen.js (scripts/build.js). Do not edit.',
    '/* eslint-disable */',
    `import { b64, f64s, f64u, i64, makeProp, outOfRange, s64, sub, top, u64, type Obj, type R } from ${JSON.stringify(runtimeModule)};`,
    '',
    ...enums.map(enumSource),
    '',
    ...types.map(messageSource),
    '',
    '/** Decoders by message full name: buffer → plain object (DECODE_OPTIONS shape). */',
    'export const DECODERS: Record<string, (buf: Uint8Array) => Obj> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

module.exports = { generateDecoders, closure };

// ---------------------------------------------------------------- JSON writers
//
// Writers for the same types: decoded message → crictl's JSON text, exactly
// as src/output/stream.ts' plan-driven writer prints it (proto declaration
// order, unset messages left out, map keys sorted, JSON.stringify's escaping),
// but with named property loads instead of one keyed load per field, which
// V8 runs much faster. stream.ts uses them for the types they cover.

const WRITER_HELPERS = `
/** Characters JSON.stringify escapes in a string; without them quoting is just the quotes. */
const NEEDS_ESCAPE = /[\\x00-\\x1f"\\\\\\ud800-\\udfff]/;

/** JSON.stringify(v) (undefined: 'null'), without a call into JSON for plain strings. */
function q(v: unknown): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
  return JSON.stringify(v) ?? 'null';
}

type W = (m: unknown, ind: string) => string;

/** A message's constant text at one indentation: what goes before each field (first or not), and its end. */
interface Parts {
  inner: string;
  first: string[];
  rest: string[];
  close: string;
}

/** Parts by indentation, for one message type; a list prints every element at the same one. */
function partsCache(names: string[]): (ind: string) => Parts {
  let lastInd: string | undefined;
  let last: Parts | undefined;
  const byInd = new Map<string, Parts>();
  return (ind) => {
    if (ind === lastInd) return last!;
    let p = byInd.get(ind);
    if (!p) {
      const inner = ind + '  ';
      p = {
        inner,
        first: names.map((n) => '{\\n' + inner + JSON.stringify(n) + ': '),
        rest: names.map((n) => ',\\n' + inner + JSON.stringify(n) + ': '),
        close: '\\n' + ind + '}',
      };
      byInd.set(ind, p);
    }
    lastInd = ind;
    last = p;
    return p;
  };
}

function rep(v: unknown, ind: string, w: W | null): string {
  const arr = (v ?? []) as unknown[];
  if (arr.length === 0) return '[]';
  const deeper = ind + '  ';
  let s = '[\\n';
  for (let j = 0; j < arr.length; j++) s += (j ? ',\\n' : '') + deeper + (w === null ? q(arr[j]) : w(arr[j], deeper));
  return s + '\\n' + ind + ']';
}

function map(v: unknown, ind: string, w: W | null): string {
  const obj = (v ?? {}) as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0) return '{}';
  keys.sort();
  const deeper = ind + '  ';
  let s = '{\\n';
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j];
    s += (j ? ',\\n' : '') + deeper + q(k) + ': ' + (w === null ? q(obj[k]) : w(obj[k], deeper));
  }
  return s + '\\n' + ind + '}';
}
`;

const writerIdent = (fullName) => 'w_' + fullName.replace(/^\./, '').replace(/\./g, '_');

function writerSource(type) {
  const id = writerIdent(type.fullName);
  const out = [
    `const ${id}_parts = partsCache(${JSON.stringify(type.fieldsArray.map((f) => f.name))});`,
    `function ${id}(value: unknown, ind: string): string {`,
    "  if (value === null || value === undefined) return 'null';",
    '  const m = value as Record<string, unknown>;',
    `  const p = ${id}_parts(ind);`,
    "  let o = '';",
    '  let v: unknown;',
  ];
  type.fieldsArray.forEach((f, i) => {
    f.resolve();
    const sub = f.resolvedType && isType(f.resolvedType) ? writerIdent(f.resolvedType.fullName) : null;
    const add = (expr) => `o += (o ? p.rest[${i}] : p.first[${i}]) + ${expr};`;
    out.push(`  v = m${prop(f.name)};`);
    if (f.map) out.push(`  ${add(`map(v, p.inner, ${sub ?? 'null'})`)}`);
    else if (f.repeated) out.push(`  ${add(`rep(v, p.inner, ${sub ?? 'null'})`)}`);
    else if (sub) out.push(`  if (v !== null && v !== undefined) ${add(`${sub}(v, p.inner)`)}`);
    else out.push(`  if (v !== undefined) ${add('q(v)')}`);
  });
  out.push("  return o ? o + p.close : '{}';", '}');
  return out.join('\n');
}

function generateJsonWriters(root, names) {
  const { types } = closure(root, names);
  return [
    '// Generated by scripts/decoder-gen.js (scripts/build.js). Do not edit.',
    '/* eslint-disable */',
    WRITER_HELPERS,
    ...types.map(writerSource),
    '',
    '/** JSON writers by message full name: (decoded message, indentation of its first line) → text. */',
    'export const JSON_WRITERS: Record<string, W> = {',
    ...types.map((t) => `  ${JSON.stringify(t.fullName.replace(/^\./, ''))}: ${writerIdent(t.fullName)},`),
    '};',
    '',
    '/** List messages (one field, repeated messages): the field and its element writer, so listing needs no schema at run time. */',
    'export const LIST_FIELDS: Record<string, { field: string; write: W }> = {',
    ...types.flatMap((t) => {
      const f = t.fieldsArray[0];
      if (t.fieldsArray.length !== 1 || !f.repeated || f.map || !(f.resolvedType && isType(f.resolvedType))) return [];
      return [`  ${JSON.stringify(t.fullName.replace(/^\./, ''))}: { field: ${JSON.stringify(f.name)}, write: ${writerIdent(f.resolvedType.fullName)} },`];
    }),
    '};',
    '',
  ].join('\n');
}

module.exports.generateJsonWriters = generateJsonWriters;
