/**
 * Character-level scanning shared by the JSON, Python and repr parsers: whitespace, decimal
 * literals (straight to a double, no substring unless the fast conversion is unsure), and a
 * Python tokenizer that reuses one token object instead of allocating one per token.
 */
import { convertDigits, decimalDigits, decimalResult } from './decimal';
import { ParseError, describeToken, tokenLength } from './errors';

/** Character codes the scanners compare against. */
export const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Apos = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  UpperE = 69,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
  LowerE = 101,
  LBrace = 123,
  RBrace = 125,
  Nbsp = 160,
}

/** True for the whitespace JSON allows plus form feed, vertical tab and no-break space (copied prints carry them). */
export function isSpace(c: number): boolean {
  return c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab || c === 12 || c === 11 || c === Ch.Nbsp;
}

/** First offset at or after `i` (and before `end`) that is not whitespace. */
export function skipSpace(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** True for `0`-`9`. */
export function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** True for the first character of a Python name. */
export function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === Ch.Underscore;
}

/** True for a later character of a Python name. */
export function isNameChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Where the last {@link scanDecimal} ended and what it saw. One shared slot: the scanners are synchronous. */
export const lastDecimal = {
  /** Offset just past the literal. */
  end: 0,
  /** True when the literal had no `.` and no exponent. */
  integer: true,
};

/** The value of the last {@link scanDecimal}, in a typed array so that reading it allocates nothing. */
export const decimalValue = decimalResult;

/** Longest exponent kept exactly; larger ones saturate (the value is 0 or infinite anyway). */
const MAX_EXPONENT = 100000;

/**
 * Scans an unsigned decimal literal starting at `start` (a digit, or `.` in Python syntax) and
 * returns its end offset; its value, correctly rounded, is in `decimalValue[0]`, and
 * {@link lastDecimal} gets the end and whether it was an integer. {@link readDecimal} returns the value.
 *
 * JSON syntax (`python` false) is `0|[1-9][0-9]*` then optional `.digits` and `e[+-]digits`.
 * Python syntax also allows `1.`, `.5`, `1.e-03` (numpy prints) and `_` between digits.
 * Throws {@link ParseError} for a malformed literal.
 */
export function scanDecimal(text: string, start: number, end: number, python: boolean): number {
  let i = start;
  let head = 0;
  let tail = 0;
  let tailDigits = 0;
  let digits = 0;
  let exp10 = 0;
  let exact = true;
  let underscores = false;
  let c = i < end ? text.charCodeAt(i) : -1;
  // Integer part. Leading zeros add nothing to `head` and are not counted as significant.
  const intStart = i;
  while (c >= Ch.Zero && c <= Ch.Nine) {
    const d = c - Ch.Zero;
    if (digits < 15) {
      head = head * 10 + d;
      if (head !== 0) digits++;
    } else if (digits < 19) {
      tail = tail * 10 + d;
      tailDigits++;
      digits++;
    } else {
      exact = false;
      exp10++;
    }
    i++;
    c = i < end ? text.charCodeAt(i) : -1;
    if (c === Ch.Underscore && python) {
      underscores = true;
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
      if (!(c >= Ch.Zero && c <= Ch.Nine)) throw malformed(text, start, i, 'a digit after \'_\'');
    }
  }
  const intDigits = i - intStart;
  if (!python && intDigits > 1 && text.charCodeAt(intStart) === Ch.Zero) {
    throw new ParseError(`Number '${text.slice(start, i)}' has a leading zero, which JSON does not allow: write it without the zero.`, start, i - start);
  }
  let integer = true;
  if (c === Ch.Dot) {
    integer = false;
    i++;
    c = i < end ? text.charCodeAt(i) : -1;
    const fracStart = i;
    while (c >= Ch.Zero && c <= Ch.Nine) {
      const d = c - Ch.Zero;
      if (digits < 15) {
        head = head * 10 + d;
        if (head !== 0) digits++;
        exp10--;
      } else if (digits < 19) {
        tail = tail * 10 + d;
        tailDigits++;
        digits++;
        exp10--;
      } else {
        exact = false;
      }
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
      if (c === Ch.Underscore && python) {
        underscores = true;
        i++;
        c = i < end ? text.charCodeAt(i) : -1;
        if (!(c >= Ch.Zero && c <= Ch.Nine)) throw malformed(text, start, i, 'a digit after \'_\'');
      }
    }
    if (i === fracStart && (!python || intDigits === 0)) throw malformed(text, start, i, 'a digit after the decimal point');
  } else if (intDigits === 0) {
    throw malformed(text, start, i, 'a digit');
  }
  if (c === Ch.LowerE || c === Ch.UpperE) {
    integer = false;
    i++;
    c = i < end ? text.charCodeAt(i) : -1;
    let sign = 1;
    if (c === Ch.Minus || c === Ch.Plus) {
      if (c === Ch.Minus) sign = -1;
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
    }
    if (!(c >= Ch.Zero && c <= Ch.Nine)) throw malformed(text, start, i, 'a digit in the exponent');
    let x = 0;
    while (c >= Ch.Zero && c <= Ch.Nine) {
      if (x < MAX_EXPONENT) x = x * 10 + (c - Ch.Zero);
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
    }
    exp10 += sign * x;
  }
  if (python && c !== 106 && c !== 74 && ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === Ch.Underscore)) {
    throw malformed(text, start, i, 'an operator, a comma or a bracket after the number');
  }
  lastDecimal.end = i;
  lastDecimal.integer = integer;
  decimalDigits[0] = head;
  decimalDigits[1] = tail;
  if (!exact || !convertDigits(tailDigits, exp10)) {
    const literal = text.slice(start, i);
    decimalResult[0] = Number(underscores ? literal.replace(/_/g, '') : literal);
  }
  return i;
}

