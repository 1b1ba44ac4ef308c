/**
 * Triplet losses: triplet_margin_loss (torch.nn.TripletMarginLoss) and
 * triplet_margin_with_distance_loss (torch.nn.TripletMarginWithDistanceLoss), with closed-form
 * gradients for the anchor, the positive and the negative.
 *
 * Domain: three embedding tensors, usually [N, D] (or [D]), that broadcast. With d a distance,
 *   l = max(0, margin + d(anchor, positive) − d(anchor, negative)),
 * and with `swap` the negative distance is min(d(a, n), d(p, n)) (the "distance swap" of Balntas
 * et al. 2016). max(0, u) passes its gradient where u ≥ 0 (torch.clamp_min's rule); the min
 * splits it in half on a tie (torch.minimum's rule).
 *
 * Distances, as PyTorch 1.13 computes them:
 * - `pairwise` (F.pairwise_distance, the default): ‖x1 − x2 + eps‖_p over the last dim of the
 *   broadcast inputs; eps = 1e-6 is added to every difference, so identical vectors are
 *   eps·D^{1/p} apart, not 0.
 * - `cosine` (`lambda a, b: 1 - F.cosine_similarity(a, b)`): 1 − Σ (x1/n1)(x2/n2) over dim 1 (not
 *   the last dim) of the broadcast inputs, n_i = max(‖x_i‖, 1e-8). PyTorch clamps the norms in
 *   place, so its gradient reads ∂n_i/∂x_i = x_i/n_i with the clamped n_i; the gradient here is
 *   that same expression.
 */
import { EngineError } from '../errors';
import { axisView } from '../kernels';
import type { ArgSpec, OpArgs, OpSpec } from '../op';
import { reductionArg } from '../op';
import { checkReduction, reduceLoss, sum, upstreamGrad } from '../reduce';
import { Tensor, broadcastShapes, broadcastTo, formatShape, numel, sumToShape, tensor } from '../tensor';
import { Grads, ReductionOptions, tensorArg } from './regression';

/** The distances triplet_margin_with_distance_loss evaluates (`distance_function`). */
export type TripletDistance = 'pairwise' | 'cosine';

/** The distance names, in the registry's order. */
export const TRIPLET_DISTANCES: readonly TripletDistance[] = ['pairwise', 'cosine'];

/** pairwise_distance's eps in the default distance of triplet_margin_with_distance_loss. */
const PAIRWISE_EPS = 1e-6;
/** cosine_similarity's eps: the floor of each norm. */
const COSINE_EPS = 1e-8;

/** A distance between two broadcast tensors, one value per row, and its adjoint. */
interface Distance {
  /** The distances' shape (the broadcast shape without the reduced dim). */
  readonly shape: readonly number[];
  readonly d: Float64Array;
  /** Gradients w.r.t. x1 and x2 (in their own shapes) for upstream gradients `up` of `d`. */
  backward(up: Float64Array): [Float64Array, Float64Array];
}

/** PyTorch's sgn for reals: ±1, 0 at 0, NaN at NaN. */
const sgn = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : v);

/** ‖v[s..e)‖_p for p > 0 (finite) or p = ∞; scaled by the largest |v| so |v|^p cannot overflow. */
function pNorm(v: Float64Array, s: number, e: number, p: number): number {
  if (p === 2) {
    const sq = new Float64Array(e - s);
    for (let k = s; k < e; k++) sq[k - s] = v[k] * v[k];
    return Math.sqrt(sum(sq));
  }
  const abs = Float64Array.from(v.subarray(s, e), Math.abs);
  if (p === 1) return sum(abs);
  let m = 0;
  for (const a of abs) {
    if (Number.isNaN(a)) return NaN;
    if (a > m) m = a;
  }
  if (p === Infinity || m === 0 || m === Infinity) return m;
  return m * Math.pow(sum(abs.map((a) => Math.pow(a / m, p))), 1 / p);
}

/**
 * ∂‖v‖_p/∂v_k, as PyTorch's norm backward gives it: sgn(v) for p = 1; for p = ∞, sgn(v) shared
 * among the entries where |v| equals the norm (or is NaN); otherwise sgn(v)·(|v|/n)^{p−1}, which
 * is 0 where v = 0 and everywhere when n = 0.
 */
function pNormGrad(v: number, n: number, p: number, ties: number): number {
  if (p === 1) return sgn(v);
  if (p === Infinity) return Math.abs(v) === n || Number.isNaN(v) ? sgn(v) / ties : 0;
  if (n === 0 || v === 0) return 0;
  return p === 2 ? v / n : sgn(v) * Math.pow(Math.abs(v) / n, p - 1);
}

