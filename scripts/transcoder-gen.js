'use strict';
// Generates wire → JSON transcoders as source code (build time) for list
// responses: one function per message type that reads the protobuf bytes of
// one message and writes exactly the JSON text
// `w_<type>(d_<type>(bytes), ind)` gives (scripts/decoder-gen.js: its
// decoders and JSON writers), without building the decoded object.
//
// What is mirrored, and how:
// - reading: the decoders' own structure and readers (a protobufjs
//   BufferReader, decode-runtime's 64-bit readers; only one-byte varints and
//   string/sub-message spans are read inline, with the same results): fields
//   matched by number whatever their wire type, packed and unpacked repeated
//   scalars, unknown fields skipped with skipType, lengths checked the same
//   way. Whatever the decoders throw on, the transcoders throw on (the caller
//   then lets the decoder report it: see src/cri/filters.ts).
// - a message is read in two passes: the first records where each field's
//   last value is (strings: spans; sub-messages: positions; numbers: their
//   decoded values; repeated fields and maps: every element), the second
//   writes the fields in declaration order, as the writers do: defaults for
//   absent scalars, absent sub-messages left out, oneof members only when
//   set. A sub-message that a later one replaces is still read, for its
//   errors only, as the decoders read it.
// - writing: src/output/transcode-runtime.ts (strings copied from the input
//   when they are plain ASCII, else utf8Slice + JSON.stringify as q();
//   rep()/map() layouts; map keys sorted as JS strings, the last entry of a
//   key winning).
//
//   generateTranscoders(root, lists = LISTS, runtimeModule)
//     → TypeScript source: LIST_TRANSCODERS, one per list type (a message whose
//       only field is a repeated message: each element's text span and the
//       named fields of the element, its "keys" for sorting and filtering),
//       and MESSAGE_TRANSCODERS (every type, for the tests).
//   A construct the decoders do not support (groups, 64-bit map keys) stops
//   the build, as it does in decoder-gen.
const protobuf = require('protobufjs');
const { closure } = require('./decoder-gen');

const LONGS = { int64: 'i64', uint64: 'u64', sint64: 's64', fixed64: 'f64u', sfixed64: 'f64s' };
const NUMBERS = { double: 'double', float: 'float', int32: 'int32', uint32: 'uint32', sint32: 'sint32', fixed32: 'fixed32', sfixed32: 'sfixed32' };
const PACKABLE = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64', 'bool']);

/**
 * The list responses `-o json` transcodes (src/cri/filters.ts), with the
 * element fields it needs: newestFirst's createdAt and matchContainer's /
 * matchPod's metadata, compareImages' id, repoTags and repoDigests.
 */
const LISTS = {
  'runtime.v1.ListContainersResponse': ['createdAt', 'metadata'],
  'runtime.v1.ListPodSandboxResponse': ['createdAt', 'metadata'],
  'runtime.v1.ListImagesResponse': ['id', 'repoTags', 'repoDigests'],
};

const isType = (t) => t instanceof protobuf.Type;
const isEnum = (t) => t instanceof protobuf.Enum;
const flat = (fullName) => fullName.replace(/^\./, '').replace(/\./g, '_');
const tIdent = (fullName) => 't_' + flat(fullName);
const pIdent = (fullName) => 'P_' + flat(fullName);
const kIdent = (fullName) => 'Keys_' + flat(fullName);
const enumName = (fullName) => 'e_' + flat(fullName);
const enumWrite = (fullName) => 'qe_' + flat(fullName);

/** What a field's element is: msg, enum, long, string, bytes, bool, float or int. */
function kindOf(field) {
  if (field.resolvedType && isType(field.resolvedType)) return 'msg';
  if (field.resolvedType && isEnum(field.resolvedType)) return 'enum';
  if (LONGS[field.type]) return 'long';
  if (field.type === 'string' || field.type === 'bytes' || field.type === 'bool') return field.type;
  if (field.type === 'double' || field.type === 'float') return 'float';
  if (NUMBERS[field.type]) return 'int';
  throw new Error(`transcoder-gen: unsupported type ${field.type} in ${field.fullName}`);
}

/** The decoders' expression for one decoded value (scalars only). */
function readExpr(field) {
  const kind = kindOf(field);
  if (kind === 'enum') return `${enumName(field.resolvedType.fullName)}(r.int32())`;
  if (kind === 'long') return `${LONGS[field.type]}(r)`;
  if (kind === 'bool') return 'r.bool()';
  if (NUMBERS[field.type]) return `r.${NUMBERS[field.type]}()`;
  throw new Error(`transcoder-gen: no scalar reader for ${field.fullName}`);
}

