/**
 * Python tensor literals and printed reprs, read without running anything.
 *
 * A recursive-descent parser over {@link PyLexer} evaluates a small, safe subset of Python:
 * - list and tuple literals of numbers, nested to any depth up to {@link MAX_DIMS};
 * - `torch.tensor`, `torch.as_tensor`, `torch.Tensor`, `torch.FloatTensor`, `torch.DoubleTensor`,
 *   `torch.LongTensor`, `torch.IntTensor`, `np.array`, `np.asarray` (also `numpy.`), with `dtype`,
 *   `requires_grad` and `device` keywords, and `.float()`, `.double()`, `.long()`, `.to(torch.float32)`,
 *   `.astype(np.float32)`, `.cpu()`, `.detach()` and similar methods that only cast or move;
 * - arithmetic on numbers: `+ - * / **`, unary signs, parentheses, `float('inf')`, `int(x)`,
 *   `math.inf/nan/pi/e`, `math.log/exp/sqrt` (and `log1p`, `expm1`, `log2`, `log10`), `np.inf`, `np.nan`.
 *
 * Anything else (`torch.randn(3)`, `__import__('os')`, `open(f)`, a variable) is refused with a
 * {@link ParseError} naming it. There is no eval and no Function.
 *
 * In repr mode (text printed by torch or numpy) the leaves are literal numbers with an optional
 * sign, `nan` and `inf`; elements may be separated by whitespace alone (numpy's `print(a)`), and
 * the keywords torch prints (`grad_fn=<MulBackward0>`, `requires_grad=True`, `device='cuda:0'`,
 * `dtype=torch.float16`, `size=(0, 3)`) are understood. A summarized print (`...`) is refused with
 * the setting that prints it in full.
 *
 * Dtypes: Python int literals (and True/False) give int64 and any float gives float: float32 for
 * torch constructors (torch's default dtype) and torch prints, float64 for numpy, bare lists and
 * `torch.DoubleTensor`. A `dtype=` keyword or a cast method wins. float32 values are rounded to float32.
 * Recursion is capped ({@link MAX_EXPRESSION_DEPTH}), so adversarial nesting ends in a ParseError.
 */
import { DType, formatShape, numel } from '../engine/tensor';
import { castInPlace, dtypeFromName, dtypeFromPythonName } from './dtypes';
import { ParseError } from './errors';
import { estimateCount, Float64Builder, MAX_DIMS } from './jsonTensor';
import { Ch, PyLexer, Tok } from './lexer';
import { numberRun } from './numberRun';

/** Deepest nesting of calls, parentheses and operators; deeper input is refused, not recursed into. */
export const MAX_EXPRESSION_DEPTH = 200;

/** The message for a print with `...` in it. */
export const SUMMARIZED_MESSAGE =
  "The print is summarized with '...', so values are missing: print it in full with torch.set_printoptions(profile='full') or numpy.set_printoptions(threshold=sys.maxsize), then copy it again.";

/** A number with whether it was written as an integer. */
interface NumVal {
  k: 'num';
  v: number;
  int: boolean;
  start: number;
  end: number;
}

/**
 * A list or tuple. Its numbers are not stored here but in the parser's one leaf buffer, in source
 * order, which for a rectangular literal is row-major order: `[from, to)` is this sequence's slice
 * of it, so the tensor's data needs no per-row arrays and no flattening copy.
 */
interface SeqVal {
  k: 'seq';
  /** Nested sequences, in order. */
  kids: SeqVal[];
  /** Number of items (numbers and sequences). */
  count: number;
  /** Index of the first number item, or -1. */
  firstNum: number;
  /** Index of the first sequence item, or -1. */
  firstKid: number;
  from: number;
  to: number;
  int: boolean;
  start: number;
  end: number;
}

/** A tensor made by a constructor call or a repr. */
export interface TensorVal {
  k: 'tensor';
  shape: number[];
  data: Float64Array;
  dtype: DType;
  requiresGrad: boolean;
  device?: string;
  start: number;
  end: number;
}

/** A dotted name not (yet) resolved: `torch.float32`, `torch.randn`. */
interface NameVal {
  k: 'name';
  name: string;
  start: number;
  end: number;
}

interface StrVal {
  k: 'str';
  s: string;
  start: number;
  end: number;
}

/** `None`, or a repr-only marker such as `<NllLossBackward0>`. */
interface OtherVal {
  k: 'none' | 'marker';
  start: number;
  end: number;
}

type Val = NumVal | SeqVal | TensorVal | NameVal | StrVal | OtherVal;

/** Calls that build a tensor, with the dtype their floats get and whether ints stay int64. */
interface Constructor {
  /** Dtype of float data without a `dtype=` keyword. */
  floatDtype: DType;
  /** Dtype regardless of the data (`torch.FloatTensor`), if fixed. */
  fixed?: DType;
  /** numpy semantics for `dtype=float`. */
  numpy: boolean;
}

