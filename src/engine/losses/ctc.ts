/**
 * Connectionist temporal classification: `ctc_loss` (Graves et al., 2006), with PyTorch 1.13's
 * semantics, and its closed-form gradient by the alpha-beta (forward-backward) recursion.
 *
 * Domain: `log_probs` are log-probabilities over C classes per frame (usually a log_softmax
 * output), laid out `[T, N, C]` (time, batch, class), or `[T, C]` for one unbatched sequence.
 * They are used as given: nothing is renormalised.
 *
 * For sample n with input length T_n and labels l_1..l_L (L = target_length_n), the extended
 * sequence is l' = (blank, l_1, blank, l_2, ..., blank, l_L, blank) of length 2L+1. An alignment is
 * a path π of length T_n that collapses to l (merge repeats, then drop blanks), and
 *
 *   loss_n = −log Σ_π Π_t exp(log_probs[t, n, π_t]).
 *
 * The sum over paths runs as the alpha recursion over (t, s), s indexing l', in log space:
 *
 *   α_0(0) = lp_0(blank),  α_0(1) = lp_0(l_1) (if L > 0),  α_0(s) = −∞ otherwise;
 *   α_t(s) = lp_t(l'_s) + logsumexp(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) [only if l'_{s−2} ≠ l'_s]);
 *   loss_n = −logaddexp(α_{T_n−1}(2L), α_{T_n−1}(2L−1)).
 *
 * The skip from s−2 is what lets a path jump over a blank between two different labels; between
 * two equal labels (and between blanks) it is forbidden, so a repeated label needs a blank frame
 * between its copies. When no path fits in T_n frames every α is −∞ and the loss is +∞.
 *
 * Reduction: `'none'` gives `[N]` (`[]` unbatched), `'sum'` adds the losses, and `'mean'` is the
 * batch mean of loss_n / max(L_n, 1). `zero_infinity` replaces an infinite loss_n by 0 (and its
 * gradient by 0).
 *
 * Gradient: the alpha-beta posterior γ_t(c) of emitting class c at frame t gives, in PyTorch's
 * convention (FORMAT.md), exp(log_probs) − γ on the frames a sample uses and 0 after them; see
 * {@link ctcLossBackward}.
 */
import { EngineError } from '../errors';
import { OpArgs, OpSpec, reductionArg } from '../op';
import { reduceLoss, upstreamGrad } from '../reduce';
import { softplus } from '../scalar';
import { Tensor, formatShape, isFloating } from '../tensor';

const OP = 'ctc_loss';

/** Options of {@link ctcLoss}, with PyTorch's defaults (`zeroInfinity` is PyTorch's `zero_infinity`). */
export interface CtcLossOptions {
  /** The blank class index, in [0, C). Default 0. */
  readonly blank?: number;
  /** `'none' | 'mean' | 'sum'`. Default `'mean'`. */
  readonly reduction?: string;
  /** Replace infinite losses (impossible alignments) and their gradients by 0. Default false. */
  readonly zeroInfinity?: boolean;
}

/** The validated call: log_probs as `[T, N, C]` and one label list per sample. */
interface CtcProblem {
  readonly T: number;
  readonly N: number;
  readonly C: number;
  readonly batched: boolean;
  readonly lp: Float64Array;
  readonly labels: readonly (readonly number[])[];
  readonly inputLengths: readonly number[];
  readonly targetLengths: readonly number[];
  readonly blank: number;
}

/** The values of an integer-valued length tensor, or `invalid_argument` ("must be integral", as PyTorch says). */
function ctcLengths(name: string, t: Tensor, N: number, logProbs: Tensor): number[] {
  if (isFloating(t)) {
    throw new EngineError('invalid_argument', OP, `${name} must be integral but is a ${t.dtype} tensor ${formatShape(t.shape)}; give the lengths as an int64 tensor.`);
  }
  if (t.data.length !== N) {
    throw new EngineError(
      'shape_mismatch',
      OP,
      `${name} ${formatShape(t.shape)} has ${t.data.length} value${t.data.length === 1 ? '' : 's'} but log_probs ${formatShape(logProbs.shape)} has a batch of ${N}; give one length per batch element${N === 1 && logProbs.shape.length === 2 ? ' (a 0-d tensor for unbatched log_probs)' : ''}.`,
    );
  }
  return Array.from(t.data);
}

/**
 * Checks the call as PyTorch does (and a little more: negative lengths and labels outside [0, C),
 * which PyTorch 1.13 reads as garbage memory, are rejected) and gathers each sample's labels.
 */