/** F.pairwise_distance(x1, x2, p, eps): ‖x1 − x2 + eps‖_p over the last dim of the broadcast shape. */
function pairwiseDistance(op: string, x1: [string, Tensor], x2: [string, Tensor], p: number, eps: number): Distance {
  const shape = broadcastShapes(op, x1[1].shape, x2[1].shape, [x1[0], x2[0]]);
  const a = broadcastTo(x1[1], shape);
  const b = broadcastTo(x2[1], shape);
  const size = shape.length === 0 ? 1 : shape[shape.length - 1];
  const outShape = shape.slice(0, -1);
  const rows = numel(outShape);
  const v = Float64Array.from(a, (x, k) => x - b[k] + eps);
  const d = new Float64Array(rows);
  for (let r = 0; r < rows; r++) d[r] = pNorm(v, r * size, (r + 1) * size, p);
  return {
    shape: outShape,
    d,
    backward(up) {
      const g = new Float64Array(v.length);
      for (let r = 0; r < rows; r++) {
        let ties = 1;
        if (p === Infinity) {
          ties = 0;
          for (let k = r * size; k < (r + 1) * size; k++) if (Math.abs(v[k]) === d[r] || Number.isNaN(v[k])) ties++;
        }
        for (let k = r * size; k < (r + 1) * size; k++) g[k] = up[r] * pNormGrad(v[k], d[r], p, ties);
      }
      const g2 = sumToShape(g, shape, x2[1].shape).map((x) => -x);
      return [sumToShape(g, shape, x1[1].shape), g2];
    },
  };
}

/** 1 − F.cosine_similarity(x1, x2) (dim 1, eps 1e-8), on the broadcast inputs. */
function cosineDistance(op: string, x1: [string, Tensor], x2: [string, Tensor]): Distance {
  const shape = broadcastShapes(op, x1[1].shape, x2[1].shape, [x1[0], x2[0]]);
  if (shape.length < 2) {
    throw new EngineError(
      'invalid_argument',
      op,
      `the cosine distance (1 - F.cosine_similarity(a, b)) reduces over dim 1, but ${x1[0]} ${formatShape(x1[1].shape)} and ${x2[0]} ${formatShape(x2[1].shape)} have no dim 1; give [N, D] embeddings.`,
    );
  }
  const a = broadcastTo(x1[1], shape);
  const b = broadcastTo(x2[1], shape);
  const { outer, size, inner } = axisView(shape, 1);
  const rows = outer * inner;
  const n1 = new Float64Array(rows);
  const n2 = new Float64Array(rows);
  const cos = new Float64Array(rows);
  const t1 = new Float64Array(size);
  const t2 = new Float64Array(size);
  const t12 = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let c = 0; c < size; c++) {
        const k = (o * size + c) * inner + i;
        t1[c] = a[k] * a[k];
        t2[c] = b[k] * b[k];
        t12[c] = a[k] * b[k];
      }
      const r = o * inner + i;
      n1[r] = Math.max(Math.sqrt(sum(t1)), COSINE_EPS);
      n2[r] = Math.max(Math.sqrt(sum(t2)), COSINE_EPS);
      cos[r] = sum(t12) / (n1[r] * n2[r]);
    }
  }
  const outShape = shape.filter((_, k) => k !== 1);
  return {
    shape: outShape,
    d: cos.map((c) => 1 - c),
    backward(up) {
      // d = 1 − cos, ∂cos/∂x1 = x2/(n1·n2) − cos·x1/n1², and symmetrically for x2.
      const g1 = new Float64Array(a.length);
      const g2 = new Float64Array(a.length);
      for (let o = 0; o < outer; o++) {
        for (let c = 0; c < size; c++) {
          for (let i = 0; i < inner; i++) {
            const k = (o * size + c) * inner + i;
            const r = o * inner + i;
            g1[k] = -up[r] * (b[k] / (n1[r] * n2[r]) - (cos[r] * a[k]) / (n1[r] * n1[r]));
            g2[k] = -up[r] * (a[k] / (n1[r] * n2[r]) - (cos[r] * b[k]) / (n2[r] * n2[r]));
          }
        }
      }
      return [sumToShape(g1, shape, x1[1].shape), sumToShape(g2, shape, x2[1].shape)];
    },
  };
}

/** The triplet of a call, by argument name. */
type Triplet = readonly [[string, Tensor], [string, Tensor], [string, Tensor]];

