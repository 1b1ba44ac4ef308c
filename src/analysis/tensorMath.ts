/**
 * The tensor arithmetic around loss calls, with torch's dtype rules: elementwise `+ - * / // **`
 * with broadcasting, unary functions, reductions, indexing, `one_hot`, `cat`/`stack` and shape
 * helpers. Losses and softmax themselves go through the engine's registry; this file only moves
 * and combines values.
 *
 * Dtypes follow torch's type promotion on the engine's three dtypes: int64 with int64 stays int64
 * (true division gives float32), a float tensor keeps its dtype against a Python number, an int64
 * tensor with a Python float becomes float32, float32 with float64 is float64. float32 results are
 * rounded to float32 after each operation, as torch stores them.
 */
import { EngineError } from '../engine/errors';
import { sum } from '../engine/reduce';
import { DType, Tensor, broadcastShapes, broadcastTo, formatShape, normalizeDim, numel, stridesOf } from '../engine/tensor';

/** A failure of a tensor operation that torch would raise: message in torch's terms. */
export class TensorOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TensorOpError';
  }
}

/** The dtype of a binary op between two tensors (or a tensor and a Python number given as a 0-d "weak" operand). */
export function promote(a: DType, b: DType, bIsPythonNumber = false): DType {
  if (bIsPythonNumber) return a === 'int64' ? (b === 'int64' ? 'int64' : 'float32') : a;
  if (a === 'int64' && b === 'int64') return 'int64';
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** `data` rounded for `dtype`: float32 rounding, or truncation for int64. Works in place and returns it. */
export function roundTo(data: Float64Array, dtype: DType): Float64Array {
  if (dtype === 'float32') for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]);
  else if (dtype === 'int64') for (let i = 0; i < data.length; i++) data[i] = Math.trunc(data[i]) + 0;
  return data;
}

/** `t` as `dtype` (a copy only when the values change). */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  if (dtype === 'int64') {
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) throw new TensorOpError(`Cannot convert ${String(t.data[i])} to an integer tensor.`);
  }
  const data = t.dtype === 'float32' && dtype === 'float64' ? t.data : roundTo(Float64Array.from(t.data), dtype);
  return { shape: t.shape, data, dtype };
}

/** The binary operators on values. */
export type ArithOp = '+' | '-' | '*' | '/' | '//' | '**' | '%';

/** Python's and torch's `%` (`torch.remainder`): the result takes the divisor's sign, from an exact `fmod`. */
export function pyMod(x: number, y: number): number {
  const m = x % y;
  return m !== 0 && y < 0 !== m < 0 ? m + y : m;
}

function apply(op: ArithOp, x: number, y: number, int: boolean): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '//':
      if (int && y === 0) throw new TensorOpError('ZeroDivisionError: integer division by zero.');
      return Math.floor(x / y);
    case '**':
      return Math.pow(x, y);
    case '%':
      if (int && y === 0) throw new TensorOpError('ZeroDivisionError: integer modulo by zero.');
      return pyMod(x, y);
  }
}

/**
 * `a @ b` (`torch.matmul`) for 1-D and 2-D operands: a dot product, a matrix-vector or a matrix
 * product. Each output element is one compensated (Neumaier) sum of products in float64, rounded
 * once to the result dtype (the engine's `sum`, which keeps ±∞ partial sums); PyTorch's BLAS sums in float32 in its own order, so a float32 result
 * can differ from it in the last bit, within FORMAT.md's tolerance.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length === 0 || b.shape.length === 0) throw new TensorOpError('matmul: both arguments need at least 1 dimension; use * for a scalar.');
  if (a.shape.length > 2 || b.shape.length > 2) throw new TensorOpError(`matmul of ${a.shape.length}-d and ${b.shape.length}-d tensors (batched) is not evaluated: use 1-D or 2-D operands.`);
  if (a.dtype !== b.dtype) throw new TensorOpError(`expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}.`);
  const [n, k] = a.shape.length === 1 ? [1, a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, m] = b.shape.length === 1 ? [b.shape[0], 1] : [b.shape[0], b.shape[1]];
  if (k !== k2) throw new TensorOpError(`mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${k2}x${m}).`);
  const out = new Float64Array(n * m);
  const products = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      for (let q = 0; q < k; q++) products[q] = a.data[i * k + q] * b.data[q * m + j];
      out[i * m + j] = sum(products);
    }
  }
  const shape = a.shape.length === 1 ? (b.shape.length === 1 ? [] : [m]) : b.shape.length === 1 ? [n] : [n, m];
  return { shape, data: roundTo(out, a.dtype), dtype: a.dtype };
}

/**
 * `a op b` elementwise with broadcasting. `scalarSide` says which operand (if any) is a Python number,
 * whose dtype does not promote a float tensor.
 */
