/**
 * cross_entropy and nll_loss, with closed-form gradients.
 *
 * Layout: the input is `[C]`, `[N,C]` or `[N,C,d1,...]`, classes on dim 1 (dim 0 for a 1-D
 * input). Viewed as `[outer, C, inner]`, a "row" is one (outer, inner) pair: `N*d1*...` rows, and
 * one row for a 1-D input. Per-row results have the input's shape without the class dim.
 *
 * Domains: `cross_entropy` takes **logits**; `nll_loss` takes its input as given (normally
 * log-probabilities, but any real numbers are used as is).
 */
import { EngineError } from '../errors';
import { axisView, kernels } from '../kernels';
import { OpArgs, OpSpec, reductionArg } from '../op';
import { checkReduction, reduceLoss, sum, upstreamGrad } from '../reduce';
import { Tensor, formatShape, isFloating, sameShape } from '../tensor';

/** The reductions cross_entropy and nll_loss accept. */
export type ClassReduction = 'none' | 'mean' | 'sum';

/** Options of {@link crossEntropy}, with PyTorch's names and defaults. */
export interface CrossEntropyOptions {
  /** Per-class weights `[C]`; `null` (default) means all 1. */
  readonly weight?: Tensor | null;
  /** A class-index target equal to this is skipped (default -100). Must be negative for probability targets. */
  readonly ignore_index?: number;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction?: ClassReduction;
  /** ε in [0, 1] (default 0); negative values act as 0. */
  readonly label_smoothing?: number;
}

/** Options of {@link nllLoss}, with PyTorch's names and defaults. */
export interface NllLossOptions {
  /** Per-class weights `[C]`; `null` (default) means all 1. */
  readonly weight?: Tensor | null;
  /** A target equal to this is skipped (default -100). */
  readonly ignore_index?: number;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction?: ClassReduction;
}

/** Per-row losses (the `'none'` result) and the divisor `'mean'` uses. */
export interface ClassLossTerms {
  /** Per-row losses: the input's shape without the class dim (0-d for a 1-D input). */
  readonly loss: Tensor;
  /**
   * What `'mean'` divides Σ loss by: Σ w[y] over targets that are not ignored (class indices), or
   * the number of rows (probabilities). 0 makes the mean NaN.
   */
  readonly divisor: number;
  /** How the target was read. */
  readonly targetKind: 'class_indices' | 'probabilities';
}

/** Gradients of cross_entropy: the input's, and the target's for probability targets. */
export interface CrossEntropyGrad {
  readonly input: Tensor;
  readonly target?: Tensor;
}

/** The `[outer, C, inner]` view of a class-dim input, and the per-row shape. */
interface ClassLayout {
  readonly outer: number;
  readonly classes: number;
  readonly inner: number;
  readonly rows: number;
  readonly rowShape: number[];
}

function classLayout(op: string, input: Tensor): ClassLayout {
  if (input.shape.length === 0) {
    throw new EngineError('invalid_argument', op, `input is 0-d but needs a class dim; give it shape [C], [N,C] or [N,C,d1,...].`);
  }
  const dim = input.shape.length === 1 ? 0 : 1;
  const { outer, size, inner } = axisView(input.shape, dim);
  return { outer, classes: size, inner, rows: outer * inner, rowShape: input.shape.filter((_, i) => i !== dim) };
}

/** The class weights as a `[C]` array, or `null`; a wrong size is `shape_mismatch`. */
function classWeights(op: string, weight: Tensor | null | undefined, classes: number): Float64Array | null {
  if (weight === null || weight === undefined) return null;
  if (weight.shape.length !== 1 || weight.shape[0] !== classes) {
    throw new EngineError('shape_mismatch', op, `weight ${formatShape(weight.shape)} must have one entry per class, shape [${classes}]; give a 1-D weight of length ${classes} or None.`);
  }
  return weight.data;
}

