/**
 * Regression losses: mse_loss, l1_loss, smooth_l1_loss, huber_loss, poisson_nll_loss and
 * gaussian_nll_loss, with closed-form gradients; plus {@link pointwiseLoss}, the machinery every
 * elementwise loss shares (broadcasting, reduction and the adjoint of both), which margin.ts reuses.
 *
 * Domain: `input` and `target` are real values on the same scale (predictions and observations),
 * except poisson_nll_loss with `log_input` (input is a log-rate) and gaussian_nll_loss (`var` is a
 * variance, ≥ 0). Semantics are PyTorch 1.13's `torch.nn.functional` (FORMAT.md).
 */
import { EngineError } from '../errors';
import type { ArgSpec, OpArgs, OpSpec } from '../op';
import { reductionArg } from '../op';
import { checkReduction, reduceLoss, upstreamGrad } from '../reduce';
import { Tensor, broadcastShapes, broadcastTo, formatShape, isFloating, numel, sameShape, sumToShape, tensor } from '../tensor';

/** Gradients by argument name, as `OpSpec.backward` returns them. */
export type Grads = Readonly<Record<string, Tensor>>;

/** A per-element function of up to three broadcast operands (unused operands read as 0). */
export type Elementwise = (a: number, b: number, c: number) => number;

/**
 * An elementwise loss: named operands that broadcast together, the loss of one element, and the
 * partial derivative of that loss for each operand that has a gradient.
 */
export interface PointwiseLoss {
  /** The op name, for messages. */
  readonly op: string;
  /** The operands in the op's argument order, as `[argument name, tensor]`. */
  readonly operands: readonly (readonly [string, Tensor])[];
  /** l(a, b, c) for one element, with a, b, c the operands in order. */
  readonly value: Elementwise;
  /** ∂l/∂operand, by argument name, for the operands that get a gradient. */
  readonly partials: Readonly<Record<string, Elementwise>>;
}

/**
 * The broadcast shape of named operands (PyTorch's rules, a `shape_mismatch` naming the operands
 * when they don't broadcast) and each operand's data expanded to it.
 */
export function broadcastOperands(op: string, operands: readonly (readonly [string, Tensor])[]): { shape: number[]; data: Float64Array[] } {
  const [first, ...rest] = operands;
  let shape = [...first[1].shape];
  let names = first[0];
  for (const [name, t] of rest) {
    shape = broadcastShapes(op, shape, t.shape, [names, name]);
    names = `${names} and ${name}`;
  }
  return { shape, data: operands.map(([, t]) => broadcastTo(t, shape)) };
}

/**
 * Forward pass of an elementwise loss: broadcasts the operands (PyTorch's rules; a `shape_mismatch`
 * naming both when they don't), applies `value` per element, then reduces (`mean` over all
 * broadcast elements, NaN when there are none).
 */
export function pointwiseLoss(spec: PointwiseLoss, reduction: string): Tensor {
  checkReduction(spec.op, reduction);
  const { shape, data } = broadcastOperands(spec.op, spec.operands);
  const [a, b, c] = data;
  const n = numel(shape);
  const losses = new Float64Array(n);
  for (let k = 0; k < n; k++) losses[k] = spec.value(a[k], b ? b[k] : 0, c ? c[k] : 0);
  return reduceLoss(spec.op, losses, shape, reduction);
}

/**
 * Backward pass of {@link pointwiseLoss}: per element, ∂l/∂operand times the upstream gradient
 * of that element (g, g/n for `mean`, or `gradOutput` itself for `none`), then summed back over
 * the broadcast dims to each operand's own shape (the adjoint of broadcasting). Only operands with
 * a partial and a float dtype get a gradient.
 */
export function pointwiseLossBackward<G extends Grads = Grads>(spec: PointwiseLoss, reduction: string, gradOutput: Tensor | null): G {
  checkReduction(spec.op, reduction);
  const { shape, data } = broadcastOperands(spec.op, spec.operands);
  const [a, b, c] = data;
  const n = numel(shape);
  const up = upstreamGrad(gradOutput, reduction, n);
  const grads: Record<string, Tensor> = {};
  for (const [name, t] of spec.operands) {
    const partial = spec.partials[name];
    if (!partial || !isFloating(t)) continue;
    const g = new Float64Array(n);
    for (let k = 0; k < n; k++) g[k] = partial(a[k], b ? b[k] : 0, c ? c[k] : 0) * up[k];
    grads[name] = tensor(t.shape, sumToShape(g, shape, t.shape));
  }
  return grads as G;
}