/**
 * The shared forward: the three distances (the swap one only with `swap`), the negative distance
 * after the swap, and u = margin + d(a, p) − d(a, n) broadcast to `outShape`.
 */
function tripletLayout(op: string, triplet: Triplet, margin: number, swap: boolean, dist: (x1: [string, Tensor], x2: [string, Tensor]) => Distance) {
  const [anchor, positive, negative] = triplet;
  const pos = dist(anchor, positive);
  const neg = dist(anchor, negative);
  const sw = swap ? dist(positive, negative) : null;
  let negShape: readonly number[] = neg.shape;
  let dn = neg.d;
  let ds: Float64Array | null = null;
  if (sw) {
    negShape = broadcastShapes(op, neg.shape, sw.shape, [`d(${anchor[0]}, ${negative[0]})`, `d(${positive[0]}, ${negative[0]})`]);
    dn = broadcastTo(tensor(neg.shape, neg.d), negShape);
    ds = broadcastTo(tensor(sw.shape, sw.d), negShape);
  }
  const dNeg = ds ? dn.map((x, k) => Math.min(x, (ds as Float64Array)[k])) : dn;
  const outShape = broadcastShapes(op, pos.shape, negShape, [`d(${anchor[0]}, ${positive[0]})`, `d(${anchor[0]}, ${negative[0]})`]);
  const dp = broadcastTo(tensor(pos.shape, pos.d), outShape);
  const dnOut = broadcastTo(tensor(negShape, dNeg), outShape);
  const u = dp.map((x, k) => margin + x - dnOut[k]);
  return { pos, neg, sw, negShape, dn, ds, outShape, u };
}

function tripletForward(op: string, triplet: Triplet, margin: number, swap: boolean, reduction: string, dist: (x1: [string, Tensor], x2: [string, Tensor]) => Distance): Tensor {
  checkReduction(op, reduction);
  const { outShape, u } = tripletLayout(op, triplet, margin, swap, dist);
  // Math.max keeps NaN, as clamp_min does.
  return reduceLoss(op, u.map((x) => Math.max(0, x)), outShape, reduction);
}

/** Gradients of the three embeddings (see the file comment for the clamp and min rules). */
function tripletBackward(
  op: string,
  triplet: Triplet,
  margin: number,
  swap: boolean,
  reduction: string,
  gradOutput: Tensor | null,
  dist: (x1: [string, Tensor], x2: [string, Tensor]) => Distance,
): Grads {
  checkReduction(op, reduction);
  const L = tripletLayout(op, triplet, margin, swap, dist);
  const up = upstreamGrad(gradOutput, reduction, L.u.length);
  const gu = L.u.map((x, k) => (x >= 0 ? up[k] : 0));
  const gPos = sumToShape(gu, L.outShape, L.pos.shape);
  const gNegAll = sumToShape(gu, L.outShape, L.negShape).map((x) => -x);
  let gNeg: Float64Array = gNegAll;
  let gSwap: Float64Array | null = null;
  if (L.sw && L.ds) {
    const dn = L.dn;
    const ds = L.ds;
    // torch.minimum: a tie halves the gradient; otherwise the smaller gets it (both with NaN).
    const half = (k: number): number => (dn[k] === ds[k] ? gNegAll[k] / 2 : gNegAll[k]);
    gNeg = sumToShape(Float64Array.from(gNegAll, (_, k) => (dn[k] > ds[k] ? 0 : half(k))), L.negShape, L.neg.shape);
    gSwap = sumToShape(Float64Array.from(gNegAll, (_, k) => (dn[k] < ds[k] ? 0 : half(k))), L.negShape, L.sw.shape);
  }
  const [ap, pa] = L.pos.backward(gPos);
  const [an, na] = L.neg.backward(gNeg);
  const [ps, ns] = L.sw && gSwap ? L.sw.backward(gSwap) : [null, null];
  const [[aName, a], [pName, p], [nName, n]] = triplet;
  const add = (...xs: (Float64Array | null)[]): Float64Array => {
    const out = new Float64Array((xs[0] as Float64Array).length);
    for (const x of xs) if (x) x.forEach((v, k) => (out[k] += v));
    return out;
  };
  return {
    [aName]: tensor(a.shape, add(ap, an)),
    [pName]: tensor(p.shape, add(pa, ps)),
    [nName]: tensor(n.shape, add(na, ns)),
  };
}

// --- triplet_margin_loss -------------------------------------------------------------------

