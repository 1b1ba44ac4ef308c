/**
 * softmax and log_softmax along a dim, with their closed-form gradients.
 *
 * Domain: logits (any real numbers). Stability comes from the kernels' max shift (see kernels.ts).
 */
import { axisView, kernels } from './kernels';
import type { OpArgs, OpSpec } from './op';
import { Tensor, normalizeDim } from './tensor';
import { sum } from './reduce';

/** softmax(x)_c = exp(x_c − m) / Σ_k exp(x_k − m), along `dim` (negative counts from the end). */
export function softmax(input: Tensor, dim: number): Tensor {
  const d = normalizeDim('softmax', dim, input.shape.length);
  const { outer, size, inner } = axisView(input.shape, d);
  const out = new Float64Array(input.data.length);
  kernels().softmax(input.data, outer, size, inner, out);
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

/** log_softmax(x)_c = (x_c − m) − log Σ_k exp(x_k − m), along `dim`. */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  const d = normalizeDim('log_softmax', dim, input.shape.length);
  const { outer, size, inner } = axisView(input.shape, d);
  const out = new Float64Array(input.data.length);
  kernels().logSoftmax(input.data, outer, size, inner, out);
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

/** logsumexp along `dim`: the shape without `dim`. */
export function logSumExp(input: Tensor, dim: number): Tensor {
  const d = normalizeDim('logsumexp', dim, input.shape.length);
  const { outer, size, inner } = axisView(input.shape, d);
  const out = new Float64Array(outer * inner);
  kernels().logSumExp(input.data, outer, size, inner, out);
  return { shape: input.shape.filter((_, i) => i !== d), data: out, dtype: 'float64' };
}

/**
 * Applies `f(row, slot)` along `dim` for each row of `[outer, size, inner]`, where `slot(c)` is
 * the flat index of class c in that row.
 */
function forEachRow(shape: readonly number[], dim: number, f: (slot: (c: number) => number, size: number) => void): void {
  const { outer, size, inner } = axisView(shape, dim);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      f((c) => base + c * inner, size);
    }
  }
}

/** d/dx of Σ g·softmax(x) = y ⊙ (g − Σ_c g_c y_c), with y = softmax(x). */
export function softmaxBackward(input: Tensor, dim: number, gradOutput: Tensor): Tensor {
  const d = normalizeDim('softmax', dim, input.shape.length);
  const y = softmax(input, d).data;
  const g = gradOutput.data;
  const out = new Float64Array(y.length);
  const tmp: number[] = [];
  forEachRow(input.shape, d, (slot, size) => {
    tmp.length = 0;
    for (let c = 0; c < size; c++) tmp.push(g[slot(c)] * y[slot(c)]);
    const dot = sum(tmp);
    for (let c = 0; c < size; c++) out[slot(c)] = y[slot(c)] * (g[slot(c)] - dot);
  });
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

/** d/dx of Σ g·log_softmax(x) = g − softmax(x) · Σ_c g_c. */
export function logSoftmaxBackward(input: Tensor, dim: number, gradOutput: Tensor): Tensor {
  const d = normalizeDim('log_softmax', dim, input.shape.length);
  const y = softmax(input, d).data;
  const g = gradOutput.data;
  const out = new Float64Array(y.length);
  const tmp: number[] = [];
  forEachRow(input.shape, d, (slot, size) => {
    tmp.length = 0;
    for (let c = 0; c < size; c++) tmp.push(g[slot(c)]);
    const total = sum(tmp);
    for (let c = 0; c < size; c++) out[slot(c)] = g[slot(c)] - y[slot(c)] * total;
  });
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

const ones = (t: Tensor): Tensor => ({ shape: [...t.shape], data: new Float64Array(t.data.length).fill(1), dtype: 'float64' });

const dimArg = { name: 'dim', kind: 'integer', role: 'option', doc: 'The class dimension (negative counts from the end).', default: -1 } as const;
const inputArg = { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Logits.', differentiable: true } as const;

/** softmax and log_softmax as registry entries. */
export const activationOps: OpSpec[] = [
  {
    name: 'softmax',
    family: 'activation',
    doc: 'Probabilities from logits along a dim.',
    formula: 'softmax(x)_c = exp(x_c) / Σ_k exp(x_k)',
    args: [inputArg, dimArg],
    forward: (a: OpArgs) => softmax(a.input as Tensor, a.dim as number),
    backward: (a: OpArgs, g) => ({ input: softmaxBackward(a.input as Tensor, a.dim as number, g ?? ones(a.input as Tensor)) }),
  },
  {
    name: 'log_softmax',
    family: 'activation',
    doc: 'Log-probabilities from logits along a dim.',
    formula: 'log_softmax(x)_c = x_c − log Σ_k exp(x_k)',
    args: [inputArg, dimArg],
    forward: (a: OpArgs) => logSoftmax(a.input as Tensor, a.dim as number),
    backward: (a: OpArgs, g) => ({ input: logSoftmaxBackward(a.input as Tensor, a.dim as number, g ?? ones(a.input as Tensor)) }),
  },
];
