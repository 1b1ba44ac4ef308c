/**
 * A torch tensor or a numpy array as the interpreter holds it: a shared storage plus a strided
 * view of it (shape, strides, offset, in elements), a dtype and which library made it.
 *
 * Views share storage as they do in PyTorch and numpy (`x.view(...)`, `x[:, 0]`, `x.T`, `.data`),
 * so an in-place write through one (`y[0] = 1`, `w.data.fill_(1.0)`) is seen through the others.
 * Values are float64 (see dtype.ts for how each dtype rounds). Compute kernels take the
 * contiguous data ({@link TensorObj.contiguousData}) and hand results back as new contiguous
 * tensors; loss calls get an engine {@link Tensor} from {@link TensorObj.toEngine}.
 */
import type { Tensor } from '../../engine/tensor';
import { allocFloat64 } from '../budget';
import { DTypeName, engineDType } from './dtype';

/** Which library's semantics a tensor follows: promotion, printing, method names, default dtypes. */
export type ArrayLib = 'torch' | 'numpy';

/** The elements behind one or more views. `data` is written in place by in-place ops. */
export interface Storage {
  data: Float64Array;
}

/** Row-major (C order) strides of a shape, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Number of elements of a shape (1 for `[]`). */
export function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor or array: a strided view of a storage. */
export class TensorObj {
  /** `requires_grad`: set by `requires_grad=True`, `.requires_grad_()`, or inherited by results of ops on such tensors. */
  requiresGrad = false;
  /** The `grad_fn` torch would print (`MulBackward0`), or null for a leaf. */
  gradFn: string | null = null;
  /**
   * The device torch would report and print (`cpu`, `cuda:0`). Values are computed on the CPU
   * whatever it says; it matters for prints (`device='cuda:0'`) and for `is_cuda`.
   */
  device = 'cpu';
  /**
   * Set on a 0-d tensor made from a Python number passed where a Tensor goes (PyTorch's "wrapped
   * number"): type promotion treats it as a Python scalar of that kind, not as a tensor.
   */
  wrappedNumber: 'bool' | 'int' | 'float' | null = null;

  constructor(
    public storage: Storage,
    public shape: readonly number[],
    public strides: readonly number[],
    public offset: number,
    public dtype: DTypeName,
    readonly lib: ArrayLib,
  ) {}

  /**
   * A new contiguous tensor owning `data` (row-major, `data.length === numel(shape)`). The caller
   * has already rounded the values to `dtype` and charged the allocation to the budget.
   */
  static fromData(data: Float64Array, shape: readonly number[], dtype: DTypeName, lib: ArrayLib): TensorObj {
    return new TensorObj({ data }, [...shape], contiguousStrides(shape), 0, dtype, lib);
  }

  /** A new zero-filled contiguous tensor, charged to the current budget. */
  static zeros(shape: readonly number[], dtype: DTypeName, lib: ArrayLib, what = 'a tensor'): TensorObj {
    return TensorObj.fromData(allocFloat64(shapeNumel(shape), what), shape, dtype, lib);
  }

  /** Number of elements. */
  get numel(): number {
    return shapeNumel(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True when the view walks its storage in row-major order from `offset` with no gaps. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /**
   * The elements in row-major order. For a contiguous view this is a subarray of the storage
   * (no copy: do not write to it unless you mean to write through the view); otherwise a copy,
   * charged to the budget.
   */
  contiguousData(): Float64Array {
    const n = this.numel;
    if (this.isContiguous()) return this.storage.data.subarray(this.offset, this.offset + n);
    const out = allocFloat64(n, 'a copy of a strided view');
    const nd = this.shape.length;
    const idx = new Array<number>(nd).fill(0);
    const src = this.storage.data;
    let pos = this.offset;
    for (let k = 0; k < n; k++) {
      out[k] = src[pos];
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]++;
        pos += this.strides[d];
        if (idx[d] < this.shape[d]) break;
        pos -= this.strides[d] * this.shape[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  /** The storage offset of the element at a full multi-index. */
  offsetOf(index: readonly number[]): number {
    let pos = this.offset;
    for (let d = 0; d < index.length; d++) pos += index[d] * this.strides[d];
    return pos;
  }

  /** The engine tensor of this view for a loss call (row-major data, engine dtype). Copies only when strided. */
  toEngine(): Tensor {
    return { shape: [...this.shape], data: this.contiguousData(), dtype: engineDType(this.dtype) };
  }

  /** A view of the same storage with another shape/strides/offset (and the same dtype and library). */
  view(shape: readonly number[], strides: readonly number[], offset: number): TensorObj {
    const v = new TensorObj(this.storage, shape, strides, offset, this.dtype, this.lib);
    v.requiresGrad = this.requiresGrad;
    v.device = this.device;
    return v;
  }
}
