/**
 * Conventions side by side: the same tensors under the formulas practitioners actually write, each
 * computed with the engine's ops through the registry, with the factor that separates it from a
 * reference convention.
 *
 * Knowledge distillation (student/teacher logits [N, C], temperature T): the reference is the KL
 * divergence per sample, `kl_div(log_softmax(s/T), softmax(t/T), 'batchmean')·T²`. The others are
 * exact multiples of it (1/C, N, 1/T²) except soft cross-entropy, which adds the teacher's entropy:
 * `−Σ p·log q / N · T² = batchmean·T² + T²·mean_n H(p_n)`, since `−Σ p log q = Σ p log(p/q) − Σ p log p`.
 *
 * Label smoothing: the reference is PyTorch's `cross_entropy(label_smoothing=ε)` for class indices
 * (the label mixed with the uniform ε/C), or BCE with the target smoothed toward 0.5 for binary
 * targets.
 */
import { EngineError } from './errors';
import { registry } from './registry';
import type { ArgValue } from './op';
import { sum } from './reduce';
import { Tensor, formatShape, isFloating, tensor } from './tensor';

/** One convention: its value on the given tensors and how it relates to the reference. */
export interface ConventionRow {
  /** Short name, as in code (`KLDivLoss() default 'mean'`). */
  readonly convention: string;
  /** What it computes, plain text. */
  readonly formula: string;
  readonly value: number;
  /** value / the reference row's value (1 for the reference itself; NaN when the reference is 0 to rounding). */
  readonly ratioToReference: number;
  /** Where the convention comes from and what separates it from the reference. */
  readonly note: string;
  /** True for the reference row. */
  readonly reference?: boolean;
  /** Distillation with labels: the whole loss α·value + (1 − α)·cross_entropy(student, labels). */
  readonly total?: number;
}

/** Inputs of {@link distillationConventions}. */
export interface DistillationInputs {
  /** Student logits [N, C]. */
  readonly student: Tensor;
  /** Teacher logits [N, C]. */
  readonly teacher: Tensor;
  /** Class indices [N] (int64); when given, each row also gets the total loss. */
  readonly labels?: Tensor | null;
  /** Temperature T > 0. */
  readonly temperature: number;
  /** Weight of the distillation term; the label term gets 1 − alpha. */
  readonly alpha: number;
}

/** Inputs of {@link labelSmoothingConventions}. */
export interface LabelSmoothingInputs {
  /** Logits: [N, C] with class indices, or any shape with binary targets of the same shape. */
  readonly input: Tensor;
  /** Class indices [N] (int64), or binary targets (float, the input's shape). */
  readonly target: Tensor;
  /** Smoothing ε in [0, 1). */
  readonly smoothing: number;
}

function scalarOf(op: string, args: Readonly<Record<string, ArgValue>>): number {
  const out = registry.call(op, args) as Tensor;
  return out.data[0];
}

function tensorOf(op: string, args: Readonly<Record<string, ArgValue>>): Tensor {
  return registry.call(op, args) as Tensor;
}

function scaled(t: Tensor, f: (v: number, i: number) => number): Tensor {
  return tensor(t.shape, Array.from(t.data, f));
}

const fmtFactor = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

/** Below this fraction of the largest |value|, the reference is 0 to rounding. */
const ZERO_REFERENCE = 1e-12;

/**
 * Adds value / reference to each row. A reference that is 0 to rounding (identical student and
 * teacher give a KL of ±1e-17) has no meaningful ratio: the other rows get NaN, not ±1e16.
 */
function withRatios(rows: Omit<ConventionRow, 'ratioToReference'>[]): ConventionRow[] {
  const ref = rows.find((r) => r.reference);
  const scale = Math.max(...rows.map((r) => Math.abs(r.value)).filter(Number.isFinite), 0);
  const refValue = ref && Math.abs(ref.value) > ZERO_REFERENCE * scale ? ref.value : NaN;
  return rows.map((r) => ({ ...r, ratioToReference: r.reference ? 1 : r.value / refValue }));
}

/**
 * Knowledge distillation under seven conventions, on logits `student` and `teacher` [N, C] at
 * temperature T. `value` is the distillation term as each convention computes it (T² included
 * where the convention includes it, alpha not); with `labels`, `total` adds the label term.
 * Reference: `kl_div(log_softmax(s/T, 1), softmax(t/T, 1), reduction='batchmean')·T²`.
 */
