/**
 * A parser for the part of Go's text/template that crictl users write with
 * `-o go-template --template T`: text, {{pipeline}}, {{- trim -}}, comments,
 * fields (.a.b), variables ($, $x := …, $x = …), literals, function calls and
 * pipes, parentheses, if/else if/else, range (with $i, $v :=, else, break,
 * continue), with/else. Not: define/template/block. Errors read as Go's do
 * (`template: :1: unclosed action`), since crictl prints Go's.
 */
import { lex, TemplateError, type Tok } from './lex';

export { TemplateError };

export type Arg =
  | { k: 'field'; chain: string[] } // `.` is chain []
  | { k: 'var'; name: string; chain: string[] }
  | { k: 'lit'; v: unknown }
  | { k: 'fn'; name: string }
  | { k: 'sub'; pipe: Pipe; chain: string[] };
export interface Pipe { decl: string[]; assign: boolean; cmds: Arg[][]; pos: string }
export interface Control { k: 'if' | 'with' | 'range'; pipe: Pipe; list: Node[]; els?: Node[] }
export type Node =
  | { k: 'text'; s: string }
  | { k: 'action'; pipe: Pipe }
  | Control
  | { k: 'break' | 'continue' };

/** The functions a template may call (exec.ts has their bodies): Go's builtins crictl users reach for, and crictl's own. */
export const FUNCS = new Set(['and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'json', 'title', 'lower', 'upper']);

export function parseTemplate(src: string): Node[] {
  const p = new Parser(lex(src));
  const list = p.list(new Set());
  if (p.peek().t !== 'eof') throw p.err(`unexpected ${p.peek().v}`);
  return list;
}

class Parser {
  private i = 0;
  private loops = 0;
  constructor(private readonly toks: Tok[]) {}
  peek(o = 0): Tok { return this.toks[Math.min(this.i + o, this.toks.length - 1)]; }
  next(): Tok { return this.toks[this.i++]; }
  err(msg: string, t = this.peek()): TemplateError { return new TemplateError(`template: :${t.line}: ${msg}`); }

  /** Nodes up to (not including) a {{keyword}} in `stop`, or the end. */
  list(stop: Set<string>): Node[] {
    const out: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof') return out;
      if (t.t === 'text') { out.push({ k: 'text', s: this.next().v }); continue; }
      // t is '{{'
      const kw = this.peek(1);
      if (kw.t === 'ident' && stop.has(kw.v)) return out;
      this.next();
      out.push(this.action());
    }
  }

  private action(): Node {
    const t = this.peek();
    if (t.t === 'ident' && ['if', 'with', 'range'].includes(t.v)) return this.control(this.next().v as 'if' | 'with' | 'range');
    if (t.t === 'ident' && (t.v === 'break' || t.v === 'continue')) {
      if (this.loops === 0) throw this.err(`{{${t.v}}} outside {{range}}`);
      this.next();
      this.close();
      return { k: t.v };
    }
    if (t.t === 'ident' && ['end', 'else'].includes(t.v)) throw this.err(`unexpected {{${t.v}}}`);
    if (t.t === 'ident' && ['define', 'template', 'block'].includes(t.v)) throw this.err(`{{${t.v}}} is not supported by tcrictl`);
    const pipe = this.pipe(true);
    this.close();
    return { k: 'action', pipe };
  }

  private control(k: 'if' | 'with' | 'range'): Node {
    const pipe = this.pipe(true, k === 'range');
    if (pipe.cmds.length === 0) throw this.err(`missing value for ${k}`);
    this.close();
    if (k === 'range') this.loops++;
    const list = this.list(new Set(['end', 'else']));
    if (k === 'range') this.loops--;
    const node: Node = { k, pipe, list };
    const end = this.expectKeyword();
    if (end === 'else') {
      if (this.peek().t === 'ident' && (this.peek().v === 'if' || this.peek().v === 'with') && k !== 'range') {
        // {{else if …}} is an {{if}} inside the else branch that shares this {{end}}.
        node.els = [this.control(this.next().v as 'if' | 'with')];
        return node;
      }
      this.close();
      node.els = this.list(new Set(['end', 'else']));
      if (this.expectKeyword() !== 'end') throw this.err('expected end; found {{else}}');
    }
    this.close();
    return node;
  }

  /** Consumes `{{` keyword (end or else), which list() stopped at. */
  private expectKeyword(): string {
    if (this.peek().t === 'eof') throw this.err('unexpected EOF');
    this.next();
    return this.next().v;
  }

  private close(): void {
    const t = this.next();
    if (t.t !== '}}') throw this.err(t.t === 'eof' ? 'unclosed action' : `unexpected "${t.v}" in command`, t);
  }

  pipe(top: boolean, range = false): Pipe {
    const pos = this.peek().v;
    const decl: string[] = [];
    let assign = false;
    // `$x :=`, `$x =`, and range's `$i, $v :=`
    const save = this.i;
    if (this.peek().t === 'var' && this.peek().chain.length === 0) {
      const names = [this.next().v];
      if (range && this.peek().t === ',' && this.peek(1).t === 'var') { this.next(); names.push(this.next().v); }
      if (this.peek().t === ':=' || (this.peek().t === '=' && names.length === 1)) {
        assign = this.next().t === '=';
        decl.push(...names);
      } else this.i = save;
    }
    const cmds: Arg[][] = [];
    for (;;) {
      const cmd: Arg[] = [];
      while (!['}}', '|', ')', 'eof'].includes(this.peek().t)) cmd.push(this.arg());
      if (cmd.length === 0 && (cmds.length > 0 || this.peek().t === '|')) throw this.err('missing command');
      if (cmd.length > 0) cmds.push(cmd);
      if (this.peek().t !== '|') break;
      this.next();
    }
    if (top && this.peek().t === ')') throw this.err('unexpected right paren');
    if (this.peek().t === 'eof') throw this.err('unclosed action');
    return { decl, assign, cmds, pos };
  }

  private arg(): Arg {
    const t = this.next();
    switch (t.t) {
      case 'field': return { k: 'field', chain: t.chain };
      case 'var': return { k: 'var', name: t.v, chain: t.chain };
      case 'lit': return { k: 'lit', v: t.lit };
      case 'ident':
        if (!FUNCS.has(t.v)) throw this.err(`function "${t.v}" not defined`, t);
        return { k: 'fn', name: t.v };
      case '(': {
        const pipe = this.pipe(false);
        const c = this.next();
        if (c.t !== ')') throw this.err('unclosed left paren', c);
        return { k: 'sub', pipe, chain: c.chain };
      }
      default: throw this.err(`unexpected "${t.v}" in operand`, t);
    }
  }
}
