/**
 * binary_cross_entropy (on probabilities) and binary_cross_entropy_with_logits (on logits), with
 * closed-form gradients for input and target.
 *
 * Both are elementwise: the target has the input's shape, and `weight` (and `pos_weight`)
 * broadcast to it.
 */
import { EngineError } from '../errors';
import { OpArgs, OpSpec, reductionArg } from '../op';
import { checkReduction, reduceLoss, upstreamGrad } from '../reduce';
import { softplus, sigmoid } from '../scalar';
import { Tensor, broadcastShapes, broadcastTo, formatShape, sameShape } from '../tensor';
import { ClassReduction } from './crossEntropy';

/** Options of {@link binaryCrossEntropy}, with PyTorch's names and defaults. */
export interface BinaryCrossEntropyOptions {
  /** Per-element weights that broadcast to the input's shape; `null` (default) means 1. */
  readonly weight?: Tensor | null;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction?: ClassReduction;
}

/** Options of {@link binaryCrossEntropyWithLogits}, with PyTorch's names and defaults. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term, broadcast against the input (normally `[C]`, the last dim); `null` means 1. */
  readonly pos_weight?: Tensor | null;
}

/** Per-element losses (what `reduction='none'` returns) and the divisor of `'mean'` (the element count). */
export interface BinaryLossTerms {
  readonly loss: Tensor;
  readonly divisor: number;
}

/** Gradients w.r.t. input and target, each of the input's shape. */
export interface BinaryLossGrad {
  readonly input: Tensor;
  readonly target: Tensor;
}

/** PyTorch's float32 `EPSILON = 1e-12` that bounds the BCE gradient's denominator (as a float32 value). */
const BCE_GRAD_EPSILON = Math.fround(1e-12);

/** The log clamp of binary_cross_entropy: a certain wrong answer costs 100, not ∞. */
const BCE_LOG_FLOOR = -100;

/** Checks that the target has exactly the input's shape (PyTorch does not broadcast it here). */
function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must have the input's shape ${formatShape(input.shape)}; give one target per input element.`);
  }
}

/** `weight` (or `pos_weight`) expanded to the input's shape, or `null`; it must broadcast to exactly that shape. */
function expandToInput(op: string, name: string, w: Tensor | null | undefined, input: Tensor): Float64Array | null {
  if (w === null || w === undefined) return null;
  const shape = broadcastShapes(op, input.shape, w.shape, ['input', name]);
  if (!sameShape(shape, input.shape)) {
    throw new EngineError('shape_mismatch', op, `${name} ${formatShape(w.shape)} broadcasts with input ${formatShape(input.shape)} to ${formatShape(shape)}, larger than the input; give ${name} at most the input's dims.`);
  }
  return broadcastTo(w, input.shape);
}

/** Per-element `w[k]·f(x, t, k)` over input and target, and the `'mean'` divisor (the element count). */
function elementwiseTerms(input: Tensor, target: Tensor, w: Float64Array | null, f: (x: number, t: number, k: number) => number): BinaryLossTerms {
  const n = input.data.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const l = f(input.data[k], target.data[k], k);
    out[k] = w ? w[k] * l : l;
  }
  return { loss: { shape: [...input.shape], data: out, dtype: 'float64' }, divisor: n };
}

/** Gradients `g[k]·w[k]·dx(x, t, k)` and `g[k]·w[k]·dt(x, t, k)`, with g the upstream gradient per element. */
function elementwiseBackward(
  input: Tensor,
  target: Tensor,
  w: Float64Array | null,
  g: Float64Array,
  dx: (x: number, t: number, k: number) => number,
  dt: (x: number, t: number, k: number) => number,
): BinaryLossGrad {
  const n = input.data.length;
  const gx = new Float64Array(n);
  const gt = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = input.data[k];
    const t = target.data[k];
    const scale = w ? w[k] * g[k] : g[k];
    gx[k] = dx(x, t, k) * scale;
    gt[k] = dt(x, t, k) * scale;
  }
  return { input: { shape: [...input.shape], data: gx, dtype: 'float64' }, target: { shape: [...target.shape], data: gt, dtype: 'float64' } };
}

