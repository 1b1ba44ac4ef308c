/**
 * Information-theoretic quantities over the last dim: entropy, the per-row decomposition of a
 * cross-entropy into entropy plus KL divergence, and the Jensen–Shannon divergence of k
 * distributions. These are derived ops (FORMAT.md, "Derived ops"), not `torch.nn.functional` calls.
 *
 * Domain: probabilities, except the `input` of {@link crossEntropyDecomposition}, which is logits.
 * All logarithms are natural unless a `base` is given.
 */
import { EngineError } from '../errors';
import { kernels } from '../kernels';
import { OpArgs, OpSpec, reductionArg } from '../op';
import { checkReduction, reduceLoss, sum, upstreamGrad } from '../reduce';
import { Tensor, formatShape, numel, sameShape, scalar } from '../tensor';

/**
 * `x · ln y` with `0 · ln y = 0` for any `y` that is not NaN, as `torch.xlogy`: the convention
 * that makes `0 · ln 0 = 0` in entropies and divergences.
 */
export function xlogyZero(x: number, y: number): number {
  if (x === 0 && !Number.isNaN(y)) return 0;
  return x * Math.log(y);
}

/** Rows of `[..., C]`: `rows` contiguous rows of `size` classes, and the shape without the last dim. */
function lastDimRows(op: string, arg: string, t: Tensor): { rows: number; size: number; rowShape: number[] } {
  if (t.shape.length === 0) {
    throw new EngineError('invalid_argument', op, `${arg} is 0-d but needs a class dim; give a [C] or [..., C] tensor.`);
  }
  const size = t.shape[t.shape.length - 1];
  const rowShape = t.shape.slice(0, -1);
  return { rows: numel(rowShape), size, rowShape };
}

/** Options of {@link entropy}. */
export interface EntropyOptions {
  /** Logarithm base; `null` (default) for nats, 2 for bits. */
  readonly base?: number | null;
}

function logBase(op: string, base: number | null | undefined): number {
  if (base === null || base === undefined) return 1;
  if (!(base > 0) || base === 1 || !Number.isFinite(base)) {
    throw new EngineError('invalid_argument', op, `base=${base} is not a valid logarithm base; use a positive number other than 1 (2 for bits), or None for nats.`);
  }
  return Math.log(base);
}

function checkNonNegative(op: string, probs: Tensor): void {
  for (let i = 0; i < probs.data.length; i++) {
    if (probs.data[i] < 0) {
      throw new EngineError('invalid_value', op, `probs ${formatShape(probs.shape)} has a negative entry ${probs.data[i]} at flat index ${i}; probabilities must be >= 0.`);
    }
  }
}

/**
 * Entropy of the categorical distributions along the last dim of `probs` (probabilities, not
 * necessarily normalised): with `p = q / Σ_c q_c`,
 * `H = −Σ_c p_c ln p_c / ln(base)`, where `0 · ln 0 = 0`. The output has the shape of `probs`
 * without its last dim (0-d for `[C]`). Equals `Categorical(probs=q).entropy()`.
 * A negative entry is `invalid_value`; a row summing to 0 gives NaN.
 */
export function entropy(probs: Tensor, options: EntropyOptions = {}): Tensor {
  const op = 'entropy';
  const { rows, size, rowShape } = lastDimRows(op, 'probs', probs);
  const scale = logBase(op, options.base);
  checkNonNegative(op, probs);
  const q = probs.data;
  const out = new Float64Array(rows);
  const terms = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    const base = r * size;
    const s = sum(q, base, base + size);
    for (let c = 0; c < size; c++) {
      const p = q[base + c] / s;
      terms[c] = -xlogyZero(p, p);
    }
    out[r] = sum(terms) / scale;
  }
  return { shape: rowShape, data: out, dtype: 'float64' };
}

/**
 * Gradient of {@link entropy} w.r.t. `probs`. With `p = q/S`, `∂p_c/∂q_j = (δ_cj − p_c)/S` and
 * `∂H/∂p_c = −(ln p_c + 1)`, so (using Σ p_c = 1 and Σ p_c ln p_c = −H)
 * `∂H/∂q_j = −(ln p_j + H) / S`, divided by `ln(base)`. Undefined (±∞) where `p_j = 0`.
 * `gradOutput` has the output's shape (`null` reads as 1).
 */
export function entropyBackward(probs: Tensor, options: EntropyOptions = {}, gradOutput: Tensor | null = null): Tensor {
  const op = 'entropy';
  const { rows, size } = lastDimRows(op, 'probs', probs);
  const scale = logBase(op, options.base);
  const h = entropy(probs, { base: null }).data;
  const g = upstreamGrad(gradOutput, 'none', rows);
  const q = probs.data;
  const out = new Float64Array(q.length);
  for (let r = 0; r < rows; r++) {
    const base = r * size;
    const s = sum(q, base, base + size);
    const k = g[r] / (s * scale);
    for (let c = 0; c < size; c++) out[base + c] = -(Math.log(q[base + c] / s) + h[r]) * k;
  }
  return { shape: [...probs.shape], data: out, dtype: 'float64' };
}

