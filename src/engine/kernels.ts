/**
 * The kernel seam. Ops view a tensor along one axis as `[outer, size, inner]` (row-major) and call
 * these kernels on the flat Float64Array. A faster backend (WebAssembly, a worker) can replace any
 * kernel with {@link setKernels} without touching the ops that call it.
 */

/** Flat, axis-wise kernels. `x` is `[outer, size, inner]`; per-row outputs are `[outer, inner]`. */
export interface Kernels {
  /** Max-shifted log-sum-exp along the middle axis into `out[outer*inner]`. */
  logSumExp(x: Float64Array, outer: number, size: number, inner: number, out: Float64Array): void;
  /** `log_softmax` along the middle axis into `out` (same layout as `x`). */
  logSoftmax(x: Float64Array, outer: number, size: number, inner: number, out: Float64Array): void;
  /** `softmax` along the middle axis into `out` (same layout as `x`). */
  softmax(x: Float64Array, outer: number, size: number, inner: number, out: Float64Array): void;
  /**
   * `log_softmax(x)[pick[r]]` of each row r = (o, i) into `out[r]`, without materialising the
   * whole log_softmax; rows whose `pick` is not in [0, size) are skipped (left as they are).
   */
  logSoftmaxPick(x: Float64Array, outer: number, size: number, inner: number, pick: ArrayLike<number>, out: Float64Array): void;
}

/**
 * Plain TypeScript kernels.
 *
 * Stability: log Σ exp(x_i) = m + log Σ exp(x_i − m) with m = max_i x_i, so every exp argument is
 * ≤ 0 and the sum lies in [1, size]: no overflow for logits of any size, and no underflow of the
 * largest term. Non-finite rows follow PyTorch without special cases: a row of all −∞ has m = −∞ and
 * x − m = NaN; a row containing +∞ has m = +∞ and +∞ − ∞ = NaN; a NaN reaches the sum through exp.
 */
export const jsKernels: Kernels = {
  logSumExp(x, outer, size, inner, out) {
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      for (let i = 0; i < inner; i++) {
        let m = -Infinity;
        for (let c = 0; c < size; c++) {
          const v = x[base + c * inner + i];
          if (v > m) m = v;
        }
        let s = 0;
        for (let c = 0; c < size; c++) s += Math.exp(x[base + c * inner + i] - m);
        out[o * inner + i] = size === 0 ? -Infinity : m + Math.log(s);
      }
    }
  },
  logSoftmax(x, outer, size, inner, out) {
    // log_softmax(x)_c = (x_c − m) − log Σ exp(x − m): the shifted form, as PyTorch computes it, so
    // logits of 1e4 keep full precision in the difference.
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      for (let i = 0; i < inner; i++) {
        let m = -Infinity;
        for (let c = 0; c < size; c++) {
          const v = x[base + c * inner + i];
          if (v > m) m = v;
        }
        let s = 0;
        for (let c = 0; c < size; c++) s += Math.exp(x[base + c * inner + i] - m);
        const logS = Math.log(s);
        for (let c = 0; c < size; c++) {
          const k = base + c * inner + i;
          out[k] = x[k] - m - logS;
        }
      }
    }
  },
  logSoftmaxPick(x, outer, size, inner, pick, out) {
    // The same shifted form as logSoftmax, for one class per row: (x_y − m) − log Σ exp(x − m).
    // Two passes over the row and no [N, C] output: the class-index cross-entropy fast path.
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      for (let i = 0; i < inner; i++) {
        const r = o * inner + i;
        const y = pick[r];
        if (!(y >= 0 && y < size)) continue;
        let m = -Infinity;
        let s = 0;
        if (inner === 1) {
          for (let c = 0; c < size; c++) {
            const v = x[base + c];
            if (v > m) m = v;
          }
          for (let c = 0; c < size; c++) s += Math.exp(x[base + c] - m);
        } else {
          for (let c = 0; c < size; c++) {
            const v = x[base + c * inner + i];
            if (v > m) m = v;
          }
          for (let c = 0; c < size; c++) s += Math.exp(x[base + c * inner + i] - m);
        }
        out[r] = x[base + y * inner + i] - m - Math.log(s);
      }
    }
  },
  softmax(x, outer, size, inner, out) {
    for (let o = 0; o < outer; o++) {
      const base = o * size * inner;
      for (let i = 0; i < inner; i++) {
        let m = -Infinity;
        for (let c = 0; c < size; c++) {
          const v = x[base + c * inner + i];
          if (v > m) m = v;
        }
        let s = 0;
        for (let c = 0; c < size; c++) {
          const k = base + c * inner + i;
          const e = Math.exp(x[k] - m);
          out[k] = e;
          s += e;
        }
        for (let c = 0; c < size; c++) out[base + c * inner + i] /= s;
      }
    }
  },
};

let active: Kernels = jsKernels;

/** The kernels in use. */
export function kernels(): Kernels {
  return active;
}

/** Replaces some or all kernels (for a faster backend); returns a function that restores the previous ones. */
export function setKernels(replacement: Partial<Kernels>): () => void {
  const previous = active;
  active = { ...active, ...replacement };
  return () => {
    active = previous;
  };
}

/** `[outer, size, inner]` of `shape` around axis `dim` (a 0-d shape is one row of one element). */
export function axisView(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  if (shape.length === 0) return { outer: 1, size: 1, inner: 1 };
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, size: shape[dim], inner };
}