/** `reduction` for the options objects of every loss here. */
export interface ReductionOptions {
  /** 'none' | 'mean' | 'sum' (default 'mean'). */
  readonly reduction?: string;
}

/** Gradients w.r.t. input and, when it is a float tensor, target. */
export type InputTargetGrad = Grads & { readonly input: Tensor };

/**
 * PyTorch's sign for gradients: ±1, and 0 at 0 and at NaN (at::sgn of a real NaN is 0, so the
 * l1 gradient at a NaN difference is 0).
 */
function sgn(d: number): number {
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

function difference(op: string, input: Tensor, target: Tensor, value: (d: number) => number, dInput: (d: number) => number, dTarget: (d: number) => number): PointwiseLoss {
  return {
    op,
    operands: [['input', input], ['target', target]],
    value: (x, t) => value(x - t),
    partials: { input: (x, t) => dInput(x - t), target: (x, t) => dTarget(x - t) },
  };
}

// --- mse_loss ------------------------------------------------------------------------------

function msePointwise(input: Tensor, target: Tensor): PointwiseLoss {
  return difference('mse_loss', input, target, (d) => d * d, (d) => 2 * d, (d) => -2 * d);
}

/** mse_loss: l = (x − t)², input and target broadcast (PyTorch warns when their shapes differ). */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  return pointwiseLoss(msePointwise(input, target), reduction);
}

/** Gradients of {@link mseLoss}: ∂l/∂x = 2(x − t), ∂l/∂t = −2(x − t). */
export function mseLossBackward(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}, gradOutput: Tensor | null = null): InputTargetGrad {
  return pointwiseLossBackward(msePointwise(input, target), reduction, gradOutput);
}

// --- l1_loss -------------------------------------------------------------------------------

function l1Pointwise(input: Tensor, target: Tensor): PointwiseLoss {
  return difference('l1_loss', input, target, Math.abs, sgn, (d) => -sgn(d));
}

/** l1_loss: l = |x − t|, input and target broadcast. */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}): Tensor {
  return pointwiseLoss(l1Pointwise(input, target), reduction);
}

/** Gradients of {@link l1Loss}: ∂l/∂x = sign(x − t) (0 at a zero difference), ∂l/∂t = −sign(x − t). */
export function l1LossBackward(input: Tensor, target: Tensor, { reduction = 'mean' }: ReductionOptions = {}, gradOutput: Tensor | null = null): InputTargetGrad {
  return pointwiseLossBackward(l1Pointwise(input, target), reduction, gradOutput);
}

// --- smooth_l1_loss ------------------------------------------------------------------------

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1Options extends ReductionOptions {
  /** The width of the quadratic zone (default 1; 0 makes it l1; negative is invalid). */
  readonly beta?: number;
}

/**
 * The shape smooth_l1 and huber share: quadratic within `width` of 0, linear with slope ±`slope`
 * outside, continuous with a continuous derivative at ±width. smooth_l1 is (width β, slope 1),
 * huber is (width δ, slope δ). The gradient rule is PyTorch's, applied to d for the input and to −d
 * for the target: −slope for u ≤ −width, +slope for u ≥ width, u·slope/width between. So at width 0
 * and d = 0 both sides hit `u <= -width` first and both gradients are −slope (not 0 as for l1_loss);
 * the curvature slope/width = ∞ is then reached only by a NaN u, which stays NaN as in PyTorch.
 */
function quadraticLinear(op: string, input: Tensor, target: Tensor, width: number, slope: number): PointwiseLoss {
  const curvature = slope / width;
  const rule = (u: number): number => (u <= -width ? -slope : u >= width ? slope : u * curvature);
  const value = (d: number): number => {
    const z = Math.abs(d);
    return z < width ? 0.5 * z * z * curvature : slope * (z - 0.5 * width);
  };
  return difference(op, input, target, value, rule, (d) => rule(-d));
}

function smoothL1Pointwise(input: Tensor, target: Tensor, beta: number): PointwiseLoss {
  if (!(beta >= 0)) throw new EngineError('invalid_argument', 'smooth_l1_loss', `beta=${beta} is negative; use beta >= 0 (0 gives l1_loss).`);
  return quadraticLinear('smooth_l1_loss', input, target, beta, 1);
}

/** smooth_l1_loss: l = 0.5·d²/β where |d| < β, else |d| − 0.5·β, with d = x − t; β = 0 is l1. */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: SmoothL1Options = {}): Tensor {
  return pointwiseLoss(smoothL1Pointwise(input, target, beta), reduction);
}

