/**
 * timm's classification losses and targets (`timm.loss`, `timm.data.mixup`):
 * LabelSmoothingCrossEntropy, SoftTargetCrossEntropy, JsdCrossEntropy (AugMix) and mixup_target.
 * These are derived ops (FORMAT.md, "Derived ops"); each reproduces timm's code to the last clamp.
 *
 * Domain: `input` is logits `[N, C]` (classes on the last dim); targets are class indices, except
 * soft_target_cross_entropy's, which are probabilities.
 */
import { EngineError } from '../errors';
import { kernels } from '../kernels';
import type { OpArgs, OpSpec } from '../op';
import { sum } from '../reduce';
import { logSoftmaxBackward, softmaxBackward } from '../softmax';
import { Tensor, broadcastShapes, broadcastTo, formatShape, numel, scalar, sumToShape } from '../tensor';
import { crossEntropy, crossEntropyBackward } from './crossEntropy';
import { xlogyZero } from './information';

/** Checks that `input` is `[N, C]` and returns N and C. */
function matrixView(op: string, input: Tensor): { rows: number; size: number } {
  if (input.shape.length !== 2) {
    throw new EngineError('invalid_argument', op, `input ${formatShape(input.shape)} must be 2-d [N, C] (a batch of logit rows).`);
  }
  return { rows: input.shape[0], size: input.shape[1] };
}

