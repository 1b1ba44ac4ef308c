/**
 * multilabel_margin_loss (torch.nn.MultiLabelMarginLoss) with its closed-form gradient.
 *
 * Domain: `input` holds class scores (any real numbers), [C] or [N, C] (or 0-d, one class);
 * `target` is an int64 tensor of the input's shape holding, per sample, the indices of its
 * target classes, ended by the first −1 (entries after it are ignored, though PyTorch still
 * range-checks them). This is not a multi-hot {0, 1} mask: that is multilabel_soft_margin_loss's
 * target, and read as indices it names classes 0 and 1 (see diagnostics.ts).
 *
 * Per sample, with J the target indices before the first −1 and T the set of them:
 *   l = Σ_{j ∈ J} Σ_{i ∉ T} max(0, 1 − x[j] + x[i]) / C.
 * A repeated index counts once per occurrence, as PyTorch's kernel loops over the list. Like the
 * kernel, a term counts only where z = 1 − x[j] + x[i] > 0 (so a NaN z adds nothing and a hinge
 * exactly at 0 has no gradient). `mean` divides by N; a mean over no samples is NaN (FORMAT.md),
 * where PyTorch 1.13 returns an uninitialised value.
 */
import { EngineError } from '../errors';
import type { OpArgs, OpSpec } from '../op';
import { reductionArg } from '../op';
import { checkReduction, reduceLoss, sum, upstreamGrad } from '../reduce';
import { Tensor, formatShape, isFloating, sameShape, tensor } from '../tensor';
import { Grads, ReductionOptions, tensorArg } from './regression';

const OP = 'multilabel_margin_loss';

/** The validated layout: `frames` samples of `classes` scores, and the output shape before reduction. */
function layout(input: Tensor, target: Tensor, reduction: string) {
  checkReduction(OP, reduction);
  const nd = input.shape.length;
  if (!(nd === 0 || (nd === 1 && input.shape[0] !== 0) || (nd === 2 && input.shape[1] !== 0))) {
    throw new EngineError('shape_mismatch', OP, `input ${formatShape(input.shape)} must be [C] or [N, C] with C > 0.`);
  }
  const frames = nd === 2 ? input.shape[0] : 1;
  const classes = nd === 0 ? 1 : input.shape[nd - 1];
  const fits = nd === 2 ? sameShape(target.shape, input.shape) : target.shape.length <= 1 && target.data.length === classes;
  if (!fits) {
    throw new EngineError(
      'shape_mismatch',
      OP,
      `target ${formatShape(target.shape)} must have input's shape ${formatShape(input.shape)}: per sample, its target class indices padded with -1.`,
    );
  }
  if (isFloating(target)) throw new EngineError('invalid_target', OP, `target is ${target.dtype}; give class indices padded with -1 as an int64 tensor.`);
  target.data.forEach((y, k) => {
    if (!(y >= -1 && y < classes)) {
      throw new EngineError('invalid_target', OP, `target element ${k} = ${y} is out of range for ${classes} classes; use class indices in [0, ${classes - 1}], ended by -1.`);
    }
  });
  return { frames, classes, outShape: nd === 2 ? [frames] : [] };
}

/**
 * Visits the active hinges: for sample n, each target index j (before the first −1) and each
 * non-target class i where z = 1 − x[j] + x[i] > 0, calls f(n, j, i, z).
 */
function forEachHinge(input: Tensor, target: Tensor, frames: number, classes: number, f: (n: number, j: number, i: number, z: number) => void): void {
  const x = input.data;
  const isTarget = new Uint8Array(classes);
  for (let n = 0; n < frames; n++) {
    const base = n * classes;
    isTarget.fill(0);
    let count = 0;
    while (count < classes && target.data[base + count] >= 0) isTarget[target.data[base + count++]] = 1;
    for (let t = 0; t < count; t++) {
      const j = target.data[base + t];
      const xj = x[base + j];
      for (let i = 0; i < classes; i++) {
        if (isTarget[i]) continue;
        const z = 1 - xj + x[base + i];
        if (z > 0) f(n, j, i, z);
      }
    }
  }
}

/**
 * multilabel_margin_loss: per sample, Σ over its target classes j and non-target classes i of
 * max(0, 1 − x[j] + x[i]) / C, for scores x ([C] or [N, C]) and int64 target indices padded with −1.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  const { frames, classes, outShape } = layout(input, target, reduction);
  const terms: number[][] = Array.from({ length: frames }, () => []);
  forEachHinge(input, target, frames, classes, (n, _j, _i, z) => terms[n].push(z));
  const losses = Float64Array.from(terms, (row) => sum(row) / classes);
  return reduceLoss(OP, losses, outShape, reduction);
}

/**
 * Gradient of {@link multilabelMarginLoss} w.r.t. input: each active hinge adds 1/C to x[i] and
 * subtracts it from x[j], times the sample's upstream gradient.
 */
export function multilabelMarginLossBackward(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}, gradOutput: Tensor | null = null): Grads & { readonly input: Tensor } {
  const { frames, classes } = layout(input, target, reduction);
  const up = upstreamGrad(gradOutput, reduction, frames);
  const g = new Float64Array(input.data.length);
  forEachHinge(input, target, frames, classes, (n, j, i) => {
    const h = up[n] / classes;
    g[n * classes + i] += h;
    g[n * classes + j] -= h;
  });
  return { input: tensor(input.shape, g) };
}

const options = (a: OpArgs): ReductionOptions => ({ reduction: a.reduction as string });

/** multilabel_margin_loss as a registry entry. */
export const multilabelMarginOps: OpSpec[] = [
  {
    name: OP,
    family: 'margin',
    doc: 'Multi-label hinge loss: every target class should score at least 1 above every non-target class.',
    formula: 'l = Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − x[j] + x[i]) / C',
    args: [
      { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Class scores [N, C] or [C].', differentiable: true },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'int', doc: "Target class indices (int64), input's shape, each row ended by -1 (not a 0/1 mask)." },
      reductionArg(),
    ],
    forward: (a) => multilabelMarginLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), options(a)),
    backward: (a, g) => multilabelMarginLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), options(a), g),
  },
];