export function elementwise(op: ArithOp, a: Tensor, b: Tensor, scalarSide: 'a' | 'b' | null = null): Tensor {
  let dtype = scalarSide === 'a' ? promote(b.dtype, a.dtype, true) : promote(a.dtype, b.dtype, scalarSide === 'b');
  if (op === '/' && dtype === 'int64') dtype = 'float32';
  if (op === '**' && dtype === 'int64') {
    const exps = scalarSide === 'a' ? b.data : b.data;
    if (exps.some((e) => e < 0)) throw new TensorOpError('Integers to negative integer powers are not allowed.');
  }
  const shape = broadcastShapes('arithmetic', a.shape, b.shape, ['the left operand', 'the right operand']);
  const x = broadcastTo(a, shape);
  const y = broadcastTo(b, shape);
  const out = new Float64Array(numel(shape));
  const int = dtype === 'int64';
  for (let i = 0; i < out.length; i++) out[i] = apply(op, x[i], y[i], int);
  return { shape, data: roundTo(out, dtype), dtype };
}

/** Elementwise `f`, giving a float tensor (int64 input becomes float32, as `torch.log` of a LongTensor does). */
export function unaryFloat(t: Tensor, f: (x: number) => number): Tensor {
  const dtype: DType = t.dtype === 'int64' ? 'float32' : t.dtype;
  return { shape: t.shape, data: roundTo(t.data.map(f), dtype), dtype };
}

/** Elementwise `f` keeping the dtype (negation, abs). */
export function unarySame(t: Tensor, f: (x: number) => number): Tensor {
  return { shape: t.shape, data: roundTo(t.data.map(f), t.dtype), dtype: t.dtype };
}