/** A singular scalar's value when absent (the decoders' defaults; enums as numbers, written by name). */
function defaultValue(field) {
  const kind = kindOf(field);
  const v = field.typeDefault;
  if (kind === 'enum') return String(typeof v === 'number' ? v : field.resolvedType.values[v]);
  if (kind === 'long') return JSON.stringify(v.toString());
  if (kind === 'bool') return v ? 'true' : 'false';
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  return JSON.stringify(v);
}

/** A map value when the entry has none, as the decoders default it (messages: an error). */
function mapValueDefault(field) {
  const kind = kindOf(field);
  if (kind === 'msg' || kind === 'string' || kind === 'bytes') return '-1';
  if (kind === 'enum') return `${enumName(field.resolvedType.fullName)}(0)`;
  if (kind === 'long') return '"0"';
  if (kind === 'bool') return 'false';
  return '0';
}

/** Element kind constant of transcode-runtime (repeated elements, map values). */
function elementKind(field) {
  const kind = kindOf(field);
  return kind === 'string' ? 'STR' : kind === 'bytes' ? 'BYTES' : kind === 'msg' ? 'MSG' : 'SCALAR';
}

const subOf = (field) => (kindOf(field) === 'msg' ? tIdent(field.resolvedType.fullName) : 'null');

/** map<string, string>: read inline, written by transcode-runtime's mapSS. */
const stringMap = (f) => f.map && f.keyType === 'string' && kindOf(f) === 'string';

/**
 * A uint32 varint into `v` at `pos`: one byte inline (what almost every tag
 * and length is), else protobufjs' uint32() on r (same result, same errors),
 * with r.len = `limit` while it reads.
 */
function varint(v, limit) {
  const slow = limit === 'end' ? `r.pos = pos; ${v} = r.uint32(); pos = r.pos;` : `r.pos = pos; r.len = ${limit}; ${v} = r.uint32(); pos = r.pos; r.len = end;`;
  return `let ${v} = buf[pos]; if (pos < ${limit} && ${v} < 128) pos++; else { ${slow} }`;
}

/** BufferReader#string's span at `pos`, limited by `limit`: into s and e (declared by the caller). */
function stringSpan(s, e, limit) {
  return [varint('n', limit), `${s} = pos; pos = pos + n > ${limit} ? ${limit} : pos + n; ${e} = pos;`];
}

/**
 * First pass: the case body recording field `f`. The read position is the
 * local `pos` (r.len is `end`); what is not inlined here is read the general
 * way, with r.pos set from pos and pos from r.pos after.
 */
function scanCase(f) {
  const kind = kindOf(f);
  const id = f.id;
  if (f.delimited) throw new Error(`transcoder-gen: ${f.fullName}: group encoding is not supported`);
  const viaReader = () => ['r.pos = pos;', ...readerCase(f), 'pos = r.pos;'];
  if (f.map) return stringMap(f) ? stringMapCase(f) : viaReader();
  if (f.repeated) {
    if (kind === 'string') return ['{', ...stringSpan('const s', 'const e', 'end').map((l) => `  ${l}`), `  a${id}.push(s, e);`, '}'];
    if (kind === 'msg') return [`a${id}.push(pos, 0);`, varint('n', 'end'), 'const c2 = n + pos; if (c2 > end) throw outOfRange(); pos = c2;'];
    return viaReader();
  }
  if (kind === 'string') return stringSpan(`s${id}`, `e${id}`, 'end');
  if (kind === 'msg') {
    return [`if (m${id} >= 0) { r.pos = pos; msgCheck(r, m${id}, ${subOf(f)}); }`, `m${id} = pos;`, varint('n', 'end'), 'const c2 = n + pos; if (c2 > end) throw outOfRange(); pos = c2;'];
  }
  if (kind === 'enum' || f.type === 'int32') return [varint('v', 'end'), `v${id} = v | 0;`];
  if (f.type === 'uint32') return [varint('v', 'end'), `v${id} = v;`];
  if (kind === 'bool') return [varint('v', 'end'), `v${id} = v !== 0;`];
  return viaReader();
}

