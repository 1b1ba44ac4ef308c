/**
 * kl_div, pointwise with broadcasting, and its closed-form gradients for input and target.
 *
 * Domain: `input` is taken as **log-probabilities, as given** (nothing is normalised; raw logits
 * give a number that is not a divergence). `target` is probabilities, or log-probabilities when
 * `log_target` is true.
 */
import { OpArgs, OpSpec, reductionArg } from '../op';
import { checkReduction, reduceLoss, upstreamGrad } from '../reduce';
import { Tensor, broadcastShapes, broadcastTo, numel, sumToShape } from '../tensor';

/** The reductions kl_div accepts. */
export type KlReduction = 'none' | 'batchmean' | 'sum' | 'mean';

/** Options of {@link klDiv}, with PyTorch's names and defaults. */
export interface KlDivOptions {
  /** `'mean'` (default, divides by every element), `'batchmean'` (by input.size(0)), `'sum'` or `'none'`. */
  readonly reduction?: KlReduction;
  /** The target holds log-probabilities (default false). */
  readonly log_target?: boolean;
}

/** Pointwise kl_div terms (what `reduction='none'` returns) and the divisor of the mean reductions. */
export interface KlDivTerms {
  /** Pointwise terms, in the broadcast shape of input and target. */
  readonly loss: Tensor;
  /** What `'mean'` (all elements) or `'batchmean'` (input.size(0), 1 for 0-d) divides the sum by. */
  readonly divisor: number;
}

const KL_REDUCTIONS: readonly KlReduction[] = ['none', 'batchmean', 'sum', 'mean'];

/** The divisor of the mean reductions: every element for `'mean'`, input.size(0) for `'batchmean'`. */
function klDivisor(input: Tensor, count: number, reduction: string): number {
  if (reduction === 'batchmean') return input.shape.length === 0 ? 1 : input.shape[0];
  return count;
}

/** Input and target expanded to their broadcast shape (`shape_mismatch` if they do not broadcast). */
function broadcastPair(input: Tensor, target: Tensor): { shape: number[]; x: Float64Array; t: Float64Array; n: number } {
  const shape = broadcastShapes('kl_div', input.shape, target.shape);
  return { shape, x: broadcastTo(input, shape), t: broadcastTo(target, shape), n: numel(shape) };
}

/**
 * Pointwise kl_div terms, without reduction (see {@link klDiv} for the formula), plus the divisor
 * `reduction` would use (`'mean'` when not given).
 */
export function klDivTerms(input: Tensor, target: Tensor, options: KlDivOptions = {}): KlDivTerms {
  const reduction = options.reduction ?? 'mean';
  checkReduction('kl_div', reduction, KL_REDUCTIONS);
  const { shape, x, t, n } = broadcastPair(input, target);
  const out = new Float64Array(n);
  if (options.log_target) {
    // exp(t)·(t − x): NaN for t = −∞ (0·(−∞)), as in PyTorch.
    for (let k = 0; k < n; k++) out[k] = Math.exp(t[k]) * (t[k] - x[k]);
  } else {
    // xlogy(t, t) − t·x: t·log t is 0 at t = 0 (but NaN for NaN t), while t·x stays a product, so
    // t = 0 with x = −∞ is NaN, as in PyTorch.
    for (let k = 0; k < n; k++) out[k] = (t[k] === 0 ? 0 : t[k] * Math.log(t[k])) - t[k] * x[k];
  }
  return { loss: { shape, data: out, dtype: 'float64' }, divisor: klDivisor(input, n, reduction) };
}

/**
 * `torch.nn.functional.kl_div(input, target, reduction, log_target)`, pointwise:
 * - `log_target=false`: `t·log t − t·x`, with `t·log t = 0` at `t = 0`;
 * - `log_target=true`: `exp(t)·(t − x)`.
 *
 * Domain: `x = input` is log-probabilities, used as given; input and target broadcast. Reductions:
 * `'mean'` divides the sum by the number of elements (PyTorch warns: it is not the KL divergence),
 * `'batchmean'` by input.size(0) (1 for a 0-d input), which is the mathematical KL for `[N, C]`.
 * A mean over zero elements is NaN.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const { loss, divisor } = klDivTerms(input, target, options);
  return reduceLoss('kl_div', loss.data, loss.shape, reduction, divisor);
}

/**
 * Gradients of {@link klDiv}, summed back to each argument's shape. With g the upstream gradient of
 * each pointwise term (`gradOutput` for `'none'`, else 1 for a 0-d output, over the divisor for the
 * means):
 * - `log_target=false`: `d/dx = −t·g`, `d/dt = g·(log t + 1 − x)`; at `t = 0` PyTorch differentiates
 *   `xlogy(t, t)` as `t/t = 0/0`, so the target gradient is NaN there, and so it is here.
 * - `log_target=true`: `d/dx = −exp(t)·g`, `d/dt = g·exp(t)·(t − x + 1)` (NaN at `t = −∞`).
 */
export function klDivBackward(input: Tensor, target: Tensor, options: KlDivOptions = {}, gradOutput: Tensor | null = null): { input: Tensor; target: Tensor } {
  const reduction = options.reduction ?? 'mean';
  checkReduction('kl_div', reduction, KL_REDUCTIONS);
  const { shape, x, t, n } = broadcastPair(input, target);
  const g = upstreamGrad(gradOutput, reduction, n, klDivisor(input, n, reduction));
  const gx = new Float64Array(n);
  const gt = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (options.log_target) {
      const e = Math.exp(t[k]);
      gx[k] = -e * g[k];
      gt[k] = g[k] * e * (t[k] - x[k] + 1);
    } else {
      gx[k] = -t[k] * g[k];
      gt[k] = t[k] === 0 ? NaN : g[k] * (Math.log(t[k]) + 1 - x[k]);
    }
  }
  return {
    input: { shape: [...input.shape], data: sumToShape(gx, shape, input.shape), dtype: 'float64' },
    target: { shape: [...target.shape], data: sumToShape(gt, shape, target.shape), dtype: 'float64' },
  };
}

function klOptions(a: OpArgs): KlDivOptions {
  return { reduction: a.reduction as KlReduction, log_target: a.log_target as boolean };
}

/** kl_div as a registry entry. */
export const divergenceOps: OpSpec[] = [
  {
    name: 'kl_div',
    family: 'divergence',
    doc: 'Pointwise KL divergence terms, with the input as log-probabilities used as given.',
    formula: 'l = t·log t − t·x  (log_target=false);  l = exp(t)·(t − x)  (log_target=true)',
    args: [
      { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc: 'Log-probabilities (used as given, not normalised).' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'float', differentiable: true, doc: 'Probabilities, or log-probabilities with log_target=True; broadcasts with input.' },
      reductionArg(KL_REDUCTIONS, 'mean'),
      { name: 'log_target', kind: 'boolean', role: 'option', default: false, doc: 'The target holds log-probabilities.' },
    ],
    forward: (a: OpArgs) => klDiv(a.input as Tensor, a.target as Tensor, klOptions(a)),
    backward: (a: OpArgs, g) => klDivBackward(a.input as Tensor, a.target as Tensor, klOptions(a), g),
  },
];
