/**
 * The statement and expression reader for the safe Python subset the static evaluator follows.
 *
 * Logical lines come from the parsers' `splitStatements`, tokens from their `PyLexer`, and tensor
 * literals (`[[0.1, 0.2]]`, `torch.tensor([...], dtype=...)`, `np.array(...)`) from their
 * `PyParser`, tried first wherever a literal can start so a huge literal is read by the fast path
 * once. This file only builds a small syntax tree around them: names, attributes, calls with
 * keyword arguments, subscripts and slices, `+ - * / // **`, unary signs, tuples, lists, strings
 * and f-strings. Any statement outside the subset becomes a `skip` with the reason; one bad line
 * never fails the cell.
 */
import { ParseError } from '../parsers/errors';
import { PyLexer, Tok } from '../parsers/lexer';
import { PyParser, TensorVal, splitStatements, valueToTensor } from '../parsers/pythonLiteral';

/** A span of the cell source: `[start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One `name=value` argument of a call. */
export interface Keyword {
  readonly name: string;
  readonly value: Expr;
}

/** One piece of an f-string: literal text or a `{field}` with its conversion and format spec. */
export type FStringPart = string | { readonly expr: Expr; readonly spec: string; readonly conversion: string };

/** An expression node. Offsets are into the cell source. */
export type Expr = Span &
  (
    | { readonly k: 'num'; readonly v: number; readonly int: boolean }
    | { readonly k: 'str'; readonly s: string }
    | { readonly k: 'fstring'; readonly parts: readonly FStringPart[] }
    | { readonly k: 'const'; readonly v: boolean | null }
    | { readonly k: 'name'; readonly id: string }
    | { readonly k: 'attr'; readonly obj: Expr; readonly attr: string }
    | { readonly k: 'call'; readonly fn: Expr; readonly args: readonly Expr[]; readonly keywords: readonly Keyword[] }
    | { readonly k: 'index'; readonly obj: Expr; readonly items: readonly Expr[] }
    | { readonly k: 'slice'; readonly lo?: Expr; readonly hi?: Expr; readonly step?: Expr }
    | { readonly k: 'ellipsis' }
    | { readonly k: 'bin'; readonly op: BinaryOp; readonly l: Expr; readonly r: Expr }
    | { readonly k: 'unary'; readonly op: '-' | '+'; readonly operand: Expr }
    | { readonly k: 'tuple'; readonly items: readonly Expr[] }
    | { readonly k: 'list'; readonly items: readonly Expr[] }
    /** A literal read by the parsers: a tensor constructor call, or a list (`list` true) with its values. */
    | { readonly k: 'literal'; readonly tensor: TensorVal; readonly list: boolean }
  );

/** The binary operators of the subset. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '**';

/** An assignment target: a name, or a tuple of names (`a, b = ...`). */
export type Target = Span & ({ readonly k: 'name'; readonly id: string } | { readonly k: 'tuple'; readonly names: readonly (string | null)[] });

/** One logical line of the cell. */
export type Statement = Span &
  (
    | { readonly kind: 'assign'; readonly targets: readonly Target[]; readonly value: Expr }
    | { readonly kind: 'expr'; readonly value: Expr }
    /** `import torch.nn.functional as F`, `from timm.loss import JsdCrossEntropy`: each alias and the dotted path it stands for. */
    | { readonly kind: 'import'; readonly aliases: readonly { readonly alias: string; readonly path: string }[] }
    /**
     * A line the reader does not follow. `assigned` are names it (probably) rebinds, `mutated` names
     * it changes in place; `scope` is `def` inside a function or class body, whose names are local.
     */
    | { readonly kind: 'skip'; readonly reason: string; readonly assigned: readonly string[]; readonly mutated: readonly string[]; readonly scope: 'module' | 'block' | 'def' }
  );

/** A cell read into statements. */
export interface ParsedCell {
  readonly source: string;
  readonly statements: readonly Statement[];
}

/** Statement keywords the reader skips; `def`/`class` bodies are local scopes. */
const SKIPPED_KEYWORDS = new Set([
  'def', 'class', 'if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'return', 'assert', 'del', 'pass',
  'raise', 'global', 'nonlocal', 'yield', 'async', 'await', 'break', 'continue', 'lambda', 'match', 'case',
]);

