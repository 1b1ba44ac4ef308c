/**
 * Knowledge distillation (Hinton et al.): the classic `loss_fn_kd` of knowledge-distillation-pytorch,
 * a KL term between temperature-softened student and teacher distributions plus a hard-label
 * cross-entropy. Built on the shared kl_div and cross_entropy, so both terms keep their PyTorch
 * semantics (kl_div's reductions, cross_entropy's ignore_index −100).
 *
 * Domain: `student` and `teacher` are logits `[N, C, ...]` with classes on dim 1; `labels` are
 * int64 class indices.
 */
import { EngineError } from '../errors';
import type { OpArgs, OpSpec } from '../op';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../softmax';
import { Tensor, broadcastShapes, formatShape, scalar } from '../tensor';
import { crossEntropy, crossEntropyBackward } from './crossEntropy';
import { klDiv, klDivBackward } from './kl';
import { runAsPartOf } from './timm';

/** The reductions of the KL term: `'mean'` (the classic form, ÷ N·C) or `'batchmean'` (÷ N). */
export type DistillationKlReduction = 'mean' | 'batchmean';

/** Options of {@link distillationLoss}. */
export interface DistillationOptions {
  /** Softening temperature T > 0 (default 4). */
  readonly temperature?: number;
  /** Weight of the KL term; the cross-entropy gets 1 − alpha (default 0.9). */
  readonly alpha?: number;
  /** Reduction of the KL term (default `'mean'`, as `nn.KLDivLoss()` in the classic code). */
  readonly kl_reduction?: DistillationKlReduction;
}

const OP = 'distillation_loss';

interface DistillationParts {
  readonly temperature: number;
  readonly alpha: number;
  readonly klReduction: DistillationKlReduction;
  /** student / T and teacher / T. */
  readonly softStudent: Tensor;
  readonly softTeacher: Tensor;
  /** log_softmax(student / T, 1) and softmax(teacher / T, 1). */
  readonly logq: Tensor;
  readonly p: Tensor;
}

function divide(t: Tensor, d: number): Tensor {
  return { shape: [...t.shape], data: t.data.map((v) => v / d), dtype: 'float64' };
}

function distillationParts(student: Tensor, teacher: Tensor, options: DistillationOptions): DistillationParts {
  const temperature = options.temperature ?? 4;
  const alpha = options.alpha ?? 0.9;
  const klReduction = options.kl_reduction ?? 'mean';
  if (!(temperature > 0)) {
    throw new EngineError('invalid_argument', OP, `temperature=${temperature} must be > 0; T = 1 is the unsoftened distribution, 2 to 20 are usual.`);
  }
  if (klReduction !== 'mean' && klReduction !== 'batchmean') {
    throw new EngineError('invalid_reduction', OP, `kl_reduction='${String(klReduction)}' is not valid; use 'mean' (the classic form) or 'batchmean' (the true KL per sample).`);
  }
  if (student.shape.length < 2) {
    throw new EngineError('invalid_argument', OP, `student ${formatShape(student.shape)} must be [N, C] (classes on dim 1); add a batch dim for a single sample.`);
  }
  broadcastShapes(OP, student.shape, teacher.shape, ['student', 'teacher']);
  if (teacher.shape.length < 2) {
    throw new EngineError('invalid_argument', OP, `teacher ${formatShape(teacher.shape)} must be [N, C] (classes on dim 1), like student ${formatShape(student.shape)}.`);
  }
  const softStudent = divide(student, temperature);
  const softTeacher = divide(teacher, temperature);
  return { temperature, alpha, klReduction, softStudent, softTeacher, logq: logSoftmax(softStudent, 1), p: softmax(softTeacher, 1) };
}

/**
 * Knowledge-distillation loss of `student` and `teacher` logits `[N, C]` and class indices
 * `labels` `[N]`:
 * `kl_div(log_softmax(student/T, 1), softmax(teacher/T, 1), reduction=kl_reduction)·α·T²
 *  + cross_entropy(student, labels)·(1 − α)`.
 * The T² keeps the soft term's gradient on the scale of the hard term's as T grows. `'mean'`
 * divides the KL sum by N·C (the classic code; PyTorch warns), `'batchmean'` by N.
 */
