/**
 * The statement and expression reader for the safe Python subset the static evaluator follows.
 *
 * Logical lines come from the parsers' `splitStatements`, tokens from their `PyLexer`, and tensor
 * literals (`[[0.1, 0.2]]`, `torch.tensor([...], dtype=...)`, `np.array(...)`) from their
 * `PyParser`, tried first wherever a literal can start so a huge literal is read by the fast path
 * once. This file only builds a small syntax tree around them: names, attributes, calls with
 * keyword arguments, subscripts and slices, arithmetic, comparisons, boolean logic, conditional
 * expressions, tuples, lists, strings and f-strings; statements are assignments (also augmented and
 * to an attribute), expressions, `return`/`assert` values, imports and block headers (`if`, `for`,
 * `with`, `try`, `def`, `class`...) with the indent of every statement, so the notebook analysis
 * can follow the blocks. Any statement outside the subset becomes a `skip` with the reason; one
 * bad line never fails the cell.
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
    | { readonly k: 'unary'; readonly op: '-' | '+' | '~'; readonly operand: Expr }
    /** `a < b <= c`, `x in xs`, `y is None`: a chain, as Python reads it. */
    | { readonly k: 'cmp'; readonly ops: readonly CompareOp[]; readonly operands: readonly Expr[] }
    | { readonly k: 'boolop'; readonly op: 'and' | 'or'; readonly values: readonly Expr[] }
    | { readonly k: 'not'; readonly operand: Expr }
    /** `body if test else orelse`. */
    | { readonly k: 'ifexp'; readonly test: Expr; readonly body: Expr; readonly orelse: Expr }
    | { readonly k: 'tuple'; readonly items: readonly Expr[] }
    | { readonly k: 'list'; readonly items: readonly Expr[] }
    /** A literal read by the parsers: a tensor constructor call, or a list (`list` true) with its values. */
    | { readonly k: 'literal'; readonly tensor: TensorVal; readonly list: boolean }
  );

/** The binary operators of the subset. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '**' | '%' | '@' | '&' | '|' | '^';

/** The comparison operators. */
export type CompareOp = '<' | '>' | '==' | '!=' | '<=' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** An assignment target: a name, or a tuple of names (`a, b = ...`). */
export type Target = Span & ({ readonly k: 'name'; readonly id: string } | { readonly k: 'tuple'; readonly names: readonly (string | null)[] });

/** Keywords that open an indented block. */
export type BlockKeyword = 'if' | 'elif' | 'else' | 'for' | 'while' | 'with' | 'try' | 'except' | 'finally' | 'def' | 'class';

/** One parameter of a `def`: its name, `*`/`**` for `*args`/`**kwargs`, and its default. */
export interface Param {
  readonly name: string;
  readonly star: '' | '*' | '**';
  readonly default?: Expr;
}

/**
 * The header of a block (`if x > 0:`, `for i, (x, y) in enumerate(data):`, `with torch.no_grad():`,
 * `def f(a, b=2):`). `unread` says why a header could not be read; the block is then opaque.
 */
export interface BlockHeader {
  readonly keyword: BlockKeyword;
  /** The condition of `if`/`elif`/`while`, the iterable of `for`, the exception of `except`. */
  readonly test?: Expr;
  /** The context expressions of `with`. */
  readonly items?: readonly Expr[];
  /** Names the header binds: the loop targets, `with ... as n`, `except E as n`. */
  readonly names: readonly string[];
  /** The function or class name. */
  readonly name?: string;
  readonly params?: readonly Param[];
  readonly unread?: string;
}

/** One logical line of the cell. */
export type Statement = Span &
  (
    | { readonly kind: 'assign'; readonly targets: readonly Target[]; readonly value: Expr }
    /** An expression statement, or the value of a `return` or `assert`. */
    | { readonly kind: 'expr'; readonly value: Expr; readonly keyword?: 'return' | 'assert' }
    /** `obj.attr = value` on a name (`out.requires_grad = True`). */
    | { readonly kind: 'setattr'; readonly obj: string; readonly attr: string; readonly value: Expr }
    /** A block header; its body is the statements after it with a deeper indent. */
    | { readonly kind: 'block'; readonly header: BlockHeader }
    /** `import torch.nn.functional as F`, `from timm.loss import JsdCrossEntropy`: each alias and the dotted path it stands for. */
    | { readonly kind: 'import'; readonly aliases: readonly { readonly alias: string; readonly path: string }[] }
    /**
     * A line the reader does not follow. `assigned` are names it (probably) rebinds, `mutated` names
     * it changes in place.
     */
    | { readonly kind: 'skip'; readonly reason: string; readonly assigned: readonly string[]; readonly mutated: readonly string[] }
  );