/**
 * Gradients of {@link smoothL1Loss}: ∂l/∂x = r(x − t) and ∂l/∂t = r(t − x), where r(u) = −1 for
 * u ≤ −β, +1 for u ≥ β and u/β otherwise (so −1 for both at β = 0, d = 0, as PyTorch).
 */
export function smoothL1LossBackward(input: Tensor, target: Tensor, options: SmoothL1Options = {}, gradOutput: Tensor | null = null): InputTargetGrad {
  const { reduction = 'mean', beta = 1 } = options;
  return pointwiseLossBackward(smoothL1Pointwise(input, target, beta), reduction, gradOutput);
}

// --- huber_loss ----------------------------------------------------------------------------

/** Options of {@link huberLoss}. */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; must be > 0). */
  readonly delta?: number;
}

function huberPointwise(input: Tensor, target: Tensor, delta: number): PointwiseLoss {
  if (!(delta > 0)) throw new EngineError('invalid_argument', 'huber_loss', `delta=${delta} is not positive; use delta > 0.`);
  return quadraticLinear('huber_loss', input, target, delta, delta);
}

/** huber_loss: l = 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ), with d = x − t. */
export function huberLoss(input: Tensor, target: Tensor, { reduction = 'mean', delta = 1 }: HuberOptions = {}): Tensor {
  return pointwiseLoss(huberPointwise(input, target, delta), reduction);
}

/** Gradients of {@link huberLoss}: ∂l/∂x = clamp(x − t, −δ, δ), ∂l/∂t = clamp(t − x, −δ, δ). */
export function huberLossBackward(input: Tensor, target: Tensor, options: HuberOptions = {}, gradOutput: Tensor | null = null): InputTargetGrad {
  const { reduction = 'mean', delta = 1 } = options;
  return pointwiseLossBackward(huberPointwise(input, target, delta), reduction, gradOutput);
}

// --- poisson_nll_loss ----------------------------------------------------------------------

/** Options of {@link poissonNllLoss} (PyTorch's names and defaults). */
export interface PoissonNllOptions extends ReductionOptions {
  /** The input is a log-rate (default true); otherwise it is the rate itself. */
  readonly log_input?: boolean;
  /** Add the Stirling approximation of log(t!) (default false). */
  readonly full?: boolean;
  /** Added to the rate inside the log when `log_input` is false (default 1e-8). */
  readonly eps?: number;
}

function poissonPointwise(input: Tensor, target: Tensor, { log_input = true, full = false, eps = 1e-8 }: PoissonNllOptions): PointwiseLoss {
  // log t! ≈ t·log t − t + 0.5·log(2πt), added only where t > 1 (PyTorch masks t <= 1 to 0, which
  // also keeps log(0) out of t = 0).
  const stirling = (t: number): number => (full && t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0);
  return {
    op: 'poisson_nll_loss',
    operands: [['input', input], ['target', target]],
    value: log_input ? (x, t) => Math.exp(x) - t * x + stirling(t) : (x, t) => x - t * Math.log(x + eps) + stirling(t),
    partials: { input: log_input ? (x, t) => Math.exp(x) - t : (x, t) => 1 - t / (x + eps) },
  };
}

/**
 * poisson_nll_loss: with `log_input` (x a log-rate) l = eˣ − t·x; otherwise (x a rate)
 * l = x − t·log(x + eps). `full` adds t·log t − t + 0.5·log(2πt) where t > 1.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: PoissonNllOptions = {}): Tensor {
  return pointwiseLoss(poissonPointwise(input, target, options), options.reduction ?? 'mean');
}

/** Gradient of {@link poissonNllLoss} w.r.t. input: eˣ − t with `log_input`, else 1 − t/(x + eps). */
export function poissonNllLossBackward(input: Tensor, target: Tensor, options: PoissonNllOptions = {}, gradOutput: Tensor | null = null): Grads & { readonly input: Tensor } {
  return pointwiseLossBackward(poissonPointwise(input, target, options), options.reduction ?? 'mean', gradOutput);
}

// --- gaussian_nll_loss ---------------------------------------------------------------------

/** Options of {@link gaussianNllLoss} (PyTorch's names and defaults). */
export interface GaussianNllOptions extends ReductionOptions {
  /** Add the constant 0.5·log(2π) (default false). */
  readonly full?: boolean;
  /** The variance is clamped to at least eps (default 1e-6). */
  readonly eps?: number;
}

