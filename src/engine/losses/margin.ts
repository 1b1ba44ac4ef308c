/**
 * Margin and embedding losses: hinge_embedding_loss, margin_ranking_loss, soft_margin_loss,
 * multilabel_soft_margin_loss, multi_margin_loss and cosine_embedding_loss, with closed-form
 * gradients. The elementwise ones run on regression.ts's {@link pointwiseLoss}; the others reduce
 * along a class or feature dim first.
 *
 * Domain: `input` holds scores or logits (any real numbers); targets are ±1 labels, {0,1} (or soft)
 * multi-labels, or class indices (multi_margin_loss). Semantics are PyTorch 1.13's (FORMAT.md).
 * A clamp max(0, u) passes its gradient where u ≥ 0 (torch.clamp_min's rule), so a hinge exactly
 * at its margin still gets a gradient; multi_margin_loss's kernel instead counts a term only
 * where u > 0.
 */
import { EngineError } from '../errors';
import { axisView } from '../kernels';
import type { ArgSpec, OpArgs, OpSpec } from '../op';
import { reductionArg } from '../op';
import { checkReduction, reduceLoss, sum, upstreamGrad } from '../reduce';
import { logSigmoid, sigmoid, softplus } from '../scalar';
import { Tensor, broadcastShapes, broadcastTo, formatShape, isFloating, numel, sameShape, sumToShape, tensor } from '../tensor';
import { Grads, PointwiseLoss, ReductionOptions, broadcastOperands, pointwiseLoss, pointwiseLossBackward, tensorArg } from './regression';

/** Options of the losses with a `margin`. */
export interface MarginOptions extends ReductionOptions {
  /** The margin (PyTorch's default for the op when left out). */
  readonly margin?: number;
}

/** Gradients of a loss of two inputs (the target gets none). */
export type PairGrads = Grads & { readonly input1: Tensor; readonly input2: Tensor };

// --- hinge_embedding_loss ------------------------------------------------------------------

function hingePointwise(input: Tensor, target: Tensor, margin: number): PointwiseLoss {
  // PyTorch: where(t != 1, clamp_min(margin − x, 0), 0) + where(t != −1, x, 0). A target that is
  // neither 1 nor −1 (NaN included) gets both terms.
  return {
    op: 'hinge_embedding_loss',
    operands: [['input', input], ['target', target]],
    value: (x, t) => (t !== 1 ? Math.max(0, margin - x) : 0) + (t !== -1 ? x : 0),
    partials: { input: (x, t) => (t !== 1 && margin - x >= 0 ? -1 : 0) + (t !== -1 ? 1 : 0) },
  };
}

/**
 * hinge_embedding_loss: l = x where t = 1 (so it can be negative), max(0, margin − x) where
 * t = −1, and the sum of both for any other target. `input` is a distance-like score.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, { margin = 1, reduction = 'mean' }: MarginOptions = {}): Tensor {
  return pointwiseLoss(hingePointwise(input, target, margin), reduction);
}

/** Gradient of {@link hingeEmbeddingLoss} w.r.t. input: 1 where t ≠ −1, minus 1 where t ≠ 1 and x ≤ margin. */
export function hingeEmbeddingLossBackward(input: Tensor, target: Tensor, { margin = 1, reduction = 'mean' }: MarginOptions = {}, gradOutput: Tensor | null = null): Grads & { readonly input: Tensor } {
  return pointwiseLossBackward(hingePointwise(input, target, margin), reduction, gradOutput);
}

// --- margin_ranking_loss -------------------------------------------------------------------

function rankingPointwise(input1: Tensor, input2: Tensor, target: Tensor, margin: number): PointwiseLoss {
  const op = 'margin_ranking_loss';
  const dims = [input1, input2, target].map((t) => t.shape.length);
  if (dims[0] !== dims[1] || dims[0] !== dims[2]) {
    throw new EngineError(
      'shape_mismatch',
      op,
      `input1 ${formatShape(input1.shape)}, input2 ${formatShape(input2.shape)} and target ${formatShape(target.shape)} must have the same number of dims; reshape them to match.`,
    );
  }
  const hinge = (x1: number, x2: number, t: number): number => -t * (x1 - x2) + margin;
  return {
    op,
    operands: [['input1', input1], ['input2', input2], ['target', target]],
    value: (x1, x2, t) => Math.max(0, hinge(x1, x2, t)),
    partials: {
      input1: (x1, x2, t) => (hinge(x1, x2, t) >= 0 ? -t : 0),
      input2: (x1, x2, t) => (hinge(x1, x2, t) >= 0 ? t : 0),
    },
  };
}