function ctcProblem(logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, blank: number): CtcProblem {
  const nd = logProbs.shape.length;
  if (nd !== 2 && nd !== 3) {
    throw new EngineError('shape_mismatch', OP, `log_probs ${formatShape(logProbs.shape)} is ${nd}-d; give [T,N,C] (time, batch, classes) or [T,C] for one unbatched sequence.`);
  }
  if (!isFloating(logProbs)) {
    throw new EngineError('invalid_argument', OP, `log_probs must be a float tensor of log-probabilities, got an ${logProbs.dtype} tensor ${formatShape(logProbs.shape)}.`);
  }
  const batched = nd === 3;
  const T = logProbs.shape[0];
  const N = batched ? logProbs.shape[1] : 1;
  const C = logProbs.shape[nd - 1];
  if (targets.shape.length !== 1 && targets.shape.length !== 2) {
    throw new EngineError('shape_mismatch', OP, `targets ${formatShape(targets.shape)} is ${targets.shape.length}-d; give padded [N,S] targets or all target sequences concatenated into 1-D.`);
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new EngineError('invalid_argument', OP, `blank=${blank} is not a class of log_probs ${formatShape(logProbs.shape)}; use a blank index in [0, ${C - 1}].`);
  }
  const il = ctcLengths('input_lengths', inputLengths, N, logProbs);
  const tl = ctcLengths('target_lengths', targetLengths, N, logProbs);
  for (let n = 0; n < N; n++) {
    if (tl[n] < 0) throw new EngineError('invalid_argument', OP, `target_lengths[${n}]=${tl[n]} is negative; give each target length as a count of labels (0 or more).`);
    if (il[n] < 0) throw new EngineError('invalid_argument', OP, `input_lengths[${n}]=${il[n]} is negative; give each input length as a count of frames in [0, ${T}].`);
  }

  // Where sample n's labels start in targets.data, and the stride between its labels.
  const offsets = new Array<number>(N);
  if (targets.shape.length === 1) {
    let pos = 0;
    for (let n = 0; n < N; n++) {
      offsets[n] = pos;
      pos += tl[n];
    }
    if (targets.shape[0] !== pos) {
      throw new EngineError(
        'shape_mismatch',
        OP,
        `concatenated targets ${formatShape(targets.shape)} has ${targets.shape[0]} labels but target_lengths [${tl.join(',')}] add up to ${pos}; the 1-D targets must hold exactly the concatenated target sequences.`,
      );
    }
  } else {
    const [rows, S] = targets.shape;
    if (rows !== N) {
      throw new EngineError('shape_mismatch', OP, `padded targets ${formatShape(targets.shape)} has ${rows} rows but log_probs ${formatShape(logProbs.shape)} has a batch of ${N}; give one row of labels per batch element.`);
    }
    for (let n = 0; n < N; n++) {
      if (tl[n] > S) {
        throw new EngineError('invalid_argument', OP, `target_lengths[${n}]=${tl[n]} is larger than the padded targets width ${S} of targets ${formatShape(targets.shape)}; give target lengths of at most ${S}.`);
      }
      offsets[n] = n * S;
    }
  }
  for (let n = 0; n < N; n++) {
    if (il[n] > T) {
      throw new EngineError('invalid_argument', OP, `input_lengths[${n}]=${il[n]} is larger than the ${T} frames of log_probs ${formatShape(logProbs.shape)}; give input lengths of at most ${T}.`);
    }
  }

  // PyTorch casts targets to int64 (`targets.to(kLong)`), so a float target truncates toward 0.
  const labels: number[][] = [];
  for (let n = 0; n < N; n++) {
    const row: number[] = [];
    for (let i = 0; i < tl[n]; i++) {
      const k = offsets[n] + i;
      const v = Math.trunc(targets.data[k]);
      if (!(v >= 0 && v < C)) {
        const where = targets.shape.length === 1 ? `targets[${k}]` : `targets[${n}][${i}]`;
        throw new EngineError('invalid_target', OP, `${where}=${targets.data[k]} (label ${i} of sample ${n}) is not a class of log_probs ${formatShape(logProbs.shape)}; use labels in [0, ${C - 1}].`);
      }
      row.push(v);
    }
    labels.push(row);
  }
  return { T, N, C, batched, lp: logProbs.data, labels, inputLengths: il, targetLengths: tl, blank };
}