/** Checks a class-index target against the input: shape, integer dtype and range. */
function checkClassTarget(op: string, input: Tensor, target: Tensor, layout: ClassLayout, ignoreIndex: number): void {
  if (!sameShape(target.shape, layout.rowShape)) {
    const what = input.shape.length === 1 ? 'a 0-d class index' : `one class index per row, shape ${formatShape(layout.rowShape)}`;
    throw new EngineError(
      'shape_mismatch',
      op,
      `target ${formatShape(target.shape)} does not fit input ${formatShape(input.shape)}: give ${what}, or a probability target of shape ${formatShape(input.shape)}.`,
    );
  }
  if (isFloating(target)) {
    throw new EngineError('invalid_target', op, `target ${formatShape(target.shape)} is ${target.dtype} but class indices must be an int64 tensor; convert it with .long().`);
  }
  const C = layout.classes;
  for (let r = 0; r < target.data.length; r++) {
    const y = target.data[r];
    if (y === ignoreIndex) continue;
    if (!Number.isInteger(y) || y < 0 || y >= C) {
      throw new EngineError('invalid_target', op, `target[${r}] = ${y} is not a class of input ${formatShape(input.shape)}; class indices must be in [0, ${C - 1}] or equal ignore_index (${ignoreIndex}).`);
    }
  }
}

function checkLabelSmoothing(labelSmoothing: number): number {
  if (labelSmoothing > 1) {
    throw new EngineError('invalid_argument', 'cross_entropy', `label_smoothing=${labelSmoothing} is out of range; use a value between 0.0 and 1.0.`);
  }
  // PyTorch smooths only when ε > 0: a negative (or NaN) ε is the unsmoothed loss.
  return labelSmoothing > 0 ? labelSmoothing : 0;
}

/** A probability target must be float and comes without a non-negative ignore_index. */
function checkProbabilityTarget(target: Tensor, ignoreIndex: number): void {
  if (!isFloating(target)) {
    throw new EngineError('invalid_target', 'cross_entropy', `target ${formatShape(target.shape)} has the input's shape, so it is read as class probabilities, but it is int64; give a float target, or class indices without the class dim.`);
  }
  if (ignoreIndex >= 0) {
    throw new EngineError('invalid_argument', 'cross_entropy', `ignore_index=${ignoreIndex} is not supported with a probability target; leave it at -100.`);
  }
}

function isProbabilityTarget(input: Tensor, target: Tensor): boolean {
  return sameShape(input.shape, target.shape);
}

/** log_softmax of the input over its class dim. */
function classLogSoftmax(input: Tensor, layout: ClassLayout): Float64Array {
  const out = new Float64Array(input.data.length);
  kernels().logSoftmax(input.data, layout.outer, layout.classes, layout.inner, out);
  return out;
}

/** Calls `f(r, base, stride)` for each row r, whose class c sits at flat index `base + c*stride`. */
function forEachClassRow(layout: ClassLayout, f: (r: number, base: number, stride: number) => void): void {
  const { outer, classes, inner } = layout;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) f(o * inner + i, o * classes * inner + i, inner);
  }
}

/**
 * Class-index terms over log-probabilities `logp` (nll_loss's input, or log_softmax of logits):
 * `l = (1-ε)·(−w[y]·logp[y]) + (ε/C)·(−Σ_c w[c]·logp[c])`, 0 for ignored rows.
 */
function classIndexTerms(logp: Float64Array, layout: ClassLayout, target: Tensor, w: Float64Array | null, ignoreIndex: number, eps: number): Float64Array {
  const C = layout.classes;
  const loss = new Float64Array(layout.rows);
  const terms = new Float64Array(C);
  forEachClassRow(layout, (r, base, stride) => {
    const y = target.data[r];
    if (y === ignoreIndex) return;
    const nll = -(w ? w[y] : 1) * logp[base + y * stride];
    if (eps === 0) {
      loss[r] = nll;
      return;
    }
    for (let c = 0; c < C; c++) terms[c] = (w ? w[c] : 1) * logp[base + c * stride];
    loss[r] = (1 - eps) * nll + (eps / C) * -sum(terms);
  });
  return loss;
}