/**
 * margin_ranking_loss: l = max(0, −t·(x1 − x2) + margin), with t = 1 when x1 should rank above
 * x2 and −1 when below. The three tensors must have the same number of dims, then broadcast.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, { margin = 0, reduction = 'mean' }: MarginOptions = {}): Tensor {
  return pointwiseLoss(rankingPointwise(input1, input2, target, margin), reduction);
}

/** Gradients of {@link marginRankingLoss}: ∂l/∂x1 = −t, ∂l/∂x2 = t where −t·(x1 − x2) + margin ≥ 0, else 0. */
export function marginRankingLossBackward(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  { margin = 0, reduction = 'mean' }: MarginOptions = {},
  gradOutput: Tensor | null = null,
): PairGrads {
  return pointwiseLossBackward(rankingPointwise(input1, input2, target, margin), reduction, gradOutput);
}

// --- soft_margin_loss ----------------------------------------------------------------------

function softMarginPointwise(input: Tensor, target: Tensor): PointwiseLoss {
  const op = 'soft_margin_loss';
  // PyTorch writes the result into a tensor of the input's shape, so the target may broadcast to
  // the input but not enlarge it.
  if (!sameShape(broadcastShapes(op, input.shape, target.shape), input.shape)) {
    throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} would broadcast input ${formatShape(input.shape)} to a larger shape; give target the input's shape.`);
  }
  // log(1 + e^{−t·x}) = softplus(−t·x), exact for any −t·x (see scalar.ts); its derivative is
  // −t·σ(−t·x), with the overflow-free σ.
  return {
    op,
    operands: [['input', input], ['target', target]],
    value: (x, t) => softplus(-t * x),
    partials: { input: (x, t) => -t * sigmoid(-t * x) },
  };
}

/**
 * soft_margin_loss: l = log(1 + exp(−t·x)) for logits x and ±1 targets t (other targets are used as
 * given). Evaluated as softplus(−t·x), so it stays exact where PyTorch's float32 overflows to ∞.
 */
export function softMarginLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  return pointwiseLoss(softMarginPointwise(input, target), reduction);
}

/** Gradient of {@link softMarginLoss} w.r.t. input: −t·σ(−t·x). */
export function softMarginLossBackward(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}, gradOutput: Tensor | null = null): Grads & { readonly input: Tensor } {
  return pointwiseLossBackward(softMarginPointwise(input, target), reduction, gradOutput);
}

// --- multilabel_soft_margin_loss -----------------------------------------------------------

/** Options of {@link multilabelSoftMarginLoss}. */
export interface MultilabelSoftMarginOptions extends ReductionOptions {
  /** Per-class weights, broadcast against the per-element losses (default None). */
  readonly weight?: Tensor | null;
}

/**
 * The layout of multilabel_soft_margin_loss: input, target and weight broadcast to `shape`; the
 * class dim is the input's last dim (`input.dim() − 1`, counted in the broadcast shape as PyTorch
 * does), viewed as [outer, size, inner]; `classes` is the input's size there.
 */
function multilabelLayout(input: Tensor, target: Tensor, weight: Tensor | null | undefined) {
  const op = 'multilabel_soft_margin_loss';
  if (input.shape.length === 0) throw new EngineError('shape_mismatch', op, 'input is 0-d; give it a class dim, e.g. [N, C] or [C].');
  const operands: [string, Tensor][] = [['input', input], ['target', target]];
  if (weight) operands.push(['weight', weight]);
  const { shape, data } = broadcastOperands(op, operands);
  const dim = input.shape.length - 1;
  const view = axisView(shape, dim);
  return { shape, x: data[0], t: data[1], w: weight ? data[2] : null, dim, view, classes: input.shape[dim], outShape: shape.filter((_, i) => i !== dim) };
}

