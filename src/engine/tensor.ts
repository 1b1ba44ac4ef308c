/**
 * The engine's tensor: a shape and flat row-major (C order) float64 data, plus the dtype the
 * values came with. Integer tensors (class indices) keep their values in the same Float64Array;
 * every index a loss uses is far below 2^53, so the representation is exact.
 */
import { EngineError } from './errors';

/** The dtypes the engine distinguishes: float inputs and int64 class indices. */
export type DType = 'float32' | 'float64' | 'int64';

/** An n-dimensional array. `data.length === numel(shape)`; shape `[]` is a 0-d scalar. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
  readonly dtype: DType;
}

/** Number of elements of a shape (1 for `[]`). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Builds a tensor, checking that the data has exactly `numel(shape)` values. */
export function tensor(shape: readonly number[], data: Float64Array | readonly number[], dtype: DType = 'float64'): Tensor {
  const flat = data instanceof Float64Array ? data : Float64Array.from(data);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`tensor: shape ${formatShape(shape)} has a dimension that is not a non-negative integer`);
  }
  if (flat.length !== numel(shape)) {
    throw new RangeError(`tensor: shape ${formatShape(shape)} needs ${numel(shape)} values but ${flat.length} were given`);
  }
  return { shape: [...shape], data: flat, dtype };
}

/** A 0-d tensor. */
export function scalar(value: number, dtype: DType = 'float64'): Tensor {
  return { shape: [], data: Float64Array.of(value), dtype };
}

/** A float64 tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return { shape: [...shape], data: new Float64Array(numel(shape)), dtype: 'float64' };
}

/** True for float32 and float64 tensors. */
export function isFloating(t: Tensor): boolean {
  return t.dtype !== 'int64';
}

/** `[2,5]`, the way messages print shapes. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Two shapes are equal when they have the same dims. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Normalises a possibly negative `dim` for a tensor of `ndim` dims (0-d allows 0 and -1). */
export function normalizeDim(op: string, dim: number, ndim: number, arg = 'dim'): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new EngineError('invalid_argument', op, `${arg}=${dim} is out of range for a ${ndim}-d input: use a value in [${-n}, ${n - 1}].`);
  }
  return dim < 0 ? dim + n : dim;
}

/** NumPy/PyTorch broadcasting of two shapes, or a `shape_mismatch` naming both. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[], names: [string, string] = ['input', 'target']): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new EngineError(
        'shape_mismatch',
        op,
        `${names[0]} ${formatShape(a)} and ${names[1]} ${formatShape(b)} do not broadcast (dim ${i - n}: ${da} vs ${db}); give them the same shape or size 1 on that dim.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The data of `t` expanded to `shape` (which `t.shape` must broadcast to). Returns `t.data` itself when no expansion is needed. */
export function broadcastTo(t: Tensor, shape: readonly number[]): Float64Array {
  if (sameShape(t.shape, shape)) return t.data;
  const n = numel(shape);
  const out = new Float64Array(n);
  const nd = shape.length;
  const src = new Array<number>(nd).fill(0);
  const off = nd - t.shape.length;
  const srcStrides = stridesOf(t.shape);
  for (let i = 0; i < nd; i++) {
    const d = i - off;
    src[i] = d >= 0 && t.shape[d] !== 1 ? srcStrides[d] : 0;
  }
  const idx = new Array<number>(nd).fill(0);
  let s = 0;
  for (let k = 0; k < n; k++) {
    out[k] = t.data[s];
    for (let i = nd - 1; i >= 0; i--) {
      idx[i]++;
      s += src[i];
      if (idx[i] < shape[i]) break;
      s -= src[i] * idx[i];
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * Sums `grad` (of the broadcast shape) back down to `shape`, the adjoint of {@link broadcastTo}.
 */
export function sumToShape(grad: Float64Array, fromShape: readonly number[], shape: readonly number[]): Float64Array {
  if (sameShape(fromShape, shape)) return grad;
  const out = new Float64Array(numel(shape));
  const nd = fromShape.length;
  const off = nd - shape.length;
  const dstStrides = stridesOf(shape);
  const dst = new Array<number>(nd).fill(0);
  for (let i = 0; i < nd; i++) {
    const d = i - off;
    dst[i] = d >= 0 && shape[d] !== 1 ? dstStrides[d] : 0;
  }
  const idx = new Array<number>(nd).fill(0);
  let t = 0;
  for (let k = 0; k < grad.length; k++) {
    out[t] += grad[k];
    for (let i = nd - 1; i >= 0; i--) {
      idx[i]++;
      t += dst[i];
      if (idx[i] < fromShape[i]) break;
      t -= dst[i] * idx[i];
      idx[i] = 0;
    }
  }
  return out;
}