/** The per-row breakdown of a cross-entropy with a probability target (see {@link crossEntropyDecomposition}). */
export interface CrossEntropyDecomposition {
  /** `−Σ_c p_c log_softmax(x)_c` per row: the shape of `input` without its last dim. */
  readonly cross_entropy: Tensor;
  /** `H(p) = −Σ_c p_c ln p_c` per row. */
  readonly entropy: Tensor;
  /** `KL(p ‖ softmax(x)) = Σ_c p_c (ln p_c − log_softmax(x)_c)` per row. */
  readonly kl: Tensor;
  /** Mean of `cross_entropy` over all rows (0-d). */
  readonly cross_entropy_mean: Tensor;
  /** Mean of `entropy` over all rows (0-d). */
  readonly entropy_mean: Tensor;
  /** Mean of `kl` over all rows (0-d). */
  readonly kl_mean: Tensor;
}

/**
 * Splits the cross-entropy of logits `input` `[..., C]` against probabilities `target` (same
 * shape, used as given, classes on the last dim) into `cross_entropy = entropy + kl`, per row:
 * `CE = −Σ p log_softmax(x)`, `H = −Σ p ln p`, `KL = Σ p ln p − p log_softmax(x)`, with
 * `0 · ln 0 = 0` (but `0 · −∞ = NaN` where a class's log-probability is −∞). Also the means over
 * all rows. Each term is summed on its own (KL as Σ p (ln p − log q), not CE − H), so a small KL
 * beside a large entropy keeps its precision.
 */
export function crossEntropyDecomposition(input: Tensor, target: Tensor): CrossEntropyDecomposition {
  const op = 'cross_entropy_decomposition';
  const { rows, size, rowShape } = lastDimRows(op, 'input', input);
  if (!sameShape(input.shape, target.shape)) {
    throw new EngineError('shape_mismatch', op, `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ; the probability target must have the input's shape.`);
  }
  const logq = new Float64Array(input.data.length);
  kernels().logSoftmax(input.data, rows, size, 1, logq);
  const p = target.data;
  const ce = new Float64Array(rows);
  const h = new Float64Array(rows);
  const kl = new Float64Array(rows);
  const ceTerms = new Float64Array(size);
  const hTerms = new Float64Array(size);
  const klTerms = new Float64Array(size);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < size; c++) {
      const k = r * size + c;
      const pk = p[k];
      const lq = logq[k];
      ceTerms[c] = -pk * lq;
      hTerms[c] = -xlogyZero(pk, pk);
      // p·(ln p − log q); at p = 0 this is −0·log q: 0, or NaN where log q = −∞ (torch's xlogy(p,p) − p·log q).
      klTerms[c] = pk === 0 ? -pk * lq : pk * (Math.log(pk) - lq);
    }
    ce[r] = sum(ceTerms);
    h[r] = sum(hTerms);
    kl[r] = sum(klTerms);
  }
  const row = (data: Float64Array): Tensor => ({ shape: [...rowShape], data, dtype: 'float64' });
  return {
    cross_entropy: row(ce),
    entropy: row(h),
    kl: row(kl),
    cross_entropy_mean: scalar(sum(ce) / rows),
    entropy_mean: scalar(sum(h) / rows),
    kl_mean: scalar(sum(kl) / rows),
  };
}

/** The reductions of {@link jsDivergence}. */
export type JsReduction = 'none' | 'mean' | 'sum';

/** Options of {@link jsDivergence}. */
export interface JsDivergenceOptions {
  /** `'none'` returns one value per row; `'mean'` (default) and `'sum'` reduce over rows. */
  readonly reduction?: JsReduction;
}

/** `[k, rows, C]` of a `[k, ..., C]` stack. */
function jsView(op: string, probs: Tensor): { k: number; rows: number; size: number; rowShape: number[] } {
  if (probs.shape.length < 2) {
    throw new EngineError('invalid_argument', op, `probs ${formatShape(probs.shape)} needs at least 2 dims; stack k distributions on dim 0 as [k, ..., C].`);
  }
  const rowShape = probs.shape.slice(1, -1);
  return { k: probs.shape[0], rows: numel(rowShape), size: probs.shape[probs.shape.length - 1], rowShape };
}

/** The mixture `M = (1/k) Σ_i P_i`, `[rows·C]`. */
function jsMixture(p: Float64Array, k: number, n: number): Float64Array {
  const m = new Float64Array(n);
  const col = new Float64Array(k);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < k; i++) col[i] = p[i * n + j];
    m[j] = sum(col) / k;
  }
  return m;
}

