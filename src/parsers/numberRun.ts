/**
 * The hot loop of every large tensor: a run of plain numbers `1.5, -0.25, 3e-05` inside a list,
 * read straight into a Float64Array. The JSON array scanner and the Python list parser hand each
 * row to {@link scanNumberRun} (text) and the byte entry point to {@link scanNumberRunBytes} (UTF-8).
 *
 * Why a separate loop: the general scanners keep per-token state (nesting, expected token, error
 * context) and call a number scanner that reports through shared slots. Here one loop does
 * `number, whitespace, comma` with the digits in locals: the first 8 significant digits in a small
 * integer, the next 11 in a double, so `w = head * 10^k + tail` is split the way
 * {@link splitToDouble} turns into an exact double-double with no multiplication error
 * (see decimal.ts); up to 15 digits and `|exp10| <= 22` take Clinger's fast path there.
 *
 * The loop never throws and never guesses: at anything it does not read itself (a leading zero,
 * more than 19 significant digits, `NaN`, a string, a letter after a number, the end of the range)
 * it stops before that value, or right after the last value it stored, and the caller's general
 * code reads from there exactly as it would have without the fast path, with the same values,
 * messages and offsets. `numberRun` says where it stopped.
 *
 * The text and byte loops are the same code over `charCodeAt` and a Uint8Array: one loop taking
 * either would see two receiver types at every character load and lose most of the speed.
 */
import { decimalResult, POW10_EXACT, splitToDouble } from './decimal';

/** What the last {@link scanNumberRun} or {@link scanNumberRunBytes} read. One slot: parsing is synchronous. */
export const numberRun = {
  /** The buffer's length after the run (the values are at `[length before, length)`). */
  length: 0,
  /** False when some number of the run had a `.` or an exponent. */
  integer: true,
  /**
   * True when the run stopped after a value and the whitespace after it (the caller expects `,` or
   * a closing bracket); false when it stopped before a value (at the run's start or after a comma).
   */
  afterValue: false,
};

/** Largest exponent digits kept; larger ones saturate (as in scanDecimal). */
const MAX_EXPONENT = 100000;

/**
 * Reads plain numbers (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, at most 19 significant
 * digits) separated by commas and JSON whitespace from `text[i, end)` into `buf` from index `len`,
 * until the buffer is full or something else comes. Leading whitespace is skipped. Returns the
 * offset where it stopped; {@link numberRun} holds the new length, integer-ness and whether it
 * stopped after a value.
 */