/**
 * Unsmoothed class-index terms `l = −w[y]·log_softmax(x)[y]` straight from the logits: one
 * log-softmax entry per row through the `logSoftmaxPick` kernel, never the whole [N, C] array.
 */
function classIndexFastTerms(input: Tensor, layout: ClassLayout, target: Tensor, w: Float64Array | null, ignoreIndex: number): Float64Array {
  const picked = new Float64Array(layout.rows);
  const pick = Float64Array.from(target.data, (y) => (y === ignoreIndex ? -1 : y));
  kernels().logSoftmaxPick(input.data, layout.outer, layout.classes, layout.inner, pick, picked);
  const loss = new Float64Array(layout.rows);
  for (let r = 0; r < loss.length; r++) {
    const y = pick[r];
    if (y >= 0) loss[r] = -(w ? w[y] : 1) * picked[r];
  }
  return loss;
}

/** The class-index `'mean'` divisor: Σ w[y] over the targets that are not ignored. */
function targetWeightSum(target: Tensor, w: Float64Array | null, ignoreIndex: number): number {
  const rowWeight = new Float64Array(target.data.length);
  for (let r = 0; r < rowWeight.length; r++) {
    const y = target.data[r];
    if (y !== ignoreIndex) rowWeight[r] = w ? w[y] : 1;
  }
  return sum(rowWeight);
}

/**
 * Probability-target terms: `l = −Σ_c w[c]·q'[c]·logp[c]` with `q' = (1−ε)·q + ε/C`, where
 * `0·(−∞) = NaN` as in PyTorch.
 */
function probabilityTerms(logp: Float64Array, layout: ClassLayout, q: Float64Array, w: Float64Array | null, eps: number): Float64Array {
  const C = layout.classes;
  const loss = new Float64Array(layout.rows);
  const terms = new Float64Array(C);
  forEachClassRow(layout, (r, base, stride) => {
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      const qc = eps > 0 ? (1 - eps) * q[k] + eps / C : q[k];
      terms[c] = (w ? w[c] : 1) * qc * logp[k];
    }
    loss[r] = -sum(terms);
  });
  return loss;
}

interface ResolvedCrossEntropy {
  readonly layout: ClassLayout;
  /** log_softmax of the input, computed on first use (the class-index fast path never needs it). */
  readonly logp: () => Float64Array;
  readonly w: Float64Array | null;
  readonly eps: number;
  readonly ignoreIndex: number;
  readonly probabilities: boolean;
}

function resolveCrossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions): ResolvedCrossEntropy {
  const op = 'cross_entropy';
  const ignoreIndex = options.ignore_index ?? -100;
  const layout = classLayout(op, input);
  const probabilities = isProbabilityTarget(input, target);
  if (probabilities) checkProbabilityTarget(target, ignoreIndex);
  const w = classWeights(op, options.weight, layout.classes);
  const eps = checkLabelSmoothing(options.label_smoothing ?? 0);
  if (!probabilities) checkClassTarget(op, input, target, layout, ignoreIndex);
  let logp: Float64Array | null = null;
  return { layout, logp: () => (logp ??= classLogSoftmax(input, layout)), w, eps, ignoreIndex, probabilities };
}

/**
 * Per-row cross-entropy terms (what `reduction='none'` returns) and the divisor of `'mean'`.
 *
 * Domain: `input` is logits `[C]`, `[N,C]` or `[N,C,d1,...]`; `target` is class indices (int64,
 * the input's shape without the class dim) or class probabilities (float, the input's shape).
 * See {@link crossEntropy} for the formulas.
 */
