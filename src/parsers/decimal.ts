/**
 * Correctly rounded decimal-to-double conversion for the scanners' hot loops, without building a
 * substring per number.
 *
 * A scanner splits a decimal literal into at most 19 significant digits `w = head * 10^tailDigits + tail`
 * (`head` the first 15 digits, exact in a double; `tail` the next at most 4) and a power of ten
 * `exp10`, so the value is `w * 10^exp10`. Then:
 *
 * 1. If `w < 2^53` and `|exp10| <= 22`, both `w` and `10^|exp10|` are exact doubles, so one IEEE
 *    multiplication or division rounds the exact value once: the result is correctly rounded
 *    (Clinger's fast path).
 * 2. Otherwise `w` is held exactly as a double-double `wh + wl` (Dekker's TwoProduct and Knuth's
 *    TwoSum), `10^exp10` is a precomputed double-double with relative error below 2^-106, and their
 *    product `y` is within about 2^-104 relative of the exact value `x`. Rounding to nearest is
 *    monotone, so if `y*(1 - 2^-99)` and `y*(1 + 2^-99)` round to the same double `r`, every value in
 *    between does, `x` included, and `r` is the correctly rounded result. When they differ, `x` lies
 *    within 2^-99 of a halfway point (or on it, where ties-to-even decides) and the caller falls back
 *    to `Number()` on the literal's text. That happens for about one literal in 10^13 of random data.
 *
 * The double-double path is limited to `-270 <= exp10 <= 280`, where no partial product is
 * subnormal, so the error bound above holds; outside it the caller falls back as well.
 */

/** Smallest and largest `exp10` of the double-double table. */
const MIN_EXP = -270;
const MAX_EXP = 280;
/** `10^k` as `POW_HI[k - MIN_EXP] + POW_LO[k - MIN_EXP]`. */
const POW_HI = new Float64Array(MAX_EXP - MIN_EXP + 1);
const POW_LO = new Float64Array(MAX_EXP - MIN_EXP + 1);
/** Exact powers of ten `10^0 .. 10^22`. */
const EXACT = new Float64Array(23);
const TWO_53 = 9007199254740992;
/** Dekker's splitter, 2^27 + 1. */
const SPLITTER = 134217729;
/** 2^-99, the half-width of the interval that must round to one double. */
const MARGIN = 1.5777218104420236e-30;

buildTables();

/**
 * Fills the tables once, exactly, with BigInt arithmetic. For negative k the quotient
 * `2^s / 10^-k` carries at least 120 significant bits, so `hi + lo` is within 2^-106 of `10^k`.
 */
function buildTables(): void {
  for (let k = MIN_EXP; k <= MAX_EXP; k++) {
    let hi: number;
    let lo: number;
    if (k >= 0) {
      const big = 10n ** BigInt(k);
      hi = Number(big);
      lo = Number(big - BigInt(hi));
    } else {
      const shift = Math.ceil(-k * 3.33) + 130;
      const q = (1n << BigInt(shift)) / 10n ** BigInt(-k);
      const qh = Number(q);
      const ql = Number(q - BigInt(qh));
      hi = qh;
      lo = ql;
      // Scale by 2^-shift in steps, each exact, so neither part underflows on the way.
      for (let s = shift; s > 0; s -= 500) {
        const step = Math.pow(2, -Math.min(s, 500));
        hi *= step;
        lo *= step;
      }
    }
    POW_HI[k - MIN_EXP] = hi;
    POW_LO[k - MIN_EXP] = lo;
    if (k >= 0 && k <= 22) EXACT[k] = hi;
  }
}

/**
 * The result slot of {@link digitsToDouble}. A double returned from a function that is not inlined
 * is boxed on the heap; a store into a Float64Array is not, so the hot loops read results here.
 */
export const decimalResult = new Float64Array(1);

/**
 * Stores `(head * 10^tailDigits + tail) * 10^exp10`, correctly rounded, in `decimalResult[0]` and
 * returns true, or returns false when the caller must fall back to `Number(text)`. `head` has at
 * most 15 digits, `tail` at most 4 (`tailDigits` of them). The sign is the caller's.
 */
export function digitsToDouble(head: number, tailDigits: number, tail: number, exp10: number): boolean {
  decimalDigits[0] = head;
  decimalDigits[1] = tail;
  return convertDigits(tailDigits, exp10);
}

/**
 * `head` and `tail` for {@link convertDigits}. Passing a double that is not a small integer to a
 * function that is not inlined boxes it, so the scanners hand the digits over in a typed array.
 */
export const decimalDigits = new Float64Array(2);

/** {@link digitsToDouble} with `head` and `tail` in {@link decimalDigits}. */
export function convertDigits(tailDigits: number, exp10: number): boolean {
  const head = decimalDigits[0];
  const tail = decimalDigits[1];
  let wh = head;
  let wl = 0;
  if (tailDigits !== 0) {
    const scale = EXACT[tailDigits];
    const t = head * scale;
    if (t < TWO_53 && t + tail < TWO_53) {
      wh = t + tail;
    } else {
      // TwoProduct(head, scale) then TwoSum with tail: wh + wl == head*scale + tail exactly.
      let s = SPLITTER * head;
      const ah = s - (s - head);
      const al = head - ah;
      s = SPLITTER * scale;
      const bh = s - (s - scale);
      const bl = scale - bh;
      const terr = ah * bh - t + ah * bl + al * bh + al * bl;
      const u = t + tail;
      const bb = u - t;
      const uerr = t - (u - bb) + (tail - bb);
      const lo = uerr + terr;
      wh = u + lo;
      wl = lo - (wh - u);
    }
  }
  if (wh === 0) {
    decimalResult[0] = 0;
    return true;
  }
  if (wl === 0 && exp10 >= -22 && exp10 <= 22) {
    decimalResult[0] = exp10 >= 0 ? wh * EXACT[exp10] : wh / EXACT[-exp10];
    return true;
  }
  if (exp10 < MIN_EXP || exp10 > MAX_EXP) return false;
  const ph = POW_HI[exp10 - MIN_EXP];
  const pl = POW_LO[exp10 - MIN_EXP];
  const p = wh * ph;
  let s = SPLITTER * wh;
  const ah = s - (s - wh);
  const al = wh - ah;
  s = SPLITTER * ph;
  const bh = s - (s - ph);
  const bl = ph - bh;
  const perr = ah * bh - p + ah * bl + al * bh + al * bl + (wh * pl + wl * ph);
  const yh = p + perr;
  const yl = perr - (yh - p);
  const margin = yh * MARGIN;
  const r = yh + (yl + margin);
  decimalResult[0] = r;
  return r === yh + (yl - margin);
}