/** Options of {@link tripletMarginLoss} (PyTorch's names and defaults). */
export interface TripletMarginOptions extends ReductionOptions {
  /** The margin (default 1). */
  readonly margin?: number;
  /** The norm degree of pairwise_distance: any p > 0, or Infinity (default 2). */
  readonly p?: number;
  /** Added to every difference before the norm (default 1e-6). */
  readonly eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (default false). */
  readonly swap?: boolean;
}

const TML = 'triplet_margin_loss';

function tripletMarginSetup(anchor: Tensor, positive: Tensor, negative: Tensor, p: number, eps: number) {
  if (!(p > 0)) throw new EngineError('invalid_argument', TML, `p=${p} is not supported; use a norm degree p > 0 (2 is the Euclidean distance, 1 the Manhattan).`);
  const dims = [anchor, positive, negative].map((t) => t.shape.length);
  if (dims[0] !== dims[1] || dims[1] !== dims[2]) {
    throw new EngineError(
      'shape_mismatch',
      TML,
      `anchor ${formatShape(anchor.shape)}, positive ${formatShape(positive.shape)} and negative ${formatShape(negative.shape)} must have the same number of dims; give all three [N, D] (or [D]).`,
    );
  }
  const triplet: Triplet = [['anchor', anchor], ['positive', positive], ['negative', negative]];
  return { triplet, dist: (x1: [string, Tensor], x2: [string, Tensor]) => pairwiseDistance(TML, x1, x2, p, eps) };
}

/**
 * triplet_margin_loss: l = max(0, margin + ‖a − p + eps‖_p − ‖a − n + eps‖_p) per row of the
 * embeddings' last dim (with `swap`, the negative distance is min(d(a, n), d(p, n))). The three
 * tensors must have the same number of dims, then broadcast.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, { margin = 1, p = 2, eps = 1e-6, swap = false, reduction = 'mean' }: TripletMarginOptions = {}): Tensor {
  const { triplet, dist } = tripletMarginSetup(anchor, positive, negative, p, eps);
  return tripletForward(TML, triplet, margin, swap, reduction, dist);
}

/**
 * Gradients of {@link tripletMarginLoss} w.r.t. anchor, positive and negative: where
 * u = margin + d(a, p) − d(a, n) ≥ 0, ∂d/∂x of each distance (the p-norm's gradient of
 * a − p + eps, signed by side), times the row's upstream gradient.
 */
export function tripletMarginLossBackward(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  { margin = 1, p = 2, eps = 1e-6, swap = false, reduction = 'mean' }: TripletMarginOptions = {},
  gradOutput: Tensor | null = null,
): Grads {
  const { triplet, dist } = tripletMarginSetup(anchor, positive, negative, p, eps);
  return tripletBackward(TML, triplet, margin, swap, reduction, gradOutput, dist);
}

// --- triplet_margin_with_distance_loss -----------------------------------------------------

/** Options of {@link tripletMarginWithDistanceLoss}. */
export interface TripletMarginWithDistanceOptions extends ReductionOptions {
  /** `pairwise` (PyTorch's default, None) or `cosine` (1 − F.cosine_similarity(a, b)). */
  readonly distanceFunction?: TripletDistance | null;
  /** The margin (default 1). */
  readonly margin?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (default false). */
  readonly swap?: boolean;
}

const TMWD = 'triplet_margin_with_distance_loss';

function withDistanceSetup(anchor: Tensor, positive: Tensor, negative: Tensor, distance: TripletDistance | null) {
  const triplet: Triplet = [['anchor', anchor], ['positive', positive], ['negative', negative]];
  const name = distance ?? 'pairwise';
  if (!TRIPLET_DISTANCES.includes(name)) {
    throw new EngineError('invalid_argument', TMWD, `distance_function='${String(name)}' is not one Loss Lens evaluates; use 'pairwise' (None, F.pairwise_distance) or 'cosine' (lambda a, b: 1 - F.cosine_similarity(a, b)).`);
  }
  const dist = name === 'cosine' ? (x1: [string, Tensor], x2: [string, Tensor]) => cosineDistance(TMWD, x1, x2) : (x1: [string, Tensor], x2: [string, Tensor]) => pairwiseDistance(TMWD, x1, x2, 2, PAIRWISE_EPS);
  return { triplet, dist };
}

