/**
 * What PyTorch itself prints in float32, where that differs from the exact value by more than
 * float32 rounding. The engine's results are float64 and exact for the float32 inputs (the oracle's
 * reference); a printed PyTorch value can differ because of cancellation inside PyTorch's float32
 * formula, and the formula changed between versions. Loss Lens shows both, and says why.
 *
 * Only ops with a known, documented cancellation are emulated, each formula step rounded to float32
 * with Math.fround exactly as the PyTorch kernel orders it.
 */
import { OpArgs } from './op';
import { broadcastShapes, broadcastTo, Tensor } from './tensor';

/** One PyTorch float32 evaluation of an op. */
export interface Float32Variant {
  /** Which PyTorch and which formula, e.g. `PyTorch ≥ 2.0`. */
  readonly label: string;
  /** The formula as PyTorch evaluates it. */
  readonly formula: string;
  /** The float32 result (reduced), as PyTorch would print it. */
  readonly value: number;
}

const f = Math.fround;

/** float32 log_sigmoid as ATen's CPU kernel: min(x, 0) − log1p(exp(−|x|)). */
function logSigmoid32(x: number): number {
  return f(f(Math.min(x, 0)) - f(Math.log1p(f(Math.exp(f(-Math.abs(x)))))));
}

/** Sums in float32 and divides as PyTorch's mean does (float32 accumulation is enough here). */
function reduce32(values: Float64Array, reduction: string): number | null {
  if (reduction === 'none') return null;
  let s = 0;
  for (const v of values) s = f(s + v);
  return reduction === 'sum' ? s : f(s / values.length);
}

function bceWithLogitsVariants(args: OpArgs): Float32Variant[] {
  const x = args.input as Tensor;
  const t = args.target as Tensor;
  if (args.weight !== null || args.pos_weight !== null) return [];
  const shape = broadcastShapes('binary_cross_entropy_with_logits', x.shape, t.shape);
  const xs = broadcastTo(x, shape);
  const ts = broadcastTo(t, shape);
  const v2 = new Float64Array(xs.length);
  const v1 = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const xi = f(xs[i]);
    const ti = f(ts[i]);
    // PyTorch ≥ 2.0: (1 − t)·x − log_sigmoid(x). For x = −50, t = 0: −50 − (−50 − 1.9e−22) rounds to 0.
    v2[i] = f(f(f(1 - ti) * xi) - logSigmoid32(xi));
    // PyTorch 1.x: m = max(−x, 0); (1 − t)·x + m + log(exp(−m) + exp(−x − m)). log(1 + 1.9e−22) rounds to 0.
    const m = f(Math.max(-xi, 0));
    v1[i] = f(f(f(f(1 - ti) * xi) + m) + f(Math.log(f(f(Math.exp(f(-m))) + f(Math.exp(f(f(-xi) - m)))))));
  }
  const reduction = args.reduction as string;
  const a = reduce32(v2, reduction);
  const b = reduce32(v1, reduction);
  if (a === null || b === null) return [];
  return [
    { label: 'PyTorch ≥ 2.0 (float32)', formula: '(1 − t)·x − log_sigmoid(x)', value: a },
    { label: 'PyTorch 1.x (float32)', formula: '(1 − t)·x + m + log(e^(−m) + e^(−x−m)), m = max(−x, 0)', value: b },
  ];
}

const EMULATED: Readonly<Record<string, (args: OpArgs) => Float32Variant[]>> = {
  binary_cross_entropy_with_logits: bceWithLogitsVariants,
};

/**
 * PyTorch's float32 results for a call with complete arguments (`registry.resolveArgs`), only
 * those that differ from `exact` by more than float32 rounding (relative 2⁻²⁰ plus 1e−30); empty
 * for ops without a known cancellation, for float64 inputs, and for `reduction='none'`.
 */
export function float32Variants(op: string, args: OpArgs, exact: number): Float32Variant[] {
  const emulate = EMULATED[op];
  const input = args.input as Tensor | undefined;
  if (!emulate || !input || input.dtype !== 'float32') return [];
  const differs = (v: number) => !(Math.abs(v - exact) <= Math.abs(exact) * 2 ** -20 + 1e-30) && !(Number.isNaN(v) && Number.isNaN(exact));
  return emulate(args).filter((v) => differs(v.value));
}
