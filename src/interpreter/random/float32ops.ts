/**
 * IEEE binary32 arithmetic emulated on doubles, for reproducing float32 kernels bit for bit.
 *
 * `Math.fround(a op b)` for op in + - * / and sqrt is correctly rounded when a and b are
 * float32 values (53 >= 2·24 + 2, so rounding through double is innocuous).  A fused
 * multiply-add needs more care: a·b is exact in double, but a·b + c is not, so the sum is
 * rounded to odd in double (TwoSum error decides the sticky bit) before rounding to float32,
 * which gives the correctly rounded fmaf(a, b, c).
 */

const fround = Math.fround;
const buf = new Float64Array(1);
const bits = new Uint32Array(buf.buffer);
// Little-endian hosts hold the low mantissa word first; every JS engine we target is little-endian,
// but detect it rather than assume.
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** Correctly rounded float32 fma(a, b, c) for float32 inputs. */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits fit in 53
  const s = p + c;
  if (!Number.isFinite(s)) return fround(s);
  const bv = s - p;
  const e = (p - (s - bv)) + (c - bv); // p + c === s + e exactly
  if (e === 0 || s === 0) return fround(s);
  buf[0] = s;
  if ((bits[LO] & 1) === 0) {
    // Round to odd: step one double ulp toward the exact value.
    const towardLarger = (e > 0) === (s > 0);
    if (towardLarger) {
      bits[LO] = (bits[LO] + 1) >>> 0;
      if (bits[LO] === 0) bits[1 - LO] = (bits[1 - LO] + 1) >>> 0;
    } else {
      if (bits[LO] === 0) bits[1 - LO] = (bits[1 - LO] - 1) >>> 0;
      bits[LO] = (bits[LO] - 1) >>> 0;
    }
  }
  return fround(buf[0]);
}

/** float32 a*b. */
export const mulf = (a: number, b: number): number => fround(a * b);
/** float32 a+b. */
export const addf = (a: number, b: number): number => fround(a + b);
/** float32 a-b. */
export const subf = (a: number, b: number): number => fround(a - b);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bit pattern of a float32 value. */
export function floatBits(x: number): number {
  f32[0] = x;
  return u32[0];
}

/** The float32 value of a bit pattern. */
export function bitsFloat(b: number): number {
  u32[0] = b >>> 0;
  return f32[0];
}

/** Distance in float32 ulps between two float32 values (0 when Object.is-equal or both NaN). */
export function float32UlpDistance(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const ord = (x: number): number => {
    const u = floatBits(x);
    return u & 0x80000000 ? -(u & 0x7fffffff) : u;
  };
  return Math.abs(ord(a) - ord(b));
}

/** Distance in float64 ulps between two doubles. */
export function float64UlpDistance(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  const v = new DataView(new ArrayBuffer(8));
  const ord = (x: number): bigint => {
    v.setFloat64(0, x);
    const u = v.getBigUint64(0);
    return u & (1n << 63n) ? -(u & ((1n << 63n) - 1n)) : u;
  };
  const d = ord(a) - ord(b);
  return Number(d < 0n ? -d : d);
}