/** Checks that the first `rows` entries of a 1-d int64 `target` are class indices in `[0, C)` (timm has no ignore_index). */
function checkClassTargets(op: string, target: Tensor, input: Tensor, rows: number, size: number): void {
  if (target.dtype !== 'int64') {
    throw new EngineError('invalid_target', op, `target is a ${target.dtype} tensor but must hold int64 class indices; pass the labels as integers.`);
  }
  if (target.shape.length !== 1 || target.shape[0] < rows) {
    throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must be 1-d with at least ${rows} labels, one per row of input ${formatShape(input.shape)}.`);
  }
  for (let r = 0; r < rows; r++) {
    const y = target.data[r];
    if (!Number.isInteger(y) || y < 0 || y >= size) {
      throw new EngineError('invalid_target', op, `target[${r}] = ${y} is not a class index in [0, ${size}) for input ${formatShape(input.shape)}; use labels 0..${size - 1}.`);
    }
  }
}

function checkSmoothing(op: string, smoothing: number): void {
  if (!(smoothing < 1)) {
    throw new EngineError('invalid_argument', op, `smoothing=${smoothing} must be < 1 (timm asserts it); use a value such as 0.1.`);
  }
}

/**
 * timm's LabelSmoothingCrossEntropy before its mean: per row of the first `rows` rows of logits
 * `x` `[*, C]`, `(1−s)·(−log p[y]) + s·mean_c(−log p[c])` with `log p = log_softmax(x)`. Unlike
 * torch's `label_smoothing`, a negative `s` is used as given, and there is no ignore_index.
 */
function labelSmoothingTerms(x: Float64Array, target: Tensor, rows: number, size: number, smoothing: number): Float64Array {
  const logp = new Float64Array(rows * size);
  kernels().logSoftmax(x, rows, size, 1, logp);
  const losses = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = target.data[r];
    const nll = -logp[r * size + y];
    // timm always computes the smoothing term, so smoothing = 0 with an infinite logit is 0·∞ = nan.
    const smooth = -sum(logp, r * size, (r + 1) * size) / size;
    losses[r] = (1 - smoothing) * nll + smoothing * smooth;
  }
  return losses;
}

/**
 * Adds `scale · (softmax(x) − (1−s)·onehot(y) − s/C)` to the first `rows` rows of `out`: the
 * gradient of {@link labelSmoothingTerms} w.r.t. the logits.
 */
function addLabelSmoothingGrad(out: Float64Array, x: Float64Array, target: Tensor, rows: number, size: number, smoothing: number, scale: number): void {
  const p = new Float64Array(rows * size);
  kernels().softmax(x, rows, size, 1, p);
  for (let r = 0; r < rows; r++) {
    const y = target.data[r];
    for (let c = 0; c < size; c++) {
      const k = r * size + c;
      out[k] += scale * (p[k] - (c === y ? 1 - smoothing : 0) - smoothing / size);
    }
  }
}

/** Options of {@link labelSmoothingCrossEntropy}. */
export interface LabelSmoothingOptions {
  /** The smoothing `s` (default 0.1, timm's); must be < 1. */
  readonly smoothing?: number;
}

/**
 * timm's `LabelSmoothingCrossEntropy` of logits `input` `[N, C]` and class indices `target` `[N]`:
 * `mean_n[(1−s)·(−log p[y_n]) + s·mean_c(−log p[c])]`, `log p = log_softmax(input, −1)`.
 * `smoothing >= 1` is `invalid_argument`; there is no ignore_index.
 */
export function labelSmoothingCrossEntropy(input: Tensor, target: Tensor, options: LabelSmoothingOptions = {}): Tensor {
  const op = 'label_smoothing_cross_entropy';
  const smoothing = options.smoothing ?? 0.1;
  checkSmoothing(op, smoothing);
  const { rows, size } = matrixView(op, input);
  checkClassTargets(op, target, input, rows, size);
  return scalar(sum(labelSmoothingTerms(input.data, target, rows, size, smoothing)) / rows);
}

/** Gradient of {@link labelSmoothingCrossEntropy} w.r.t. `input`: `g/N · (softmax(x) − (1−s)·onehot(y) − s/C)`. */
export function labelSmoothingCrossEntropyBackward(input: Tensor, target: Tensor, options: LabelSmoothingOptions = {}, gradOutput: Tensor | null = null): Tensor {
  const op = 'label_smoothing_cross_entropy';
  const smoothing = options.smoothing ?? 0.1;
  checkSmoothing(op, smoothing);
  const { rows, size } = matrixView(op, input);
  checkClassTargets(op, target, input, rows, size);
  const g = gradOutput ? gradOutput.data[0] : 1;
  const out = new Float64Array(input.data.length);
  addLabelSmoothingGrad(out, input.data, target, rows, size, smoothing, g / rows);
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

/** The pieces of soft_target_cross_entropy: broadcast shape, log_softmax of the input, the target, and the row count. */
function softTargetParts(input: Tensor, target: Tensor): { shape: number[]; logp: Float64Array; t: Float64Array; rows: number; size: number } {
  const op = 'soft_target_cross_entropy';
  const shape = broadcastShapes(op, input.shape, target.shape);
  const inSize = input.shape.length === 0 ? 1 : input.shape[input.shape.length - 1];
  const own = new Float64Array(input.data.length);
  kernels().logSoftmax(input.data, input.data.length / Math.max(inSize, 1), inSize, 1, own);
  const logp = broadcastTo({ shape: input.shape, data: own, dtype: 'float64' }, shape);
  const size = shape.length === 0 ? 1 : shape[shape.length - 1];
  return { shape, logp, t: broadcastTo(target, shape), rows: numel(shape.slice(0, -1)), size };
}

/**
 * timm's `SoftTargetCrossEntropy` of logits `input` `[..., C]` and probabilities `target` (used as
 * given; broadcast against the input as torch does): `mean over rows of −Σ_c t_c·log_softmax(x)_c`,
 * where `0 · −∞ = NaN`.
 */
export function softTargetCrossEntropy(input: Tensor, target: Tensor): Tensor {
  const { logp, t, rows, size } = softTargetParts(input, target);
  const perRow = new Float64Array(rows);
  const terms = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < size; c++) terms[c] = -t[r * size + c] * logp[r * size + c];
    perRow[r] = sum(terms);
  }
  return scalar(sum(perRow) / rows);
}

/**
 * Gradients of {@link softTargetCrossEntropy}. With `R` rows and upstream `g`:
 * w.r.t. `target`, `−g/R · log_softmax(x)`; w.r.t. `input`, the log_softmax adjoint of
 * `−g/R · t`, that is `g/R · (softmax(x)·Σ_c t_c − t)`. Both are summed back to the argument's
 * shape where it was broadcast.
 */
export function softTargetCrossEntropyBackward(input: Tensor, target: Tensor, gradOutput: Tensor | null = null): { input: Tensor; target: Tensor } {
  const { shape, logp, t, rows } = softTargetParts(input, target);
  const k = -(gradOutput ? gradOutput.data[0] : 1) / rows;
  const dLogp = new Float64Array(t.length);
  const dT = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    dLogp[i] = k * t[i];
    dT[i] = k * logp[i];
  }
  const dLogpIn: Tensor = { shape: [...input.shape], data: sumToShape(dLogp, shape, input.shape), dtype: 'float64' };
  const dx = input.shape.length === 0 ? { ...dLogpIn, data: new Float64Array(1) } : logSoftmaxBackward(input, -1, dLogpIn);
  return { input: dx, target: { shape: [...target.shape], data: sumToShape(dT, shape, target.shape), dtype: 'float64' } };
}

/** Options of {@link jsdCrossEntropy}; the defaults are timm's. */
export interface JsdCrossEntropyOptions {
  /** Number of augmentation splits S (default 3); the batch must be S·B rows. */
  readonly num_splits?: number;
  /** Weight of the Jensen–Shannon term (default 12). */
  readonly alpha?: number;
  /** Label smoothing of the clean split's cross-entropy (default 0.1); 0 or `null` for plain cross_entropy. */
  readonly smoothing?: number | null;
}

/** The clamp timm applies to the mixture before its log, so a KL term cannot explode. */
const JSD_MIXTURE_MIN = 1e-7;

interface JsdParts {
  readonly splits: number;
  readonly batch: number;
  readonly size: number;
  readonly alpha: number;
  /** > 0: timm's LabelSmoothingCrossEntropy on the clean split; otherwise torch's cross_entropy. */
  readonly smoothing: number;
  /** The labels of the clean split, `target[:B]`. */
  readonly labels: Tensor;
  /** softmax of every row, `[S·B, C]`. */
  readonly p: Float64Array;
  /** The unclamped mixture `mean_i P_i`, `[B, C]`. */
  readonly mixture: Float64Array;
}

function jsdParts(input: Tensor, target: Tensor, options: JsdCrossEntropyOptions): JsdParts {
  const op = 'jsd_cross_entropy';
  const splits = options.num_splits ?? 3;
  const alpha = options.alpha ?? 12;
  const smoothing = options.smoothing === undefined ? 0.1 : (options.smoothing ?? 0);
  const { rows, size } = matrixView(op, input);
  if (!Number.isInteger(splits) || splits < 1) {
    throw new EngineError('invalid_argument', op, `num_splits=${splits} must be a positive integer (3 for AugMix).`);
  }
  const batch = Math.floor(rows / splits);
  if (batch * splits !== rows || batch === 0) {
    throw new EngineError('invalid_argument', op, `input ${formatShape(input.shape)} has ${rows} rows, which num_splits=${splits} does not divide into non-empty splits; give S·B rows (the clean batch, then each augmentation).`);
  }
  if (smoothing > 0) {
    checkSmoothing(op, smoothing);
    checkClassTargets(op, target, input, batch, size);
  } else if (target.shape.length !== 1) {
    throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must be 1-d with at least ${batch} labels, one per row of the clean split.`);
  }
  const labels: Tensor = { shape: [Math.min(batch, target.shape[0])], data: target.data.subarray(0, batch), dtype: target.dtype };
  const p = new Float64Array(input.data.length);
  kernels().softmax(input.data, rows, size, 1, p);
  const n = batch * size;
  const mixture = new Float64Array(n);
  const col = new Float64Array(splits);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < splits; i++) col[i] = p[i * n + j];
    mixture[j] = sum(col) / splits;
  }
  return { splits, batch, size, alpha, smoothing, labels, p, mixture };
}

