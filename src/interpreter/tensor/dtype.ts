/**
 * The dtypes of torch tensors and numpy arrays, as the interpreter keeps them.
 *
 * Every element is stored as a float64 in a `Float64Array` (see {@link TensorObj}); a dtype says
 * which values that float64 may hold and how a result is rounded into it: float32 by `Math.fround`,
 * float16 and bfloat16 by round-to-nearest-even on their bit patterns, integers by truncation toward
 * zero with two's-complement wrap-around (int8 … int32, uint8), bool as 0 or 1. int64 is exact up to
 * 2^53; an op whose integer result leaves that range must refuse rather than round.
 */
import type { DType } from '../../engine/tensor';

/** A dtype name, spelled as `torch.<name>` and `numpy.<name>` spell it (numpy's `bool_` is `bool`). */
export type DTypeName =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64';

/** Every dtype, from the lowest to the highest in torch's promotion order within each category. */
export const DTYPES: readonly DTypeName[] = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];

/** True for float16, bfloat16, float32 and float64. */
export function isFloatingDType(d: DTypeName): boolean {
  return d === 'float16' || d === 'bfloat16' || d === 'float32' || d === 'float64';
}

/** True for the integer dtypes (bool excluded). */
export function isIntegralDType(d: DTypeName): boolean {
  return d === 'uint8' || d === 'int8' || d === 'int16' || d === 'int32' || d === 'int64';
}

/** Bytes per element, as `element_size()` / `itemsize` report. */
export function itemSize(d: DTypeName): number {
  switch (d) {
    case 'bool':
    case 'uint8':
    case 'int8':
      return 1;
    case 'int16':
    case 'float16':
    case 'bfloat16':
      return 2;
    case 'int32':
    case 'float32':
      return 4;
    case 'int64':
    case 'float64':
      return 8;
  }
}

/** The engine's dtype for a tensor handed to a loss: floats keep float32/float64 (half precisions widen to float32), integers and bool become int64. */
export function engineDType(d: DTypeName): DType {
  if (d === 'float64') return 'float64';
  if (isFloatingDType(d)) return 'float32';
  return 'int64';
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Rounds a float32-representable value to bfloat16 (round to nearest, ties to even, on the top 16 bits). */
function toBFloat16(x: number): number {
  if (Number.isNaN(x)) return NaN;
  F32[0] = x;
  const bits = U32[0];
  const lower = bits & 0xffff;
  let upper = bits >>> 16;
  if (lower > 0x8000 || (lower === 0x8000 && (upper & 1) === 1)) upper += 1;
  U32[0] = (upper << 16) >>> 0;
  return F32[0];
}

/** Rounds a float64 to the nearest IEEE half (ties to even), with overflow to ±Infinity. */
function toFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return x > 0 ? Infinity : -Infinity; // 65504 + half an ulp rounds up to inf
  // Spacing of halfs at |x|: 2^(e-10) for normals, 2^-24 for subnormals.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  let q = 2 ** (e - 10);
  // Math.log2 can be off by one at powers of two; correct the exponent.
  if (a / q >= 2048) q *= 2;
  else if (e > -14 && a / q < 1024) q /= 2;
  const m = a / q;
  let r = Math.round(m);
  if (r - m === 0.5 && r % 2 === 1) r -= 1; // ties to even (Math.round rounds half up)
  const out = r * q;
  return x < 0 ? -out : out;
}

/**
 * `x` as a value of dtype `d` holds it: the rounding PyTorch and numpy apply when a result is
 * stored. Integers truncate toward zero and wrap (int8 … int32, uint8); int64 truncates only.
 * A non-finite value cast to an integer dtype is returned as NaN so the caller can refuse it.
 */
export function roundToDType(x: number, d: DTypeName): number {
  switch (d) {
    case 'float64':
      return x;
    case 'float32':
      return Math.fround(x);
    case 'bfloat16':
      return toBFloat16(Math.fround(x));
    case 'float16':
      return toFloat16(x);
    case 'bool':
      return x !== 0 ? 1 : 0; // NaN != 0, so bool(nan) is True as in torch
    default: {
      if (!Number.isFinite(x)) return NaN;
      const t = Math.trunc(x) + 0;
      switch (d) {
        case 'int64':
          return t;
        case 'int32':
          return t | 0;
        case 'int16':
          return (t << 16) >> 16;
        case 'int8':
          return (t << 24) >> 24;
        case 'uint8':
          return t & 0xff;
      }
    }
  }
  return x;
}

/** Rounds every value of `data` in place to dtype `d`; returns the index of the first non-finite value an integer dtype cannot hold, or -1. */
export function roundArrayToDType(data: Float64Array, d: DTypeName): number {
  if (d === 'float64') return -1;
  if (d === 'float32') {
    for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]);
    return -1;
  }
  let bad = -1;
  for (let i = 0; i < data.length; i++) {
    const r = roundToDType(data[i], d);
    if (Number.isNaN(r) && !isFloatingDType(d) && bad < 0) bad = i;
    data[i] = r;
  }
  return bad;
}