const TORCH_TENSOR: Constructor = { floatDtype: 'float32', numpy: false };
const NUMPY_ARRAY: Constructor = { floatDtype: 'float64', numpy: true };
const CONSTRUCTORS = new Map<string, Constructor>([
  ['torch.tensor', TORCH_TENSOR],
  ['torch.as_tensor', TORCH_TENSOR],
  ['torch.asarray', TORCH_TENSOR],
  ['tensor', TORCH_TENSOR],
  ['torch.Tensor', { floatDtype: 'float32', fixed: 'float32', numpy: false }],
  ['torch.FloatTensor', { floatDtype: 'float32', fixed: 'float32', numpy: false }],
  ['torch.DoubleTensor', { floatDtype: 'float64', fixed: 'float64', numpy: false }],
  ['torch.LongTensor', { floatDtype: 'int64', fixed: 'int64', numpy: false }],
  ['torch.IntTensor', { floatDtype: 'int64', fixed: 'int64', numpy: false }],
  ['np.array', NUMPY_ARRAY],
  ['np.asarray', NUMPY_ARRAY],
  ['numpy.array', NUMPY_ARRAY],
  ['numpy.asarray', NUMPY_ARRAY],
  ['array', NUMPY_ARRAY],
]);

/** numpy scalar constructors (`np.float32(0.5)`, as numpy 2 prints scalars). */
const NUMPY_SCALARS = /^(np|numpy)\.(float16|float32|float64|half|single|double|int8|int16|int32|int64|uint8|uint16|uint32|uint64|bool_|longlong|intp)$/;

const CONSTANTS = new Map<string, number>([
  ['math.inf', Infinity],
  ['math.nan', NaN],
  ['math.pi', Math.PI],
  ['math.e', Math.E],
  ['math.tau', 2 * Math.PI],
  ['np.inf', Infinity],
  ['np.nan', NaN],
  ['np.pi', Math.PI],
  ['np.e', Math.E],
  ['np.NaN', NaN],
  ['np.Inf', Infinity],
  ['numpy.inf', Infinity],
  ['numpy.nan', NaN],
  ['numpy.pi', Math.PI],
  ['numpy.e', Math.E],
  ['torch.inf', Infinity],
  ['torch.nan', NaN],
  ['torch.pi', Math.PI],
  ['torch.e', Math.E],
  ['inf', Infinity],
  ['nan', NaN],
]);

const FUNCTIONS = new Map<string, (x: number) => number>([
  ['math.log', Math.log],
  ['math.exp', Math.exp],
  ['math.sqrt', Math.sqrt],
  ['math.log1p', Math.log1p],
  ['math.expm1', Math.expm1],
  ['math.log2', Math.log2],
  ['math.log10', Math.log10],
  ['np.log', Math.log],
  ['np.exp', Math.exp],
  ['np.sqrt', Math.sqrt],
  ['numpy.log', Math.log],
  ['numpy.exp', Math.exp],
  ['numpy.sqrt', Math.sqrt],
]);

/** Methods that cast a tensor to a dtype. */
const CAST_METHODS = new Map<string, DType>([
  ['float', 'float32'],
  ['half', 'float32'],
  ['bfloat16', 'float32'],
  ['double', 'float64'],
  ['long', 'int64'],
  ['int', 'int64'],
  ['short', 'int64'],
  ['bool', 'int64'],
]);

/** Methods that return the same values (moves, copies, autograd flags). */
const IDENTITY_METHODS = new Set(['cpu', 'cuda', 'detach', 'clone', 'contiguous', 'numpy', 'requires_grad_', 'copy', 'tolist']);

/** Python keywords that start statements the statement reader skips. */
const STATEMENT_KEYWORDS = /^(import|from|def|class|if|elif|else|for|while|with|return|assert|del|pass|raise|try|except|finally|global|nonlocal|yield|async|await|lambda|break|continue|print)\b/;

/** Parser options. */
export interface PythonParseOptions {
  /** True for printed reprs: literal leaves only, whitespace separators, torch's print keywords. */
  repr?: boolean;
}

/** The parser: one instance per parse. */
export class PyParser {
  readonly lex: PyLexer;
  private depth = 0;
  private seqDepth = 0;
  /** Every number of every sequence, in source order. */
  private readonly leaves: Float64Builder;
  private readonly repr: boolean;

  /** Parses `text[start, end)`; offsets stay relative to `text`. */
  constructor(
    readonly text: string,
    start: number,
    end: number,
    options: PythonParseOptions = {},
  ) {
    this.repr = options.repr === true;
    this.leaves = new Float64Builder(end - start > 4096 ? estimateCount(text, start, end) : 64);
    this.lex = new PyLexer(text, start, end);
  }

  /** Reads one whole expression and requires the end of the input after it. */
  parseWhole(): Val {
    const v = this.expression();
    if (this.lex.kind !== Tok.End) throw this.lex.error('the end of the expression', 'write one tensor expression');
    return v;
  }

  /** One call or name with its method calls, such as a repr `tensor([...], grad_fn=<...>)`; stops before any operator. */
  callExpression(): Val {
    return this.postfix();
  }