export function crossEntropyTerms(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): ClassLossTerms {
  const { layout, logp, w, eps, ignoreIndex, probabilities } = resolveCrossEntropy(input, target, options);
  const shape = layout.rowShape;
  if (probabilities) {
    return { loss: { shape, data: probabilityTerms(logp(), layout, target.data, w, eps), dtype: 'float64' }, divisor: layout.rows, targetKind: 'probabilities' };
  }
  const loss = eps === 0 ? classIndexFastTerms(input, layout, target, w, ignoreIndex) : classIndexTerms(logp(), layout, target, w, ignoreIndex, eps);
  return { loss: { shape, data: loss, dtype: 'float64' }, divisor: targetWeightSum(target, w, ignoreIndex), targetKind: 'class_indices' };
}

/**
 * `torch.nn.functional.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)`.
 *
 * Domain: `input` is **logits**, classes on dim 1 (dim 0 for a 1-D input); `logp = log_softmax(input)`.
 * - Class indices `y`: `l = (1−ε)·(−w[y]·logp[y]) + (ε/C)·(−Σ_c w[c]·logp[c])`, and `l = 0` where
 *   `y == ignore_index`. `'mean'` divides Σ l by Σ w[y] over targets that are not ignored.
 * - Probabilities `q` (same shape as input, used as given): `l = −Σ_c w[c]·q'[c]·logp[c]` with
 *   `q' = (1−ε)·q + ε/C`. `'mean'` divides by the number of rows, not by a weight sum.
 *
 * Stability: log_softmax is max-shifted (kernels.ts), so logits of ±1e4 stay exact.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction('cross_entropy', reduction);
  const { loss, divisor } = crossEntropyTerms(input, target, options);
  return reduceLoss('cross_entropy', loss.data, loss.shape, reduction, divisor);
}

/**
 * log_softmax's adjoint, in place: `dx_c = gl_c − softmax(x)_c · Σ_k gl_k` per row, where `gl` is
 * the gradient w.r.t. `logp` and softmax is `exp(logp)`, as PyTorch evaluates it (so a row whose
 * softmax is NaN gives NaN, as in PyTorch).
 */
function logSoftmaxAdjoint(gl: Float64Array, logp: Float64Array, layout: ClassLayout): void {
  const terms = new Float64Array(layout.classes);
  forEachClassRow(layout, (_r, base, stride) => {
    for (let c = 0; c < layout.classes; c++) terms[c] = gl[base + c * stride];
    const total = sum(terms);
    for (let c = 0; c < layout.classes; c++) {
      const k = base + c * stride;
      gl[k] -= Math.exp(logp[k]) * total;
    }
  });
}

/**
 * d(class-index terms)/d(logp), scaled per row by `g[r]` (the upstream gradient of row r's loss):
 * `gl[y] −= (1−ε)·w[y]·g`, and with ε > 0 `gl[c] −= (ε/C)·w[c]·g` for every class; 0 for ignored rows.
 */
function classIndexGradLogp(layout: ClassLayout, target: Tensor, w: Float64Array | null, ignoreIndex: number, eps: number, g: Float64Array): Float64Array {
  const C = layout.classes;
  const gl = new Float64Array(layout.outer * C * layout.inner);
  forEachClassRow(layout, (r, base, stride) => {
    const y = target.data[r];
    if (y === ignoreIndex) return;
    gl[base + y * stride] -= (w ? w[y] : 1) * (eps === 0 ? g[r] : (1 - eps) * g[r]);
    if (eps === 0) return;
    for (let c = 0; c < C; c++) gl[base + c * stride] -= (w ? w[c] : 1) * ((eps / C) * g[r]);
  });
  return gl;
}