export function distillationConventions(inputs: DistillationInputs): ConventionRow[] {
  const op = 'compare distillation';
  const { student, teacher, temperature: T, alpha } = inputs;
  const labels = inputs.labels ?? null;
  if (student.shape.length !== 2) throw new EngineError('invalid_argument', op, `student ${formatShape(student.shape)} must be [N, C] logits (rows are samples, columns classes).`);
  if (teacher.shape.length !== 2 || teacher.shape[0] !== student.shape[0] || teacher.shape[1] !== student.shape[1]) {
    throw new EngineError('shape_mismatch', op, `teacher ${formatShape(teacher.shape)} must have the student's shape ${formatShape(student.shape)}.`);
  }
  if (!isFloating(student) || !isFloating(teacher)) throw new EngineError('invalid_argument', op, 'student and teacher must be float logits.');
  if (!(T > 0) || !Number.isFinite(T)) throw new EngineError('invalid_argument', op, `temperature=${T} must be a finite number > 0.`);
  if (!Number.isFinite(alpha)) throw new EngineError('invalid_argument', op, `alpha=${alpha} must be a finite number.`);
  const [N, C] = student.shape;
  const T2 = T * T;
  const s = scaled(student, (v) => v / T);
  const t = scaled(teacher, (v) => v / T);
  const logq = tensorOf('log_softmax', { input: s, dim: 1 });
  const p = tensorOf('softmax', { input: t, dim: 1 });
  const logp = tensorOf('log_softmax', { input: t, dim: 1 });
  const kl = (reduction: string): number => scalarOf('kl_div', { input: logq, target: p, reduction });
  const batchmean = kl('batchmean') * T2;
  const mean = kl('mean') * T2;
  const klSum = kl('sum') * T2;
  const softCe = scalarOf('cross_entropy', { input: s, target: p }) * T2;
  const deit = (scalarOf('kl_div', { input: logq, target: logp, reduction: 'sum', log_target: true }) * T2) / (N * C);
  // mmdet: the per-sample KL averaged over classes (class_reduction='mean'), then over the batch.
  const pointwise = tensorOf('kl_div', { input: logq, target: p, reduction: 'none' });
  const perSample = Array.from({ length: N }, (_, n) => sum(pointwise.data, n * C, n * C + C) / C);
  const classMean = (sum(perSample) / N) * T2;
  const ce = labels ? scalarOf('cross_entropy', { input: student, target: labels }) : undefined;
  const total = (v: number): number | undefined => (ce === undefined ? undefined : alpha * v + (1 - alpha) * ce);
  const viaOp = (klReduction: string): number | undefined =>
    labels ? scalarOf('distillation_loss', { student, teacher, labels, temperature: T, alpha, kl_reduction: klReduction }) : undefined;
  const teacherEntropy = (softCe - batchmean) / T2;
  return withRatios([
    {
      convention: "KLDivLoss() default 'mean'",
      formula: 'kl_div(log_softmax(s/T), softmax(t/T), reduction=\'mean\')·T² = Σ KL / (N·C) · T²',
      value: mean,
      total: viaOp('mean'),
      note: `The classic loss_fn_kd (nn.KLDivLoss() with its default): divides by N·C, so it is batchmean / C = batchmean / ${C}; PyTorch warns.`,
    },
    {
      convention: "kl_div 'batchmean'",
      formula: "kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean')·T² = Σ KL / N · T²",
      value: batchmean,
      total: viaOp('batchmean'),
      reference: true,
      note: 'The KL divergence per sample (Hinton et al.), PyTorch\'s recommended reduction; kl_div(..., \'sum\')·T²/N (RepDistiller\'s DistillKL) is the same.',
    },
    {
      convention: 'soft cross-entropy',
      formula: '−Σ softmax(t/T)·log_softmax(s/T) / N · T²',
      value: softCe,
      total: total(softCe),
      note: `Adds the teacher's entropy: batchmean + T²·mean H(softmax(t/T)) = batchmean + ${fmtFactor(T2)}·${fmtFactor(teacherEntropy)}; same student gradient, different value.`,
    },
    {
      convention: "kl_div 'sum' / numel (DeiT)",
      formula: "kl_div(log_softmax(s/T), log_softmax(t/T), reduction='sum', log_target=True)·T² / (N·C)",
      value: deit,
      total: total(deit),
      note: `facebookresearch/deit's soft distillation: dividing the sum by every element is 'mean' again, batchmean / ${C}.`,
    },
    {
      convention: 'KL averaged over classes',
      formula: "mean_n( mean_c kl_div(..., reduction='none') )·T²",
      value: classMean,
      total: total(classMean),
      note: `mmdet's KnowledgeDistillationKLDivLoss(class_reduction='mean'): averaging instead of summing over classes is 'mean' again, batchmean / ${C}.`,
    },
    {
      convention: "kl_div 'sum'",
      formula: "kl_div(log_softmax(s/T), softmax(t/T), reduction='sum')·T²",
      value: klSum,
      total: total(klSum),
      note: `Summed over the batch: batchmean × N = batchmean × ${N}, so the scale changes with the batch size.`,
    },
    {
      convention: "'batchmean' without T²",
      formula: "kl_div(log_softmax(s/T), softmax(t/T), reduction='batchmean')",
      value: batchmean / T2,
      total: total(batchmean / T2),
      note: `Forgets Hinton's T² factor: batchmean / T² = batchmean / ${fmtFactor(T2)}, so the soft term's gradients shrink as T grows.`,
    },
  ]);
}