export function scanNumberRun(text: string, i: number, end: number, buf: Float64Array, len: number): number {
  const cap = buf.length;
  let integer = true;
  let afterValue = false;
  let c = text.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
  /** Start of the value being read: where a stop before a value returns. */
  let at = i;
  run: for (;;) {
    if (i >= end) i = end;
    at = i;
    if (len === cap || i >= end) break;
    let neg = false;
    if (c === 45) {
      neg = true;
      c = text.charCodeAt(++i);
    }
    let hi = 0;
    let lo = 0;
    /** Digits 18 and 19, apart so that `lo` stays a small integer. */
    let lo2 = 0;
    let nd = 0;
    let exp10 = 0;
    if (c === 48) {
      c = text.charCodeAt(++i);
      if (c >= 48 && c <= 57) break run;
    } else if (c >= 49 && c <= 57) {
      do {
        hi = hi * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      } while (nd < 8 && c >= 48 && c <= 57);
      while (nd < 17 && c >= 48 && c <= 57) {
        lo = lo * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      }
      while (c >= 48 && c <= 57) {
        lo2 = lo2 * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      }
    } else break run;
    let isInt = true;
    if (c === 46) {
      isInt = false;
      c = text.charCodeAt(++i);
      const fracStart = i;
      if (nd === 0) while (c === 48) c = text.charCodeAt(++i);
      while (nd < 8 && c >= 48 && c <= 57) {
        hi = hi * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      }
      while (nd < 17 && c >= 48 && c <= 57) {
        lo = lo * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      }
      while (c >= 48 && c <= 57) {
        lo2 = lo2 * 10 + (c - 48);
        nd++;
        c = text.charCodeAt(++i);
      }
      if (i === fracStart) break run;
      exp10 -= i - fracStart;
    }
    if (c === 101 || c === 69) {
      isInt = false;
      c = text.charCodeAt(++i);
      let sign = 1;
      if (c === 45 || c === 43) {
        if (c === 45) sign = -1;
        c = text.charCodeAt(++i);
      }
      if (!(c >= 48 && c <= 57)) break run;
      let x = 0;
      do {
        if (x < MAX_EXPONENT) x = x * 10 + (c - 48);
        c = text.charCodeAt(++i);
      } while (c >= 48 && c <= 57);
      exp10 += sign * x;
    }
    if (i > end || nd > 19) break;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    if (i >= end) i = end;
    // Only a separator or a closing bracket may follow: after a letter, `.`, `_` or an operator
    // (`2 * 3` in Python) the general code re-reads the element from its start.
    else if (c !== 44 && c !== 93 && c !== 41) break;
    // Digits 1-8 in hi, the rest in lo: the split splitToDouble makes exact (Clinger's path inside).
    if (!splitToDouble(hi, nd > 17 ? lo * POW10_EXACT[nd - 17] + lo2 : lo, nd > 8 ? nd - 8 : 0, exp10)) break;
    const v = decimalResult[0];
    buf[len++] = neg ? -v : v;
    if (!isInt) integer = false;
    afterValue = true;
    if (c !== 44 || i >= end) break;
    c = text.charCodeAt(++i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
    afterValue = false;
  }
  numberRun.length = len;
  numberRun.integer = integer;
  numberRun.afterValue = afterValue;
  return afterValue ? i : at;
}

/**
 * {@link scanNumberRun} over UTF-8 bytes (the same loop, line for line); offsets are byte offsets.
 * Reading past the array gives `undefined`, which no test accepts, like `charCodeAt`'s NaN.
 */
export function scanNumberRunBytes(bytes: Uint8Array, i: number, end: number, buf: Float64Array, len: number): number {
  const cap = buf.length;
  let integer = true;
  let afterValue = false;
  let c = bytes[i];
  while (c === 32 || c === 10 || c === 13 || c === 9) c = bytes[++i];
  /** Start of the value being read: where a stop before a value returns. */
  let at = i;
  run: for (;;) {
    if (i >= end) i = end;
    at = i;
    if (len === cap || i >= end) break;
    let neg = false;
    if (c === 45) {
      neg = true;
      c = bytes[++i];
    }
    let hi = 0;
    let lo = 0;
    /** Digits 18 and 19, apart so that `lo` stays a small integer. */
    let lo2 = 0;
    let nd = 0;
    let exp10 = 0;
    if (c === 48) {
      c = bytes[++i];
      if (c >= 48 && c <= 57) break run;
    } else if (c >= 49 && c <= 57) {
      do {
        hi = hi * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      } while (nd < 8 && c >= 48 && c <= 57);
      while (nd < 17 && c >= 48 && c <= 57) {
        lo = lo * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      }
      while (c >= 48 && c <= 57) {
        lo2 = lo2 * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      }
    } else break run;
    let isInt = true;
    if (c === 46) {
      isInt = false;
      c = bytes[++i];
      const fracStart = i;
      if (nd === 0) while (c === 48) c = bytes[++i];
      while (nd < 8 && c >= 48 && c <= 57) {
        hi = hi * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      }
      while (nd < 17 && c >= 48 && c <= 57) {
        lo = lo * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      }
      while (c >= 48 && c <= 57) {
        lo2 = lo2 * 10 + (c - 48);
        nd++;
        c = bytes[++i];
      }
      if (i === fracStart) break run;
      exp10 -= i - fracStart;
    }
    if (c === 101 || c === 69) {
      isInt = false;
      c = bytes[++i];
      let sign = 1;
      if (c === 45 || c === 43) {
        if (c === 45) sign = -1;
        c = bytes[++i];
      }
      if (!(c >= 48 && c <= 57)) break run;
      let x = 0;
      do {
        if (x < MAX_EXPONENT) x = x * 10 + (c - 48);
        c = bytes[++i];
      } while (c >= 48 && c <= 57);
      exp10 += sign * x;
    }
    if (i > end || nd > 19) break;
    while (c === 32 || c === 10 || c === 13 || c === 9) c = bytes[++i];
    if (i >= end) i = end;
    // Only a separator or a closing bracket may follow: after a letter, `.`, `_` or an operator
    // (`2 * 3` in Python) the general code re-reads the element from its start.
    else if (c !== 44 && c !== 93 && c !== 41) break;
    // Digits 1-8 in hi, the rest in lo: the split splitToDouble makes exact (Clinger's path inside).
    if (!splitToDouble(hi, nd > 17 ? lo * POW10_EXACT[nd - 17] + lo2 : lo, nd > 8 ? nd - 8 : 0, exp10)) break;
    const v = decimalResult[0];
    buf[len++] = neg ? -v : v;
    if (!isInt) integer = false;
    afterValue = true;
    if (c !== 44 || i >= end) break;
    c = bytes[++i];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = bytes[++i];
    afterValue = false;
  }
  numberRun.length = len;
  numberRun.integer = integer;
  numberRun.afterValue = afterValue;
  return afterValue ? i : at;
}