/** The validated arguments of binary_cross_entropy. */
function resolveBce(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions): { w: Float64Array | null; reduction: ClassReduction } {
  const op = 'binary_cross_entropy';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  checkSameShape(op, input, target);
  const w = expandToInput(op, 'weight', options.weight, input);
  for (let k = 0; k < input.data.length; k++) {
    const x = input.data[k];
    // Written so that NaN fails too, as PyTorch's check does.
    if (!(x >= 0 && x <= 1)) {
      throw new EngineError('invalid_value', op, `input[${k}] = ${x} is not a probability; every input must be in [0, 1] (for logits use binary_cross_entropy_with_logits).`);
    }
  }
  return { w, reduction };
}

/**
 * Per-element binary cross-entropy (what `reduction='none'` returns) and the `'mean'` divisor.
 * See {@link binaryCrossEntropy}.
 */
export function binaryCrossEntropyTerms(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): BinaryLossTerms {
  const { w } = resolveBce(input, target, options);
  // log1p(−x) is log(1 − x) without the rounding of 1 − x for tiny x. Written in PyTorch's order,
  // (t − 1)·log(1 − x) − t·log x, so even signed zeros match (x = t = 1 gives −0, x = t = 0 gives +0).
  return elementwiseTerms(input, target, w, (x, t) => (t - 1) * Math.max(Math.log1p(-x), BCE_LOG_FLOOR) - t * Math.max(Math.log(x), BCE_LOG_FLOOR));
}

/**
 * `torch.nn.functional.binary_cross_entropy(input, target, weight, reduction)`:
 * `l = −w·(t·max(log x, −100) + (1−t)·max(log(1−x), −100))`.
 *
 * Domain: `input` is **probabilities** in [0, 1] (anything else, NaN included, is `invalid_value`);
 * the target has the input's shape and is used as given (values outside [0, 1] are not rejected).
 * The −100 clamp makes a certain wrong answer cost 100 instead of ∞.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const { loss, divisor } = binaryCrossEntropyTerms(input, target, options);
  return reduceLoss('binary_cross_entropy', loss.data, loss.shape, options.reduction ?? 'mean', divisor);
}

/**
 * Gradients of {@link binaryCrossEntropy}, as PyTorch defines them (g the upstream gradient per element):
 * - `d/dx = g·w·(x − t) / max(x·(1−x), 1e-12)`: the clamp keeps x = 0 or 1 finite (about 1e12);
 * - `d/dt = g·w·(log(1−x) − log x)`, unclamped, so ±∞ at x = 0 or 1.
 */
export function binaryCrossEntropyBackward(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}, gradOutput: Tensor | null = null): BinaryLossGrad {
  const { w, reduction } = resolveBce(input, target, options);
  return elementwiseBackward(
    input,
    target,
    w,
    upstreamGrad(gradOutput, reduction, input.data.length),
    (x, t) => (x - t) / Math.max(x * (1 - x), BCE_GRAD_EPSILON),
    (x) => Math.log1p(-x) - Math.log(x),
  );
}

/** The validated arguments of binary_cross_entropy_with_logits. */
function resolveBceLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions): { w: Float64Array | null; p: Float64Array | null; reduction: ClassReduction } {
  const op = 'binary_cross_entropy_with_logits';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  checkSameShape(op, input, target);
  return { w: expandToInput(op, 'weight', options.weight, input), p: expandToInput(op, 'pos_weight', options.pos_weight, input), reduction };
}

/**
 * Per-element binary cross-entropy with logits (what `reduction='none'` returns) and the `'mean'`
 * divisor. See {@link binaryCrossEntropyWithLogits}.
 */
export function binaryCrossEntropyWithLogitsTerms(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): BinaryLossTerms {
  const { w, p } = resolveBceLogits(input, target, options);
  // −log σ(x) = softplus(−x) and −log(1 − σ(x)) = softplus(x); each softplus is evaluated as
  // max(x,0) + log1p(e^−|x|) (scalar.ts), so neither term cancels: x = 50, t = 1 gives
  // softplus(−50) = 1.93e-22 rather than 50 − 50 = 0.
  return elementwiseTerms(input, target, w, (x, t, k) => (1 - t) * softplus(x) + (p ? p[k] : 1) * t * softplus(-x));
}