/**
 * {@link scanDecimal} for JSON numbers in a text read to its end, specialised for the array hot
 * loop: no `_`, no bounds test per character (`charCodeAt` past the end gives NaN, which no digit
 * test accepts), and leading zeros skipped once instead of tested per digit. Returns the end offset;
 * the value is in `decimalValue[0]`, and `lastDecimal.integer` says whether it was an integer.
 */
export function scanJsonNumber(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  let head = 0;
  let taken = 0;
  let tail = 0;
  let tailDigits = 0;
  let exp10 = 0;
  let exact = true;
  if (c === Ch.Zero) {
    c = text.charCodeAt(++i);
    if (c >= Ch.Zero && c <= Ch.Nine) return scanDecimal(text, start, text.length, false);
  } else {
    while (c >= Ch.Zero && c <= Ch.Nine) {
      if (taken < 15) {
        head = head * 10 + (c - Ch.Zero);
        taken++;
      } else if (taken < 19) {
        tail = tail * 10 + (c - Ch.Zero);
        tailDigits++;
        taken++;
      } else {
        exact = false;
        exp10++;
      }
      c = text.charCodeAt(++i);
    }
  }
  let integer = true;
  if (c === Ch.Dot) {
    integer = false;
    c = text.charCodeAt(++i);
    const fracStart = i;
    if (taken === 0) {
      while (c === Ch.Zero) {
        exp10--;
        c = text.charCodeAt(++i);
      }
    }
    while (c >= Ch.Zero && c <= Ch.Nine) {
      if (taken < 15) {
        head = head * 10 + (c - Ch.Zero);
        taken++;
        exp10--;
      } else if (taken < 19) {
        tail = tail * 10 + (c - Ch.Zero);
        tailDigits++;
        taken++;
        exp10--;
      } else exact = false;
      c = text.charCodeAt(++i);
    }
    if (i === fracStart) return scanDecimal(text, start, text.length, false);
  }
  if (c === Ch.LowerE || c === Ch.UpperE) return scanDecimal(text, start, text.length, false);
  lastDecimal.end = i;
  lastDecimal.integer = integer;
  decimalDigits[0] = head;
  decimalDigits[1] = tail;
  if (!exact || !convertDigits(tailDigits, exp10)) decimalResult[0] = Number(text.slice(start, i));
  return i;
}

/** {@link scanDecimal}, returning the value instead (for code off the hot paths). */
export function readDecimal(text: string, start: number, end: number, python: boolean): number {
  scanDecimal(text, start, end, python);
  return decimalResult[0];
}