/** Gradients of {@link gaussianNllLoss}: input, and target and var when they are float tensors. */
export type GaussianNllGrad = Grads & { readonly input: Tensor };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `var` as PyTorch accepts it: the input's shape; the input's shape without its last dim (then a
 * trailing 1 is added so it broadcasts along that dim); or that shape with a trailing 1. Same data,
 * possibly a new shape.
 */
function gaussianVar(input: Tensor, variance: Tensor): Tensor {
  const op = 'gaussian_nll_loss';
  const lead = input.shape.slice(0, -1);
  let v = variance;
  if (!sameShape(variance.shape, input.shape)) {
    if (sameShape(variance.shape, lead)) v = { ...variance, shape: [...variance.shape, 1] };
    else if (!(variance.shape.length > 0 && sameShape(variance.shape.slice(0, -1), lead) && variance.shape[variance.shape.length - 1] === 1)) {
      throw new EngineError(
        'shape_mismatch',
        op,
        `var ${formatShape(variance.shape)} does not fit input ${formatShape(input.shape)}; give var the input's shape, ${formatShape(lead)} (one variance per row), or ${formatShape([...lead, 1])}.`,
      );
    }
  }
  for (const x of v.data) {
    if (x < 0) throw new EngineError('invalid_value', op, `var ${formatShape(variance.shape)} has a negative entry (${x}); a variance must be >= 0.`);
  }
  return v;
}

function gaussianPointwise(input: Tensor, target: Tensor, v: Tensor, { full = false, eps = 1e-6 }: GaussianNllOptions): PointwiseLoss {
  // The clamp max(var, eps) happens outside autograd in PyTorch, so ∂/∂var is the derivative
  // w.r.t. v evaluated at the clamped v, passed on unchanged even where the clamp was active.
  // Math.max(NaN, eps) is NaN, as torch.clamp.
  const clamp = (s: number): number => Math.max(s, eps);
  const constant = full ? HALF_LOG_2PI : 0;
  return {
    op: 'gaussian_nll_loss',
    operands: [['input', input], ['target', target], ['var', v]],
    value: (x, t, s) => {
      const c = clamp(s);
      return 0.5 * (Math.log(c) + ((x - t) * (x - t)) / c) + constant;
    },
    partials: {
      input: (x, t, s) => (x - t) / clamp(s),
      target: (x, t, s) => (t - x) / clamp(s),
      var: (x, t, s) => {
        const c = clamp(s);
        return 0.5 * (1 / c - ((x - t) * (x - t)) / (c * c));
      },
    },
  };
}

/**
 * gaussian_nll_loss: l = 0.5·(log v + (x − t)²/v) (+ 0.5·log 2π with `full`), v = max(var, eps).
 * `input` is the predicted mean, `var` the predicted variance (≥ 0; a negative entry is
 * `invalid_value`).
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllOptions = {}): Tensor {
  return pointwiseLoss(gaussianPointwise(input, target, gaussianVar(input, variance), options), options.reduction ?? 'mean');
}

/**
 * Gradients of {@link gaussianNllLoss}: ∂l/∂x = (x − t)/v, ∂l/∂t = (t − x)/v and
 * ∂l/∂var = 0.5·(1/v − (x − t)²/v²), at the clamped v; a per-row var gets the sum over its row.
 */
export function gaussianNllLossBackward(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllOptions = {}, gradOutput: Tensor | null = null): GaussianNllGrad {
  const spec = gaussianPointwise(input, target, gaussianVar(input, variance), options);
  const grads: Record<string, Tensor> = pointwiseLossBackward(spec, options.reduction ?? 'mean', gradOutput);
  // The var gradient has the (possibly unsqueezed) view's shape; same data, so restore var's own.
  if (grads.var) grads.var = tensor(variance.shape, grads.var.data);
  return grads as GaussianNllGrad;
}

// --- registry ------------------------------------------------------------------------------