/**
 * A map<string, string> entry, read as the decoders read it (their map code):
 * its key and value spans into a{id}. An entry laid out as encoders write it
 * (key, then value, one-byte lengths, nothing else) is taken apart in one
 * test: the decoders' loop reads exactly that from it.
 */
function stringMapCase(f) {
  return [
    varint('n', 'end'),
    'const c2 = n + pos; if (c2 > end) throw outOfRange();',
    'let ks = -1, ke = 0, vs = -1, ve = 0;',
    'const kl = buf[pos + 1], vl = buf[pos + kl + 3];',
    'if (buf[pos] === 10 && kl < 128 && buf[pos + kl + 2] === 18 && vl < 128 && pos + kl + vl + 4 === c2) {',
    '  ks = pos + 2; ke = ks + kl; vs = ke + 2; ve = c2; pos = c2;',
    '} else {',
    '  while (pos < c2) {',
    `    ${varint('t2', 'c2')}`,
    '    switch (t2 >>> 3) {',
    ...stringSpan('ks', 'ke', 'c2').map((l, i) => (i === 0 ? `      case 1: { ${l}` : `        ${l} break; }`)),
    ...stringSpan('vs', 've', 'c2').map((l, i) => (i === 0 ? `      case 2: { ${l}` : `        ${l} break; }`)),
    '      default: r.pos = pos; r.len = c2; r.skipType(t2 & 7); pos = r.pos; r.len = end;',
    '    }',
    '  }',
    '  if (pos !== c2) throw outOfRange();',
    '}',
    `a${f.id}.push(ks, ke, vs, ve);`,
  ];
}

/** First pass, the general way: the case body recording field `f`, reading with `r`. */
function readerCase(f) {
  const kind = kindOf(f);
  const id = f.id;
  if (f.delimited) throw new Error(`transcoder-gen: ${f.fullName}: group encoding is not supported`);
  if (f.map) return readerMapCase(f);
  if (f.repeated) {
    if (kind === 'string') return [`{ const s = strAt(r); a${id}.push(s, r.pos); }`];
    if (kind === 'bytes') return [`{ const s = bytesAt(r); a${id}.push(s, r.pos); }`];
    if (kind === 'msg') return [`a${id}.push(msgSkip(r), 0);`];
    const lines = [];
    if (PACKABLE.has(kind === 'enum' ? 'int32' : f.type)) {
      lines.push(
        `if ((t & 7) === 2) { const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;`,
        `  while (r.pos < c2) a${id}.push(${readExpr(f)}, 0);`,
        `  checkEnd(r, c2, end); } else`,
      );
    }
    lines.push(`a${id}.push(${readExpr(f)}, 0);`);
    return lines;
  }
  if (kind === 'string') return [`s${id} = strAt(r); e${id} = r.pos;`];
  if (kind === 'bytes') return [`s${id} = bytesAt(r); e${id} = r.pos;`];
  if (kind === 'msg') return [`if (m${id} >= 0) msgCheck(r, m${id}, ${subOf(f)});`, `m${id} = msgSkip(r);`];
  if (kind === 'enum') return [`v${id} = r.int32();`];
  return [`v${id} = ${readExpr(f)};`];
}

function readerMapCase(f) {
  const id = f.id;
  const stringKey = f.keyType === 'string';
  if (LONGS[f.keyType]) throw new Error(`transcoder-gen: ${f.fullName}: 64-bit map keys are not supported`);
  if (!stringKey && !NUMBERS[f.keyType] && f.keyType !== 'bool') throw new Error(`transcoder-gen: ${f.fullName}: map key type ${f.keyType}`);
  const kind = kindOf(f);
  const keyInit = stringKey ? 'let ks = -1, ke = 0;' : `let k: ${f.keyType === 'bool' ? 'boolean' : 'number'} = ${f.keyType === 'bool' ? 'false' : '0'};`;
  const keyRead = stringKey ? 'ks = strAt(r); ke = r.pos;' : `k = r.${f.keyType === 'bool' ? 'bool' : NUMBERS[f.keyType]}();`;
  let valueRead;
  if (kind === 'string') valueRead = 'va = strAt(r); vb = r.pos;';
  else if (kind === 'bytes') valueRead = 'va = bytesAt(r); vb = r.pos;';
  else if (kind === 'msg') valueRead = `if ((va as number) >= 0) msgCheck(r, va as number, ${subOf(f)}); va = msgSkip(r);`;
  else valueRead = `va = ${readExpr(f)};`;
  return [
    `{ const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;`,
    `  ${keyInit} let va: unknown = ${mapValueDefault(f)}, vb = 0;`,
    `  while (r.pos < c2) { const t2 = r.uint32(); switch (t2 >>> 3) { case 1: ${keyRead} break; case 2: ${valueRead} break; default: r.skipType(t2 & 7); } }`,
    `  checkEnd(r, c2, end);`,
    kind === 'msg' ? `  if ((va as number) < 0) throw new TypeError("map ${f.fullName}: entry without a value");` : '',
    `  a${id}.push(${stringKey ? 'ks, ke' : 'String(k), 0'}, va, vb); }`,
  ].filter(Boolean);
}