  /** The expression at the cursor. */
  expression(): Val {
    this.enter();
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.lex.text;
      const opStart = this.lex.start;
      if (this.seqDepth > 0 && left.k === 'num' && this.looksLikeSignedValue(opStart)) {
        throw new ParseError(
          `'${this.text.slice(left.start, Math.min(this.text.length, opStart + 24)).split(/[\s,\]\)]/, 1)[0]} ${this.text.slice(opStart).match(/^[-+][0-9.eE+-]*/)?.[0] ?? op}' is ambiguous: ` +
            `NumPy prints a row as values separated by spaces, Python reads '${op}' as arithmetic. ` +
            `Add a comma between the values, or read the text as a printed repr.`,
          opStart,
          1,
        );
      }
      this.lex.next();
      const right = this.term();
      left = this.arith(op, left, right, opStart);
    }
    this.depth--;
    return left;
  }

  /**
   * True when the `+`/`-` at `opStart` has whitespace before it and a digit right after it, as in
   * `[ 0.5 -1.5]`: NumPy's print of a row, which Python would read as a subtraction. Inside a
   * list such text is never taken as arithmetic (a wrong number); `1 - 2` and `1-2` still are.
   */
  private looksLikeSignedValue(opStart: number): boolean {
    const before = this.text.charCodeAt(opStart - 1);
    const after = this.text.charCodeAt(opStart + 1);
    const space = before === 32 || before === 9 || before === 10 || before === 13;
    return space && ((after >= 48 && after <= 57) || after === 46);
  }

  private term(): Val {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.lex.text;
      const opStart = this.lex.start;
      this.lex.next();
      if (op === '/' && this.isOp('/')) throw this.lex.error("an operand after '/'", "floor division '//' is not supported");
      const right = this.unary();
      left = this.arith(op, left, right, opStart);
    }
    return left;
  }

  private unary(): Val {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.lex.text;
      const start = this.lex.start;
      this.enter();
      this.lex.next();
      const v = this.unary();
      this.depth--;
      const n = this.asNumber(v, `the operand of unary '${op}'`);
      return { k: 'num', v: op === '-' ? -n.v : n.v, int: n.int, start, end: v.end };
    }
    return this.power();
  }

  private power(): Val {
    const base = this.postfix();
    if (this.isOp('**')) {
      const opStart = this.lex.start;
      this.lex.next();
      this.enter();
      const exp = this.unary();
      this.depth--;
      return this.arith('**', base, exp, opStart);
    }
    return base;
  }

  /** An atom followed by calls, attribute accesses and method calls. */
  private postfix(): Val {
    let v = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.lex.next();
        if (this.lex.kind !== Tok.Name) throw this.lex.error("a name after '.'");
        const attr = this.lex.text;
        const attrEnd = this.lex.stop;
        this.lex.next();
        if (v.k === 'name') {
          v = { k: 'name', name: `${v.name}.${attr}`, start: v.start, end: attrEnd };
          continue;
        }
        if (v.k === 'tensor' && this.isOp('(')) {
          v = this.method(v, attr, attrEnd);
          continue;
        }
        throw new ParseError(`Attribute '.${attr}' is not supported here: only cast and move methods such as .float() or .to(torch.float32) on a tensor are read.`, attrEnd - attr.length, attr.length);
      }
      if (this.repr && v.k !== 'name') return v;
      if (this.isOp('(')) {
        if (v.k !== 'name') throw this.lex.error('an operator or the end of the expression', 'only named functions can be called');
        v = this.call(v);
        continue;
      }
      if (this.isOp('[')) {
        throw this.lex.error('an operator or the end of the expression', 'indexing is not supported; write the values as a literal');
      }
      return v;
    }
  }

  private atom(): Val {
    const lex = this.lex;
    const start = lex.start;
    switch (lex.kind) {
      case Tok.Number: {
        const v: NumVal = { k: 'num', v: lex.value, int: lex.integer, start, end: lex.stop };
        lex.next();
        return v;
      }
      case Tok.String: {
        const v: StrVal = { k: 'str', s: lex.text, start, end: lex.stop };
        lex.next();
        return v;
      }
      case Tok.Name: {
        const name = lex.text;
        const end = lex.stop;
        lex.next();
        if (name === 'True' || name === 'False') return { k: 'num', v: name === 'True' ? 1 : 0, int: true, start, end };
        if (name === 'None') return { k: 'none', start, end };
        return { k: 'name', name, start, end };
      }
      case Tok.Ellipsis:
        throw new ParseError(SUMMARIZED_MESSAGE, start, 3);
      case Tok.Op:
        if (lex.text === '[') return this.sequence(']');
        if (lex.text === '(') return this.parenthesized();
        if (lex.text === '{') throw new ParseError("A dict or set is not a tensor: write the values as a list such as [[1.0, 2.0]].", start, 1);
        if (lex.text === '<' && this.repr) return this.marker();
        break;
      default:
        break;
    }
    throw lex.error('a number, a list or a tensor');
  }

  /** `<NllLossBackward0>` in a repr's `grad_fn=`. */
  private marker(): OtherVal {
    const start = this.lex.start;
    const close = this.text.indexOf('>', start);
    if (close < 0 || close >= this.lex.end) throw new ParseError("Expected '>' to close the '<' of a grad_fn but found the end of the input.", start, 1);
    this.lex.reset(close + 1);
    return { k: 'marker', start, end: close + 1 };
  }

  /** `( ... )`: a tuple if it has a comma (or is empty), else the parenthesized expression. */
  private parenthesized(): Val {
    const start = this.lex.start;
    this.lex.next();
    this.open(start);
    const from = this.leaves.length;
    if (this.isOp(')')) {
      const end = this.lex.stop;
      this.lex.next();
      this.close();
      return this.emptySeq(start, end);
    }
    const first = this.element();
    if (this.isOp(')')) {
      this.lex.next();
      this.close();
      return first;
    }
    if (!this.isOp(',') && !this.repr) throw this.lex.error("',' or ')'");
    return this.sequenceRest(')', start, from, first);
  }

  /** `[ ... ]`, at the opening bracket. */
  private sequence(close: string): SeqVal {
    const start = this.lex.start;
    this.lex.next();
    this.open(start);
    const from = this.leaves.length;
    if (this.isOp(close)) {
      const end = this.lex.stop;
      this.lex.next();
      this.close();
      return this.emptySeq(start, end);
    }
    return this.sequenceRest(close, start, from, this.element());
  }

  private emptySeq(start: number, end: number): SeqVal {
    const at = this.leaves.length;
    return { k: 'seq', kids: [], count: 0, firstNum: -1, firstKid: -1, from: at, to: at, int: true, start, end };
  }

  /** The rest of a sequence after its first element; the cursor is on `,` or the closer. */
  private sequenceRest(close: string, start: number, from: number, first: Val): SeqVal {
    const seq: SeqVal = { k: 'seq', kids: [], count: 0, firstNum: -1, firstKid: -1, from, to: from, int: true, start, end: start };
    const leaves = this.leaves;
    this.addItem(seq, first);
    const lex = this.lex;
    for (;;) {
      if (lex.kind === Tok.Op && lex.op === Ch.Comma) {
        if (!this.repr && this.numberRun(seq)) {
          if (numberRun.afterValue) continue;
        } else lex.next();
        if (lex.kind === Tok.Op && lex.text === close) break;
      } else if (lex.kind === Tok.Op && lex.text === close) break;
      else if (!this.repr || lex.kind === Tok.End) throw lex.error(`',' or '${close}'`);
      // Fast path: a plain number, or '-' and a number, followed by a separator needs no
      // expression machinery; anything else is re-read from the element's start.
      const closeCode = close.charCodeAt(0);
      if (!this.repr && (lex.kind === Tok.Number || (lex.kind === Tok.Op && lex.op === Ch.Minus))) {
        const at = lex.start;
        let sign = 1;
        if (lex.kind === Tok.Op) {
          sign = -1;
          lex.next();
        }
        if ((lex.kind as Tok) === Tok.Number) {
          const v = sign * lex.value;
          const int = lex.integer;
          lex.next();
          if ((lex.kind as Tok) === Tok.Op && (lex.op === Ch.Comma || lex.op === closeCode)) {
            leaves.push(v);
            if (seq.firstNum < 0) seq.firstNum = seq.count;
            seq.count++;
            if (!int) seq.int = false;
            continue;
          }
        }
        lex.reset(at);
      }
      this.addItem(seq, this.element());
    }
    seq.end = lex.stop;
    seq.to = leaves.length;
    lex.next();
    this.close();
    return seq;
  }

  /**
   * With the cursor on a `,`, reads the plain numbers after it in one loop (see numberRun.ts) and
   * moves the lexer to where that stopped. False, with the lexer unmoved, when none came.
   */
  private numberRun(seq: SeqVal): boolean {
    const leaves = this.leaves;
    const from = leaves.length;
    const stop = leaves.pushRun(this.text, this.lex.stop, this.lex.end);
    if (leaves.length === from) return false;
    if (seq.firstNum < 0) seq.firstNum = seq.count;
    seq.count += leaves.length - from;
    if (!numberRun.integer) seq.int = false;
    this.lex.reset(stop);
    return true;
  }

  /** One element of a sequence: an expression, or in repr mode a signed literal or a nested list. */
  private element(): Val {
    if (!this.repr) return this.expression();
    const lex = this.lex;
    if (lex.kind === Tok.Op && (lex.text === '[' || lex.text === '(')) return lex.text === '[' ? this.sequence(']') : this.parenthesized();
    const start = lex.start;
    let sign = 1;
    if (lex.kind === Tok.Op && (lex.text === '-' || lex.text === '+')) {
      if (lex.text === '-') sign = -1;
      lex.next();
    }
    if (lex.kind === Tok.Number) {
      const v: NumVal = { k: 'num', v: sign * lex.value, int: lex.integer, start, end: lex.stop };
      lex.next();
      return v;
    }
    if (lex.kind === Tok.Name) {
      const name = lex.text;
      const c = name === 'nan' ? NaN : name === 'inf' ? Infinity : name === 'True' ? 1 : name === 'False' ? 0 : undefined;
      if (c !== undefined && (sign === 1 || name === 'nan' || name === 'inf')) {
        const v: NumVal = { k: 'num', v: sign * c, int: name === 'True' || name === 'False', start, end: lex.stop };
        lex.next();
        return v;
      }
    }
    if (lex.kind === Tok.Ellipsis) throw new ParseError(SUMMARIZED_MESSAGE, lex.start, 3);
    throw lex.error('a number');
  }

  private addItem(seq: SeqVal, v: Val): void {
    if (v.k === 'seq') {
      seq.kids.push(v);
      if (seq.firstKid < 0) seq.firstKid = seq.count;
      seq.count++;
      if (!v.int) seq.int = false;
      return;
    }
    const n = this.asNumber(v, 'a list element');
    this.leaves.push(n.v);
    if (seq.firstNum < 0) seq.firstNum = seq.count;
    seq.count++;
    if (!n.int) seq.int = false;
  }

  /** A call on a dotted name: a tensor constructor, a numpy scalar, float/int, or a math function. */
  private call(callee: NameVal): Val {
    const name = callee.name;
    const ctor = CONSTRUCTORS.get(name);
    if (ctor) return this.constructorCall(callee, ctor);
    if (NUMPY_SCALARS.test(name)) {
      const args = this.arguments(callee);
      const x = args.positional.length === 1 ? this.asNumber(args.positional[0], `the argument of ${name}()`) : undefined;
      if (!x) throw new ParseError(`${name}() takes one number here.`, callee.start, args.end - callee.start);
      const dtype = dtypeFromName(name) ?? 'float64';
      const data = Float64Array.of(x.v);
      this.cast(data, dtype, callee.start, args.end);
      return { k: 'tensor', shape: [], data, dtype, requiresGrad: false, start: callee.start, end: args.end };
    }
    if (name === 'float' || name === 'int') {
      const args = this.arguments(callee);
      if (args.positional.length !== 1 || args.keywords.size > 0) throw new ParseError(`${name}() takes one argument here.`, callee.start, args.end - callee.start);
      const a = args.positional[0];
      let v: number;
      if (a.k === 'str') {
        const s = a.s.trim().toLowerCase().replace(/_/g, '');
        const special = s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity' ? Infinity : s === '-inf' || s === '-infinity' ? -Infinity : s === 'nan' || s === '+nan' || s === '-nan' ? NaN : undefined;
        if (special !== undefined && name === 'float') v = special;
        else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s) && (name === 'float' || /^[+-]?\d+$/.test(s))) v = Number(s);
        else throw new ParseError(`${name}('${a.s.slice(0, 24)}') is not a number: use a number, 'inf', '-inf' or 'nan'.`, a.start, a.end - a.start);
      } else v = this.asNumber(a, `the argument of ${name}()`).v;
      if (name === 'int') {
        if (!Number.isFinite(v)) throw new ParseError(`int() of ${String(v)} is an error in Python: use float() for a non-finite value.`, callee.start, args.end - callee.start);
        v = Math.trunc(v) + 0;
      }
      return { k: 'num', v, int: name === 'int', start: callee.start, end: args.end };
    }
    const fn = FUNCTIONS.get(name);
    if (fn) {
      const args = this.arguments(callee);
      if (name.endsWith('.log') && args.positional.length === 2) {
        const x = this.asNumber(args.positional[0], 'the argument of math.log()').v;
        const b = this.asNumber(args.positional[1], 'the base of math.log()').v;
        return { k: 'num', v: Math.log(x) / Math.log(b), int: false, start: callee.start, end: args.end };
      }
      if (args.positional.length !== 1 || args.keywords.size > 0) throw new ParseError(`${name}() takes one number here.`, callee.start, args.end - callee.start);
      const x = this.asNumber(args.positional[0], `the argument of ${name}()`).v;
      if (name.startsWith('math.') && outsideDomain(name, x)) {
        throw new ParseError(`${name}(${String(x)}) raises "math domain error" in Python: use a value in the function's domain.`, callee.start, args.end - callee.start);
      }
      return { k: 'num', v: fn(x), int: false, start: callee.start, end: args.end };
    }
    throw refused(callee);
  }

  /** `torch.tensor(data, dtype=..., requires_grad=..., device=...)` and friends. */
  private constructorCall(callee: NameVal, ctor: Constructor): TensorVal {
    const args = this.arguments(callee);
    const start = callee.start;
    const end = args.end;
    const data = args.positional[0];
    if (args.positional.length !== 1 || !data || (ctor.fixed && data.k === 'num')) {
      // `torch.FloatTensor(5)` is five uninitialised floats, not the number 5.
      if (ctor.fixed && args.positional.length > 0 && args.positional.every((a) => a.k === 'num')) {
        throw new ParseError(`${callee.name}(${args.positional.map((a) => String((a as NumVal).v)).join(', ')}) makes an uninitialised tensor of that size: pass the values as a list instead.`, start, end - start);
      }
      throw new ParseError(`${callee.name}() takes the values as one list here, such as ${callee.name}([[1.0, 2.0]]).`, start, end - start);
    }
    // size=(0, 3) in a print of an empty tensor, shape=(0, 3) in numpy's.
    const sizeArg = args.keywords.get('size') ?? args.keywords.get('shape');
    let t: TensorVal;
    if (data.k === 'tensor') {
      t = { ...data, start, end };
      const dtypeArg = args.keywords.get('dtype');
      if (dtypeArg && dtypeArg.k !== 'none') t = this.withDtype(t, this.dtypeOf(dtypeArg, ctor.numpy));
    } else {
      const flat = this.flatten(data, callee.name);
      let shape = flat.shape;
      if (sizeArg && this.repr) {
        const declared = this.flatten(sizeArg, 'size');
        const dims = Array.from(declared.data);
        if (declared.shape.length !== 1 || !dims.every((d) => Number.isInteger(d) && d >= 0) || numel(dims) !== flat.data.length) {
          throw new ParseError(`size=${formatShape(dims)} does not fit ${flat.data.length} values: copy the print unchanged.`, sizeArg.start, sizeArg.end - sizeArg.start);
        }
        shape = dims;
      }
      const dtypeArg = args.keywords.get('dtype');
      const dtype = dtypeArg && dtypeArg.k !== 'none' ? this.dtypeOf(dtypeArg, ctor.numpy) : (ctor.fixed ?? (flat.int ? 'int64' : ctor.floatDtype));
      t = { k: 'tensor', shape, data: flat.data, dtype, requiresGrad: false, start, end };
      this.cast(t.data, dtype, start, end);
    }
    const rg = args.keywords.get('requires_grad');
    if (rg && rg.k === 'num' && rg.v === 1) t.requiresGrad = true;
    if (args.keywords.has('grad_fn')) t.requiresGrad = true;
    const device = args.keywords.get('device');
    if (device && device.k === 'str') t.device = device.s;
    return t;
  }

  /** `.float()`, `.to(torch.float64)`, `.astype(np.float32)`, `.cpu()`…: the cursor is on `(`. */
  private method(t: TensorVal, name: string, nameEnd: number): TensorVal {
    const args = this.arguments({ k: 'name', name, start: nameEnd - name.length, end: nameEnd });
    const cast = CAST_METHODS.get(name);
    const out: TensorVal = { ...t, end: args.end };
    if (cast && args.positional.length === 0) return this.withDtype(out, cast);
    if (IDENTITY_METHODS.has(name)) {
      if (name === 'requires_grad_') out.requiresGrad = !(args.positional[0]?.k === 'num' && args.positional[0].v === 0);
      if (name === 'cuda') out.device = 'cuda';
      if (name === 'cpu') out.device = undefined;
      return out;
    }
    if (name === 'to' || name === 'type' || name === 'astype') {
      let result = out;
      for (const a of [...args.positional, args.keywords.get('dtype')]) {
        if (!a) continue;
        if (a.k === 'str' && name === 'to') {
          result.device = a.s;
          continue;
        }
        result = this.withDtype(result, this.dtypeOf(a, name === 'astype'));
      }
      const device = args.keywords.get('device');
      if (device && device.k === 'str') result.device = device.s;
      return result;
    }
    throw new ParseError(`Method '.${name}()' is not supported: only casts such as .float(), .long(), .to(torch.float32) and moves such as .cpu() are read.`, nameEnd - name.length, name.length);
  }

  /** The dtype a `dtype=` value or cast argument names. */
  private dtypeOf(v: Val, numpy: boolean): DType {
    const name = v.k === 'name' ? v.name : v.k === 'str' ? v.s : undefined;
    const dtype = name === undefined ? undefined : dtypeFromPythonName(name, numpy);
    if (!dtype) {
      const shown = this.text.slice(v.start, Math.min(v.end, v.start + 32));
      throw new ParseError(`Unknown dtype '${shown}': use a dtype such as torch.float32, torch.float64 or torch.long.`, v.start, v.end - v.start);
    }
    return dtype;
  }

  /** `t` cast to `dtype`. */
  private withDtype(t: TensorVal, dtype: DType): TensorVal {
    if (t.dtype === dtype) return t;
    const data = t.dtype === 'float32' && dtype === 'float64' ? t.data : Float64Array.from(t.data);
    this.cast(data, dtype, t.start, t.end);
    return { ...t, data, dtype };
  }

  private cast(data: Float64Array, dtype: DType, start: number, end: number): void {
    const bad = castInPlace(data, dtype);
    if (bad >= 0) throw new ParseError(`Cannot make an integer tensor: the value at flat index ${bad} is ${String(data[bad])}; use a float dtype.`, start, end - start);
  }

  /** The arguments of a call; the cursor is on `(`. */
  private arguments(callee: NameVal): { positional: Val[]; keywords: Map<string, Val>; end: number } {
    const lex = this.lex;
    lex.next();
    this.enter();
    const positional: Val[] = [];
    const keywords = new Map<string, Val>();
    while (!this.isOp(')')) {
      if (lex.kind === Tok.End) throw lex.error(`')' to close the call to ${callee.name}(`);
      if (lex.kind === Tok.Name) {
        // Lookahead for `name=`: a keyword argument.
        const save = lex.start;
        const key = lex.text;
        lex.next();
        if (this.isOp('=')) {
          lex.next();
          if (this.repr && (this.isOp(',') || this.isOp(')'))) {
            // `grad_fn=)`: the <...> part was lost when the print was copied as HTML.
            keywords.set(key, { k: 'marker', start: save, end: lex.start });
          } else keywords.set(key, this.repr ? this.reprKeywordValue() : this.expression());
        } else {
          lex.reset(save);
          if (keywords.size > 0) throw lex.error("a keyword argument ('name=value')", 'positional arguments come first');
          positional.push(this.expression());
        }
      } else {
        if (keywords.size > 0) throw lex.error("a keyword argument ('name=value')", 'positional arguments come first');
        positional.push(this.repr ? this.element() : this.expression());
      }
      if (this.isOp(',')) lex.next();
      else if (!this.isOp(')')) throw lex.error(`',' or ')' in the call to ${callee.name}(`);
    }
    const end = lex.stop;
    lex.next();
    this.depth--;
    return { positional, keywords, end };
  }

  /** A keyword value in a print: `<AddBackward0>`, `True`, `'cuda:0'`, `torch.float16`, `(0, 3)`. */
  private reprKeywordValue(): Val {
    const lex = this.lex;
    if (this.isOp('<')) return this.marker();
    if (lex.kind === Tok.Name) {
      let name = lex.text;
      const start = lex.start;
      let end = lex.stop;
      lex.next();
      while (this.isOp('.')) {
        lex.next();
        if (lex.kind !== Tok.Name) throw lex.error("a name after '.'");
        name += '.' + lex.text;
        end = lex.stop;
        lex.next();
      }
      if (name === 'True' || name === 'False') return { k: 'num', v: name === 'True' ? 1 : 0, int: true, start, end };
      return { k: 'name', name, start, end };
    }
    if (lex.kind === Tok.String) {
      const v: StrVal = { k: 'str', s: lex.text, start: lex.start, end: lex.stop };
      lex.next();
      return v;
    }
    return this.element();
  }

  /** A number value, or a ParseError saying what `what` needed. */
  private asNumber(v: Val, what: string): NumVal {
    if (v.k === 'num') return v;
    if (v.k === 'name') {
      const c = CONSTANTS.get(v.name);
      if (c !== undefined) return { k: 'num', v: c, int: false, start: v.start, end: v.end };
      throw refused(v);
    }
    const shown = v.k === 'seq' ? 'a list' : v.k === 'tensor' ? 'a tensor' : v.k === 'str' ? `the string '${v.s.slice(0, 24)}'` : `'${this.text.slice(v.start, v.end).slice(0, 24)}'`;
    return fail(`Expected a number for ${what} but found ${shown}.`, v);
  }

  private arith(op: string, a: Val, b: Val, opStart: number): NumVal {
    if (a.k === 'seq' || b.k === 'seq' || a.k === 'tensor' || b.k === 'tensor') {
      throw new ParseError(`Operator '${op}' on a list or tensor is not supported: write the values out as a literal.`, opStart, op.length);
    }
    const x = this.asNumber(a, `the left side of '${op}'`);
    const y = this.asNumber(b, `the right side of '${op}'`);
    let v: number;
    let int = x.int && y.int;
    switch (op) {
      case '+':
        v = x.v + y.v;
        break;
      case '-':
        v = x.v - y.v;
        break;
      case '*':
        v = x.v * y.v;
        break;
      case '/':
        if (y.v === 0) throw new ParseError('Division by zero raises ZeroDivisionError in Python: write float(\'inf\') or float(\'nan\') if that is the value you mean.', opStart, 1);
        v = x.v / y.v;
        int = false;
        break;
      default:
        if (x.v === 0 && y.v < 0) throw new ParseError('0 raised to a negative power raises ZeroDivisionError in Python.', opStart, 2);
        v = Math.pow(x.v, y.v);
        if (int && y.v < 0) int = false;
        if (x.v < 0 && !Number.isInteger(y.v)) throw new ParseError('A negative number raised to a fractional power is complex in Python: a loss takes real tensors.', opStart, 2);
    }
    return { k: 'num', v, int, start: a.start, end: b.end };
  }

  /** Shape, flat data and integer-ness of a sequence (or a scalar as 0-d), checking it is rectangular. */
  flatten(v: Val, what: string): { shape: number[]; data: Float64Array; int: boolean } {
    if (v.k !== 'seq') {
      const n = this.asNumber(v, `${what}()`);
      return { shape: [], data: Float64Array.of(n.v), int: n.int };
    }
    const shape: number[] = [];
    for (let x: SeqVal | undefined = v; x; x = x.firstKid === 0 ? x.kids[0] : undefined) shape.push(x.count);
    const path: number[] = [];
    const walk = (s: SeqVal, d: number): void => {
      if (s.count !== shape[d]) {
        throw new ParseError(
          `Ragged array: row [${path.join(', ')}] has ${s.count} ${d < shape.length - 1 ? 'rows' : 'values'} but row [${path.map(() => 0).join(', ')}] has ${shape[d]}: make every row the same length.`,
          s.start,
          s.end - s.start,
        );
      }
      const leaf = d === shape.length - 1;
      if (leaf && s.firstKid >= 0) throw mixed([...path, s.firstKid], true, s.kids[0]);
      if (!leaf && s.firstNum >= 0) throw mixed([...path, s.firstNum], false, s);
      if (leaf) return;
      for (let i = 0; i < s.kids.length; i++) {
        path.push(i);
        walk(s.kids[i], d + 1);
        path.pop();
      }
    };
    walk(v, 0);
    const data = this.leaves.finish(v.from, v.to);
    return { shape, data, int: v.int && data.length > 0 };
  }

  private isOp(op: string): boolean {
    return this.lex.kind === Tok.Op && this.lex.text === op;
  }

  /** Opens a list, tuple or parenthesis at `start`, refusing more than {@link MAX_DIMS} levels. */
  private open(start: number): void {
    this.enter();
    if (++this.seqDepth > MAX_DIMS) throw new ParseError(`Lists are nested deeper than ${MAX_DIMS} levels: a tensor has at most ${MAX_DIMS} dims.`, start, 1);
  }

  private close(): void {
    this.seqDepth--;
    this.depth--;
  }

  private enter(): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ParseError(`The expression is nested deeper than ${MAX_EXPRESSION_DEPTH} levels: simplify it.`, this.lex.start, 1);
    }
  }
}