const inputArg: ArgSpec = { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Predictions.', differentiable: true };
const targetArg: ArgSpec = { name: 'target', kind: 'tensor', role: 'target', dtype: 'any', doc: 'Observed values (broadcast against input).', differentiable: true };
const reduction = reductionArg();

/** An argument the registry has already checked to be a tensor. */
export const tensorArg = (a: OpArgs, name: string): Tensor => a[name] as Tensor;
const reductionOf = (a: OpArgs): ReductionOptions => ({ reduction: a.reduction as string });

/** The regression losses as registry entries. */
export const regressionOps: OpSpec[] = [
  {
    name: 'mse_loss',
    family: 'regression',
    doc: 'Mean squared error between predictions and targets.',
    formula: 'l = (x − t)²',
    args: [inputArg, targetArg, reduction],
    forward: (a) => mseLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), reductionOf(a)),
    backward: (a, g) => mseLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), reductionOf(a), g),
  },
  {
    name: 'l1_loss',
    family: 'regression',
    doc: 'Mean absolute error between predictions and targets.',
    formula: 'l = |x − t|',
    args: [inputArg, targetArg, reduction],
    forward: (a) => l1Loss(tensorArg(a, 'input'), tensorArg(a, 'target'), reductionOf(a)),
    backward: (a, g) => l1LossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), reductionOf(a), g),
  },
  {
    name: 'smooth_l1_loss',
    family: 'regression',
    doc: 'Quadratic below beta, absolute error above (beta = 0 is l1).',
    formula: 'l = 0.5·d²/β if |d| < β else |d| − 0.5·β, d = x − t',
    args: [inputArg, targetArg, reduction, { name: 'beta', kind: 'number', role: 'option', default: 1, doc: 'Width of the quadratic zone (>= 0).' }],
    forward: (a) => smoothL1Loss(tensorArg(a, 'input'), tensorArg(a, 'target'), { ...reductionOf(a), beta: a.beta as number }),
    backward: (a, g) => smoothL1LossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), { ...reductionOf(a), beta: a.beta as number }, g),
  },
  {
    name: 'huber_loss',
    family: 'regression',
    doc: 'Quadratic below delta, delta-scaled absolute error above.',
    formula: 'l = 0.5·d² if |d| < δ else δ·(|d| − 0.5·δ), d = x − t',
    args: [inputArg, targetArg, reduction, { name: 'delta', kind: 'number', role: 'option', default: 1, doc: 'Where the loss turns linear (> 0).' }],
    forward: (a) => huberLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), { ...reductionOf(a), delta: a.delta as number }),
    backward: (a, g) => huberLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), { ...reductionOf(a), delta: a.delta as number }, g),
  },
  {
    name: 'poisson_nll_loss',
    family: 'regression',
    doc: 'Negative log-likelihood of a Poisson target given a (log-)rate.',
    formula: 'l = eˣ − t·x (log_input) or x − t·log(x + eps); full adds t·log t − t + 0.5·log(2πt) where t > 1',
    args: [
      { ...inputArg, doc: 'Log-rates (log_input=True) or rates.' },
      { ...targetArg, doc: 'Observed counts.', differentiable: false },
      { name: 'log_input', kind: 'boolean', role: 'option', default: true, doc: 'The input is a log-rate.' },
      { name: 'full', kind: 'boolean', role: 'option', default: false, doc: 'Add the Stirling term for log(t!).' },
      { name: 'eps', kind: 'number', role: 'option', default: 1e-8, doc: 'Added to the rate inside the log when log_input=False.' },
      reduction,
    ],
    forward: (a) => poissonNllLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), poissonOptions(a)),
    backward: (a, g) => poissonNllLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), poissonOptions(a), g),
  },
  {
    name: 'gaussian_nll_loss',
    family: 'regression',
    doc: 'Negative log-likelihood of the target under a Gaussian with predicted mean and variance.',
    formula: 'l = 0.5·(log v + (x − t)²/v) (+ 0.5·log 2π if full), v = max(var, eps)',
    args: [
      { ...inputArg, doc: 'Predicted means.' },
      targetArg,
      { name: 'var', kind: 'tensor', role: 'second_input', dtype: 'float', doc: "Predicted variances (>= 0): input's shape, without its last dim, or with a trailing 1.", differentiable: true },
      { name: 'full', kind: 'boolean', role: 'option', default: false, doc: 'Add the constant 0.5·log(2π).' },
      { name: 'eps', kind: 'number', role: 'option', default: 1e-6, doc: 'Lower clamp of the variance.' },
      reduction,
    ],
    forward: (a) => gaussianNllLoss(tensorArg(a, 'input'), tensorArg(a, 'target'), tensorArg(a, 'var'), gaussianOptions(a)),
    backward: (a, g) => gaussianNllLossBackward(tensorArg(a, 'input'), tensorArg(a, 'target'), tensorArg(a, 'var'), gaussianOptions(a), g),
  },
];

function poissonOptions(a: OpArgs): PoissonNllOptions {
  return { log_input: a.log_input as boolean, full: a.full as boolean, eps: a.eps as number, reduction: a.reduction as string };
}

function gaussianOptions(a: OpArgs): GaussianNllOptions {
  return { full: a.full as boolean, eps: a.eps as number, reduction: a.reduction as string };
}