/**
 * log(e^a + e^b) without overflow: with m = max(a, b), log(e^a + e^b) = m + log(1 + e^(−|a−b|)) =
 * m + softplus(−|a−b|). The exp argument is ≤ 0, and softplus's log1p keeps full precision when
 * e^(−|a−b|) is tiny. −∞ (no path) is the identity, handled first because −∞ − (−∞) would be NaN;
 * NaN and +∞ − +∞ propagate as NaN, as in PyTorch's kernel.
 */
function ctcLogAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return Math.max(a, b) + softplus(-Math.abs(a - b));
}

/** l'_s: blank at even s, label (s−1)/2 at odd s. */
function ctcPrime(labels: readonly number[], blank: number, s: number): number {
  return s % 2 === 0 ? blank : labels[(s - 1) >> 1];
}

/**
 * log α for sample n, `[T_n, 2L+1]` row-major, by the recursion in the file comment. The flat index
 * of lp_t(c) for sample n is (t·N + n)·C + c.
 */
function ctcAlpha(p: CtcProblem, n: number): Float64Array {
  const { N, C, blank } = p;
  const labels = p.labels[n];
  const Tn = p.inputLengths[n];
  const S = 2 * labels.length + 1;
  const alpha = new Float64Array(Tn * S).fill(-Infinity);
  if (Tn === 0) return alpha;
  const lpAt = (t: number, c: number): number => p.lp[(t * N + n) * C + c];
  alpha[0] = lpAt(0, blank);
  if (S > 1) alpha[1] = lpAt(0, labels[0]);
  for (let t = 1; t < Tn; t++) {
    const prev = (t - 1) * S;
    for (let s = 0; s < S; s++) {
      const c = ctcPrime(labels, blank, s);
      let acc = alpha[prev + s];
      if (s > 0) acc = ctcLogAddExp(acc, alpha[prev + s - 1]);
      if (s > 1 && ctcPrime(labels, blank, s - 2) !== c) acc = ctcLogAddExp(acc, alpha[prev + s - 2]);
      alpha[t * S + s] = acc + lpAt(t, c);
    }
  }
  return alpha;
}

/**
 * −log p(l | x) for sample n from its α. An empty input (T_n = 0) has only the empty alignment:
 * loss 0 for an empty target, +∞ otherwise (PyTorch 1.13 reads unrelated memory there).
 */
function ctcNll(p: CtcProblem, n: number, alpha: Float64Array): number {
  const Tn = p.inputLengths[n];
  const S = 2 * p.labels[n].length + 1;
  if (Tn === 0) return S === 1 ? 0 : Infinity;
  const last = (Tn - 1) * S;
  const ll = S > 1 ? ctcLogAddExp(alpha[last + S - 1], alpha[last + S - 2]) : alpha[last];
  return -ll;
}

/** Per-sample losses loss_n, before `zero_infinity` and the reduction. */
function ctcSampleLosses(p: CtcProblem): Float64Array {
  const out = new Float64Array(p.N);
  for (let n = 0; n < p.N; n++) out[n] = ctcNll(p, n, ctcAlpha(p, n));
  return out;
}

function ctcValidReduction(reduction: string): void {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new EngineError('invalid_reduction', OP, `reduction='${reduction}' is not valid; use 'none', 'mean' or 'sum'.`);
  }
}