/**
 * `torch.nn.functional.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)`:
 * `l = w·((1−t)·softplus(x) + p·t·softplus(−x))`, i.e. `−w·(p·t·log σ(x) + (1−t)·log(1−σ(x)))`.
 *
 * Domain: `input` is **logits** (any real); the target has the input's shape and is used as given.
 * `weight` and `pos_weight` (p, normally `[C]` against the last dim) broadcast to the input's shape.
 * Stable for logits of any size (no overflow, no cancellation).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const { loss, divisor } = binaryCrossEntropyWithLogitsTerms(input, target, options);
  return reduceLoss('binary_cross_entropy_with_logits', loss.data, loss.shape, options.reduction ?? 'mean', divisor);
}

/**
 * Gradients of {@link binaryCrossEntropyWithLogits} (g the upstream gradient per element):
 * - `d/dx = g·w·((1 − t + p·t)·σ(x) − p·t)`, which is `g·w·(σ(x) − t)` without pos_weight;
 * - `d/dt = g·w·(p·softplus(−x) − softplus(x))`, which is `−g·w·x` without pos_weight.
 */
export function binaryCrossEntropyWithLogitsBackward(
  input: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyWithLogitsOptions = {},
  gradOutput: Tensor | null = null,
): BinaryLossGrad {
  const { w, p, reduction } = resolveBceLogits(input, target, options);
  const g = upstreamGrad(gradOutput, reduction, input.data.length);
  if (!p) return elementwiseBackward(input, target, w, g, (x, t) => sigmoid(x) - t, (x) => -x);
  return elementwiseBackward(
    input,
    target,
    w,
    g,
    (x, t, k) => (1 - t + p[k] * t) * sigmoid(x) - p[k] * t,
    (x, _t, k) => p[k] * softplus(-x) - softplus(x),
  );
}

const inputArg = (doc: string) => ({ name: 'input', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc }) as const;
const targetArg = { name: 'target', kind: 'tensor', role: 'target', dtype: 'float', differentiable: true, doc: "Targets, the input's shape (used as given)." } as const;
const weightArg = { name: 'weight', kind: 'tensor', role: 'weight', dtype: 'float', nullable: true, default: null, doc: "Per-element weights broadcast to the input's shape, or None." } as const;

function bceOptions(a: OpArgs): BinaryCrossEntropyWithLogitsOptions {
  return { weight: a.weight as Tensor | null, pos_weight: (a.pos_weight ?? null) as Tensor | null, reduction: a.reduction as ClassReduction };
}

/** binary_cross_entropy and binary_cross_entropy_with_logits as registry entries. */
export const binaryOps: OpSpec[] = [
  {
    name: 'binary_cross_entropy',
    family: 'binary',
    doc: 'Binary cross-entropy of probabilities in [0, 1], with the log clamped at −100.',
    formula: 'l = −w·(t·max(log x, −100) + (1−t)·max(log(1−x), −100))',
    args: [inputArg('Probabilities in [0, 1].'), targetArg, weightArg, reductionArg()],
    forward: (a: OpArgs) => binaryCrossEntropy(a.input as Tensor, a.target as Tensor, bceOptions(a)),
    backward: (a: OpArgs, g) => ({ ...binaryCrossEntropyBackward(a.input as Tensor, a.target as Tensor, bceOptions(a), g) }),
  },
  {
    name: 'binary_cross_entropy_with_logits',
    family: 'binary',
    doc: 'Binary cross-entropy of logits, with an optional positive-class weight.',
    formula: 'l = w·((1−t)·softplus(x) + p·t·softplus(−x))',
    args: [
      inputArg('Logits (any real numbers).'),
      targetArg,
      weightArg,
      { name: 'pos_weight', kind: 'tensor', role: 'weight', dtype: 'float', nullable: true, default: null, doc: 'Weight of the positive term, broadcast against the last dim ([C]), or None.' },
      reductionArg(),
    ],
    forward: (a: OpArgs) => binaryCrossEntropyWithLogits(a.input as Tensor, a.target as Tensor, bceOptions(a)),
    backward: (a: OpArgs, g) => ({ ...binaryCrossEntropyWithLogitsBackward(a.input as Tensor, a.target as Tensor, bceOptions(a), g) }),
  },
];