/**
 * Second pass: writes field `f` after its key part `part` (`mark`: code noting
 * that a field was written, when later key parts depend on it).
 */
function writeField(f, part, mark) {
  const kind = kindOf(f);
  const id = f.id;
  const key = `lit(${part});${mark}`;
  if (f.map) return [stringMap(f) ? `${key} mapSS(r, a${id}, p.inner);` : `${key} map(r, a${id}, p.inner, ${elementKind(f)}, ${subOf(f)});`];
  if (f.repeated) return [`${key} rep(r, a${id}, p.inner, ${elementKind(f)}, ${subOf(f)});`];
  if (kind === 'msg') return [`if (m${id} >= 0) { ${key} msgAt(r, m${id}, ${subOf(f)}, p.inner); }`];
  const oneof = !!f.partOf;
  const v = `v${id}${oneof ? '!' : ''}`;
  // The key and the value in one call where it matters (strings, integers, enums): fewer calls, fewer bytecodes.
  let write;
  if (kind === 'string') write = `kstr(${part}, s${id}, e${id});`;
  else if (kind === 'bytes') write = `${key} base64(s${id}, e${id});`;
  else if (kind === 'enum') write = `lit(${part}); ${enumWrite(f.resolvedType.fullName)}(${v});`;
  else if (kind === 'long') write = `kquoted(${part}, ${v});`;
  else if (kind === 'bool') write = `lit(${part}); bool(${v});`;
  else if (kind === 'int') write = `kint(${part}, ${v});`;
  else write = `lit(${part}); scalar(v${id});`;
  if (mark && !write.includes('any = true')) write += mark;
  if (!oneof) return [write];
  const present = kind === 'string' || kind === 'bytes' ? `s${id} >= 0` : `v${id} !== undefined`;
  return [`if (${present}) { ${write} }`];
}

/** Whether the writers always print field f (so the fields after it are never the first). */
const alwaysWritten = (f) => f.map || f.repeated || (!f.partOf && kindOf(f) !== 'msg');

function localDecls(f) {
  const kind = kindOf(f);
  const id = f.id;
  if (stringMap(f)) return [`const a${id}: number[] = [];`];
  if (f.map || f.repeated) return [`const a${id}: ${kind === 'string' || kind === 'bytes' || kind === 'msg' ? (f.map ? 'unknown[]' : 'number[]') : 'unknown[]'} = [];`];
  if (kind === 'string' || kind === 'bytes') return [`let s${id} = -1, e${id} = 0;`];
  if (kind === 'msg') return [`let m${id} = -1;`];
  const ts = kind === 'long' ? 'string' : kind === 'bool' ? 'boolean' : 'number';
  if (f.partOf) return [`let v${id}: ${ts} | undefined;`];
  return [`let v${id}: ${ts} = ${defaultValue(f)};`];
}

/** The TypeScript type and expression of a captured ("key") field of a list element. */
function capture(f) {
  const kind = kindOf(f);
  const id = f.id;
  if (f.map) throw new Error(`transcoder-gen: ${f.fullName}: maps cannot be list keys`);
  if (f.repeated) {
    if (kind !== 'string') throw new Error(`transcoder-gen: ${f.fullName}: only repeated strings can be list keys`);
    return { ts: 'string[]', expr: `strValues(a${id})` };
  }
  if (kind === 'msg') return { ts: 'boolean', expr: `m${id} >= 0` };
  if (kind === 'string') return { ts: 'string', expr: `strValue(s${id}, e${id})` };
  if (kind === 'bytes') throw new Error(`transcoder-gen: ${f.fullName}: bytes cannot be list keys`);
  if (kind === 'enum') return { ts: 'string | number', expr: `${enumName(f.resolvedType.fullName)}(v${id})` };
  return { ts: kind === 'long' ? 'string' : kind === 'bool' ? 'boolean' : 'number', expr: `v${id}` };
}