/** The logistic sigmoid, computed without overflow. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** `sum`/`mean`/`amax`/`amin`/`argmax` over all elements or along `dim` (keepdim optional). */
export function reduce(t: Tensor, kind: 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin', dim: number | null, keepdim = false): Tensor {
  if (kind === 'mean' && t.dtype === 'int64') {
    throw new TensorOpError('mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long. Call .float() first.');
  }
  const outDtype: DType = kind === 'argmax' || kind === 'argmin' ? 'int64' : t.dtype;
  if (dim === null) {
    if (t.data.length === 0 && kind !== 'sum' && kind !== 'mean') throw new TensorOpError(`${kind}(): the input is empty; give it at least one element.`);
    const v = fold(t.data, 0, 1, t.data.length, kind);
    return { shape: keepdim ? t.shape.map(() => 1) : [], data: roundTo(Float64Array.of(v), outDtype), dtype: outDtype };
  }
  const d = normalizeDim(kind, dim, t.shape.length);
  const size = t.shape[d] ?? 1;
  let outer = 1;
  for (let i = 0; i < d; i++) outer *= t.shape[i];
  const inner = numel(t.shape.slice(d + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[o * inner + i] = fold(t.data, o * size * inner + i, inner, size, kind);
  const shape = keepdim ? t.shape.map((s, i) => (i === d ? 1 : s)) : t.shape.filter((_, i) => i !== d);
  return { shape, data: roundTo(out, outDtype), dtype: outDtype };
}

function fold(data: Float64Array, start: number, stride: number, count: number, kind: string): number {
  let acc = kind === 'max' || kind === 'argmax' ? -Infinity : kind === 'min' || kind === 'argmin' ? Infinity : 0;
  let arg = 0;
  for (let c = 0; c < count; c++) {
    const v = data[start + c * stride];
    if (kind === 'sum' || kind === 'mean') acc += v;
    else if (Number.isNaN(v)) {
      if (!Number.isNaN(acc)) arg = c;
      acc = NaN;
    } else if ((kind === 'max' || kind === 'argmax') && v > acc) {
      acc = v;
      arg = c;
    } else if ((kind === 'min' || kind === 'argmin') && v < acc) {
      acc = v;
      arg = c;
    }
  }
  if (kind === 'mean') return acc / count;
  return kind === 'argmax' || kind === 'argmin' ? arg : acc;
}

/** One item of a subscript: an integer, a slice, `None`, `...`, or integer indices (a list or int64 tensor). */
export type IndexItem =
  | { readonly k: 'int'; readonly i: number }
  | { readonly k: 'slice'; readonly lo: number | null; readonly hi: number | null; readonly step: number | null }
  | { readonly k: 'none' }
  | { readonly k: 'ellipsis' }
  | { readonly k: 'indices'; readonly t: Tensor };

/**
 * `t[items]` for basic indexing plus one index list, as torch does it: integers drop a dim, slices
 * keep it, `None` inserts a size-1 dim, `...` fills the rest, and one list or int64 tensor of
 * indices selects along its dim (its shape replaces that dim).
 */
export function indexTensor(t: Tensor, items: readonly IndexItem[]): Tensor {
  const consuming = items.filter((i) => i.k !== 'none' && i.k !== 'ellipsis').length;
  if (items.filter((i) => i.k === 'ellipsis').length > 1) throw new TensorOpError('An index can only have a single ellipsis (...).');
  if (consuming > t.shape.length) throw new TensorOpError(`Too many indices for a tensor of dimension ${t.shape.length}: ${consuming} were given.`);
  if (items.filter((i) => i.k === 'indices').length > 1) throw new TensorOpError('Indexing with more than one index list at once is not evaluated: index one dim at a time.');
  const full: IndexItem[] = [];
  for (const it of items) {
    if (it.k === 'ellipsis') for (let k = 0; k < t.shape.length - consuming; k++) full.push({ k: 'slice', lo: null, hi: null, step: null });
    else full.push(it);
  }
  while (full.filter((i) => i.k !== 'none').length < t.shape.length) full.push({ k: 'slice', lo: null, hi: null, step: null });
  // Per source dim, the source positions taken; per output dim, its size.
  const picks: number[][] = [];
  const outShape: number[] = [];
  const keeps: boolean[] = [];
  let dim = 0;
  for (const it of full) {
    if (it.k === 'none') {
      outShape.push(1);
      continue;
    }
    const size = t.shape[dim];
    if (it.k === 'int') {
      const i = it.i < 0 ? it.i + size : it.i;
      if (!Number.isInteger(it.i) || i < 0 || i >= size) throw new TensorOpError(`Index ${it.i} is out of bounds for dimension ${dim} with size ${size}.`);
      picks.push([i]);
      keeps.push(false);
    } else if (it.k === 'slice') {
      const pos = slicePositions(size, it.lo, it.hi, it.step);
      picks.push(pos);
      keeps.push(true);
      outShape.push(pos.length);
    } else if (it.k === 'indices') {
      if (it.t.dtype !== 'int64') throw new TensorOpError('Tensors used as indices must be long, int or bool tensors.');
      const pos = Array.from(it.t.data, (v) => {
        const i = v < 0 ? v + size : v;
        if (i < 0 || i >= size) throw new TensorOpError(`Index ${v} is out of bounds for dimension ${dim} with size ${size}.`);
        return i;
      });
      picks.push(pos);
      keeps.push(true);
      if (it.t.shape.length !== 1) throw new TensorOpError('Only 1-D index lists are evaluated.');
      outShape.push(pos.length);
    }
    dim++;
  }
  const strides = stridesOf(t.shape);
  const out = new Float64Array(numel(outShape));
  let k = 0;
  const walk = (d: number, offset: number): void => {
    if (d === picks.length) {
      out[k++] = t.data[offset];
      return;
    }
    for (const p of picks[d]) walk(d + 1, offset + p * strides[d]);
  };
  if (out.length > 0) walk(0, 0);
  return { shape: outShape, data: out, dtype: t.dtype };
}

/** Python's slice positions for a dim of `size`. */
function slicePositions(size: number, lo: number | null, hi: number | null, step: number | null): number[] {
  const s = step ?? 1;
  if (s === 0) throw new TensorOpError('Slice step cannot be zero.');
  if (s < 0) throw new TensorOpError('Negative slice steps are not supported by torch: use torch.flip.');
  const clamp = (v: number | null, dflt: number): number => (v === null ? dflt : Math.min(size, Math.max(0, v < 0 ? v + size : v)));
  const a = clamp(lo, 0);
  const b = clamp(hi, size);
  const out: number[] = [];
  for (let i = a; i < b; i += s) out.push(i);
  return out;
}

/** `F.one_hot(t, num_classes)`: int64, a new last dim; `num_classes=-1` means `max + 1`. */
export function oneHot(t: Tensor, numClasses: number): Tensor {
  if (t.dtype !== 'int64') throw new TensorOpError('one_hot is only applicable to index tensor (an int64 tensor of class indices).');
  let c = numClasses;
  if (c === -1) c = t.data.length === 0 ? 0 : Math.max(...t.data) + 1;
  const out = new Float64Array(t.data.length * c);
  for (let i = 0; i < t.data.length; i++) {
    const y = t.data[i];
    if (y < 0) throw new TensorOpError('Class values must be non-negative.');
    if (y >= c) throw new TensorOpError(`Class values must be smaller than num_classes (${c}); found ${y}.`);
    out[i * c + y] = 1;
  }
  return { shape: [...t.shape, c], data: out, dtype: 'int64' };
}

/** `torch.cat(tensors, dim)`: same shape except along `dim`; dtypes promote. */
export function cat(ts: readonly Tensor[], dim: number): Tensor {
  if (ts.length === 0) throw new TensorOpError('torch.cat(): expected a non-empty list of tensors.');
  const nd = ts[0].shape.length;
  const d = normalizeDim('cat', dim, nd);
  for (const t of ts) {
    if (t.shape.length !== nd || t.shape.some((s, i) => i !== d && s !== ts[0].shape[i])) {
      throw new TensorOpError(`torch.cat(): sizes of tensors must match except in dimension ${d}: ${formatShape(ts[0].shape)} and ${formatShape(t.shape)}.`);
    }
  }
  const dtype = ts.map((t) => t.dtype).reduce((a, b) => promote(a, b));
  const shape = ts[0].shape.map((s, i) => (i === d ? ts.reduce((n, t) => n + t.shape[d], 0) : s));
  let outer = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  const out = new Float64Array(numel(shape));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const chunk = numel(t.shape.slice(d));
      out.set(t.data.subarray(o * chunk, (o + 1) * chunk), k);
      k += chunk;
    }
  }
  return { shape, data: roundTo(out, dtype), dtype };
}