/**
 * Gradients of {@link crossEntropy}. `gradOutput` is `null` for a reduced (0-d) loss (read as 1),
 * otherwise the upstream gradient of the per-row losses.
 *
 * With `gl = d loss / d logp` (per row, scaled by the upstream gradient g):
 * - class indices: `gl[c] = −g·((1−ε)·w[y]·[c = y] + (ε/C)·w[c])`, 0 for ignored rows;
 * - probabilities: `gl[c] = −g·w[c]·q'[c]`, and `d/dq[c] = −g·(1−ε)·w[c]·logp[c]` (ε = 0 if not smoothing);
 *
 * then `d/dx = gl − softmax(x)·Σ_c gl[c]`. `'mean'` scales g by 1/divisor.
 */
export function crossEntropyBackward(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}, gradOutput: Tensor | null = null): CrossEntropyGrad {
  const reduction = options.reduction ?? 'mean';
  checkReduction('cross_entropy', reduction);
  const { layout, logp: lazyLogp, w, eps, ignoreIndex, probabilities } = resolveCrossEntropy(input, target, options);
  const logp = lazyLogp();
  const C = layout.classes;
  if (!probabilities) {
    const divisor = reduction === 'mean' ? targetWeightSum(target, w, ignoreIndex) : 1;
    const g = upstreamGrad(gradOutput, reduction, layout.rows, divisor);
    const gl = classIndexGradLogp(layout, target, w, ignoreIndex, eps, g);
    logSoftmaxAdjoint(gl, logp, layout);
    return { input: { shape: [...input.shape], data: gl, dtype: 'float64' } };
  }
  const g = upstreamGrad(gradOutput, reduction, layout.rows, layout.rows);
  const gl = new Float64Array(logp.length);
  const gq = new Float64Array(logp.length);
  forEachClassRow(layout, (r, base, stride) => {
    for (let c = 0; c < C; c++) {
      const k = base + c * stride;
      const wc = w ? w[c] : 1;
      const qc = eps > 0 ? (1 - eps) * target.data[k] + eps / C : target.data[k];
      gl[k] = -(wc * qc) * g[r];
      gq[k] = -(eps > 0 ? 1 - eps : 1) * (wc * logp[k]) * g[r];
    }
  });
  logSoftmaxAdjoint(gl, logp, layout);
  return { input: { shape: [...input.shape], data: gl, dtype: 'float64' }, target: { shape: [...target.shape], data: gq, dtype: 'float64' } };
}

function resolveNll(input: Tensor, target: Tensor, options: NllLossOptions): { layout: ClassLayout; w: Float64Array | null; ignoreIndex: number } {
  const op = 'nll_loss';
  const ignoreIndex = options.ignore_index ?? -100;
  const layout = classLayout(op, input);
  const w = classWeights(op, options.weight, layout.classes);
  checkClassTarget(op, input, target, layout, ignoreIndex);
  return { layout, w, ignoreIndex };
}

/**
 * Per-row nll_loss terms (what `reduction='none'` returns) and the divisor of `'mean'`
 * (Σ w[y] over targets that are not ignored). See {@link nllLoss}.
 */
export function nllLossTerms(input: Tensor, target: Tensor, options: NllLossOptions = {}): ClassLossTerms {
  const { layout, w, ignoreIndex } = resolveNll(input, target, options);
  const loss = classIndexTerms(input.data, layout, target, w, ignoreIndex, 0);
  return { loss: { shape: layout.rowShape, data: loss, dtype: 'float64' }, divisor: targetWeightSum(target, w, ignoreIndex), targetKind: 'class_indices' };
}

/**
 * `torch.nn.functional.nll_loss(input, target, weight, ignore_index, reduction)`.
 *
 * Domain: `input` is used as given (normally log-probabilities) `[C]`, `[N,C]` or `[N,C,d1,...]`;
 * `target` is int64 class indices. `l = −w[y]·input[y]`, `l = 0` where `y == ignore_index`;
 * `'mean'` divides Σ l by Σ w[y] over targets that are not ignored (NaN when that is 0).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction('nll_loss', reduction);
  const { loss, divisor } = nllLossTerms(input, target, options);
  return reduceLoss('nll_loss', loss.data, loss.shape, reduction, divisor);
}

/**
 * Gradient of {@link nllLoss} w.r.t. `input`: `−w[y]·g` at each row's target class, 0 elsewhere
 * and for ignored rows; `'mean'` scales g by 1/Σ w[y] (so a zero weight sum gives NaN there).
 */