/**
 * `torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0,
 * reduction='mean', zero_infinity=False)`.
 *
 * Domain: `log_probs` are log-probabilities `[T,N,C]` (or `[T,C]` unbatched), used as given.
 * `targets` are class labels (never `blank` in intended use), padded `[N,S]` or concatenated 1-D;
 * `input_lengths` and `target_lengths` are int64 with one value per sample (0-d when unbatched).
 *
 * loss_n = −log Σ_{π ∈ B⁻¹(l_n)} Π_t exp(log_probs[t,n,π_t]) over frames t < input_lengths[n],
 * computed by the log-space alpha recursion. An impossible alignment gives +∞ (0 with
 * `zeroInfinity`). `'mean'` = (1/N) Σ_n loss_n / max(target_lengths[n], 1); `'sum'` = Σ_n loss_n;
 * `'none'` = the losses, `[N]` (`[]` unbatched).
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: Tensor, targetLengths: Tensor, options: CtcLossOptions = {}): Tensor {
  const { blank = 0, reduction = 'mean', zeroInfinity = false } = options;
  ctcValidReduction(reduction);
  const p = ctcProblem(logProbs, targets, inputLengths, targetLengths, blank);
  const losses = ctcSampleLosses(p);
  if (zeroInfinity) for (let n = 0; n < p.N; n++) if (losses[n] === Infinity) losses[n] = 0;
  if (reduction === 'mean') {
    for (let n = 0; n < p.N; n++) losses[n] /= Math.max(p.targetLengths[n], 1);
  }
  return reduceLoss(OP, losses, p.batched ? [p.N] : [], reduction, p.N);
}

/**
 * The gradient of {@link ctcLoss} w.r.t. `log_probs`, `[T,N,C]` (or `[T,C]`), in **PyTorch's
 * convention** (FORMAT.md): for frames t < input_lengths[n],
 *
 *   grad[t,n,c] = g_n · (exp(log_probs[t,n,c]) − γ_t(c)),   γ_t(c) = Σ_{s: l'_s = c} α_t(s) β_t(s) / (lp_t(c) · p(l|x)),
 *
 * where γ is the posterior probability that frame t emits class c, and g_n is the upstream
 * gradient of loss_n (`gradOutput[n]` for `'none'`, g for `'sum'`, g / (N · max(L_n, 1)) for
 * `'mean'`). That is the gradient w.r.t. the unnormalised logits of a log_softmax that produced
 * `log_probs`, which is what PyTorch returns; the plain partial derivative w.r.t. `log_probs` would
 * be −g_n · γ_t(c). Frames t ≥ input_lengths[n] get 0. A sample with an infinite loss gets NaN on
 * its frames (as in PyTorch: −∞ + ∞ in the posterior), or 0 everywhere with `zeroInfinity`.
 *
 * `gradOutput` has the output's shape; `null` means 1 (a 0-d output).
 */
export function ctcLossBackward(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Tensor,
  targetLengths: Tensor,
  options: CtcLossOptions = {},
  gradOutput: Tensor | null = null,
): Tensor {
  const { blank = 0, reduction = 'mean', zeroInfinity = false } = options;
  ctcValidReduction(reduction);
  const p = ctcProblem(logProbs, targets, inputLengths, targetLengths, blank);
  const { N, C } = p;
  const g = upstreamGrad(gradOutput, reduction, N, N);
  const grad = new Float64Array(p.lp.length);
  for (let n = 0; n < N; n++) {
    const labels = p.labels[n];
    const Tn = p.inputLengths[n];
    const S = 2 * labels.length + 1;
    const alpha = ctcAlpha(p, n);
    const nll = ctcNll(p, n, alpha);
    if ((zeroInfinity && nll === Infinity) || Tn === 0) continue;
    const gn = reduction === 'mean' ? g[n] / Math.max(p.targetLengths[n], 1) : g[n];
    const lpAt = (t: number, c: number): number => p.lp[(t * N + n) * C + c];

    /*
     * The beta recursion mirrors alpha from the end; like alpha, β_t(s) includes lp_t(l'_s), so
     * α_t(s) + β_t(s) counts lp_t(l'_s) twice and the posterior subtracts it once:
     *   β_{T_n−1}(2L) = lp(blank), β_{T_n−1}(2L−1) = lp(l_L), −∞ elsewhere;
     *   β_t(s) = lp_t(l'_s) + logsumexp(β_{t+1}(s), β_{t+1}(s+1), β_{t+1}(s+2) [only if l'_{s+2} ≠ l'_s]).
     * Only two rows of β are alive at a time; logαβ_t(c) = logsumexp over s with l'_s = c of α + β
     * is accumulated per frame into `lab` (−∞ for classes no path uses at t).
     */
    let next = new Float64Array(S).fill(-Infinity);
    let cur = new Float64Array(S).fill(-Infinity);
    const lab = new Float64Array(C);
    for (let t = Tn - 1; t >= 0; t--) {
      for (let s = S - 1; s >= 0; s--) {
        const c = ctcPrime(labels, blank, s);
        if (t === Tn - 1) {
          cur[s] = s >= S - 2 ? lpAt(t, c) : -Infinity;
        } else {
          let acc = next[s];
          if (s < S - 1) acc = ctcLogAddExp(acc, next[s + 1]);
          if (s < S - 2 && ctcPrime(labels, blank, s + 2) !== c) acc = ctcLogAddExp(acc, next[s + 2]);
          cur[s] = acc + lpAt(t, c);
        }
      }
      lab.fill(-Infinity);
      if (t === Tn - 1) {
        /*
         * Only s = 2L and s = 2L−1 are alive on the last frame. PyTorch *assigns* their α + β to
         * classes blank and l_L instead of adding them, assuming the two classes differ. They do
         * unless a target label equals `blank`; then PyTorch keeps only the s = 2L−1 term, and so
         * do we, to return the gradient PyTorch returns (checked against torch 1.13).
         */
        lab[blank] = alpha[t * S + S - 1] + cur[S - 1];
        if (S > 1) lab[ctcPrime(labels, blank, S - 2)] = alpha[t * S + S - 2] + cur[S - 2];
      } else {
        for (let s = 0; s < S; s++) {
          const c = ctcPrime(labels, blank, s);
          lab[c] = ctcLogAddExp(lab[c], alpha[t * S + s] + cur[s]);
        }
      }
      // γ_t(c) = exp(logαβ_t(c) − lp_t(c) + nll), written as PyTorch writes it so that an infinite
      // nll gives −∞ + ∞ = NaN exactly where PyTorch does.
      for (let c = 0; c < C; c++) {
        const lp = lpAt(t, c);
        grad[(t * N + n) * C + c] = (Math.exp(lp) - Math.exp(lab[c] + nll - lp)) * gn;
      }
      [next, cur] = [cur, next];
    }
  }
  return { shape: [...logProbs.shape], data: grad, dtype: 'float64' };
}