/** The clean split: the first `batch` rows of `input`. */
function cleanSplit(input: Tensor, batch: number): Tensor {
  return { shape: [batch, input.shape[1]], data: input.data.subarray(0, batch * input.shape[1]), dtype: input.dtype };
}

/**
 * Runs `f`, re-raising an {@link EngineError} from a loss that `op` is built on as an error of
 * `op` itself, its message prefixed with `part` (the term that failed), so the message names the
 * op the user called.
 */
export function runAsPartOf<T>(op: string, part: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EngineError && e.op !== op) throw new EngineError(e.code, op, `${part}: ${e.message}`);
    throw e;
  }
}

/** ln(clamp(M, 1e-7, 1)). */
function logClampedMixture(m: number): number {
  return Math.log(Math.min(Math.max(m, JSD_MIXTURE_MIN), 1));
}

/**
 * timm's `JsdCrossEntropy` (AugMix) of logits `input` `[S·B, C]` (the clean batch, then S−1
 * augmented copies) and class indices `target` (≥ B entries; only the first B are used):
 * `CE(chunk_0, target[:B]) + α·(1/S)·Σ_i KL_i`, where CE is label_smoothing_cross_entropy when
 * `smoothing > 0` and mean cross_entropy (ignore_index −100) otherwise,
 * `KL_i = Σ P_i (ln P_i − ln M) / B`, `P_i = softmax(chunk_i)` and `M = clamp(mean_i P_i, 1e-7, 1)`.
 * A batch that `num_splits` does not divide is `invalid_argument`.
 */
