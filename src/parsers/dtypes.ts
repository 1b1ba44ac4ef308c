/**
 * Dtype names as they appear in JSON, Python and prints, mapped onto the engine's three dtypes,
 * and the cast a dtype implies for the values.
 *
 * The engine keeps every tensor in a Float64Array, so:
 * - `float16`, `bfloat16` and `float32` become `float32`, with values rounded to the nearest float32
 *   (`Math.fround`), as torch stores them; half-precision rounding is not modelled.
 * - every integer and bool dtype becomes `int64`; float values are truncated toward zero, as `.long()` does.
 */
import type { DType } from '../engine/tensor';

const NAMES = new Map<string, DType>([
  ['float32', 'float32'],
  ['float', 'float32'],
  ['float16', 'float32'],
  ['half', 'float32'],
  ['bfloat16', 'float32'],
  ['single', 'float32'],
  ['float64', 'float64'],
  ['double', 'float64'],
  ['longdouble', 'float64'],
  ['int64', 'int64'],
  ['long', 'int64'],
  ['int32', 'int64'],
  ['int', 'int64'],
  ['int16', 'int64'],
  ['short', 'int64'],
  ['int8', 'int64'],
  ['uint8', 'int64'],
  ['uint16', 'int64'],
  ['uint32', 'int64'],
  ['uint64', 'int64'],
  ['bool', 'int64'],
  ['bool_', 'int64'],
  ['intp', 'int64'],
]);

/**
 * The engine dtype for a dtype name: `'float32'`, `'torch.float16'`, `'np.int32'`, `'numpy.float64'`,
 * `'<f4'`. Bare `float` means float32 here; {@link dtypeFromPythonName} handles numpy's meaning.
 */
export function dtypeFromName(name: string): DType | undefined {
  const n = name.trim().replace(/^(torch|np|numpy)\./, '');
  const np = /^[<>=|]?([fiub])([1248])$/.exec(n);
  if (np) return np[1] === 'f' ? (np[2] === '8' ? 'float64' : 'float32') : 'int64';
  return NAMES.get(n);
}

/**
 * The engine dtype for a dtype written in Python: `torch.float` is float32, but numpy's and Python's
 * `float` (`np.array(x, dtype=float)`) is float64.
 */
export function dtypeFromPythonName(name: string, numpy: boolean): DType | undefined {
  const n = name.trim();
  if (n === 'float' || n === 'np.float_' || n === 'numpy.float_' || (numpy && (n === 'np.float' || n === 'numpy.float'))) return 'float64';
  if (n === 'int') return 'int64';
  return dtypeFromName(n);
}

/**
 * Casts `data` in place to what `dtype` can hold: float32 rounding, or truncation toward zero for
 * int64. Returns the index of the first value an integer dtype cannot hold (NaN or ±Inf), or -1.
 */
export function castInPlace(data: Float64Array, dtype: DType): number {
  if (dtype === 'float32') {
    for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]);
  } else if (dtype === 'int64') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isFinite(v)) return i;
      if (!Number.isInteger(v)) data[i] = Math.trunc(v) + 0; // + 0 turns -0 into 0, as an integer cast does
    }
  }
  return -1;
}