/** A malformed-number error that quotes the literal so far and the character found. */
function malformed(text: string, start: number, at: number, expected: string): ParseError {
  const found = describeToken(text, at);
  return new ParseError(`Malformed number '${text.slice(start, at)}': expected ${expected} but found ${found}.`, at, tokenLength(text, at));
}

/** The `op` code of `**`. */
export const POW = 0x2a2a;

/** Operator texts by character code, for the punctuation the lexer does not slice. */
const OP_TEXT: string[] = [];
for (const c of '()[],-+') OP_TEXT[c.charCodeAt(0)] = c;

/** Kinds of Python token. */
export const enum Tok {
  End,
  Number,
  Name,
  String,
  /** One of `( ) [ ] { } , . = : + - * / ** < > == != <= >= @ % & | ^ ~`; `text` holds it. */
  Op,
  /** `...`, the ellipsis of a summarized print. */
  Ellipsis,
}

/**
 * A Python tokenizer over `text[start, end)`. `next()` overwrites the public fields, so the parser
 * reads them before advancing. Comments and newlines are skipped: the parsers only see expressions,
 * and inside brackets Python ignores newlines too.
 */
export class PyLexer {
  /** Kind of the current token. */
  kind: Tok = Tok.End;
  /** Offset of the current token. */
  start = 0;
  /** Offset just past the current token. */
  stop = 0;
  /** Value of a Number token. */
  value = 0;
  /** True for a Number token without `.` or exponent. */
  integer = false;
  /** Name or decoded string contents; for an Op, the operator. */
  text = '';
  /** For an Op token: its character code, {@link POW} for `**`, or both codes (`c | c2 << 8`) for a two-character comparison. */
  op = 0;
  private pos: number;

  /** @param src the whole text (offsets are into it). */
  constructor(
    readonly src: string,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
    this.next();
  }

  /** Offset where the next token's scan will begin (just past the current token). */
  get position(): number {
    return this.pos;
  }

  /** Moves to offset `pos` and reads the token there. */
  reset(pos: number): void {
    this.pos = pos;
    this.next();
  }

  /** Advances to the next token. */
  next(): void {
    const s = this.src;
    const end = this.end;
    let i = this.pos;
    for (;;) {
      while (i < end && isSpace(s.charCodeAt(i))) i++;
      if (i < end && s.charCodeAt(i) === Ch.Backslash && (s.charCodeAt(i + 1) === Ch.Lf || s.charCodeAt(i + 1) === Ch.Cr)) {
        i += 2;
        continue;
      }
      if (i < end && s.charCodeAt(i) === Ch.Hash) {
        while (i < end && s.charCodeAt(i) !== Ch.Lf && s.charCodeAt(i) !== Ch.Cr) i++;
        continue;
      }
      break;
    }
    this.start = i;
    if (i >= end) {
      this.kind = Tok.End;
      this.stop = this.pos = end;
      this.text = '';
      return;
    }
    const c = s.charCodeAt(i);
    if (isDigit(c) || (c === Ch.Dot && i + 1 < end && isDigit(s.charCodeAt(i + 1)))) {
      const c1 = c === Ch.Zero && i + 1 < end ? s.charCodeAt(i + 1) | 32 : 0;
      if (c1 === 120 || c1 === 111 || c1 === 98) {
        throw new ParseError(`Number ${describeToken(s, i)} is not a decimal literal: write it in decimal.`, i, tokenLength(s, i));
      }
      this.stop = this.pos = scanDecimal(s, i, end, true);
      this.value = decimalResult[0];
      this.integer = lastDecimal.integer;
      this.kind = Tok.Number;
      if (this.pos < end && (s.charCodeAt(this.pos) === 106 || s.charCodeAt(this.pos) === 74)) {
        throw new ParseError(`Complex number '${s.slice(i, this.pos + 1)}' is not supported: a loss takes real tensors.`, i, this.pos + 1 - i);
      }
      return;
    }
    if (isNameStart(c) || c > 127) {
      let j = i + 1;
      while (j < end && (isNameChar(s.charCodeAt(j)) || s.charCodeAt(j) > 127) && s.charCodeAt(j) !== Ch.Nbsp) j++;
      const word = s.slice(i, j);
      // String prefixes: r'..', b'..', f'..' and their combinations.
      const q = j < end ? s.charCodeAt(j) : -1;
      if ((q === Ch.Quote || q === Ch.Apos) && /^[rRbBuUfF]{1,2}$/.test(word)) {
        if (/[fF]/.test(word)) throw new ParseError(`f-string at ${describeToken(s, i)} is not allowed: only plain string literals are read.`, i, j + 1 - i);
        this.scanString(j, i);
        return;
      }
      this.kind = Tok.Name;
      this.text = word;
      this.stop = this.pos = j;
      return;
    }
    if (c === Ch.Quote || c === Ch.Apos) {
      this.scanString(i, i);
      return;
    }
    let len = 1;
    const c2 = i + 1 < end ? s.charCodeAt(i + 1) : 0;
    if (c === Ch.Star && c2 === Ch.Star) len = 2;
    // Comparisons `== != <= >=` are one token each (the evaluator reads them; a literal never holds one).
    else if (c2 === 61 && (c === 61 || c === 33 || c === 60 || c === 62)) len = 2;
    else if (c === Ch.Comma || c === Ch.RBracket || c === Ch.LBracket || c === Ch.LParen || c === Ch.RParen || c === Ch.Minus || c === Ch.Plus) {
      // The common punctuation, without a substring.
      this.kind = Tok.Op;
      this.op = c;
      this.text = OP_TEXT[c];
      this.stop = this.pos = i + 1;
      return;
    }
    else if (c === Ch.Dot && s.startsWith('...', i) && i + 2 < end) {
      this.kind = Tok.Ellipsis;
      this.text = '...';
      this.stop = this.pos = i + 3;
      return;
    } else if ('()[]{},.=:+-*/<>@%&|^~'.indexOf(s[i]) < 0) {
      throw new ParseError(`Unexpected character ${describeToken(s, i)}: a tensor literal holds only numbers, brackets, commas and arithmetic.`, i, 1);
    }
    this.kind = Tok.Op;
    this.op = len === 1 ? c : c === Ch.Star ? POW : c | (c2 << 8);
    this.text = s.slice(i, i + len);
    this.stop = this.pos = i + len;
  }