export function jsdCrossEntropy(input: Tensor, target: Tensor, options: JsdCrossEntropyOptions = {}): Tensor {
  const { splits, batch, size, alpha, smoothing, labels, p, mixture } = jsdParts(input, target, options);
  const ce =
    smoothing > 0
      ? sum(labelSmoothingTerms(input.data, labels, batch, size, smoothing)) / batch
      : runAsPartOf('jsd_cross_entropy', 'cross_entropy of the clean split', () => crossEntropy(cleanSplit(input, batch), labels).data[0]);
  const n = batch * size;
  const terms = new Float64Array(splits * n);
  for (let i = 0; i < splits; i++) {
    for (let j = 0; j < n; j++) {
      const pi = p[i * n + j];
      // F.kl_div(log M, P, 'batchmean') pointwise: xlogy(P, P) − P·log M.
      terms[i * n + j] = xlogyZero(pi, pi) - pi * logClampedMixture(mixture[j]);
    }
  }
  const js = sum(terms) / batch / splits;
  return scalar(ce + alpha * js);
}

/**
 * Gradient of {@link jsdCrossEntropy} w.r.t. `input`. For the JS term, with `k = α/(S·B)`,
 * `∂/∂P_i = k·(ln P_i + 1 − ln M − μ·Σ_j P_j / (S·M))`, where `μ` is 1 where the mixture lies in
 * `[1e-7, 1]` (torch's clamp passes the gradient there, bounds included) and 0 elsewhere; where
 * it is unclamped this is `k·ln(P_i / M)`. The result goes through each row's softmax adjoint;
 * the clean split adds the cross-entropy gradient `(softmax − (1−s)·onehot(y) − s/C) / B`
 * (divided by the non-ignored count for plain cross_entropy).
 */