/** A cell read into statements. */
export interface ParsedCell {
  readonly source: string;
  readonly statements: readonly Statement[];
  /** The indent of each statement (a one-line body counts one deeper than its header). */
  readonly indents: readonly number[];
}

/** Statement keywords the reader skips. */
const SKIPPED_KEYWORDS = new Set(['del', 'pass', 'raise', 'global', 'nonlocal', 'yield', 'await', 'break', 'continue', 'lambda', 'match', 'case']);

const BLOCK_KEYWORDS = new Set<string>(['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'def', 'class']);

/** Keywords that cannot appear inside an expression of the subset. */
const EXPRESSION_KEYWORDS = new Set(['for', 'if', 'else', 'in', 'and', 'or', 'is', 'lambda', 'yield', 'await']);

/** Python's reserved words: never a name in an expression. */
const RESERVED = new Set([...EXPRESSION_KEYWORDS, 'not', 'def', 'class', 'return', 'while', 'with', 'try', 'except', 'finally', 'elif', 'import', 'from', 'as', 'pass', 'break', 'continue', 'raise', 'del', 'global', 'nonlocal', 'assert']);

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
  const cell: ParsedCell = { source, ...readStatements(source) };
  CACHE.set(source, cell);
  if (CACHE.size > CACHE_LIMIT) CACHE.delete(CACHE.keys().next().value as string);
  return cell;
}

function readStatements(source: string): { statements: Statement[]; indents: number[] } {
  const statements: Statement[] = [];
  const indents: number[] = [];
  let spans: { start: number; end: number }[];
  try {
    spans = splitStatements(source, 0, source.length);
  } catch {
    return { statements, indents };
  }
  // The indent a `;`-continuation shares: the one of the line's first statement (or its one-line body).
  let lineIndent = 0;
  const push = (st: Statement, indent: number): void => {
    statements.push(st);
    indents.push(indent);
  };
  for (const s of spans) {
    if (source.startsWith('#', s.start)) continue;
    const ls = source.lastIndexOf('\n', s.start - 1) + 1;
    const first = source.slice(ls, s.start).trim() === '';
    const indent = first ? s.start - ls : lineIndent;
    if (first) lineIndent = indent;
    const header = blockKeyword(source, s.start);
    if (header) {
      const { st, body } = readHeader(source, s, header);
      push(st, indent);
      if (body) {
        lineIndent = indent + 1;
        push(readOne(source, body), indent + 1);
      }
      continue;
    }
    push(readOne(source, s), indent);
  }
  return { statements, indents };
}

/** Reads one simple statement; a line the reader cannot follow becomes a `skip` with the reason. */
function readOne(source: string, s: Span): Statement {
  try {
    return new StatementReader(source, s.start, s.end).read();
  } catch (e) {
    const reason = e instanceof ParseError ? e.message : 'The line could not be read.';
    return skipped(source, s, reason);
  }
}

/** The block keyword a statement starts with (`async def` reads as `def`), and where its header text begins. */
function blockKeyword(source: string, at: number): { keyword: BlockKeyword; after: number } | undefined {
  const m = /^(?:async\s+)?([a-z]+)\b/.exec(source.slice(at, at + 24));
  if (!m || !BLOCK_KEYWORDS.has(m[1])) return undefined;
  if (m[0].startsWith('async') && !/^(def|for|with)$/.test(m[1])) return undefined;
  return { keyword: m[1] as BlockKeyword, after: at + m[0].length };
}

/**
 * The first offset in `src[from, end)` where `hit(i, depth)` holds, scanning outside strings and
 * comments with the bracket depth (the depth after a closing bracket at `i`), or -1.
 */
function scanDepth(src: string, from: number, end: number, hit: (i: number, depth: number) => boolean): number {
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = src[i];
    if (c === '#') {
      while (i < end && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const q = src.startsWith(c + c + c, i) ? c + c + c : c;
      let j = i + q.length;
      while (j < end && !src.startsWith(q, j)) j += src[j] === '\\' ? 2 : 1;
      i = j + q.length - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (hit(i, depth)) return i;
  }
  return -1;
}

/** The offset of the colon that ends a block header (at depth 0, not a walrus), or -1. */
function headerColon(src: string, from: number, end: number): number {
  return scanDepth(src, from, end, (i, d) => d === 0 && src[i] === ':' && src[i + 1] !== '=');
}

/** Reads a block header, and the span of a one-line body after its colon (`if x: y = 1`). */
function readHeader(source: string, s: Span, kw: { keyword: BlockKeyword; after: number }): { st: Statement; body?: Span } {
  const colon = headerColon(source, kw.after, s.end);
  const headerSpan = { start: s.start, end: colon < 0 ? s.end : colon + 1 };
  let body: Span | undefined;
  if (colon >= 0) {
    let b = colon + 1;
    while (b < s.end && /\s/.test(source[b])) b++;
    if (b < s.end && source[b] !== '#') body = { start: b, end: s.end };
  }
  let header: BlockHeader;
  try {
    if (colon < 0) throw new ParseError(`The '${kw.keyword}' header has no ':' Loss Lens can find.`, s.start, kw.after - s.start);
    header = new HeaderReader(source, kw.keyword, kw.after, colon).read();
  } catch (e) {
    const reason = e instanceof ParseError ? e.message : 'The header could not be read.';
    header = { keyword: kw.keyword, names: headerNames(source.slice(s.start, headerSpan.end)), unread: reason };
  }
  return { st: { kind: 'block', header, ...headerSpan }, ...(body ? { body } : {}) };
}

/** Names an unread header still (probably) binds: `for a, b in`, `with ... as n`, `def f`. */
function headerNames(text: string): string[] {
  const m = /^\s*(?:async\s+)?for\s+([\w\s,()]+?)\s+in\b/.exec(text) ?? /\bas\s+([A-Za-z_]\w*)/.exec(text) ?? /^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(text);
  return m ? m[1].split(/[\s,()]+/).filter((n) => /^[A-Za-z_]\w*$/.test(n)) : [];
}

/** Reads the text between a block keyword and its colon. */
class HeaderReader {
  private readonly p: ExprParser;

  constructor(
    private readonly src: string,
    private readonly keyword: BlockKeyword,
    private readonly from: number,
    private readonly colon: number,
  ) {
    this.p = new ExprParser(src, from, colon);
  }

  read(): BlockHeader {
    const p = this.p;
    const keyword = this.keyword;
    switch (keyword) {
      case 'if':
      case 'elif':
      case 'while': {
        const test = p.expr();
        p.expectEnd();
        return { keyword, test, names: [] };
      }
      case 'else':
      case 'try':
      case 'finally':
        p.expectEnd();
        return { keyword, names: [] };
      case 'for': {
        const names: string[] = [];
        for (;;) {
          targetNames(p.arith(), names);
          if (!p.isOp(',')) break;
          p.next();
          if (p.isKeyword('in')) break;
        }
        if (!p.isKeyword('in')) throw p.lex.error("'in'");
        p.next();
        const test = p.exprList();
        p.expectEnd();
        return { keyword, test, names };
      }
      case 'with': {
        const items: Expr[] = [];
        const names: string[] = [];
        for (;;) {
          items.push(p.expr());
          if (p.isKeyword('as')) {
            p.next();
            targetNames(p.arith(), names);
          }
          if (!p.isOp(',')) break;
          p.next();
        }
        p.expectEnd();
        return { keyword, items, names };
      }
      case 'except': {
        if (p.lex.kind === Tok.End) return { keyword, names: [] };
        if (p.isOp('*')) p.next();
        const test = p.expr();
        const names: string[] = [];
        if (p.isKeyword('as')) {
          p.next();
          targetNames(p.arith(), names);
        }
        p.expectEnd();
        return { keyword, test, names };
      }
      case 'def':
      case 'class':
        return this.definition(keyword);
    }
  }

  /** `def name(params) -> ann` or `class Name(bases)`. */
  private definition(keyword: 'def' | 'class'): BlockHeader {
    const m = /^\s*([A-Za-z_]\w*)\s*/.exec(this.src.slice(this.from, this.colon));
    if (!m) throw new ParseError(`Expected a name after '${keyword}'.`, this.from, 1);
    const name = m[1];
    if (keyword === 'class') return { keyword, name, names: [name] };
    const open = this.from + m[0].length;
    if (this.src[open] !== '(') throw new ParseError(`Expected '(' after 'def ${name}'.`, open, 1);
    const close = matchingParen(this.src, open, this.colon);
    if (close < 0) throw new ParseError(`The parameters of '${name}' are not closed.`, open, 1);
    return { keyword, name, names: [name], params: readParams(this.src, open + 1, close) };
  }
}

/** The offset of the ')' closing the '(' at `open` (before `end`), or -1. */
function matchingParen(src: string, open: number, end: number): number {
  return scanDepth(src, open, end, (i, d) => d === 0 && src[i] === ')');
}

/** The parameters `a, b: int = 2, *args, key=None, **kw` in `src[start, end)`. */
function readParams(src: string, start: number, end: number): Param[] {
  const out: Param[] = [];
  const comma = (from: number): number => scanDepth(src, from, end, (i, d) => d === 0 && src[i] === ',');
  let from = start;
  const one = (a: number, b: number): void => {
    const text = src.slice(a, b);
    if (/^\s*$/.test(text)) return;
    const m = /^\s*(\*{0,2})\s*([A-Za-z_]\w*)?/.exec(text);
    if (!m || (!m[2] && m[1] !== '*')) {
      if (/^\s*\/\s*$/.test(text)) return;
      throw new ParseError('A parameter Loss Lens cannot read.', a, b - a);
    }
    if (!m[2]) return; // a bare `*`: keyword-only marker
    const eq = depthZeroEquals(src, a + m[0].length, b);
    let def: Expr | undefined;
    if (eq >= 0) {
      const p = new ExprParser(src, eq + 1, b);
      def = p.expr();
      p.expectEnd();
    }
    out.push({ name: m[2], star: m[1] as '' | '*' | '**', ...(def ? { default: def } : {}) });
  };
  for (let at = comma(from); at >= 0; at = comma(from)) {
    one(from, at);
    from = at + 1;
  }
  one(from, end);
  return out;
}

/** The first `=` at depth 0 in `src[from, end)` (a default after an annotation), or -1. */
function depthZeroEquals(src: string, from: number, end: number): number {
  return scanDepth(src, from, end, (i, d) => d === 0 && src[i] === '=' && src[i + 1] !== '=');
}

/** The names of a target expression (`x`, `(a, b)`, `[a, *rest]`), appended to `out`. */
function targetNames(e: Expr, out: string[]): void {
  if (e.k === 'name') out.push(e.id);
  else if (e.k === 'tuple' || e.k === 'list') for (const i of e.items) targetNames(i, out);
  else throw new ParseError('The loop or `as` target is not a name or a tuple of names.', e.start, e.end - e.start);
}

/** A skipped line, with the names it appears to assign (`x = ...`, `a, b = ...`, `for x in`) or change in place. */
function skipped(source: string, s: Span, reason: string): Statement & { kind: 'skip' } {
  const text = source.slice(s.start, Math.min(s.end, s.start + 4096));
  const assigned: string[] = [];
  const lhs = /^\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*(?:[-+*/%@&|^]|\/\/|\*\*)?=(?!=)/.exec(text) ?? /^\s*del\s+((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*$/.exec(text);
  if (lhs) for (const n of lhs[1].split(',')) assigned.push(n.trim());
  const mutated: string[] = [];
  const item = /^\s*([A-Za-z_]\w*)\s*[[.]/.exec(text);
  if (item && !lhs && /=(?!=)/.test(text)) mutated.push(item[1]);
  return { kind: 'skip', reason, assigned, mutated, start: s.start, end: s.end };
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
    if (lex.kind === Tok.Name && (lex.text === 'return' || lex.text === 'assert')) {
      const keyword = lex.text;
      p.next();
      if (p.lex.kind === Tok.End) return skipped(this.src, span, `A bare '${keyword}' has no value.`);
      const value = keyword === 'return' ? p.exprList() : p.expr();
      if (keyword === 'assert' && p.isOp(',')) {
        p.next();
        p.expr();
      }
      p.expectEnd();
      return { kind: 'expr', value, keyword, ...span };
    }
    // Augmented assignment: `x += e` reads as `x = x + e`.
    const aug = /^([A-Za-z_]\w*)\s*(\/\/|\*\*|[-+*/%@&|^])=(?!=)/.exec(this.src.slice(this.start, Math.min(this.end, this.start + 256)));
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
    if (first.k === 'attr' && first.obj.k === 'name') {
      // `out.requires_grad = True`: an attribute of a name.
      p.next();
      const value = p.exprList();
      if (!p.isOp('=')) {
        p.expectEnd();
        return { kind: 'setattr', obj: first.obj.id, attr: first.attr, value, ...span };
      }
    }
    const targets: Target[] = [];
    let value = first;
    while (p.isOp('=')) {
      p.next();
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

  /** True when the current token is the keyword `w`. */
  isKeyword(w: string): boolean {
    return this.lex.kind === Tok.Name && this.lex.text === w;
  }

  /** One expression, as Python's `test`: a conditional expression over boolean logic, comparisons and arithmetic. */
  expr(): Expr {
    if (++this.depth > 200) throw new ParseError('The expression is nested too deeply: simplify it.', this.lex.start, 1);
    if (this.isKeyword('lambda')) throw new ParseError("'lambda' expressions are not evaluated.", this.lex.start, 6);
    let e = this.orTest();
    if (this.isKeyword('if')) {
      this.next();
      const test = this.orTest();
      if (!this.isKeyword('else')) throw this.lex.error("'else' in the conditional expression");
      this.next();
      const orelse = this.expr();
      e = { k: 'ifexp', test, body: e, orelse, start: e.start, end: orelse.end };
    }
    this.depth--;
    return e;
  }

  private orTest(): Expr {
    return this.boolChain('or', () => this.andTest());
  }

  private andTest(): Expr {
    return this.boolChain('and', () => this.notTest());
  }

  private boolChain(op: 'and' | 'or', operand: () => Expr): Expr {
    const first = operand();
    if (!this.isKeyword(op)) return first;
    const values = [first];
    while (this.isKeyword(op)) {
      this.next();
      values.push(operand());
    }
    return { k: 'boolop', op, values, start: first.start, end: values[values.length - 1].end };
  }

  private notTest(): Expr {
    if (this.isKeyword('not')) {
      const start = this.lex.start;
      this.next();
      if (++this.depth > 200) throw new ParseError('The expression is nested too deeply: simplify it.', start, 3);
      const operand = this.notTest();
      this.depth--;
      return { k: 'not', operand, start, end: operand.end };
    }
    return this.comparison();
  }

  private compareOp(): CompareOp | undefined {
    const l = this.lex;
    if (l.kind === Tok.Op && (l.text === '<' || l.text === '>' || l.text === '==' || l.text === '!=' || l.text === '<=' || l.text === '>=')) return l.text as CompareOp;
    if (this.isKeyword('in')) return 'in';
    if (this.isKeyword('is')) return 'is';
    if (this.isKeyword('not')) return 'not in';
    return undefined;
  }

  private comparison(): Expr {
    const first = this.bitOr();
    let op = this.compareOp();
    if (!op) return first;
    const ops: CompareOp[] = [];
    const operands = [first];
    while (op) {
      this.next();
      if (op === 'not in') {
        if (!this.isKeyword('in')) throw this.lex.error("'in' after 'not'");
        this.next();
      } else if (op === 'is' && this.isKeyword('not')) {
        op = 'is not';
        this.next();
      }
      ops.push(op);
      operands.push(this.bitOr());
      op = this.compareOp();
    }
    return { k: 'cmp', ops, operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private bitOr(): Expr {
    return this.binaryLevel(['|'], () => this.bitXor());
  }

  private bitXor(): Expr {
    return this.binaryLevel(['^'], () => this.bitAnd());
  }

  private bitAnd(): Expr {
    return this.binaryLevel(['&'], () => this.arith());
  }

  private binaryLevel(ops: readonly string[], operand: () => Expr): Expr {
    let left = operand();
    while (this.lex.kind === Tok.Op && ops.includes(this.lex.text)) {
      const op = this.lex.text as BinaryOp;
      this.next();
      const r = operand();
      left = { k: 'bin', op, l: left, r, start: left.start, end: r.end };
    }
    return left;
  }

  /** Sums of products of powers of postfix expressions. */
  arith(): Expr {
    return this.binaryLevel(['+', '-'], () => this.term());
  }

  private term(): Expr {
    let left = this.factor();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%') || this.isOp('@')) {
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
    if (this.isOp('-') || this.isOp('+') || this.isOp('~')) {
      const op = this.lex.text as '-' | '+' | '~';
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
        if (RESERVED.has(id)) throw new ParseError(EXPRESSION_KEYWORDS.has(id) ? `'${id}' expressions are not evaluated.` : `Expected a value but found the keyword '${id}'.`, start, stop - start);
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
