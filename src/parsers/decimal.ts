/**
 * Correctly rounded decimal-to-double conversion for the scanners' hot loops, without building a
 * substring per number.
 *
 * A scanner splits a decimal literal into at most 19 significant digits `w = head * 10^tailDigits + tail`
 * (the scanners put the first 8 digits in `head` and the next at most 11 in `tail`) and a power of
 * ten `exp10`, so the value is `w * 10^exp10`. Then:
 *
 * 1. `w` is made an exact double-double `wh + wl`. When `head * 5^tailDigits <= 2^53` (always so for
 *    an 8-digit head and at most 11 tail digits), `head * 10^tailDigits` is an exact double (the
 *    power of two costs nothing), and since it is at least `10^tailDigits > tail`, Fast2Sum gives
 *    `wh + wl` in three operations. Other splits go through Dekker's TwoProduct and Knuth's TwoSum.
 * 2. If `wl == 0` (so `w` is a double) and `|exp10| <= 22`, both `w` and `10^|exp10|` are exact
 *    doubles, so one IEEE multiplication or division rounds the exact value once: the result is
 *    correctly rounded (Clinger's fast path).
 * 3. Otherwise `10^exp10` is a precomputed double-double with relative error below 2^-106 (its high
 *    part stored pre-split for TwoProduct), and their
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
/** Dekker's split of `POW_HI`: `POW_HI = POW_HH + POW_HL`, each with at most 26 significant bits. */
const POW_HH = new Float64Array(MAX_EXP - MIN_EXP + 1);
const POW_HL = new Float64Array(MAX_EXP - MIN_EXP + 1);
/** Exact powers of ten `10^0 .. 10^22`. */
const EXACT = new Float64Array(23);
/** `floor(2^53 / 5^k)`: `head * 10^k` is an exact double when `head <= SCALE_LIMIT[k]`. */
const SCALE_LIMIT = new Float64Array(23);
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
    const s = SPLITTER * hi;
    POW_HH[k - MIN_EXP] = s - (s - hi);
    POW_HL[k - MIN_EXP] = hi - POW_HH[k - MIN_EXP];
    if (k >= 0 && k <= 22) {
      EXACT[k] = hi;
      SCALE_LIMIT[k] = Number((1n << 53n) / 5n ** BigInt(k));
    }
  }
}

/** Exact powers of ten `10^0 .. 10^22`, for the scanners' inlined Clinger fast path. */
export const POW10_EXACT: Float64Array = EXACT;

/**
 * The result slot of {@link digitsToDouble}. A double returned from a function that is not inlined
 * is boxed on the heap; a store into a Float64Array is not, so the hot loops read results here.
 */
export const decimalResult = new Float64Array(1);

/**
 * Stores `(head * 10^tailDigits + tail) * 10^exp10`, correctly rounded, in `decimalResult[0]` and
 * returns true, or returns false when the caller must fall back to `Number(text)`. `head` and
 * `tail` are integers below 2^53, `tail < 10^tailDigits` and `tailDigits <= 22`; the fast split is
 * an 8-digit head and at most 11 tail digits. The sign is the caller's.
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
    if (head <= SCALE_LIMIT[tailDigits]) {
      // t is exact and t >= 10^tailDigits > tail (or t == 0), so Fast2Sum is exact.
      wh = t + tail;
      wl = tail - (wh - t);
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
  return scaleExact(wh, wl, exp10);
}

/**
 * Stores `(hi * 10^loDigits + lo) * 10^exp10`, correctly rounded, in `decimalResult[0]` and returns
 * true, or returns false when the caller must fall back to `Number(text)`. This is the scanners'
 * split: `hi` below 10^8 and `lo` below `10^loDigits` with `loDigits <= 11`, so `hi * 10^loDigits`
 * is exact (see the file comment). The result goes through the slot, not the return value, so that
 * no double is boxed even where the engine does not inline this into the scanner's loop.
 */
export function splitToDouble(hi: number, lo: number, loDigits: number, exp10: number): boolean {
  const t = hi * EXACT[loDigits];
  const wh = t + lo;
  return scaleExact(wh, lo - (wh - t), exp10);
}

/**
 * Stores `(wh + wl) * 10^exp10`, correctly rounded, in `decimalResult[0]` for an exact double-double
 * `wh + wl` (`|wl| <= ulp(wh) / 2`), or returns false when it lies too near a halfway point or
 * outside the table.
 */
function scaleExact(wh: number, wl: number, exp10: number): boolean {
  if (wl === 0 && exp10 >= -22 && exp10 <= 22) {
    decimalResult[0] = exp10 >= 0 ? wh * EXACT[exp10] : wh / EXACT[-exp10];
    return true;
  }
  if (exp10 < MIN_EXP || exp10 > MAX_EXP) return false;
  const k = exp10 - MIN_EXP;
  const ph = POW_HI[k];
  const bh = POW_HH[k];
  const bl = POW_HL[k];
  const p = wh * ph;
  const s = SPLITTER * wh;
  const ah = s - (s - wh);
  const al = wh - ah;
  const perr = ah * bh - p + ah * bl + al * bh + al * bl + (wh * POW_LO[k] + wl * ph);
  const yh = p + perr;
  const yl = perr - (yh - p);
  const margin = yh * MARGIN;
  const r = yh + (yl + margin);
  decimalResult[0] = r;
  return r === yh + (yl - margin);
}