/**
 * multilabel_soft_margin_loss: per sample, the mean over the C classes (input's last dim) of
 * −w_c·(t_c·log σ(x_c) + (1 − t_c)·log σ(−x_c)), for logits x and {0,1} (or soft) targets t; then
 * the reduction over samples. log σ is evaluated without overflow (see scalar.ts).
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: MultilabelSoftMarginOptions = {}): Tensor {
  const op = 'multilabel_soft_margin_loss';
  checkReduction(op, reduction);
  const { x, t, w, view, classes, outShape } = multilabelLayout(input, target, weight);
  const { outer, size, inner } = view;
  const losses = new Float64Array(outer * inner);
  const row = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let c = 0; c < size; c++) {
        const k = (o * size + c) * inner + i;
        // The literal formula, so 0·(−∞) stays NaN where PyTorch's does (t = 1 with x = +∞).
        const l = -(t[k] * logSigmoid(x[k]) + (1 - t[k]) * logSigmoid(-x[k]));
        row[c] = w ? l * w[k] : l;
      }
      losses[o * inner + i] = sum(row) / classes;
    }
  }
  return reduceLoss(op, losses, outShape, reduction);
}

/**
 * Gradients of {@link multilabelSoftMarginLoss}: ∂l/∂x_c = w_c·(σ(x_c) − t_c)/C and
 * ∂l/∂t_c = −w_c·x_c/C (because log σ(x) − log σ(−x) = x), times each sample's upstream gradient.
 */
export function multilabelSoftMarginLossBackward(
  input: Tensor,
  target: Tensor,
  { weight = null, reduction = 'mean' }: MultilabelSoftMarginOptions = {},
  gradOutput: Tensor | null = null,
): Grads & { readonly input: Tensor } {
  checkReduction('multilabel_soft_margin_loss', reduction);
  const { shape, x, t, w, view, classes } = multilabelLayout(input, target, weight);
  const { outer, size, inner } = view;
  const up = upstreamGrad(gradOutput, reduction, outer * inner);
  const n = numel(shape);
  const gx = new Float64Array(n);
  const gt = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c++) {
      for (let i = 0; i < inner; i++) {
        const k = (o * size + c) * inner + i;
        const scale = ((w ? w[k] : 1) * up[o * inner + i]) / classes;
        gx[k] = scale * (sigmoid(x[k]) - t[k]);
        gt[k] = -scale * x[k];
      }
    }
  }
  const grads: Record<string, Tensor> = { input: tensor(input.shape, sumToShape(gx, shape, input.shape)) };
  if (isFloating(target)) grads.target = tensor(target.shape, sumToShape(gt, shape, target.shape));
  return grads as Grads & { readonly input: Tensor };
}

// --- multi_margin_loss ---------------------------------------------------------------------

/** Options of {@link multiMarginLoss} (PyTorch's names and defaults). */
export interface MultiMarginOptions extends MarginOptions {
  /** The exponent of each hinge: 1 or 2 (default 1). */
  readonly p?: number;
  /** Per-class weights [C]; sample n's terms are scaled by weight[y_n] (default None). */
  readonly weight?: Tensor | null;
}