export function nllLossBackward(input: Tensor, target: Tensor, options: NllLossOptions = {}, gradOutput: Tensor | null = null): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction('nll_loss', reduction);
  const { layout, w, ignoreIndex } = resolveNll(input, target, options);
  const divisor = reduction === 'mean' ? targetWeightSum(target, w, ignoreIndex) : 1;
  const g = upstreamGrad(gradOutput, reduction, layout.rows, divisor);
  return { shape: [...input.shape], data: classIndexGradLogp(layout, target, w, ignoreIndex, 0, g), dtype: 'float64' };
}

const weightArg = { name: 'weight', kind: 'tensor', role: 'weight', dtype: 'float', nullable: true, default: null, doc: 'Per-class weights [C], or None.' } as const;
const ignoreIndexArg = { name: 'ignore_index', kind: 'integer', role: 'option', default: -100, doc: 'Class-index targets equal to this are skipped.' } as const;

function crossEntropyOptions(a: OpArgs): CrossEntropyOptions {
  return {
    weight: a.weight as Tensor | null,
    ignore_index: a.ignore_index as number,
    reduction: a.reduction as ClassReduction,
    label_smoothing: a.label_smoothing as number,
  };
}

function nllOptions(a: OpArgs): NllLossOptions {
  return { weight: a.weight as Tensor | null, ignore_index: a.ignore_index as number, reduction: a.reduction as ClassReduction };
}

/** cross_entropy and nll_loss as registry entries. */
export const classificationOps: OpSpec[] = [
  {
    name: 'cross_entropy',
    family: 'classification',
    doc: 'Cross-entropy of logits against class indices or class probabilities.',
    formula: 'l = −w[y]·log_softmax(x)[y]  (indices);  l = −Σ_c w[c]·q[c]·log_softmax(x)[c]  (probabilities); smoothing: q\' = (1−ε)·q + ε/C',
    args: [
      { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc: 'Logits [C], [N,C] or [N,C,d1,...].' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', differentiable: true, doc: 'Class indices (int64, input shape without dim 1) or probabilities (float, input shape).' },
      weightArg,
      ignoreIndexArg,
      reductionArg(),
      { name: 'label_smoothing', kind: 'number', role: 'option', default: 0, doc: 'ε in [0, 1]: mixes the target with the uniform distribution.' },
    ],
    forward: (a: OpArgs) => crossEntropy(a.input as Tensor, a.target as Tensor, crossEntropyOptions(a)),
    backward: (a: OpArgs, g) => {
      const grad = crossEntropyBackward(a.input as Tensor, a.target as Tensor, crossEntropyOptions(a), g);
      return grad.target ? { input: grad.input, target: grad.target } : { input: grad.input };
    },
  },
  {
    name: 'nll_loss',
    family: 'classification',
    doc: 'Negative log-likelihood of class indices, with the input used as given.',
    formula: 'l = −w[y]·x[y]',
    args: [
      { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc: 'Log-probabilities [C], [N,C] or [N,C,d1,...] (used as given).' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', doc: 'Class indices (int64), the input shape without dim 1.' },
      weightArg,
      ignoreIndexArg,
      reductionArg(),
    ],
    forward: (a: OpArgs) => nllLoss(a.input as Tensor, a.target as Tensor, nllOptions(a)),
    backward: (a: OpArgs, g) => ({ input: nllLossBackward(a.input as Tensor, a.target as Tensor, nllOptions(a), g) }),
  },
];