/**
 * Jensen–Shannon divergence of the k distributions stacked on dim 0 of `probs` `[k, ..., C]`
 * (probabilities, used as given): with `M = (1/k) Σ_i P_i`,
 * `JS = (1/k) Σ_i Σ_c P_i,c ln(P_i,c / M_c)`, 0 terms where `P_i,c = 0`, natural log. The per-row
 * result has shape `[...]`; `reduction` `'mean'` / `'sum'` reduces over it. `0 ≤ JS ≤ ln k`.
 */
export function jsDivergence(probs: Tensor, options: JsDivergenceOptions = {}): Tensor {
  const op = 'js_divergence';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  const { k, rows, size, rowShape } = jsView(op, probs);
  const n = rows * size;
  const p = probs.data;
  const m = jsMixture(p, k, n);
  const out = new Float64Array(rows);
  const terms = new Float64Array(k * size);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < k; i++) {
      for (let c = 0; c < size; c++) {
        const j = r * size + c;
        const pi = p[i * n + j];
        // A zero P_i,c contributes 0 even where M_c = 0 too (0/0 inside the log).
        terms[i * size + c] = pi === 0 ? 0 : pi * Math.log(pi / m[j]);
      }
    }
    out[r] = sum(terms) / k;
  }
  return reduceLoss(op, out, rowShape, reduction);
}

/**
 * Gradient of {@link jsDivergence} w.r.t. `probs`. Writing
 * `JS = (1/k) Σ_i Σ_c P_i,c ln P_i,c − Σ_c M_c ln M_c`, `∂JS/∂P_i,c = (1/k)(ln P_i,c + 1) −
 * (1/k)(ln M_c + 1) = (1/k) ln(P_i,c / M_c)`, times the row's upstream gradient. −∞ where
 * `P_i,c = 0` (the one-sided derivative).
 */
export function jsDivergenceBackward(probs: Tensor, options: JsDivergenceOptions = {}, gradOutput: Tensor | null = null): Tensor {
  const op = 'js_divergence';
  const reduction = options.reduction ?? 'mean';
  checkReduction(op, reduction);
  const { k, rows, size } = jsView(op, probs);
  const n = rows * size;
  const p = probs.data;
  const m = jsMixture(p, k, n);
  const g = upstreamGrad(gradOutput, reduction, rows);
  const out = new Float64Array(p.length);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = (g[Math.floor(j / size)] / k) * Math.log(p[i * n + j] / m[j]);
  }
  return { shape: [...probs.shape], data: out, dtype: 'float64' };
}

const probsArg = { name: 'probs', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true } as const;

/** entropy, cross_entropy_decomposition and js_divergence as registry entries. */
export const informationOps: OpSpec[] = [
  {
    name: 'entropy',
    family: 'information',
    doc: 'Entropy of the distributions along the last dim (each row normalised by its sum).',
    formula: 'H(p) = −Σ_c p_c ln p_c / ln(base), p = q / Σ q, 0·ln 0 = 0',
    args: [
      { ...probsArg, doc: 'Probabilities [..., C], non-negative; each row is divided by its sum.' },
      { name: 'base', kind: 'number', role: 'option', default: null, nullable: true, doc: 'Logarithm base (2 for bits); None for nats.' },
    ],
    forward: (a: OpArgs) => entropy(a.probs as Tensor, { base: a.base as number | null }),
    backward: (a: OpArgs, g) => ({ probs: entropyBackward(a.probs as Tensor, { base: a.base as number | null }, g) }),
  },
  {
    name: 'cross_entropy_decomposition',
    family: 'information',
    doc: 'Per-row cross-entropy of logits against a probability target, split into entropy plus KL divergence.',
    formula: 'CE = −Σ p log_softmax(x) = H(p) + KL(p ‖ softmax(x))',
    args: [
      { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Logits [..., C] (classes on the last dim).' },
      { name: 'target', kind: 'tensor', role: 'target', dtype: 'float', doc: "Probabilities p with the input's shape, used as given." },
    ],
    forward: (a: OpArgs) => ({ ...crossEntropyDecomposition(a.input as Tensor, a.target as Tensor) }),
  },
  {
    name: 'js_divergence',
    family: 'information',
    doc: 'Jensen–Shannon divergence of k distributions stacked on dim 0.',
    formula: 'JS = (1/k) Σ_i Σ_c P_i ln(P_i / M), M = (1/k) Σ_i P_i',
    args: [
      { ...probsArg, doc: 'Probabilities [k, ..., C]: k distributions stacked on dim 0, used as given.' },
      reductionArg(),
    ],
    forward: (a: OpArgs) => jsDivergence(a.probs as Tensor, { reduction: a.reduction as JsReduction }),
    backward: (a: OpArgs, g) => ({ probs: jsDivergenceBackward(a.probs as Tensor, { reduction: a.reduction as JsReduction }, g) }),
  },
];