function messageSource(type, keys) {
  const fields = type.fieldsArray; // declaration order: the writers' order
  for (const f of fields) {
    f.resolve();
    if (f.partOf && (f.map || f.repeated)) throw new Error(`transcoder-gen: ${f.fullName}: repeated oneof member`);
  }
  const byId = fields.slice().sort((a, b) => a.id - b.id);
  const out = [];
  out.push(`const ${pIdent(type.fullName)} = parts(${JSON.stringify(fields.map((f) => f.name))});`);
  const ret = keys ? kIdent(type.fullName) : 'void';
  out.push(`function ${tIdent(type.fullName)}(r: R, end: number, ind: number): ${ret} {`);
  for (const f of fields) out.push(...localDecls(f).map((l) => `  ${l}`));
  out.push('  const buf = r.buf as Buffer;', '  let pos = r.pos;', '  while (pos < end) {', `    ${varint('t', 'end')}`);
  if (byId.length) {
    out.push('    switch (t >>> 3) {');
    for (const f of byId) out.push(`      case ${f.id}: {`, ...scanCase(f).map((l) => `        ${l}`), '        break;', '      }');
    out.push('      default:', '        r.pos = pos; r.skipType(t & 7); pos = r.pos;', '    }');
  } else out.push('    r.pos = pos; r.skipType(t & 7); pos = r.pos;');
  out.push('  }');
  out.push('  const fin = pos;');
  if (fields.length === 0) out.push('  lit(EMPTY_MESSAGE);');
  else {
    out.push(`  const p = ${pIdent(type.fullName)}(ind);`);
    // The writers' `o ? rest : first`, decided here when the first field is always written.
    const staticFirst = alwaysWritten(fields[0]);
    if (!staticFirst) out.push('  let any = false;');
    fields.forEach((f, i) => {
      const part = staticFirst ? (i === 0 ? 'p.first[0]' : `p.rest[${i}]`) : `any ? p.rest[${i}] : p.first[${i}]`;
      out.push(...writeField(f, part, staticFirst ? '' : ' any = true;').map((l) => `  ${l}`));
    });
    out.push(staticFirst ? '  lit(p.close);' : '  lit(any ? p.close : EMPTY_MESSAGE);');
  }
  out.push('  r.pos = fin;');
  if (keys) {
    const init = keys.map((name) => {
      const f = type.fields[name];
      if (!f) throw new Error(`transcoder-gen: ${type.fullName} has no field ${name}`);
      return `${JSON.stringify(name)}: ${capture(f).expr}`;
    });
    out.push(`  return { start: 0, end: 0, ${init.join(', ')} };`);
  }
  out.push('}');
  return out.join('\n');
}

function keysInterface(type, keys) {
  const lines = [`export interface ${kIdent(type.fullName)} extends Item {`];
  for (const name of keys) lines.push(`  ${JSON.stringify(name)}: ${capture(type.fields[name]).ts};`);
  lines.push('}');
  return lines.join('\n');
}

function enumSource(e) {
  const ids = Object.keys(e.valuesById).map(Number).sort((a, b) => a - b);
  const c = (id) => `QE_${flat(e.fullName)}_${id < 0 ? 'm' + -id : id}`;
  return [
    ...ids.map((id) => `const ${c(id)} = constant(${JSON.stringify(JSON.stringify(e.valuesById[id]))});`),
    `/** Writes a value of ${e.fullName.replace(/^\./, '')} as the writers print the decoded one: its name, or the number. */`,
    `function ${enumWrite(e.fullName)}(v: number): void {`,
    '  switch (v) {',
    ...ids.map((id) => `    case ${id}: return lit(${c(id)});`),
    '    default: return int(v);',
    '  }',
    '}',
    `function ${enumName(e.fullName)}(v: number): string | number {`,
    '  switch (v) {',
    ...ids.map((id) => `    case ${id}: return ${JSON.stringify(e.valuesById[id])};`),
    '    default: return v;',
    '  }',
    '}',
  ].join('\n');
}


/** The list message's only field: repeated, of a message type. */
function listField(list) {
  const f = list.fieldsArray[0];
  if (list.fieldsArray.length !== 1 || !f.repeated || f.map) throw new Error(`transcoder-gen: ${list.fullName} is not a list message`);
  f.resolve();
  if (!isType(f.resolvedType)) throw new Error(`transcoder-gen: ${list.fullName}.${f.name} is not a message`);
  return f;
}