  /** Scans a quoted string whose quote is at `q` (the token starts at `tokenStart`, before any prefix). */
  private scanString(q: number, tokenStart: number): void {
    const s = this.src;
    const quote = s.charCodeAt(q);
    const triple = s.charCodeAt(q + 1) === quote && s.charCodeAt(q + 2) === quote && q + 2 < this.end;
    let i = triple ? q + 3 : q + 1;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= this.end) throw new ParseError(`String starting at ${describeToken(s, tokenStart)} is never closed: add the closing quote.`, tokenStart, this.end - tokenStart);
      const c = s.charCodeAt(i);
      if (c === Ch.Backslash) {
        out += s.slice(from, i) + s.charAt(i + 1);
        i += 2;
        from = i;
        continue;
      }
      if (c === quote && (!triple || (s.charCodeAt(i + 1) === quote && s.charCodeAt(i + 2) === quote))) break;
      if (!triple && (c === Ch.Lf || c === Ch.Cr)) throw new ParseError(`String starting at ${describeToken(s, tokenStart)} is never closed: add the closing quote.`, tokenStart, i - tokenStart);
      i++;
    }
    this.text = out + s.slice(from, i);
    this.kind = Tok.String;
    this.start = tokenStart;
    this.stop = this.pos = i + (triple ? 3 : 1);
  }

  /** The current token quoted for a message (`'torch.randn'`, `the end of the input`). */
  describe(): string {
    if (this.kind === Tok.End) return 'the end of the input';
    if (this.kind === Tok.String) return `the string '${this.text.slice(0, 24).replace(/[\u0000-\u001f]/g, ' ')}'`;
    const t = this.src.slice(this.start, Math.min(this.stop, this.start + 24));
    return `'${t.replace(/[\u0000-\u001f]/g, ' ')}${this.stop - this.start > 24 ? '…' : ''}'`;
  }

  /** A ParseError at the current token: "Expected X but found 'y'." plus an optional hint. */
  error(expected: string, hint = ''): ParseError {
    return new ParseError(`Expected ${expected} but found ${this.describe()}${hint ? `: ${hint}` : ''}.`, this.start, this.stop - this.start);
  }
}
