/**
 * Sums and reductions shared by every loss.
 */
import { EngineError } from './errors';
import { Tensor, scalar, tensor } from './tensor';

/** The reductions of `torch.nn` losses (`kl_div` adds `batchmean`). */
export type Reduction = 'none' | 'mean' | 'sum' | 'batchmean';

/**
 * Σ values, compensated (Neumaier), so a mean over 10⁷ terms keeps full float64 precision. A
 * non-finite partial sum is returned as is (compensation would turn ∞ − ∞ into NaN).
 */
export function sum(values: ArrayLike<number>, start = 0, end = values.length): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const v = values[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  const total = s + c;
  return Number.isFinite(s) ? total : s;
}

/**
 * Throws `invalid_reduction` unless `reduction` is one of `choices`: the check every loss makes
 * when called directly (the registry also checks choices before calling).
 */
export function checkReduction(op: string, reduction: string, choices: readonly string[] = ['none', 'mean', 'sum']): void {
  if (!choices.includes(reduction)) {
    const quoted = choices.map((c) => `'${c}'`);
    const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted.join('');
    throw new EngineError('invalid_reduction', op, `reduction='${reduction}' is not valid; use ${list}.`);
  }
}

/**
 * Reduces per-element losses of shape `shape`: `none` returns them as a tensor, `sum` adds them
 * (0 for none), `mean` divides the sum by `divisor` (default: the count; a mean over zero elements
 * is NaN).
 */
export function reduceLoss(op: string, losses: Float64Array, shape: readonly number[], reduction: string, divisor: number = losses.length): Tensor {
  switch (reduction) {
    case 'none':
      return tensor(shape, losses);
    case 'sum':
      return scalar(sum(losses));
    case 'mean':
    case 'batchmean':
      return scalar(sum(losses) / divisor);
    default:
      throw new EngineError('invalid_reduction', op, `reduction='${reduction}' is not valid; use 'none', 'mean' or 'sum'.`);
  }
}

/**
 * The upstream gradient of each per-element loss, the adjoint of {@link reduceLoss}: for `none`
 * the given `gradOutput` element, otherwise g (1 for a 0-d output) for `sum` and g / divisor for
 * `mean`.
 */
export function upstreamGrad(gradOutput: Tensor | null, reduction: string, count: number, divisor: number = count): Float64Array {
  if (reduction === 'none') {
    if (!gradOutput) return new Float64Array(count).fill(1);
    return gradOutput.data;
  }
  const g = gradOutput ? gradOutput.data[0] : 1;
  return new Float64Array(count).fill(reduction === 'sum' ? g : g / divisor);
}
