import * as assert from 'assert';
import { distillationLoss, distillationLossBackward, DistillationOptions } from '../../../../src/engine/losses/distillation';
import { crossEntropy } from '../../../../src/engine/losses/crossEntropy';
import { klDiv } from '../../../../src/engine/losses/kl';
import { registry } from '../../../../src/engine/registry';
import { logSoftmax, softmax } from '../../../../src/engine/softmax';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, numericGrad, seededRandom, throwsEngine, value } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const idx = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const rand = seededRandom(5);
const randomLogits = (shape: number[], scale = 3): Tensor => f(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() - 0.5) * 2 * scale));
const scaled = (t: Tensor, k: number): Tensor => ({ ...t, data: t.data.map((v) => v * k) });

const student = randomLogits([4, 5]);
const teacher = randomLogits([4, 5]);
const labels = idx([4], [3, 0, 2, 2]);
/** The KL term alone, kl_div(log_softmax(s/T), softmax(t/T)), as the reference computes it. */
const klTerm = (s: Tensor, t: Tensor, T: number, reduction: 'mean' | 'batchmean'): number => value(klDiv(logSoftmax(scaled(s, 1 / T), 1), softmax(scaled(t, 1 / T), 1), { reduction }));

describe('engine/losses/distillation', () => {
  it('is KL·α·T² + CE·(1−α)', () => {
    for (const [T, alpha, kl_reduction] of [[4, 0.9, 'mean'], [1, 0.5, 'batchmean'], [20, 0.95, 'mean']] as const) {
      const expected = klTerm(student, teacher, T, kl_reduction) * alpha * T * T + value(crossEntropy(student, labels)) * (1 - alpha);
      near(value(distillationLoss(student, teacher, labels, { temperature: T, alpha, kl_reduction })), expected);
    }
  });

  it('identical logits: the KD term is 0, so the loss is (1−α)·CE', () => {
    near(value(distillationLoss(student, student, labels, { alpha: 0.5, kl_reduction: 'batchmean' })), 0.5 * value(crossEntropy(student, labels)), 1e-14);
  });

  it('alpha 0 is cross_entropy; alpha 1 is pure KD, where batchmean is C × mean', () => {
    near(value(distillationLoss(student, teacher, labels, { alpha: 0 })), value(crossEntropy(student, labels)));
    const mean = value(distillationLoss(student, teacher, labels, { alpha: 1, temperature: 2, kl_reduction: 'mean' }));
    const batchmean = value(distillationLoss(student, teacher, labels, { alpha: 1, temperature: 2, kl_reduction: 'batchmean' }));
    near(batchmean, 5 * mean);
    near(mean, 4 * klTerm(student, teacher, 2, 'mean'));
    assert.ok(mean > 0);
  });

  it("uses the defaults temperature 4, alpha 0.9 and kl_reduction 'mean'", () => {
    const explicit = value(distillationLoss(student, teacher, labels, { temperature: 4, alpha: 0.9, kl_reduction: 'mean' }));
    near(value(distillationLoss(student, teacher, labels)), explicit, 0);
    near(value(registry.call('distillation_loss', { student, teacher, labels }) as Tensor), explicit, 0);
  });

  it('opposite ±1e4 logits stay finite', () => {
    const l = value(distillationLoss(f([1, 3], [1e4, 0, -1e4]), f([1, 3], [-1e4, 0, 1e4]), idx([1], [0]), { kl_reduction: 'batchmean' }));
    assert.ok(Number.isFinite(l), `loss ${l}`);
    // T = 4: log q of class 2 is −5000 (to rounding), and the teacher puts mass ≈ 1 there.
    near(l, 0.9 * 16 * 5000, 1e-6);
  });

  it('ignores labels of −100 in the cross-entropy term, as cross_entropy does', () => {
    const l = idx([4], [3, -100, 2, -100]);
    near(value(distillationLoss(student, teacher, l, { alpha: 0 })), value(crossEntropy(student, l)));
  });

  it('has student and teacher gradients matching central differences', () => {
    const cases: DistillationOptions[] = [
      { temperature: 4, alpha: 0.9, kl_reduction: 'mean' },
      { temperature: 1, alpha: 0.3, kl_reduction: 'batchmean' },
      { temperature: 20, alpha: 0.95, kl_reduction: 'batchmean' },
    ];
    for (const opts of cases) {
      const g = distillationLossBackward(student, teacher, labels, opts, f([], [1.5]));
      allNear(g.student.data, numericGrad((s) => 1.5 * value(distillationLoss(s, teacher, labels, opts)), student), 1e-7);
      allNear(g.teacher.data, numericGrad((t) => 1.5 * value(distillationLoss(student, t, labels, opts)), teacher), 1e-7);
    }
  });

  it('the teacher gradient is 0 where teacher = student (KL is at its minimum)', () => {
    for (const v of distillationLossBackward(student, student, labels).teacher.data) near(v, 0, 1e-15);
  });

  it('alpha 0 leaves only the cross-entropy gradient: the teacher gets none', () => {
    const g = distillationLossBackward(student, teacher, labels, { alpha: 0 });
    assert.ok(g.teacher.data.every((v) => v === 0));
    const p = softmax(student, 1).data;
    allNear(g.student.data, Array.from(p, (v, k) => (v - (k % 5 === labels.data[Math.floor(k / 5)] ? 1 : 0)) / 4), 1e-15);
  });

  it('rejects a bad temperature, reduction or shapes, naming distillation_loss', () => {
    throwsEngine(
      () => distillationLoss(student, teacher, labels, { temperature: 0 }),
      'invalid_argument',
      'distillation_loss: temperature=0 must be > 0; T = 1 is the unsoftened distribution, 2 to 20 are usual.',
    );
    throwsEngine(
      () => distillationLoss(student, teacher, labels, { kl_reduction: 'sum' as 'mean' }),
      'invalid_reduction',
      "distillation_loss: kl_reduction='sum' is not valid; use 'mean' (the classic form) or 'batchmean' (the true KL per sample).",
    );
    throwsEngine(
      () => distillationLoss(student, randomLogits([4, 6]), labels),
      'shape_mismatch',
      'distillation_loss: student [4,5] and teacher [4,6] do not broadcast (dim -1: 5 vs 6); give them the same shape or size 1 on that dim.',
    );
    throwsEngine(() => distillationLoss(f([5], [1, 2, 3, 4, 5]), f([5], [1, 2, 3, 4, 5]), idx([], [1])), 'invalid_argument', 'distillation_loss: student [5] must be [N, C] (classes on dim 1); add a batch dim for a single sample.');
    throwsEngine(
      () => distillationLoss(student, teacher, idx([4], [3, 0, 5, 2])),
      'invalid_target',
      'distillation_loss: cross_entropy(student, labels): cross_entropy: target[2] = 5 is not a class of input [4,5]; class indices must be in [0, 4] or equal ignore_index (-100).',
    );
  });
});