/** The validated layout of multi_margin_loss: `frames` samples of `classes` scores. */
function multiMarginLayout(input: Tensor, target: Tensor, p: number, weight: Tensor | null | undefined, reduction: string) {
  const op = 'multi_margin_loss';
  checkReduction(op, reduction);
  if (p !== 1 && p !== 2) throw new EngineError('invalid_argument', op, `p=${p} is not supported; use p=1 or p=2.`);
  const nd = input.shape.length;
  if (!(nd === 0 || (nd === 1 && input.shape[0] !== 0) || (nd === 2 && input.shape[1] !== 0))) {
    throw new EngineError('shape_mismatch', op, `input ${formatShape(input.shape)} must be [C] or [N, C] with C > 0.`);
  }
  const frames = nd <= 1 ? 1 : input.shape[0];
  const classes = nd === 0 ? 1 : input.shape[nd - 1];
  if (isFloating(target)) throw new EngineError('invalid_target', op, `target is ${target.dtype}; give class indices as an int64 tensor.`);
  if (target.shape.length > 1 || target.data.length !== frames) {
    throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must hold one class index per sample of input ${formatShape(input.shape)} (${frames}).`);
  }
  if (weight && (weight.shape.length > 1 || weight.data.length !== classes)) {
    throw new EngineError('shape_mismatch', op, `weight ${formatShape(weight.shape)} must be [${classes}], one weight per class of input ${formatShape(input.shape)}.`);
  }
  target.data.forEach((y, n) => {
    if (!(y >= 0 && y < classes)) throw new EngineError('invalid_target', op, `target[${n}] = ${y} is out of range for ${classes} classes; use class indices in [0, ${classes - 1}].`);
  });
  // PyTorch returns [N] for 'none' only when the target is 1-D; a 0-d target gives a 0-d output.
  const outShape = reduction === 'none' && target.shape.length > 0 ? [frames] : [];
  return { frames, classes, outShape };
}

/**
 * Visits the active hinges of multi_margin_loss: for sample n with class y = target[n] and every
 * j ≠ y where z = margin − x[y] + x[j] > 0 (the kernel's strict test), calls f(n, y, j, z).
 */
function forEachHinge(input: Tensor, target: Tensor, frames: number, classes: number, margin: number, f: (n: number, y: number, j: number, z: number) => void): void {
  const x = input.data;
  for (let n = 0; n < frames; n++) {
    const y = target.data[n];
    const xy = x[n * classes + y];
    for (let j = 0; j < classes; j++) {
      if (j === y) continue;
      const z = margin - xy + x[n * classes + j];
      if (z > 0) f(n, y, j, z);
    }
  }
}

/**
 * multi_margin_loss: per sample, Σ_{j≠y} w[y]·max(0, margin − x[y] + x[j])^p / C, for scores x
 * ([C] or [N, C]) and int64 class indices y; `mean` divides by N.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, { p = 1, margin = 1, weight = null, reduction = 'mean' }: MultiMarginOptions = {}): Tensor {
  const { frames, classes, outShape } = multiMarginLayout(input, target, p, weight, reduction);
  const terms: number[][] = Array.from({ length: frames }, () => []);
  forEachHinge(input, target, frames, classes, margin, (n, y, _j, z) => {
    terms[n].push((p === 1 ? z : z * z) * (weight ? weight.data[y] : 1));
  });
  const losses = Float64Array.from(terms, (row) => sum(row) / classes);
  return reduceLoss('multi_margin_loss', losses, outShape, reduction);
}

/**
 * Gradient of {@link multiMarginLoss} w.r.t. input: each active hinge adds h = w[y]·(1 or 2z)/C
 * (p = 1 or 2) to x[j] and subtracts it from x[y], times the sample's upstream gradient.
 */
export function multiMarginLossBackward(
  input: Tensor,
  target: Tensor,
  { p = 1, margin = 1, weight = null, reduction = 'mean' }: MultiMarginOptions = {},
  gradOutput: Tensor | null = null,
): Grads & { readonly input: Tensor } {
  const { frames, classes } = multiMarginLayout(input, target, p, weight, reduction);
  const up = upstreamGrad(gradOutput, reduction, frames);
  const g = new Float64Array(input.data.length);
  forEachHinge(input, target, frames, classes, margin, (n, y, j, z) => {
    const h = ((p === 1 ? 1 : 2 * z) * (weight ? weight.data[y] : 1) * up[n]) / classes;
    g[n * classes + j] += h;
    g[n * classes + y] -= h;
  });
  return { input: tensor(input.shape, g) };
}

// --- cosine_embedding_loss -----------------------------------------------------------------

/** PyTorch's EPSILON, added to each squared norm so a zero vector has cos = 0, not NaN. */
const COSINE_EPS = 1e-12;

/**
 * The validated layout of cosine_embedding_loss: input1 and input2 broadcast to `shape`, rows of
 * `features` along the last dim, the cosine of each row, and the target broadcast against the
 * cosines (`outShape`, the output's shape before reduction).
 */
function cosineLayout(input1: Tensor, input2: Tensor, target: Tensor) {
  const op = 'cosine_embedding_loss';
  const td = target.shape.length;
  if (td > 1) throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must be 0-d or 1-d: one ±1 label per pair.`);
  const want = td + 1;
  if (input1.shape.length !== want || input2.shape.length !== want) {
    throw new EngineError(
      'shape_mismatch',
      op,
      `a ${td}-d target needs ${want}-d inputs, but input1 is ${formatShape(input1.shape)} and input2 is ${formatShape(input2.shape)}; give [N, D] inputs with an [N] target, or [D] inputs with a 0-d target.`,
    );
  }
  const { shape, data } = broadcastOperands(op, [['input1', input1], ['input2', input2]]);
  const [a, b] = data;
  const rows = td === 1 ? shape[0] : 1;
  const features = shape[shape.length - 1];
  const cosShape = td === 1 ? [rows] : [];
  const prod = Float64Array.from(a, (v, k) => v * b[k]);
  const sq1 = Float64Array.from(a, (v) => v * v);
  const sq2 = Float64Array.from(b, (v) => v * v);
  const cos = new Float64Array(rows);
  const m1 = new Float64Array(rows);
  const m2 = new Float64Array(rows);
  const denom = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const [s, e] = [r * features, (r + 1) * features];
    m1[r] = sum(sq1, s, e) + COSINE_EPS;
    m2[r] = sum(sq2, s, e) + COSINE_EPS;
    denom[r] = Math.sqrt(m1[r] * m2[r]);
    cos[r] = sum(prod, s, e) / denom[r];
  }
  const outShape = broadcastShapes(op, cosShape, target.shape, ['the pairs of input1 and input2', 'target']);
  return {
    shape, a, b, rows, features, cos, m1, m2, denom, cosShape, outShape,
    cosOut: broadcastTo({ shape: cosShape, data: cos, dtype: 'float64' }, outShape),
    t: broadcastTo(target, outShape),
  };
}

