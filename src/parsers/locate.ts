/**
 * Finds the tensor literal, constructor call or repr around an offset, for hovers and "compute the
 * loss here" commands, without parsing the document: it scans outward from the offset over at most
 * `maxScan` characters each way, counting brackets, then parses only the span it found.
 *
 * Outward from the cursor, each unclosed `[` or `(` is a candidate. Lists and tuples extend the
 * candidate; a tensor call (`torch.tensor(`, `np.array(`, a repr's `tensor(`) is taken whole, with
 * its method calls (`.float()`, `.to(torch.float32)`), and ends the search; any other call
 * (`criterion(`, `torch.cat(`), a `{`, or at depth 0 an `=`, `:` or `;` ends it too.
 */
import { ParseError } from './errors';
import { MAX_DIMS } from './jsonTensor';
import { isNameChar } from './lexer';
import { FormatOption, ParseResult, SourceRange, TensorFormat } from './parseResult';
import { parseAs, parseTensorText } from './parseTensorText';

/** Default bound on the characters scanned each way from the offset. */
export const DEFAULT_MAX_SCAN = 1 << 20;

/** Names whose call is a whole tensor: constructors in source, and reprs in prints. */
const TENSOR_CALLS = /^(?:(?:torch\.)?(?:tensor|as_tensor|asarray|Tensor|FloatTensor|DoubleTensor|LongTensor|IntTensor)|(?:np|numpy)\.(?:array|asarray|float16|float32|float64|int32|int64)|array)$/;

/** Repr names: a call to one of these in a print is read as a repr. */
const REPR_NAMES = /^(?:tensor|array|np\.(?:float16|float32|float64|int32|int64))$/;

/** Options for {@link locateTensor}. */
export interface LocateOptions {
  /** The document's syntax; `'auto'` decides from the span (the default). */
  format?: FormatOption;
  /** Most characters scanned each way from the offset. */
  maxScan?: number;
  /**
   * Receives the characters the scan examined (added to `chars`), for callers that budget their
   * work; the parse of the span found is not counted. At most about `4 × maxScan` per call.
   */
  meter?: { chars: number };
}

/** The tensor span around an offset, parsed. */
export interface LocatedTensor {
  /** The span: a list, a tuple, or a whole call with its method calls. */
  readonly range: SourceRange;
  /** The syntax the span was read as. */
  readonly format: TensorFormat;
  /** The parse, when the span is a valid tensor. */
  readonly result?: ParseResult;
  /** Why the span is not a valid tensor (a summarized print, a ragged list, `torch.randn`). */
  readonly error?: ParseError;
  /** True when the bound stopped the scan, so the span may be an inner row of a larger literal. */
  readonly truncated: boolean;
}

/** An unclosed opener found on the way out. */
interface Opener {
  pos: number;
  /** Start of the span: the opener, or the callee name before a `(`. */
  start: number;
  call?: string;
}

/**
 * The tensor literal, call or repr that encloses `offset` in `text`, or undefined when the offset
 * is not inside one. Cost is bounded by `maxScan`, whatever the size of `text`.
 */
export function locateTensor(text: string, offset: number, options: LocateOptions = {}): LocatedTensor | undefined {
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  if (offset < 0 || offset > text.length) return undefined;
  let from = offset;
  // On a callee name (`torch.ten|sor(`): move inside its parenthesis.
  const word = wordAround(text, offset);
  const before = word ? /\)\s*\.\s*$/.exec(text.slice(Math.max(0, word.start - 32), word.start)) : null;
  if (word && before) {
    // On a method of a call (`torch.tensor([...]).flo|at()`): start from the call's `)`.
    from = word.start - before[0].length;
  } else if (word) {
    let j = word.end;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '(' && TENSOR_CALLS.test(text.slice(word.start, word.end))) from = j + 1;
  } else if (text[offset] === '[' || text[offset] === '(') from = offset + 1;
  const low = Math.max(0, from - maxScan);
  const openers: Opener[] = [];
  let depth = 0;
  let truncated = false;
  let examined = 0;
  /** The last newline before the line being scanned (-1 for none), found once per line. */
  let lineStart = Number.POSITIVE_INFINITY;
  let i = from - 1;
  for (; i >= low; i--) {
    examined++;
    const c = text.charCodeAt(i);
    if (c === 93 || c === 41) depth++;
    else if (c === 91 || c === 40) {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (openers.length > MAX_DIMS) {
        // More unclosed brackets than a tensor has dims: anything further out is not a tensor.
        truncated = true;
        break;
      }
      if (c === 91) {
        openers.push({ pos: i, start: i });
        continue;
      }
      const callee = calleeBefore(text, i);
      if (!callee) {
        openers.push({ pos: i, start: i });
        continue;
      }
      if (TENSOR_CALLS.test(callee.name)) openers.push({ pos: i, start: callee.start, call: callee.name });
      break;
    } else if (c === 34 || c === 39) {
      // Skip a quoted string on the same line, so brackets in it do not count. The line's start is
      // looked up once per line, and the search for the opening quote stops there: a quote with no
      // partner costs one pass over its line, and there is at most one such quote of each kind per
      // line (a second one would be its partner), so the scan stays linear.
      if (lineStart >= i) {
        lineStart = Math.max(low - 1, text.lastIndexOf('\n', i - 1));
        examined += i - lineStart;
      }
      let q = i - 1;
      while (q > lineStart && text.charCodeAt(q) !== c) q--;
      examined += i - q;
      if (q > lineStart) i = q;
    } else if (depth === 0 && openers.length > 0 && (c === 123 || c === 61 || c === 58 || c === 59)) {
      if (c === 61 && (text[i - 1] === '=' || text[i - 1] === '!' || text[i - 1] === '<' || text[i - 1] === '>' || text[i + 1] === '=')) continue;
      break;
    } else if (depth === 0 && c === 123) break;
  }
  if (i < low && low > 0) truncated = true;
  const high = Math.min(text.length, from + maxScan);
  const closers = matchAllForward(text, openers, high);
  examined += closers.examined;
  if (options.meter) options.meter.chars += examined;
  // Outermost first; fall back inward when a closer lies beyond the bound.
  for (let k = openers.length - 1; k >= 0; k--) {
    const o = openers[k];
    let close = closers.at[k];
    if (close < 0) {
      truncated = true;
      continue;
    }
    if (o.call) close = methodChainEnd(text, close + 1, high) - 1;
    const range = { offset: o.start, length: close + 1 - o.start };
    const format: TensorFormat =
      o.call !== undefined
        ? REPR_NAMES.test(o.call) && options.format !== 'python'
          ? 'repr'
          : 'python'
        : options.format === 'json' || options.format === 'python' || options.format === 'repr'
          ? options.format
          : 'python';
    try {
      const result = o.call === undefined && (options.format ?? 'auto') === 'auto' ? parseTensorText(text, 'auto', o.start, close + 1) : parseAs(text, format, o.start, close + 1);
      return { range, format: result.format, result, truncated };
    } catch (e) {
      const error = e instanceof ParseError ? e : new ParseError(`The span could not be read: ${String(e)}.`, o.start, 0);
      return { range, format, error, truncated };
    }
  }
  return undefined;
}