/** The registry's PyTorch-named options as {@link CtcLossOptions}. */
function ctcOptions(a: OpArgs): CtcLossOptions {
  return { blank: a.blank as number, reduction: a.reduction as string, zeroInfinity: a.zero_infinity as boolean };
}

/**
 * `ctc_loss` as a registry entry: `F.ctc_loss(log_probs, targets, input_lengths, target_lengths,
 * blank=0, reduction='mean', zero_infinity=False)`, arguments in PyTorch's order with its defaults.
 * The one gradient is for `log_probs`, in PyTorch's convention (see {@link ctcLossBackward}).
 */
export const sequenceOps: OpSpec[] = [
  {
    name: 'ctc_loss',
    family: 'sequence',
    doc:
      'Connectionist temporal classification: for each sample, −log of the total probability of all frame-by-frame ' +
      'alignments that collapse to its target sequence (merge repeated classes, then drop blanks); +∞ when none fits.',
    formula:
      'loss_n = −log Σ_{π : B(π) = target_n} Π_{t < input_lengths[n]} exp(log_probs[t,n,π_t]), B = merge repeats then drop blanks; ' +
      "'mean' = (1/N) Σ_n loss_n / max(target_lengths[n], 1); " +
      "gradient (PyTorch's convention) = exp(log_probs) − posterior on frames t < input_lengths[n], 0 after",
    args: [
      {
        name: 'log_probs',
        kind: 'tensor',
        role: 'input',
        dtype: 'float',
        differentiable: true,
        doc: 'Log-probabilities [T,N,C] (time, batch, classes), e.g. log_softmax(logits, 2), used as given; or [T,C] for one unbatched sequence.',
      },
      {
        name: 'targets',
        kind: 'tensor',
        role: 'target',
        dtype: 'any',
        doc: 'Class labels in [0, C), not the blank: padded [N,S] (row n holds target_lengths[n] labels, the rest is ignored) or all sequences concatenated into 1-D; int64 (floats are truncated, as PyTorch casts them).',
      },
      {
        name: 'input_lengths',
        kind: 'tensor',
        role: 'option',
        dtype: 'int',
        doc: 'Frames of log_probs each sample uses, int64 with one value per sample ([N], or 0-d when unbatched), each in [0, T].',
      },
      {
        name: 'target_lengths',
        kind: 'tensor',
        role: 'option',
        dtype: 'int',
        doc: 'Labels in each target sequence, int64 with one value per sample ([N], or 0-d when unbatched); at most S for padded targets, summing to the size of 1-D targets.',
      },
      { name: 'blank', kind: 'integer', role: 'option', default: 0, doc: 'The class index of the blank, in [0, C).' },
      reductionArg(),
      {
        name: 'zero_infinity',
        kind: 'boolean',
        role: 'option',
        default: false,
        doc: 'Replace infinite losses (no alignment fits in the input length, e.g. a repeated label without a frame for the blank between) and their gradients by 0.',
      },
    ],
    forward: (a: OpArgs) => ctcLoss(a.log_probs as Tensor, a.targets as Tensor, a.input_lengths as Tensor, a.target_lengths as Tensor, ctcOptions(a)),
    backward: (a: OpArgs, g) => ({
      log_probs: ctcLossBackward(a.log_probs as Tensor, a.targets as Tensor, a.input_lengths as Tensor, a.target_lengths as Tensor, ctcOptions(a), g),
    }),
  },
];