/**
 * cosine_embedding_loss: with cos = Σ x1·x2 / √((Σ x1² + 1e-12)·(Σ x2² + 1e-12)) over the last
 * dim, l = 1 − cos for t = 1, max(0, cos − margin) for t = −1, and 0 for any other target (int64 or
 * float). Inputs are [N, D] with an [N] target, or [D] with a 0-d target.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, { margin = 0, reduction = 'mean' }: MarginOptions = {}): Tensor {
  const op = 'cosine_embedding_loss';
  checkReduction(op, reduction);
  const { cosOut, t, outShape } = cosineLayout(input1, input2, target);
  const losses = Float64Array.from(cosOut, (c, k) => (t[k] === 1 ? 1 - c : 0) + (t[k] === -1 ? Math.max(0, c - margin) : 0));
  return reduceLoss(op, losses, outShape, reduction);
}

/**
 * Gradients of {@link cosineEmbeddingLoss}: with e = ∂l/∂cos (−1 for t = 1; +1 for t = −1 where
 * cos ≥ margin; else 0) times the upstream gradient, ∂l/∂x1 = e·(x2/√(m1·m2) − cos·x1/m1) and
 * ∂l/∂x2 = e·(x1/√(m1·m2) − cos·x2/m2), m_i = Σ x_i² + 1e-12.
 */
export function cosineEmbeddingLossBackward(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  { margin = 0, reduction = 'mean' }: MarginOptions = {},
  gradOutput: Tensor | null = null,
): PairGrads {
  checkReduction('cosine_embedding_loss', reduction);
  const L = cosineLayout(input1, input2, target);
  const up = upstreamGrad(gradOutput, reduction, L.cosOut.length);
  const dCos = Float64Array.from(L.cosOut, (c, k) => (L.t[k] === 1 ? -up[k] : 0) + (L.t[k] === -1 && c - margin >= 0 ? up[k] : 0));
  const perRow = sumToShape(dCos, L.outShape, L.cosShape);
  const n = L.a.length;
  const g1 = new Float64Array(n);
  const g2 = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / L.features);
    const e = perRow[r];
    g1[k] = e * (L.b[k] / L.denom[r] - (L.cos[r] * L.a[k]) / L.m1[r]);
    g2[k] = e * (L.a[k] / L.denom[r] - (L.cos[r] * L.b[k]) / L.m2[r]);
  }
  return {
    input1: tensor(input1.shape, sumToShape(g1, L.shape, input1.shape)),
    input2: tensor(input2.shape, sumToShape(g2, L.shape, input2.shape)),
  };
}

// --- registry ------------------------------------------------------------------------------