/** `t` with a new shape (`-1` inferred), as `view`/`reshape`. */
export function reshape(t: Tensor, dims: readonly number[]): Tensor {
  const n = t.data.length;
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape = dims.map((d) => (d === -1 ? (known === 0 ? 0 : n / known) : d));
  if (dims.filter((d) => d === -1).length > 1 || numel(shape) !== n || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TensorOpError(`Shape ${formatShape(dims)} is invalid for input of size ${n}.`);
  }
  return { shape, data: t.data, dtype: t.dtype };
}

/** The transpose of dims `a` and `b`. */
export function transpose(t: Tensor, a: number, b: number): Tensor {
  const nd = t.shape.length;
  if (nd < 2) return t;
  const da = normalizeDim('transpose', a, nd);
  const db = normalizeDim('transpose', b, nd);
  const perm = t.shape.map((_, i) => (i === da ? db : i === db ? da : i));
  const shape = perm.map((p) => t.shape[p]);
  const src = stridesOf(t.shape);
  const out = new Float64Array(t.data.length);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < out.length; k++) {
    let off = 0;
    for (let i = 0; i < nd; i++) off += idx[i] * src[perm[i]];
    out[k] = t.data[off];
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return { shape, data: out, dtype: t.dtype };
}

/** A tensor filled with `value`. */
export function filled(shape: readonly number[], value: number, dtype: DType): Tensor {
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new TensorOpError(`Invalid size ${formatShape(shape)}: sizes are non-negative integers.`);
  if (numel(shape) > 1 << 26) throw new TensorOpError(`A tensor of size ${formatShape(shape)} is too large to evaluate statically.`);
  return { shape: [...shape], data: roundTo(new Float64Array(numel(shape)).fill(value), dtype), dtype };
}

/** `torch.arange(start, end, step)`: int64 when all are integers, else float32. */
export function arange(start: number, end: number, step: number, int: boolean): Tensor {
  if (step === 0) throw new TensorOpError('arange: step must be nonzero.');
  const n = Math.max(0, Math.ceil((end - start) / step));
  if (n > 1 << 26) throw new TensorOpError('arange: the range is too large to evaluate statically.');
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  const dtype: DType = int ? 'int64' : 'float32';
  return { shape: [n], data: roundTo(data, dtype), dtype };
}

/** Re-raises engine errors unchanged and wraps anything else from these helpers. */
export function isTensorFailure(e: unknown): e is TensorOpError | EngineError | RangeError {
  return e instanceof TensorOpError || e instanceof EngineError || e instanceof RangeError;
}