/** The run of name characters and dots around `offset`, if any. */
function wordAround(text: string, offset: number): { start: number; end: number } | undefined {
  const isWord = (k: number): boolean => k >= 0 && k < text.length && (isNameChar(text.charCodeAt(k)) || text[k] === '.');
  if (!isWord(offset)) return undefined;
  let a = offset;
  let b = offset;
  while (a > 0 && isWord(a - 1)) a--;
  while (isWord(b)) b++;
  while (a < b && text[a] === '.') a++;
  if (a === b || /^\d/.test(text[a])) return undefined;
  return { start: a, end: b };
}

/** The dotted name right before the `(` at `paren` (spaces allowed between), if any. */
function calleeBefore(text: string, paren: number): { name: string; start: number } | undefined {
  let j = paren - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  const end = j + 1;
  while (j >= 0 && (isNameChar(text.charCodeAt(j)) || text[j] === '.')) j--;
  const name = text.slice(j + 1, end);
  if (name === '' || /^[\d.]/.test(name)) return undefined;
  return { name, start: j + 1 };
}

/**
 * The closers of all `openers` (innermost first, as the outward scan found them) in one forward pass
 * from the outermost: `at[k]` is the offset of the bracket closing `openers[k]`, or -1 when it lies
 * at or beyond `high`. Brackets of every kind nest; strings are skipped as in {@link matchForward}.
 * One pass, not one per opener: a log of 64 KB of `[` has 64 K openers.
 */
function matchAllForward(text: string, openers: readonly Opener[], high: number): { at: number[]; examined: number } {
  const at = openers.map(() => -1);
  if (openers.length === 0) return { at, examined: 0 };
  /** Depth just before each waiting opener was entered, innermost on top. */
  const waiting: { k: number; depth: number }[] = [];
  let next = openers.length - 1;
  let depth = 0;
  let nl = -1;
  let i = openers[next].pos;
  const first = i;
  for (; i < high; i++) {
    const c = text.charCodeAt(i);
    if (next >= 0 && i === openers[next].pos) {
      waiting.push({ k: next, depth });
      next--;
    }
    if (c === 91 || c === 40 || c === 123) depth++;
    else if (c === 93 || c === 41 || c === 125) {
      depth--;
      while (waiting.length > 0 && waiting[waiting.length - 1].depth === depth) at[(waiting.pop() as { k: number }).k] = i;
      if (waiting.length === 0 && next < 0) break;
    } else if (c === 34 || c === 39) {
      const q = stringEnd(text, i, high, nl);
      nl = q.nl;
      if (q.end >= 0) i = q.end;
    }
  }
  return { at, examined: i - first };
}

/**
 * The closing quote of the string opened at `i` on the same line, or -1; `nl` is the next newline
 * found so far (reused while it lies ahead, so a long line is searched for its end once).
 */
function stringEnd(text: string, i: number, high: number, nl: number): { end: number; nl: number } {
  if (nl <= i) {
    nl = text.indexOf('\n', i + 1);
    if (nl < 0 || nl > high) nl = high;
  }
  const quote = text.charCodeAt(i);
  let q = i + 1;
  while (q < nl && text.charCodeAt(q) !== quote) q++;
  return { end: q < nl ? q : -1, nl };
}

/** Offset of the bracket closing the opener at `pos`, or -1 before `high`. Strings are skipped. */
function matchForward(text: string, pos: number, high: number): number {
  let depth = 0;
  let nl = -1;
  for (let i = pos; i < high; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 40 || c === 123) depth++;
    else if (c === 93 || c === 41 || c === 125) {
      depth--;
      if (depth === 0) return i;
    } else if (c === 34 || c === 39) {
      const q = stringEnd(text, i, high, nl);
      nl = q.nl;
      if (q.end >= 0) i = q.end;
    }
  }
  return -1;
}

/** End of the `.name(...)` calls that follow a call ending at `from`. */
function methodChainEnd(text: string, from: number, high: number): number {
  let end = from;
  for (;;) {
    const m = /^\s*\.\s*[A-Za-z_]\w*\s*\(/.exec(text.slice(end, Math.min(high, end + 64)));
    if (!m) return end;
    const close = matchForward(text, end + m[0].length - 1, high);
    if (close < 0) return end;
    end = close + 1;
  }
}