export function jsdCrossEntropyBackward(input: Tensor, target: Tensor, options: JsdCrossEntropyOptions = {}, gradOutput: Tensor | null = null): Tensor {
  const { splits, batch, size, alpha, smoothing, labels, p, mixture } = jsdParts(input, target, options);
  const g = gradOutput ? gradOutput.data[0] : 1;
  const n = batch * size;
  const k = (g * alpha) / (splits * batch);
  const dP = new Float64Array(input.data.length);
  for (let j = 0; j < n; j++) {
    const m = mixture[j];
    const logM = logClampedMixture(m);
    // Where the clamp is inactive Σ_j P_j / (S·M) = 1 cancels the +1 of ∂(P ln P)/∂P exactly.
    const one = m >= JSD_MIXTURE_MIN && m <= 1 ? 0 : 1;
    for (let i = 0; i < splits; i++) dP[i * n + j] = k * (Math.log(p[i * n + j]) - logM + one);
  }
  const dx = softmaxBackward(input, 1, { shape: input.shape, data: dP, dtype: 'float64' });
  const out = new Float64Array(dx.data);
  if (smoothing > 0) {
    addLabelSmoothingGrad(out, input.data, labels, batch, size, smoothing, g / batch);
  } else {
    const ce = runAsPartOf('jsd_cross_entropy', 'cross_entropy of the clean split', () => crossEntropyBackward(cleanSplit(input, batch), labels, {}, gradOutput).input.data);
    for (let k = 0; k < n; k++) out[k] += ce[k];
  }
  return { shape: [...input.shape], data: out, dtype: 'float64' };
}

/** Options of {@link mixupTarget}; the defaults are timm's. */
export interface MixupTargetOptions {
  /** Mixing weight: a number (default 1), or a tensor such as `[N, 1]` with one weight per row. */
  readonly lam?: number | Tensor;
  /** Label smoothing (default 0): `off = s/C`, `on = 1 − s + off`. */
  readonly smoothing?: number;
}

/**
 * timm's `mixup_target`: soft targets `[N, C]` from class indices `target` `[N]` (int64, or float
 * truncated as `.long()` does): `Y = onehot(y)·lam + onehot(flip(y))·(1 − lam)`, with `on` and
 * `off = smoothing/C`, `on = 1 − smoothing + off` in place of 1 and 0. Row i mixes with row N−1−i.
 * A tensor `lam` broadcasts against `[N, C]`.
 */
export function mixupTarget(target: Tensor, numClasses: number, options: MixupTargetOptions = {}): Tensor {
  const op = 'mixup_target';
  const lam = options.lam ?? 1;
  const smoothing = options.smoothing ?? 0;
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new EngineError('invalid_argument', op, `num_classes=${numClasses} must be a positive integer.`);
  }
  if (target.shape.length !== 1) {
    throw new EngineError('invalid_argument', op, `target ${formatShape(target.shape)} must be 1-d [N]: one class index per sample.`);
  }
  const rows = target.shape[0];
  const labels = Array.from(target.data, (v, r) => {
    const y = Math.trunc(v);
    if (!(y >= 0 && y < numClasses)) {
      throw new EngineError('invalid_target', op, `target[${r}] = ${v} is not a class index in [0, ${numClasses}); use labels 0..${numClasses - 1} or raise num_classes.`);
    }
    return y;
  });
  const off = smoothing / numClasses;
  const on = 1 - smoothing + off;
  const base = [rows, numClasses];
  const y1 = new Float64Array(rows * numClasses).fill(off);
  const y2 = new Float64Array(rows * numClasses).fill(off);
  for (let r = 0; r < rows; r++) {
    y1[r * numClasses + labels[r]] = on;
    y2[r * numClasses + labels[rows - 1 - r]] = on;
  }
  const lamT: Tensor = typeof lam === 'number' ? scalar(lam) : lam;
  const shape = broadcastShapes(op, base, lamT.shape, ['one-hot target', 'lam']);
  const a = broadcastTo({ shape: base, data: y1, dtype: 'float64' }, shape);
  const b = broadcastTo({ shape: base, data: y2, dtype: 'float64' }, shape);
  const l = broadcastTo(lamT, shape);
  const out = new Float64Array(a.length);
  for (let i = 0; i < out.length; i++) out[i] = a[i] * l[i] + b[i] * (1 - l[i]);
  return { shape, data: out, dtype: 'float64' };
}

function jsdOptions(a: OpArgs): JsdCrossEntropyOptions {
  return { num_splits: a.num_splits as number, alpha: a.alpha as number, smoothing: a.smoothing as number | null };
}

const logitsArg = { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc: 'Logits [N, C].' } as const;
const labelsArg = { name: 'target', kind: 'tensor', role: 'target', dtype: 'int', doc: 'Class indices [N] (int64).' } as const;