/** The whole response: each element transcoded at indentation 4 (jsonListChunks'), read as the decoder reads the list. */
function listSource(list) {
  const f = listField(list);
  const el = f.resolvedType;
  return [
    `function ${tIdent(list.fullName)}(bytes: Buffer): Transcoded<${kIdent(el.fullName)}> {`,
    '  const r = reader(bytes);',
    '  begin(bytes);',
    `  const items: ${kIdent(el.fullName)}[] = [];`,
    '  const end = r.len;',
    '  while (r.pos < end) {',
    '    const t = r.uint32();',
    `    if (t >>> 3 === ${f.id}) {`,
    '      const c2 = r.uint32() + r.pos; if (c2 > r.len) throw outOfRange(); r.len = c2;',
    '      const p0 = r.pos;',
    '      enter();',
    `      let k = ${tIdent(el.fullName)}(r, c2, 4);`,
    '      checkEnd(r, c2, c2);',
    `      if (redo()) { r.pos = p0; k = ${tIdent(el.fullName)}(r, c2, 4); }`,
    '      checkEnd(r, c2, end);',
    '      done(k);',
    '      items.push(k);',
    '    } else r.skipType(t & 7);',
    '  }',
    '  return { ...finish(), items };',
    '}',
  ].join('\n');
}

/**
 * `lists`: list response full name → the element fields to capture (see
 * capture()). Every list element type gets a keys interface; every type in
 * the closure a transcoder.
 */
function generateTranscoders(root, lists = LISTS, runtimeModule = '../../output/transcode-runtime') {
  const listTypes = Object.keys(lists).sort().map((n) => root.lookupType(n));
  const elements = new Map(listTypes.map((l) => [listField(l).resolvedType.fullName, lists[l.fullName.replace(/^\./, '')]]));
  const { types, enums } = closure(root, listTypes.map((l) => listField(l).resolvedType.fullName.replace(/^\./, '')));
  for (const t of types) {
    for (const f of t.fieldsArray) {
      // A list element's transcoder returns its keys with its text: it is only ever called by its list.
      if (f.resolvedType && elements.has(f.resolvedType.fullName)) throw new Error(`transcoder-gen: ${f.fullName}: list elements cannot be nested`);
    }
  }
  const helpers = ['BYTES', 'EMPTY_MESSAGE', 'MSG', 'SCALAR', 'STR', 'base64', 'begin', 'bool', 'bytesAt', 'checkEnd', 'constant', 'done', 'enter', 'kint', 'kquoted', 'kstr', 'f64s', 'f64u', 'finish', 'i64', 'int', 'lit', 'map', 'mapSS', 'msgAt', 'msgCheck', 'msgSkip', 'outOfRange', 'parts', 'quoted', 'reader', 'redo', 'rep', 's64', 'scalar', 'str', 'strAt', 'strValue', 'strValues', 'u64'];
  return [
    '// Generated by scripts/transcoder-gen.js (scripts/build.js). Do not edit.',
    '/* eslint-disable */',
    `import { ${helpers.join(', ')}, type Item, type R, type T, type Transcoded } from ${JSON.stringify(runtimeModule)};`,
    '',
    ...enums.map(enumSource),
    '',
    ...[...elements].map(([name, keys]) => keysInterface(root.lookupType(name), keys)),
    '',
    ...types.map((t) => messageSource(t, elements.get(t.fullName))),
    '',
    ...listTypes.map(listSource),
    '',
    '/** List responses → their transcoder: the list field, and the bytes → every element\'s JSON text and keys. */',
    'export const LIST_TRANSCODERS = {',
    ...listTypes.map((l) => {
      const f = listField(l);
      return `  ${JSON.stringify(l.fullName.replace(/^\./, ''))}: { field: ${JSON.stringify(f.name)}, transcode: ${tIdent(l.fullName)} },`;
    }),
    '} as const;',
    '',
    '/** Every message type\'s transcoder (for the tests: transcodeOne). */',
    'export const MESSAGE_TRANSCODERS: Record<string, T> = {',
    ...types.map((t) => `  ${JSON.stringify(t.fullName.replace(/^\./, ''))}: ${tIdent(t.fullName)},`),
    '};',
    '',
  ].join('\n');
}

module.exports = { generateTranscoders };