/** The smoothed target of each class-index row: `on` at the label, `off` elsewhere. */
function smoothedOneHot(target: Tensor, C: number, on: number, off: number): Tensor {
  const N = target.data.length;
  const q = new Float64Array(N * C).fill(off);
  for (let n = 0; n < N; n++) q[n * C + target.data[n]] = on;
  return tensor([N, C], q);
}

function multiclassRows(input: Tensor, target: Tensor, eps: number): ConventionRow[] {
  const op = 'compare label_smoothing';
  const [N, C] = input.shape;
  if (target.shape.length !== 1 || target.shape[0] !== N) throw new EngineError('shape_mismatch', op, `target ${formatShape(target.shape)} must hold one class index per row of input ${formatShape(input.shape)}.`);
  for (const y of target.data) {
    if (!Number.isInteger(y) || y < 0 || y >= C) throw new EngineError('invalid_target', op, `target holds ${y}, but class indices must lie in [0, ${C}) for input ${formatShape(input.shape)}.`);
  }
  if (C < 2) throw new EngineError('invalid_argument', op, `input ${formatShape(input.shape)} has one class; label smoothing needs C ≥ 2.`);
  const pytorch = scalarOf('cross_entropy', { input, target, label_smoothing: eps });
  const timm = scalarOf('label_smoothing_cross_entropy', { input, target, smoothing: eps });
  const mixup = scalarOf('soft_target_cross_entropy', { input, target: tensorOf('mixup_target', { target, num_classes: C, lam: 1, smoothing: eps }) });
  const others = scalarOf('cross_entropy', { input, target: smoothedOneHot(target, C, 1 - eps, eps / (C - 1)) });
  const timmBce = scalarOf('binary_cross_entropy_with_logits', { input, target: smoothedOneHot(target, C, 1 - eps + eps / C, eps / C) });
  const plain = scalarOf('cross_entropy', { input, target });
  return withRatios([
    {
      convention: 'PyTorch cross_entropy(label_smoothing=ε)',
      formula: '(1−ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c), mean over N',
      value: pytorch,
      reference: true,
      note: `The label mixed with the uniform distribution: ${fmtFactor(1 - eps + eps / C)} on the label, ε/C = ${fmtFactor(eps / C)} on each class.`,
    },
    {
      convention: 'timm LabelSmoothingCrossEntropy(smoothing=ε)',
      formula: '(1−ε)·(−log p_y) + ε·mean_c(−log p_c), mean over N',
      value: timm,
      note: "The same mixture (ε·mean_c = (ε/C)·Σ_c); it differs only where PyTorch's weight or ignore_index would apply, which timm does not have.",
    },
    {
      convention: 'timm mixup_target(smoothing=ε) + SoftTargetCrossEntropy',
      formula: '−Σ_c q_c·log p_c, q = 1−ε+ε/C on the label, ε/C elsewhere',
      value: mixup,
      note: 'The smoothed one-hot target written out (timm training with mixup at lam = 1): the same value.',
    },
    {
      convention: 'ε over the other C−1 classes',
      formula: '−Σ_c q_c·log p_c, q = 1−ε on the label, ε/(C−1) elsewhere',
      value: others,
      note: `fairseq's label_smoothed_nll_loss (eps_i = ε/(V−1)): exactly 1−ε on the label instead of 1−ε+ε/C; close to the reference for large C.`,
    },
    {
      convention: 'timm BinaryCrossEntropy(smoothing=ε)',
      formula: 'BCE-with-logits(x, q) over all N·C elements, q = 1−ε+ε/C on the label, ε/C elsewhere',
      value: timmBce,
      note: 'A different loss (one sigmoid per class, averaged over N·C elements, as in "ResNet strikes back"): the ratio is a scale, not an error.',
    },
    {
      convention: 'no smoothing (ε = 0)',
      formula: '−log p_y, mean over N',
      value: plain,
      note: 'Plain cross_entropy, for scale.',
    },
  ]);
}