export function distillationLoss(student: Tensor, teacher: Tensor, labels: Tensor, options: DistillationOptions = {}): Tensor {
  const { temperature, alpha, klReduction, logq, p } = distillationParts(student, teacher, options);
  const kl = runAsPartOf(OP, 'the KL term', () => klDiv(logq, p, { reduction: klReduction }).data[0]);
  const ce = runAsPartOf(OP, 'cross_entropy(student, labels)', () => crossEntropy(student, labels).data[0]);
  return scalar(kl * (alpha * temperature * temperature) + ce * (1 - alpha));
}

/**
 * Gradients of {@link distillationLoss} w.r.t. `student` and `teacher`. With `k = g·α·T²` and
 * kl_div's gradients `−p / D` w.r.t. its input and `(ln p + 1 − log q) / D` w.r.t. its target
 * (D = N·C or N):
 * `d/dstudent = k·(1/T)·log_softmax'(student/T)[−p/D] + g·(1−α)·(softmax(student) − onehot(y)) / n`,
 * `d/dteacher = k·(1/T)·softmax'(teacher/T)[(ln p + 1 − log q)/D]`, where `f'(x)[v]` is the
 * vector-Jacobian product. The teacher gradient is NaN where a teacher probability underflows to 0
 * (kl_div's `0·log 0` has no derivative there, as in PyTorch).
 */
export function distillationLossBackward(student: Tensor, teacher: Tensor, labels: Tensor, options: DistillationOptions = {}, gradOutput: Tensor | null = null): { student: Tensor; teacher: Tensor } {
  const { temperature, alpha, klReduction, softStudent, softTeacher, logq, p } = distillationParts(student, teacher, options);
  const g = gradOutput ? gradOutput.data[0] : 1;
  const klGrad = runAsPartOf(OP, 'the KL term', () => klDivBackward(logq, p, { reduction: klReduction }, scalar(g * alpha * temperature * temperature)));
  const ceGrad = runAsPartOf(OP, 'cross_entropy(student, labels)', () => crossEntropyBackward(student, labels, {}, scalar(g * (1 - alpha))).input);
  // d(x/T)/dx = 1/T, applied after each softmax adjoint.
  const dStudent = logSoftmaxBackward(softStudent, 1, klGrad.input).data;
  const out = new Float64Array(dStudent.length);
  for (let i = 0; i < out.length; i++) out[i] = dStudent[i] / temperature + ceGrad.data[i];
  const dTeacher = divide(softmaxBackward(softTeacher, 1, klGrad.target), temperature);
  return { student: { shape: [...student.shape], data: out, dtype: 'float64' }, teacher: dTeacher };
}

function distillationOptions(a: OpArgs): DistillationOptions {
  return { temperature: a.temperature as number, alpha: a.alpha as number, kl_reduction: a.kl_reduction as DistillationKlReduction };
}

/** distillation_loss as a registry entry. */
export const distillationOps: OpSpec[] = [
  {
    name: 'distillation_loss',
    family: 'distillation',
    doc: 'Knowledge distillation: KL between temperature-softened teacher and student, plus hard-label cross-entropy.',
    formula: 'kl_div(log_softmax(s/T), softmax(t/T), kl_reduction)·α·T² + cross_entropy(s, y)·(1−α)',
    args: [
      { name: 'student', kind: 'tensor', role: 'input', dtype: 'float', differentiable: true, doc: 'Student logits [N, C].' },
      { name: 'teacher', kind: 'tensor', role: 'second_input', dtype: 'float', differentiable: true, doc: 'Teacher logits [N, C].' },
      { name: 'labels', kind: 'tensor', role: 'target', dtype: 'int', doc: 'Class indices [N] (int64).' },
      { name: 'temperature', kind: 'number', role: 'option', default: 4, doc: 'Softening temperature T > 0.' },
      { name: 'alpha', kind: 'number', role: 'option', default: 0.9, doc: 'Weight of the KL term; the cross-entropy gets 1 − alpha.' },
      { name: 'kl_reduction', kind: 'choice', role: 'option', choices: ['mean', 'batchmean'], default: 'mean', doc: "'mean' (classic, divides by N·C) or 'batchmean' (divides by N)." },
    ],
    forward: (a: OpArgs) => distillationLoss(a.student as Tensor, a.teacher as Tensor, a.labels as Tensor, distillationOptions(a)),
    backward: (a: OpArgs, g) => ({ ...distillationLossBackward(a.student as Tensor, a.teacher as Tensor, a.labels as Tensor, distillationOptions(a), g) }),
  },
];