/** Keywords that cannot appear inside an expression of the subset. */
const EXPRESSION_KEYWORDS = new Set(['for', 'if', 'else', 'in', 'not', 'and', 'or', 'is', 'lambda', 'yield', 'await']);

/** Spellings a tensor constructor call can start with, for the parsers' literal fast path. */
const CONSTRUCTOR_START = /(?:torch\.(?:tensor|as_tensor|asarray|Tensor|FloatTensor|DoubleTensor|LongTensor|IntTensor)|np\.(?:array|asarray)|numpy\.(?:array|asarray)|tensor|array)\s*\(/y;

/** An f-string prefix (`f"`, `rf'`, `Fr"`...) at an offset. */
const FSTRING_PREFIX = /[rRbBuU]?[fF][rRbBuU]?["']/y;

/** Parse results by cell source: a hover re-reads a cell only when its text changed. */
const CACHE = new Map<string, ParsedCell>();
const CACHE_LIMIT = 256;

/** Reads a cell (or a .py file) into statements, cached by its source string. Never throws. */
export function parseCell(source: string): ParsedCell {
  const hit = CACHE.get(source);
  if (hit) {
    CACHE.delete(source);
    CACHE.set(source, hit);
    return hit;
  }
  const cell: ParsedCell = { source, statements: readStatements(source) };
  CACHE.set(source, cell);
  if (CACHE.size > CACHE_LIMIT) CACHE.delete(CACHE.keys().next().value as string);
  return cell;
}

function readStatements(source: string): Statement[] {
  const out: Statement[] = [];
  let defIndent = -1;
  let spans: { start: number; end: number }[];
  try {
    spans = splitStatements(source, 0, source.length);
  } catch {
    return out;
  }
  for (const s of spans) {
    const indent = s.start - (source.lastIndexOf('\n', s.start - 1) + 1);
    if (source.startsWith('#', s.start)) continue;
    if (defIndent >= 0 && indent <= defIndent) defIndent = -1;
    const inBlock = indent > 0;
    let st: Statement;
    try {
      st = new StatementReader(source, s.start, s.end).read();
    } catch (e) {
      const reason = e instanceof ParseError ? e.message : 'The line could not be read.';
      st = skipped(source, s, reason);
    }
    if (st.kind === 'skip' && /^(def|class|async\s+def)\b/.test(source.slice(s.start, s.start + 12)) && defIndent < 0) defIndent = indent;
    if (defIndent >= 0 && indent > defIndent) {
      out.push({ ...skipped(source, s, 'The line is inside a function or class body.'), scope: 'def' });
      continue;
    }
    if (inBlock) {
      out.push({ ...skipped(source, s, 'The line is inside an indented block (a loop, an if or a with), which Loss Lens does not follow.'), scope: 'block' });
      continue;
    }
    out.push(st);
  }
  return out;
}

/** A skipped line, with the names it appears to assign (`x = ...`, `a, b = ...`, `for x in`) or change in place. */
function skipped(source: string, s: Span, reason: string): Statement & { kind: 'skip' } {
  const text = source.slice(s.start, Math.min(s.end, s.start + 4096));
  const assigned: string[] = [];
  const lhs = /^\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*(?:[-+*/%@&|^]|\/\/|\*\*)?=(?!=)/.exec(text) ?? /^\s*for\s+((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s+in\b/.exec(text) ?? /^\s*with\b.*\bas\s+([A-Za-z_]\w*)/.exec(text);
  if (lhs) for (const n of lhs[1].split(',')) assigned.push(n.trim());
  const mutated: string[] = [];
  const item = /^\s*([A-Za-z_]\w*)\s*[[.]/.exec(text);
  if (item && !lhs && /=(?!=)/.test(text)) mutated.push(item[1]);
  return { kind: 'skip', reason, assigned, mutated, scope: 'module', start: s.start, end: s.end };
}

/** Reads one logical line. */
class StatementReader {
  private readonly p: ExprParser;

  constructor(
    private readonly src: string,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.p = new ExprParser(src, start, end);
  }

  read(): Statement {
    const p = this.p;
    const lex = p.lex;
    const span = { start: this.start, end: this.end };
    if (lex.kind === Tok.Name && (lex.text === 'import' || lex.text === 'from')) return { kind: 'import', aliases: this.imports(), ...span };
    if (lex.kind === Tok.Name && SKIPPED_KEYWORDS.has(lex.text)) {
      return skipped(this.src, span, `'${lex.text}' statements are not followed: Loss Lens reads assignments, imports and expressions.`);
    }
    if (lex.kind === Tok.End) return skipped(this.src, span, 'The line is empty.');
    // Augmented assignment: `x += e` reads as `x = x + e`.
    const aug = /^([A-Za-z_]\w*)\s*(\/\/|\*\*|[-+*/])=(?!=)/.exec(this.src.slice(this.start, Math.min(this.end, this.start + 256)));
    if (aug) {
      const rhs = new ExprParser(this.src, this.start + aug[0].length, this.end);
      const value = rhs.exprList();
      rhs.expectEnd();
      const nameEnd = this.start + aug[1].length;
      const l: Expr = { k: 'name', id: aug[1], start: this.start, end: nameEnd };
      return { kind: 'assign', targets: [{ k: 'name', id: aug[1], start: this.start, end: nameEnd }], value: { k: 'bin', op: aug[2] as BinaryOp, l, r: value, start: this.start, end: value.end }, ...span };
    }
    const first = p.exprList();
    if (!p.isOp('=')) {
      p.expectEnd();
      return { kind: 'expr', value: first, ...span };
    }
    const targets: Target[] = [];
    let value = first;
    while (p.isOp('=')) {
      const eqAt = lex.start;
      p.next();
      if (p.isOp('=')) throw new ParseError("Comparisons ('==') are not evaluated.", eqAt, 2);
      targets.push(toTarget(value));
      value = p.exprList();
    }
    p.expectEnd();
    return { kind: 'assign', targets, value, ...span };
  }

  /** `import a.b as c, d` or `from a.b import c as d, e`. */
  private imports(): { alias: string; path: string }[] {
    const p = this.p;
    const lex = p.lex;
    const out: { alias: string; path: string }[] = [];
    if (lex.text === 'import') {
      p.next();
      for (;;) {
        const path = this.dotted();
        let alias = path.split('.')[0];
        let bound = alias;
        if (this.isName('as')) {
          p.next();
          alias = this.name();
          bound = path;
        }
        out.push({ alias, path: bound });
        if (!p.isOp(',')) break;
        p.next();
      }
      p.expectEnd();
      return out;
    }
    p.next();
    let dots = '';
    while (p.isOp('.')) {
      dots += '.';
      p.next();
    }
    const base = dots + (lex.kind === Tok.Name && !this.isName('import') ? this.dotted() : '');
    if (!this.isName('import')) throw lex.error("'import'");
    p.next();
    const paren = p.isOp('(');
    if (paren) p.next();
    for (;;) {
      if (p.isOp('*')) throw new ParseError(`'from ${base} import *' is not followed: import the names you use.`, lex.start, 1);
      const name = this.name();
      let alias = name;
      if (this.isName('as')) {
        p.next();
        alias = this.name();
      }
      out.push({ alias, path: `${base}.${name}` });
      if (!p.isOp(',')) break;
      p.next();
      if (paren && p.isOp(')')) break;
    }
    if (paren) {
      if (!p.isOp(')')) throw lex.error("')'");
      p.next();
    }
    p.expectEnd();
    return out;
  }

  /** True when the current token is the name `n` (a call, so narrowing of `lex.text` does not stick). */
  private isName(n: string): boolean {
    return this.p.lex.kind === Tok.Name && this.p.lex.text === n;
  }

  private dotted(): string {
    let s = this.name();
    while (this.p.isOp('.')) {
      this.p.next();
      s += '.' + this.name();
    }
    return s;
  }

  private name(): string {
    const lex = this.p.lex;
    if (lex.kind !== Tok.Name) throw lex.error('a name');
    const n = lex.text;
    this.p.next();
    return n;
  }
}

function toTarget(e: Expr): Target {
  if (e.k === 'name') return { k: 'name', id: e.id, start: e.start, end: e.end };
  if (e.k === 'tuple' || e.k === 'list') {
    return { k: 'tuple', names: e.items.map((i) => (i.k === 'name' ? i.id : null)), start: e.start, end: e.end };
  }
  throw new ParseError('Only assignments to names are followed: an item or attribute assignment changes a value Loss Lens cannot track.', e.start, e.end - e.start);
}

/** The expression parser over one span of the cell. */
export class ExprParser {
  readonly lex: PyLexer;
  private fstringStart = -1;
  private depth = 0;

  /** Parses `src[start, end)`. */
  constructor(
    readonly src: string,
    start: number,
    readonly end: number,
  ) {
    // Built at `end` so the constructor's first scan cannot throw; `next` then starts at `start`.
    this.lex = new PyLexer(src, end, end);
    this.advanceFrom(start);
  }

  /** Advances to the next token, reading an f-string (which the lexer refuses) as its quoted body. */
  next(): void {
    this.advanceFrom(-1);
  }

  private advanceFrom(pos: number): void {
    this.fstringStart = -1;
    try {
      if (pos >= 0) this.lex.reset(pos);
      else this.lex.next();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      FSTRING_PREFIX.lastIndex = e.offset;
      const m = FSTRING_PREFIX.exec(this.src);
      if (!m) throw e;
      this.lex.reset(e.offset + m[0].length - 1);
      this.fstringStart = e.offset;
    }
  }

  /** True when the current token is the operator `op`. */
  isOp(op: string): boolean {
    return this.lex.kind === Tok.Op && this.lex.text === op;
  }

  /** Requires the end of the span. */
  expectEnd(): void {
    if (this.lex.kind === Tok.Name && EXPRESSION_KEYWORDS.has(this.lex.text)) {
      throw new ParseError(`'${this.lex.text}' expressions (comprehensions, conditionals, boolean logic) are not evaluated.`, this.lex.start, this.lex.stop - this.lex.start);
    }
    if (this.lex.kind !== Tok.End) throw this.lex.error('the end of the line');
  }

  /** `a, b, c` (a tuple when there is a comma) or one expression. */
  exprList(): Expr {
    const first = this.expr();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.atExprEnd()) break;
      items.push(this.expr());
    }
    return { k: 'tuple', items, start: first.start, end: items[items.length - 1].end };
  }

  private atExprEnd(): boolean {
    const l = this.lex;
    return l.kind === Tok.End || (l.kind === Tok.Op && (l.text === ')' || l.text === ']' || l.text === '=' || l.text === '}'));
  }

  /** One expression: sums of products of powers of postfix expressions. */
  expr(): Expr {
    if (++this.depth > 200) throw new ParseError('The expression is nested too deeply: simplify it.', this.lex.start, 1);
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.lex.text as BinaryOp;
      this.next();
      const r = this.term();
      left = { k: 'bin', op, l: left, r, start: left.start, end: r.end };
    }
    this.depth--;
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/')) {
      let op = this.lex.text as BinaryOp;
      const at = this.lex.start;
      this.next();
      if (op === '/' && this.isOp('/') && this.lex.start === at + 1) {
        op = '//';
        this.next();
      }
      const r = this.factor();
      left = { k: 'bin', op, l: left, r, start: left.start, end: r.end };
    }
    return left;
  }

  private factor(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.lex.text as '-' | '+';
      const start = this.lex.start;
      this.next();
      const operand = this.factor();
      return { k: 'unary', op, operand, start, end: operand.end };
    }
    const base = this.postfix();
    if (this.isOp('**')) {
      this.next();
      const r = this.factor();
      return { k: 'bin', op: '**', l: base, r, start: base.start, end: r.end };
    }
    return base;
  }

  private postfix(): Expr {
    let e = this.literal() ?? this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        if (this.lex.kind !== Tok.Name) throw this.lex.error("a name after '.'");
        e = { k: 'attr', obj: e, attr: this.lex.text, start: e.start, end: this.lex.stop };
        this.next();
      } else if (this.isOp('(')) {
        e = this.call(e);
      } else if (this.isOp('[')) {
        e = this.subscript(e);
      } else return e;
    }
  }

  /**
   * A list literal or tensor constructor read by the parsers, or undefined when the text here is
   * not one (it holds a variable, a comprehension, an unsupported method...). The cursor moves past
   * it on success.
   */
  private literal(): Expr | undefined {
    const lex = this.lex;
    const start = lex.start;
    const isList = lex.kind === Tok.Op && lex.text === '[';
    if (!isList) {
      if (lex.kind !== Tok.Name) return undefined;
      CONSTRUCTOR_START.lastIndex = start;
      if (!CONSTRUCTOR_START.test(this.src)) return undefined;
    }
    try {
      const p = new PyParser(this.src, start, this.end);
      const v = p.callExpression();
      if (v.k !== 'tensor' && v.k !== 'seq') return undefined;
      // A method the parsers do not know (`.sum()`) follows: read the call structurally instead.
      if (p.lex.kind === Tok.Op && p.lex.text === '.' && v.k === 'tensor') return undefined;
      const tensor = v.k === 'tensor' ? v : valueToTensor(p, v, 'float64');
      this.advanceFrom(p.lex.start);
      return { k: 'literal', tensor, list: v.k === 'seq', start, end: v.end };
    } catch (e) {
      if (e instanceof ParseError || e instanceof RangeError) return undefined;
      throw e;
    }
  }

  private atom(): Expr {
    const lex = this.lex;
    const start = lex.start;
    const stop = lex.stop;
    switch (lex.kind) {
      case Tok.Number: {
        const e: Expr = { k: 'num', v: lex.value, int: lex.integer, start, end: stop };
        this.next();
        return e;
      }
      case Tok.String:
        return this.strings();
      case Tok.Ellipsis:
        this.next();
        return { k: 'ellipsis', start, end: stop };
      case Tok.Name: {
        const id = lex.text;
        if (EXPRESSION_KEYWORDS.has(id)) throw new ParseError(`'${id}' expressions are not evaluated.`, start, stop - start);
        this.next();
        if (id === 'True' || id === 'False' || id === 'None') return { k: 'const', v: id === 'None' ? null : id === 'True', start, end: stop };
        return { k: 'name', id, start, end: stop };
      }
      case Tok.Op:
        if (lex.text === '(') {
          this.next();
          if (this.isOp(')')) {
            const end = lex.stop;
            this.next();
            return { k: 'tuple', items: [], start, end };
          }
          const inner = this.expr();
          if (this.isOp(')')) {
            const end = lex.stop;
            this.next();
            return { ...inner, start, end };
          }
          const items = [inner];
          while (this.isOp(',')) {
            this.next();
            if (this.isOp(')')) break;
            items.push(this.expr());
          }
          if (!this.isOp(')')) this.expectClose(')');
          const end = lex.stop;
          this.next();
          return { k: 'tuple', items, start, end };
        }
        if (lex.text === '[') {
          this.next();
          const items: Expr[] = [];
          while (!this.isOp(']')) {
            items.push(this.expr());
            if (this.isOp(',')) this.next();
            else if (!this.isOp(']')) this.expectClose(']');
          }
          const end = lex.stop;
          this.next();
          return { k: 'list', items, start, end };
        }
        if (lex.text === '{') throw new ParseError('Dicts and sets are not evaluated.', start, 1);
        break;
      default:
        break;
    }
    throw lex.error('a value');
  }

  private expectClose(close: string): never {
    const lex = this.lex;
    if (lex.kind === Tok.Name && EXPRESSION_KEYWORDS.has(lex.text)) {
      throw new ParseError(`'${lex.text}' expressions (comprehensions, conditionals) are not evaluated.`, lex.start, lex.stop - lex.start);
    }
    throw lex.error(`',' or '${close}'`);
  }

  /** Adjacent string literals concatenate; any f-string among them makes the whole an f-string. */
  private strings(): Expr {
    const start = this.fstringStart >= 0 ? this.fstringStart : this.lex.start;
    const parts: FStringPart[] = [];
    let end = start;
    let isF = false;
    while (this.lex.kind === Tok.String) {
      if (this.fstringStart >= 0) {
        isF = true;
        this.fields(this.lex.start, this.lex.stop, parts);
      } else parts.push(this.lex.text);
      end = this.lex.stop;
      this.next();
    }
    if (!isF) return { k: 'str', s: parts.join(''), start, end };
    return { k: 'fstring', parts, start, end };
  }

  /** Splits the f-string body quoted at `[q, stop)` into text and `{expr!c:spec}` fields. */
  private fields(q: number, stop: number, parts: FStringPart[]): void {
    const src = this.src;
    const quote = src[q];
    const triple = src.startsWith(quote.repeat(3), q);
    const bodyStart = q + (triple ? 3 : 1);
    const bodyEnd = stop - (triple ? 3 : 1);
    let text = '';
    let i = bodyStart;
    while (i < bodyEnd) {
      const c = src[i];
      if ((c === '{' || c === '}') && src[i + 1] === c) {
        text += c;
        i += 2;
        continue;
      }
      if (c === '\\') {
        const esc = src[i + 1];
        text += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
        i += 2;
        continue;
      }
      if (c !== '{') {
        text += c;
        i++;
        continue;
      }
      if (text) parts.push(text);
      text = '';
      // The field runs to the matching '}' outside brackets and strings; '!' and ':' at depth 0 end the expression.
      let depth = 0;
      let j = i + 1;
      let exprEnd = -1;
      let inStr = '';
      for (; j < bodyEnd; j++) {
        const d = src[j];
        if (inStr) {
          if (d === inStr) inStr = '';
          continue;
        }
        if (d === '"' || d === "'") inStr = d;
        else if (d === '(' || d === '[' || d === '{') depth++;
        else if ((d === ')' || d === ']') && depth > 0) depth--;
        else if (d === '}' && depth > 0) depth--;
        else if (depth === 0 && (d === '}' || ((d === '!' || d === ':') && exprEnd < 0 && src[j + 1] !== '='))) {
          if (exprEnd < 0) exprEnd = j;
          if (d === '}') break;
        }
      }
      if (j >= bodyEnd) throw new ParseError("An f-string field is never closed: add the '}'.", i, bodyEnd - i);
      let eEnd = exprEnd;
      const rest = src.slice(exprEnd, j);
      const conversion = rest.startsWith('!') ? rest.slice(1, 2) : '';
      const spec = rest.includes(':') ? rest.slice(rest.indexOf(':') + 1) : '';
      // `{x=}` prints "x=" then the value.
      const selfDoc = /=\s*$/.exec(src.slice(i + 1, eEnd));
      if (selfDoc) {
        parts.push(src.slice(i + 1, eEnd));
        eEnd -= selfDoc[0].length;
      }
      const sub = new ExprParser(src, i + 1, eEnd);
      const expr = sub.exprList();
      sub.expectEnd();
      parts.push({ expr, spec, conversion: conversion || (selfDoc ? 'r' : '') });
      i = j + 1;
    }
    if (text) parts.push(text);
  }

  private call(fn: Expr): Expr {
    const lex = this.lex;
    this.next();
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.isOp(')')) {
      if (lex.kind === Tok.End) throw lex.error(`')' to close the call`);
      if (this.isOp('*') || this.isOp('**')) throw new ParseError('Argument unpacking (*args, **kwargs) is not evaluated.', lex.start, lex.stop - lex.start);
      const e = this.expr();
      if (this.isOp('=') && e.k === 'name') {
        this.next();
        keywords.push({ name: e.id, value: this.expr() });
      } else {
        if (keywords.length > 0) throw new ParseError('A positional argument follows a keyword argument.', e.start, e.end - e.start);
        args.push(e);
      }
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) this.expectClose(')');
    }
    const end = lex.stop;
    this.next();
    return { k: 'call', fn, args, keywords, start: fn.start, end };
  }

  private subscript(obj: Expr): Expr {
    const lex = this.lex;
    this.next();
    const items: Expr[] = [];
    while (!this.isOp(']')) {
      items.push(this.sliceItem());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(']')) this.expectClose(']');
    }
    const end = lex.stop;
    this.next();
    return { k: 'index', obj, items, start: obj.start, end };
  }

  private sliceItem(): Expr {
    const start = this.lex.start;
    const bound = (): Expr | undefined => (this.isOp(':') || this.isOp(',') || this.isOp(']') ? undefined : this.expr());
    const lo = bound();
    if (!this.isOp(':')) {
      if (!lo) throw this.lex.error('an index');
      return lo;
    }
    this.next();
    const hi = bound();
    let step: Expr | undefined;
    if (this.isOp(':')) {
      this.next();
      step = bound();
    }
    return { k: 'slice', lo, hi, step, start, end: this.lex.start };
  }
}