/** True where Python's `math` function raises ValueError (numpy returns nan or -inf instead). */
function outsideDomain(name: string, x: number): boolean {
  if (name === 'math.sqrt') return x < 0;
  if (name === 'math.log1p') return x <= -1;
  if (name === 'math.log' || name === 'math.log2' || name === 'math.log10') return x <= 0;
  return false;
}

/** A mixed-nesting error at `path`. */
function mixed(path: number[], isList: boolean, at: { start: number; end: number }): ParseError {
  const kinds = isList ? ['a list', 'a number'] : ['a number', 'a list'];
  return new ParseError(
    `Ragged array: element [${path.join(', ')}] is ${kinds[0]} but element [${path.map(() => 0).join(', ')}] is ${kinds[1]}: give every row the same nesting.`,
    at.start,
    at.end - at.start,
  );
}

function fail(message: string, v: { start: number; end: number }): never {
  throw new ParseError(message, v.start, v.end - v.start);
}

/** The refusal for a name or call outside the safe subset. */
function refused(v: NameVal): ParseError {
  const known = /^(torch|np|numpy|math|F|nn)\./.test(v.name) || /^__/.test(v.name) || /^(open|eval|exec|compile|getattr|input|print)$/.test(v.name);
  const message = known
    ? `'${v.name}' is not allowed: Loss Lens reads tensor literals (torch.tensor, np.array, lists) and arithmetic on numbers, and never runs code; paste the printed values instead.`
    : `'${v.name}' is not a literal: Loss Lens never runs code, so variables and calls other than torch.tensor, np.array and math functions cannot be read; paste the values instead.`;
  return new ParseError(message, v.start, v.end - v.start);
}

