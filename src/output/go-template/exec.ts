/**
 * Runs a parsed template (parse.ts) on JSON data, as crictl does: the data is
 * the JSON crictl would print, decoded into maps, slices and numbers, with
 * missingkey=error. Values print as Go's fmt %v prints them (map[a:1 b:2],
 * [x y], <no value> for nil), so output matches crictl's byte for byte for
 * the common templates.
 */
import { formatPrintf } from './printf';
import { TemplateError, type Arg, type Control, type Node, type Pipe } from './parse';

type Vars = Array<[string, unknown]>;
class Break {}
class Continue {}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Go's %v of a decoded JSON value. */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v as object).sort().map((k) => `${k}:${goString((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  return String(v);
}

/** crictl's `json` function: json.Encoder output (sorted keys, <>& escaped, a newline). */
function goJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x;
  const s = JSON.stringify(sort(v) ?? null).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${s}\n`;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('incompatible types for comparison');
}

const FN: Record<string, (...a: unknown[]) => unknown> = {
  not: (a) => !truthy(a),
  len: (a) => {
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (a && typeof a === 'object') return Object.keys(a).length;
    throw new TemplateError(`len of type ${a === null ? 'nil' : typeof a}`);
  },
  index: (a, ...keys) => keys.reduce((x, k) => {
    if (Array.isArray(x) && typeof k === 'number') {
      if (k < 0 || k >= x.length) throw new TemplateError(`index out of range: ${k}`);
      return x[k];
    }
    if (x && typeof x === 'object' && typeof k === 'string') return (x as Record<string, unknown>)[k] ?? null;
    throw new TemplateError(`can't index item of type ${x === null ? 'nil' : typeof x}`);
  }, a),
  print: (...a) => a.map((x, i) => (i > 0 && typeof x !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + goString(x)).join(''),
  println: (...a) => `${a.map(goString).join(' ')}\n`,
  printf: (f, ...a) => formatPrintf(String(f), a),
  eq: (a, ...bs) => bs.some((b) => (typeof a === 'number' || typeof a === 'string' ? compare(a, b) === 0 : a === b)),
  ne: (a, b) => compare(a, b) !== 0,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  json: goJson,
  title: (s) => String(s).replace(/(^|[^\p{L}\p{N}'’])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
};

export function execute(nodes: Node[], data: unknown): string {
  const out: string[] = [];
  new Exec(out).list(nodes, data, [['$', data]]);
  return out.join('');
}

class Exec {
  constructor(private readonly out: string[]) {}

  list(nodes: Node[], dot: unknown, vars: Vars): void {
    const depth = vars.length;
    for (const n of nodes) this.node(n, dot, vars);
    vars.length = depth; // variables declared in a block end with it
  }

  private node(n: Node, dot: unknown, vars: Vars): void {
    switch (n.k) {
      case 'text': this.out.push(n.s); return;
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      case 'action': {
        const v = this.pipe(n.pipe, dot, vars);
        if (n.pipe.decl.length === 0) this.out.push(v === null || v === undefined ? '<no value>' : goString(v));
        return;
      }
      case 'if': case 'with': {
        const depth = vars.length;
        const v = this.pipe(n.pipe, dot, vars);
        if (truthy(v)) this.list(n.list, n.k === 'with' ? v : dot, vars);
        else if (n.els) this.list(n.els, dot, vars);
        vars.length = depth;
        return;
      }
      case 'range': return this.range(n, dot, vars);
    }
  }

  private range(n: Control, dot: unknown, vars: Vars): void {
    const v = this.pipe({ ...n.pipe, decl: [] }, dot, vars);
    let items: Array<[unknown, unknown]>;
    if (Array.isArray(v)) items = v.map((x, i) => [i, x]);
    else if (v && typeof v === 'object') items = Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]);
    else if (v === null || v === undefined) items = [];
    else throw new TemplateError(`range can't iterate over ${goString(v)}`);
    if (items.length === 0) {
      if (n.els) this.list(n.els, dot, vars);
      return;
    }
    const depth = vars.length;
    for (const [k, x] of items) {
      vars.length = depth;
      const d = n.pipe.decl;
      if (d.length === 1) vars.push([d[0], x]);
      if (d.length === 2) vars.push([d[0], k], [d[1], x]);
      try {
        this.list(n.list, x, vars);
      } catch (e) {
        if (e instanceof Break) break;
        if (!(e instanceof Continue)) throw e;
      }
    }
    vars.length = depth;
  }

  private pipe(p: Pipe, dot: unknown, vars: Vars): unknown {
    let v: unknown;
    p.cmds.forEach((cmd, i) => (v = this.command(cmd, dot, vars, i > 0 ? [v] : [])));
    if (p.decl.length === 1) {
      if (p.assign) {
        const slot = [...vars].reverse().find(([name]) => name === p.decl[0]);
        if (!slot) throw new TemplateError(`undefined variable: ${p.decl[0]}`);
        slot[1] = v;
      } else vars.push([p.decl[0], v]);
    }
    return v;
  }

  private command(cmd: Arg[], dot: unknown, vars: Vars, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    if (head.k === 'fn') {
      const args = [...rest.map((a) => this.arg(a, dot, vars)), ...piped];
      if (head.name === 'and' || head.name === 'or') {
        let last: unknown;
        for (const a of args) if (((last = a), head.name === 'and' ? !truthy(a) : truthy(a))) return a;
        return last;
      }
      return FN[head.name](...args);
    }
    if (rest.length > 0 || piped.length > 0) throw new TemplateError(`can't give argument to non-function ${describe(head)}`);
    return this.arg(head, dot, vars);
  }

  private arg(a: Arg, dot: unknown, vars: Vars): unknown {
    switch (a.k) {
      case 'lit': return a.v;
      case 'fn': return FN[a.name]();
      case 'field': return this.fields(dot, a.chain, describe(a));
      case 'var': {
        const slot = [...vars].reverse().find(([name]) => name === a.name);
        if (!slot) throw new TemplateError(`undefined variable: ${a.name}`);
        return this.fields(slot[1], a.chain, describe(a));
      }
      case 'sub': return this.fields(this.pipe(a.pipe, dot, vars), a.chain, describe(a));
    }
  }

  /** .a.b with missingkey=error, as crictl sets it. */
  private fields(v: unknown, chain: string[], where: string): unknown {
    for (const key of chain) {
      if (v === null || v === undefined) throw new TemplateError(`executing at <${where}>: nil pointer evaluating interface {}.${key}`);
      if (typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`executing at <${where}>: can't evaluate field ${key} in type interface {}`);
      if (!Object.prototype.hasOwnProperty.call(v, key)) throw new TemplateError(`executing at <${where}>: map has no entry for key "${key}"`);
      v = (v as Record<string, unknown>)[key];
    }
    return v;
  }
}

function describe(a: Arg): string {
  if (a.k === 'field') return a.chain.length ? `.${a.chain.join('.')}` : '.';
  if (a.k === 'var') return [a.name, ...a.chain].join('.');
  if (a.k === 'lit') return String(a.v);
  return a.k === 'fn' ? a.name : '(…)';
}
