/**
 * Go text/template's lexer, for parse.ts: text between actions, and the
 * tokens inside {{ }}. Trim markers (`{{- `, ` -}}`) and comments are
 * applied here, so the parser never sees them.
 */
export interface Tok {
  t: 'text' | '{{' | '}}' | 'field' | 'var' | 'lit' | 'ident' | '(' | ')' | '|' | ',' | ':=' | '=' | 'eof';
  v: string;
  /** .a.b after a field, a variable or a `)`. */
  chain: string[];
  lit?: unknown;
  line: number;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/y;
const CHAIN = /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y;

function at(re: RegExp, s: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(s)?.[0];
}

/** A template that does not parse (or run); the message is Go's form, `template: :LINE: …`. */
export class TemplateError extends Error {}

function lexError(line: number, msg: string): Error {
  return new TemplateError(`template: :${line}: ${msg}`);
}

export function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  const push = (t: Tok['t'], v: string, extra: Partial<Tok> = {}) => toks.push({ t, v, chain: [], line, ...extra });
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    const trimBefore = open >= 0 && src[open + 2] === '-' && /\s/.test(src[open + 3] ?? '');
    if (trimBefore) text = text.replace(/\s+$/, '');
    if (text) push('text', text);
    line += (src.slice(i, open < 0 ? src.length : open).match(/\n/g) ?? []).length;
    if (open < 0) break;
    i = open + (trimBefore ? 4 : 2);
    const comment = src.startsWith('/*', i);
    if (comment) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw lexError(line, 'unclosed comment');
      line += (src.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else push('{{', '{{');
    // Tokens up to the closing }}
    for (;;) {
      while (i < src.length && /\s/.test(src[i])) {
        if (src[i] === '\n') line++;
        i++;
      }
      if (i >= src.length) {
        if (comment) throw lexError(line, 'comment ends before closing delimiter');
        push('eof', 'EOF');
        return toks;
      }
      if (src.startsWith('}}', i) || (src.startsWith('-}}', i) && /\s/.test(src[i - 1]))) {
        trimNext = src[i] === '-';
        i += trimNext ? 3 : 2;
        if (!comment) push('}}', '}}');
        break;
      }
      if (comment) throw lexError(line, 'comment ends before closing delimiter');
      const c = src[i];
      const num = /[-+\d]/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? '')) ? at(NUMBER, src, i) : undefined;
      if (num) {
        push('lit', num, { lit: Number(num) });
        i += num.length;
      } else if (c === '.') {
        const chain = at(CHAIN, src, i) ?? '.';
        push('field', chain, { chain: chain === '.' ? [] : chain.slice(1).split('.') });
        i += chain.length;
      } else if (c === '$') {
        const name = '$' + (at(IDENT, src, i + 1) ?? '');
        const chain = at(CHAIN, src, i + name.length) ?? '';
        push('var', name, { chain: chain ? chain.slice(1).split('.') : [] });
        i += name.length + chain.length;
      } else if (c === '"' || c === '`') {
        const end = c === '`' ? src.indexOf('`', i + 1) : findQuoted(src, i);
        if (end < 0) throw lexError(line, 'unterminated quoted string');
        const raw = src.slice(i, end + 1);
        push('lit', raw, { lit: c === '`' ? raw.slice(1, -1) : JSON.parse(raw) });
        i = end + 1;
      } else if (c === "'") {
        const m = /'(\\.|[^'\\])'/y;
        m.lastIndex = i;
        const ch = m.exec(src)?.[0];
        if (!ch) throw lexError(line, 'unterminated character constant');
        push('lit', ch, { lit: (JSON.parse(`"${ch.slice(1, -1)}"`) as string).codePointAt(0) });
        i += ch.length;
      } else if (at(IDENT, src, i)) {
        const id = at(IDENT, src, i)!;
        if (id === 'true' || id === 'false' || id === 'nil') push('lit', id, { lit: id === 'nil' ? null : id === 'true' });
        else push('ident', id);
        i += id.length;
      } else if (src.startsWith(':=', i)) {
        push(':=', ':=');
        i += 2;
      } else if ('()|,='.includes(c)) {
        const chain = c === ')' ? at(CHAIN, src, i + 1) ?? '' : '';
        push(c as Tok['t'], c, { chain: chain ? chain.slice(1).split('.') : [] });
        i += 1 + chain.length;
      } else throw lexError(line, `unexpected "${c}" in command`);
    }
  }
  push('eof', 'EOF');
  return toks;
}

/** The index of the closing quote of the Go string starting at `i`, or -1. */
function findQuoted(src: string, i: number): number {
  for (let j = i + 1; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === '"') return j;
    else if (src[j] === '\n') return -1;
  }
  return -1;
}