/** Turns a parsed value into a tensor: sequences and numbers get the bare-list dtypes (int64 or float64). */
export function valueToTensor(parser: PyParser, v: Val, floatDtype: DType): TensorVal {
  if (v.k === 'tensor') return v;
  const flat = parser.flatten(v, 'the literal');
  const dtype: DType = flat.int ? 'int64' : floatDtype;
  if (dtype === 'float32') castInPlace(flat.data, 'float32');
  return { k: 'tensor', shape: flat.shape, data: flat.data, dtype, requiresGrad: false, start: v.start, end: v.end };
}

/** A tensor from a Python statement, with the variable it was assigned to. */
export interface PythonTensor {
  tensor: TensorVal;
  name?: string;
}

/**
 * Parses Python source: a single expression (a list, a `torch.tensor(...)` call), or a cell of
 * statements from which every `name = <tensor expression>` and bare tensor expression is read.
 * Statements that are not tensor literals (imports, model code) are skipped; if nothing can be
 * read, the first error is thrown.
 */
export function parsePythonTensors(text: string, start = 0, end = text.length, options: PythonParseOptions = {}): PythonTensor[] {
  // One expression first: the common case of a selection or a pasted literal.
  let firstError: ParseError | undefined;
  try {
    const p = new PyParser(text, start, end, options);
    return [{ tensor: valueToTensor(p, p.parseWhole(), 'float64') }];
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    firstError = e;
  }
  const found: PythonTensor[] = [];
  let statementError: ParseError | undefined;
  for (const s of splitStatements(text, start, end)) {
    const head = text.slice(s.start, Math.min(s.end, s.start + 16));
    if (STATEMENT_KEYWORDS.test(head) || /^[%!@]/.test(head)) continue;
    // `a = b = expr` and `a = expr`: names then the expression.
    const names: string[] = [];
    let exprStart = s.start;
    const assign = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/y;
    for (;;) {
      assign.lastIndex = 0;
      const m = assign.exec(text.slice(exprStart, Math.min(s.end, exprStart + 256)));
      if (!m) break;
      names.push(m[1]);
      exprStart += m[0].length;
    }
    try {
      const p = new PyParser(text, exprStart, s.end, options);
      const v = p.parseWhole();
      if (v.k !== 'tensor' && v.k !== 'seq') continue;
      found.push({ tensor: valueToTensor(p, v, 'float64'), ...(names.length ? { name: names[names.length - 1] } : {}) });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      statementError ??= e;
    }
  }
  if (found.length > 0) return found;
  throw statementError ?? firstError;
}

/** Logical lines of Python source: split at newlines and `;` outside brackets and strings. */
export function splitStatements(text: string, start: number, end: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let from = start;
  let i = start;
  const push = (to: number): void => {
    let a = from;
    while (a < to && /\s/.test(text[a])) a++;
    if (a < to) out.push({ start: a, end: to });
  };
  while (i < end) {
    const c = text[i];
    if (c === '#') {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c + c + c, i);
      const q = triple ? c + c + c : c;
      let j = i + q.length;
      while (j < end && !text.startsWith(q, j) && (triple || text[j] !== '\n')) j += text[j] === '\\' ? 2 : 1;
      i = Math.min(end, j + q.length);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    } else if ((c === '\n' || c === ';') && depth === 0) {
      push(i);
      from = i + 1;
    }
    i++;
  }
  push(end);
  return out;
}