/** timm's losses and mixup_target as registry entries. */
export const timmOps: OpSpec[] = [
  {
    name: 'label_smoothing_cross_entropy',
    family: 'timm',
    doc: "timm's LabelSmoothingCrossEntropy: cross-entropy against a label mixed with the uniform distribution.",
    formula: 'mean_n[(1−s)·(−log p[y]) + s·mean_c(−log p[c])], log p = log_softmax(x)',
    args: [logitsArg, labelsArg, { name: 'smoothing', kind: 'number', role: 'option', default: 0.1, doc: 'Label smoothing s, < 1.' }],
    forward: (a: OpArgs) => labelSmoothingCrossEntropy(a.input as Tensor, a.target as Tensor, { smoothing: a.smoothing as number }),
    backward: (a: OpArgs, g) => ({ input: labelSmoothingCrossEntropyBackward(a.input as Tensor, a.target as Tensor, { smoothing: a.smoothing as number }, g) }),
  },
  {
    name: 'soft_target_cross_entropy',
    family: 'timm',
    doc: "timm's SoftTargetCrossEntropy: mean over rows of the cross-entropy against probability targets (mixup/cutmix).",
    formula: 'mean_rows(−Σ_c t_c·log_softmax(x)_c)',
    args: [
      { ...logitsArg, doc: 'Logits [..., C] (classes on the last dim).' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'float', differentiable: true, doc: "Probabilities with the input's shape, used as given." },
    ],
    forward: (a: OpArgs) => softTargetCrossEntropy(a.input as Tensor, a.target as Tensor),
    backward: (a: OpArgs, g) => ({ ...softTargetCrossEntropyBackward(a.input as Tensor, a.target as Tensor, g) }),
  },
  {
    name: 'jsd_cross_entropy',
    family: 'timm',
    doc: "timm's JsdCrossEntropy (AugMix): cross-entropy of the clean split plus a Jensen–Shannon consistency term over the splits.",
    formula: 'CE(x_0, y) + α·(1/S)·Σ_i KL(P_i ‖ M), M = clamp(mean_i P_i, 1e-7, 1)',
    args: [
      { ...logitsArg, doc: 'Logits [S·B, C]: the clean batch, then each augmented copy.' },
      { ...labelsArg, doc: 'Class indices [B] or [S·B] (int64); only the first B are used.' },
      { name: 'num_splits', kind: 'integer', role: 'option', default: 3, doc: 'Number of splits S.' },
      { name: 'alpha', kind: 'number', role: 'option', default: 12, doc: 'Weight of the JS term.' },
      { name: 'smoothing', kind: 'number', role: 'option', default: 0.1, nullable: true, doc: 'Label smoothing of the clean cross-entropy; 0 or None for plain cross_entropy.' },
    ],
    forward: (a: OpArgs) => jsdCrossEntropy(a.input as Tensor, a.target as Tensor, jsdOptions(a)),
    backward: (a: OpArgs, g) => ({ input: jsdCrossEntropyBackward(a.input as Tensor, a.target as Tensor, jsdOptions(a), g) }),
  },
  {
    name: 'mixup_target',
    family: 'timm',
    doc: "timm's mixup_target: smoothed one-hot targets mixed with the batch reversed.",
    formula: 'Y = onehot(y)·lam + onehot(flip(y))·(1−lam), with on = 1−s+s/C, off = s/C',
    args: [
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'int', doc: 'Class indices [N].' },
      { name: 'num_classes', kind: 'integer', role: 'option', doc: 'Number of classes C.' },
      { name: 'lam', kind: 'tensorOrNumber', role: 'option', default: 1, doc: 'Mixing weight: a number, or [N, 1] with one weight per row.' },
      { name: 'smoothing', kind: 'number', role: 'option', default: 0, doc: 'Label smoothing.' },
    ],
    forward: (a: OpArgs) => mixupTarget(a.target as Tensor, a.num_classes as number, { lam: a.lam as number | Tensor, smoothing: a.smoothing as number }),
  },
];