function binaryRows(input: Tensor, target: Tensor, eps: number): ConventionRow[] {
  const half = scalarOf('binary_cross_entropy_with_logits', { input, target: scaled(target, (v) => v * (1 - eps) + eps / 2) });
  // Two classes with logits [0, x]: softmax([0, x])_1 = sigmoid(x), and PyTorch's ε/C with C = 2
  // smooths the probability target [1−t, t] to (1−ε)·[1−t, t] + ε/2: BCE toward 0.5 exactly.
  const M = input.data.length;
  const pairLogits = new Float64Array(2 * M);
  const pairTarget = new Float64Array(2 * M);
  for (let i = 0; i < M; i++) {
    pairLogits[2 * i + 1] = input.data[i];
    pairTarget[2 * i] = 1 - target.data[i];
    pairTarget[2 * i + 1] = target.data[i];
  }
  const twoClass = scalarOf('cross_entropy', { input: tensor([M, 2], pairLogits), target: tensor([M, 2], pairTarget), label_smoothing: eps });
  const oneSided = scalarOf('binary_cross_entropy_with_logits', { input, target: scaled(target, (v) => v * (1 - eps)) });
  const plain = scalarOf('binary_cross_entropy_with_logits', { input, target });
  return withRatios([
    {
      convention: 'toward 0.5',
      formula: "BCE-with-logits(x, t'), t' = t·(1−ε) + ε/2",
      value: half,
      reference: true,
      note: `Both labels move ε/2 toward 0.5: 1 → ${fmtFactor(1 - eps / 2)}, 0 → ${fmtFactor(eps / 2)}; Keras BinaryCrossentropy(label_smoothing=ε) does this.`,
    },
    {
      convention: '2-class cross_entropy(label_smoothing=ε)',
      formula: 'cross_entropy([0, x], [1−t, t], label_smoothing=ε)',
      value: twoClass,
      note: "PyTorch's ε/C with C = 2 on logits [0, x]: the same value, since softmax([0, x])₁ = sigmoid(x).",
    },
    {
      convention: 'one-sided (positives only)',
      formula: "BCE-with-logits(x, t'), t' = t·(1−ε)",
      value: oneSided,
      note: `Only the positives move (1 → ${fmtFactor(1 - eps)}), as in one-sided smoothing for GAN discriminators (Salimans et al.); negatives stay 0.`,
    },
    {
      convention: 'no smoothing (ε = 0)',
      formula: 'BCE-with-logits(x, t)',
      value: plain,
      note: 'Plain binary_cross_entropy_with_logits, for scale.',
    },
  ]);
}

/**
 * Label smoothing under the conventions practitioners use. Class indices (`target` int64 [N] for
 * `input` [N, C]): PyTorch's ε/C (reference), timm's LabelSmoothingCrossEntropy and mixup_target,
 * ε/(C−1) over the other classes, timm's BinaryCrossEntropy, none. Binary targets (float, the
 * input's shape): toward 0.5 (reference), as 2-class cross_entropy, one-sided, none.
 */
export function labelSmoothingConventions(inputs: LabelSmoothingInputs): ConventionRow[] {
  const op = 'compare label_smoothing';
  const { input, target, smoothing: eps } = inputs;
  if (!(eps >= 0 && eps < 1)) throw new EngineError('invalid_argument', op, `smoothing=${eps} must lie in [0, 1).`);
  if (!isFloating(input)) throw new EngineError('invalid_argument', op, 'input must be float logits.');
  const sameShape = target.shape.length === input.shape.length && target.shape.every((d, i) => d === input.shape[i]);
  if (isFloating(target) && sameShape) return binaryRows(input, target, eps);
  if (target.dtype !== 'int64') {
    throw new EngineError('invalid_target', op, `target ${formatShape(target.shape)} is float but not the input's shape ${formatShape(input.shape)}; give int64 class indices [N] or binary targets of the input's shape.`);
  }
  if (input.shape.length !== 2) throw new EngineError('invalid_argument', op, `input ${formatShape(input.shape)} must be [N, C] logits for class-index targets.`);
  return multiclassRows(input, target, eps);
}