/**
 * triplet_margin_with_distance_loss: l = max(0, margin + d(a, p) − d(a, n)) with d the pairwise
 * distance (p = 2, eps = 1e-6, PyTorch's default) or the cosine distance 1 − cos over dim 1.
 * Unlike triplet_margin_loss, the inputs need not have the same number of dims (they broadcast).
 */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  { distanceFunction = 'pairwise', margin = 1, swap = false, reduction = 'mean' }: TripletMarginWithDistanceOptions = {},
): Tensor {
  const { triplet, dist } = withDistanceSetup(anchor, positive, negative, distanceFunction);
  return tripletForward(TMWD, triplet, margin, swap, reduction, dist);
}

/** Gradients of {@link tripletMarginWithDistanceLoss} w.r.t. anchor, positive and negative. */
export function tripletMarginWithDistanceLossBackward(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  { distanceFunction = 'pairwise', margin = 1, swap = false, reduction = 'mean' }: TripletMarginWithDistanceOptions = {},
  gradOutput: Tensor | null = null,
): Grads {
  const { triplet, dist } = withDistanceSetup(anchor, positive, negative, distanceFunction);
  return tripletBackward(TMWD, triplet, margin, swap, reduction, gradOutput, dist);
}

// --- registry ------------------------------------------------------------------------------

const embeddingArgs: ArgSpec[] = [
  { name: 'anchor', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Anchor embeddings [N, D] or [D].', differentiable: true },
  { name: 'positive', kind: 'tensor', role: 'second_input', dtype: 'float', doc: 'Embeddings of the same identity as the anchor.', differentiable: true },
  { name: 'negative', kind: 'tensor', role: 'second_input', dtype: 'float', doc: 'Embeddings of a different identity.', differentiable: true },
];
const marginArg: ArgSpec = { name: 'margin', kind: 'number', role: 'option', default: 1, doc: 'How much farther the negative must be than the positive.' };
const swapArg: ArgSpec = { name: 'swap', kind: 'boolean', role: 'option', default: false, doc: 'Use min(d(a, n), d(p, n)) as the negative distance (distance swap).' };
const tensors = (a: OpArgs): [Tensor, Tensor, Tensor] => [tensorArg(a, 'anchor'), tensorArg(a, 'positive'), tensorArg(a, 'negative')];
const tmlOptions = (a: OpArgs): TripletMarginOptions => ({ margin: a.margin as number, p: a.p as number, eps: a.eps as number, swap: a.swap as boolean, reduction: a.reduction as string });
const tmwdOptions = (a: OpArgs): TripletMarginWithDistanceOptions => ({
  distanceFunction: a.distance_function as TripletDistance | null,
  margin: a.margin as number,
  swap: a.swap as boolean,
  reduction: a.reduction as string,
});

/** The triplet losses as registry entries. */
export const tripletOps: OpSpec[] = [
  {
    name: TML,
    family: 'margin',
    doc: 'Triplet loss on embeddings: the negative should be at least the margin farther from the anchor than the positive (p-norm distance).',
    formula: 'l = max(0, margin + ‖a − p + eps‖_p − ‖a − n + eps‖_p)',
    args: [
      ...embeddingArgs,
      marginArg,
      { name: 'p', kind: 'number', role: 'option', default: 2, doc: 'The norm degree of the distance (p > 0; 2 is Euclidean).' },
      { name: 'eps', kind: 'number', role: 'option', default: 1e-6, doc: 'Added to each difference before the norm.' },
      swapArg,
      reductionArg(),
    ],
    forward: (a) => tripletMarginLoss(...tensors(a), tmlOptions(a)),
    backward: (a, g) => tripletMarginLossBackward(...tensors(a), tmlOptions(a), g),
  },
  {
    name: TMWD,
    family: 'margin',
    doc: 'Triplet loss with a chosen distance: pairwise (PyTorch’s default) or cosine, 1 − cos(a, b).',
    formula: 'l = max(0, margin + d(a, p) − d(a, n)), d = ‖a − b + 1e-6‖₂ or 1 − cos(a, b)',
    args: [
      ...embeddingArgs,
      {
        name: 'distance_function',
        kind: 'choice',
        role: 'option',
        choices: TRIPLET_DISTANCES,
        default: 'pairwise',
        nullable: true,
        doc: "'pairwise' (None: F.pairwise_distance) or 'cosine' (lambda a, b: 1 - F.cosine_similarity(a, b)).",
      },
      marginArg,
      swapArg,
      reductionArg(),
    ],
    forward: (a) => tripletMarginWithDistanceLoss(...tensors(a), tmwdOptions(a)),
    backward: (a, g) => tripletMarginWithDistanceLossBackward(...tensors(a), tmwdOptions(a), g),
  },
];