const reduction = reductionArg();
const scoresArg: ArgSpec = { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Scores or logits.', differentiable: true };
const labelsArg: ArgSpec = { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', doc: 'Labels: 1 or −1.' };
const marginArg = (dflt: number): ArgSpec => ({ name: 'margin', kind: 'number', role: 'option', default: dflt, doc: 'The margin.' });
const weightArg: ArgSpec = { name: 'weight', kind: 'tensor', role: 'weight', dtype: 'float', default: null, nullable: true, doc: 'Per-class weights [C], or None.' };
const pairArgs: ArgSpec[] = [
  { name: 'input1', kind: 'tensor', role: 'input', dtype: 'float', doc: 'First scores or embeddings.', differentiable: true },
  { name: 'input2', kind: 'tensor', role: 'second_input', dtype: 'float', doc: 'Second scores or embeddings.', differentiable: true },
  labelsArg,
];

const marginOptions = (a: OpArgs): MarginOptions => ({ margin: a.margin as number, reduction: a.reduction as string });
const multiMarginOptions = (a: OpArgs): MultiMarginOptions => ({ p: a.p as number, margin: a.margin as number, weight: a.weight as Tensor | null, reduction: a.reduction as string });
const multilabelOptions = (a: OpArgs): MultilabelSoftMarginOptions => ({ weight: a.weight as Tensor | null, reduction: a.reduction as string });

/** A registry entry for a loss of (input1, input2, target, margin = 0, reduction). */
function pairOp(
  name: string,
  doc: string,
  formula: string,
  forward: (x1: Tensor, x2: Tensor, t: Tensor, o: MarginOptions) => Tensor,
  backward: (x1: Tensor, x2: Tensor, t: Tensor, o: MarginOptions, g: Tensor | null) => Grads,
): OpSpec {
  return {
    name,
    family: 'margin',
    doc,
    formula,
    args: [...pairArgs, marginArg(0), reduction],
    forward: (a) => forward(tensorArg(a, 'input1'), tensorArg(a, 'input2'), tensorArg(a, 'target'), marginOptions(a)),
    backward: (a, g) => backward(tensorArg(a, 'input1'), tensorArg(a, 'input2'), tensorArg(a, 'target'), marginOptions(a), g),
  };
}

/** The margin and embedding losses as registry entries. */
export const marginOps: OpSpec[] = [
  {
    name: 'hinge_embedding_loss',
    family: 'margin',
    doc: 'Hinge loss on distances: pull similar pairs (t = 1) down, push dissimilar ones (t = −1) past the margin.',
    formula: 'l = x if t = 1; max(0, margin − x) if t = −1',
    args: [{ ...scoresArg, doc: 'Distances or scores.' }, labelsArg, marginArg(1), reduction],
    forward: (a) => hingeEmbeddingLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), marginOptions(a)),
    backward: (a, g) => hingeEmbeddingLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), marginOptions(a), g),
  },
  pairOp(
    'margin_ranking_loss',
    'Ranking hinge: input1 should exceed input2 by the margin where t = 1 (and the reverse where t = −1).',
    'l = max(0, −t·(x1 − x2) + margin)',
    marginRankingLoss,
    marginRankingLossBackward,
  ),
  {
    name: 'soft_margin_loss',
    family: 'margin',
    doc: 'Two-class logistic loss on logits with ±1 targets.',
    formula: 'l = log(1 + exp(−t·x))',
    args: [{ ...scoresArg, doc: 'Logits.' }, labelsArg, reduction],
    forward: (a) => softMarginLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), { reduction: a.reduction as string }),
    backward: (a, g) => softMarginLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), { reduction: a.reduction as string }, g),
  },
  {
    name: 'multilabel_soft_margin_loss',
    family: 'margin',
    doc: 'Multi-label logistic loss: per sample, the mean over classes of binary cross-entropy on logits.',
    formula: 'l = −(1/C)·Σ_c w_c·(t_c·log σ(x_c) + (1 − t_c)·log σ(−x_c))',
    args: [
      { ...scoresArg, doc: 'Logits [N, C] or [C].' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', doc: 'Labels in {0, 1} (or soft), like input.', differentiable: true },
      weightArg,
      reduction,
    ],
    forward: (a) => multilabelSoftMarginLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), multilabelOptions(a)),
    backward: (a, g) => multilabelSoftMarginLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), multilabelOptions(a), g),
  },
  {
    name: 'multi_margin_loss',
    family: 'margin',
    doc: 'Multi-class hinge loss: every other class should score at least the margin below the target class.',
    formula: 'l = Σ_{j≠y} w[y]·max(0, margin − x[y] + x[j])^p / C',
    args: [
      { ...scoresArg, doc: 'Class scores [N, C] or [C].' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', doc: 'Class indices (int64) [N], or 0-d for a [C] input.' },
      { name: 'p', kind: 'integer', role: 'option', default: 1, doc: 'Exponent of each hinge: 1 or 2.' },
      marginArg(1),
      weightArg,
      reduction,
    ],
    forward: (a) => multiMarginLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), multiMarginOptions(a)),
    backward: (a, g) => multiMarginLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), multiMarginOptions(a), g),
  },
  pairOp(
    'cosine_embedding_loss',
    'Cosine similarity loss on embedding pairs: similar (t = 1) toward cos 1, dissimilar (t = −1) below the margin.',
    'l = 1 − cos(x1, x2) if t = 1; max(0, cos(x1, x2) − margin) if t = −1',
    cosineEmbeddingLoss,
    cosineEmbeddingLossBackward,
  ),
];
