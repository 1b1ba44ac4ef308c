import * as assert from 'assert';
import {
  jsdCrossEntropy,
  jsdCrossEntropyBackward,
  labelSmoothingCrossEntropy,
  labelSmoothingCrossEntropyBackward,
  mixupTarget,
  softTargetCrossEntropy,
  softTargetCrossEntropyBackward,
} from '../../../../src/engine/losses/timm';
import { crossEntropy } from '../../../../src/engine/losses/crossEntropy';
import { jsDivergence } from '../../../../src/engine/losses/information';
import { registry } from '../../../../src/engine/registry';
import { logSoftmax, softmax } from '../../../../src/engine/softmax';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, numericGrad, seededRandom, throwsEngine, value } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const idx = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const rand = seededRandom(11);
const randomLogits = (shape: number[], scale = 3): Tensor => f(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() - 0.5) * 2 * scale));

const x45 = randomLogits([4, 5]);
const y4 = idx([4], [2, 0, 4, 1]);

describe('engine/losses/timm', () => {
  describe('label_smoothing_cross_entropy', () => {
    it('smoothing 0 is mean cross_entropy; smoothing s ≥ 0 is cross_entropy with label_smoothing s', () => {
      near(value(labelSmoothingCrossEntropy(x45, y4, { smoothing: 0 })), value(crossEntropy(x45, y4)));
      for (const s of [0.1, 0.3, 0.9]) near(value(labelSmoothingCrossEntropy(x45, y4, { smoothing: s })), value(crossEntropy(x45, y4, { label_smoothing: s })));
    });

    it('smoothing 0 with an infinite logit is nan, as timm computes it (0 · ∞ in the smoothing term)', () => {
      // timm's forward with Debian's torch: tensor(nan) for input [[0, -inf]], target [0], smoothing 0.
      assert.ok(Number.isNaN(value(labelSmoothingCrossEntropy(f([1, 2], [0, -Infinity]), idx([1], [0]), { smoothing: 0 }))));
    });

    it('uniform logits give ln C for any smoothing', () => {
      for (const s of [0, 0.1, 0.5]) near(value(labelSmoothingCrossEntropy(f([2, 7], new Array(14).fill(1.5)), idx([2], [0, 6]), { smoothing: s })), Math.log(7));
    });

    it('is (1−s)·nll + s·mean(−log p) row by row, with timm’s default s = 0.1', () => {
      const lp = logSoftmax(f([3], [1, 2, 3]), 0).data;
      const expected = 0.9 * -lp[2] + 0.1 * -(lp[0] + lp[1] + lp[2]) / 3;
      near(value(labelSmoothingCrossEntropy(f([1, 3], [1, 2, 3]), idx([1], [2]))), expected);
      near(value(registry.call('label_smoothing_cross_entropy', { input: f([1, 3], [1, 2, 3]), target: idx([1], [2]) }) as Tensor), expected);
    });

    it('uses a negative smoothing as given (unlike torch’s label_smoothing, which treats it as 0)', () => {
      const lp = logSoftmax(f([3], [1, 2, 3]), 0).data;
      near(value(labelSmoothingCrossEntropy(f([1, 3], [1, 2, 3]), idx([1], [0]), { smoothing: -0.5 })), 1.5 * -lp[0] - 0.5 * -(lp[0] + lp[1] + lp[2]) / 3);
    });

    it('±1e4 logits stay finite: the smoothing term sees −log p = 2e4', () => {
      near(value(labelSmoothingCrossEntropy(f([1, 3], [1e4, 0, -1e4]), idx([1], [0]), { smoothing: 0.1 })), 0.1 * (0 + 1e4 + 2e4) / 3, 1e-12);
    });

    it('has the gradient (softmax − (1−s)·onehot − s/C)/N, matching central differences', () => {
      const g = labelSmoothingCrossEntropyBackward(x45, y4, { smoothing: 0.2 }, f([], [1.7]));
      allNear(g.data, numericGrad((x) => 1.7 * value(labelSmoothingCrossEntropy(x, y4, { smoothing: 0.2 })), x45), 1e-7);
      for (let r = 0; r < 4; r++) near(Array.from(g.data.slice(r * 5, r * 5 + 5)).reduce((a, b) => a + b, 0), 0, 1e-15);
    });

    it('rejects smoothing ≥ 1, bad labels and a wrong batch', () => {
      throwsEngine(() => labelSmoothingCrossEntropy(x45, y4, { smoothing: 1 }), 'invalid_argument', 'label_smoothing_cross_entropy: smoothing=1 must be < 1 (timm asserts it); use a value such as 0.1.');
      throwsEngine(
        () => labelSmoothingCrossEntropy(x45, idx([4], [2, 0, 5, 1])),
        'invalid_target',
        'label_smoothing_cross_entropy: target[2] = 5 is not a class index in [0, 5) for input [4,5]; use labels 0..4.',
      );
      throwsEngine(
        () => labelSmoothingCrossEntropy(x45, idx([4], [2, -100, 1, 1])),
        'invalid_target',
        'label_smoothing_cross_entropy: target[1] = -100 is not a class index in [0, 5) for input [4,5]; use labels 0..4.',
      );
      throwsEngine(
        () => labelSmoothingCrossEntropy(x45, f([4], [2, 0, 4, 1])),
        'invalid_target',
        'label_smoothing_cross_entropy: target is a float32 tensor but must hold int64 class indices; pass the labels as integers.',
      );
      throwsEngine(
        () => labelSmoothingCrossEntropy(x45, idx([3], [2, 0, 4])),
        'shape_mismatch',
        'label_smoothing_cross_entropy: target [3] must be 1-d with at least 4 labels, one per row of input [4,5].',
      );
      throwsEngine(() => labelSmoothingCrossEntropy(f([5], [1, 2, 3, 4, 5]), idx([], [1])), 'invalid_argument', 'label_smoothing_cross_entropy: input [5] must be 2-d [N, C] (a batch of logit rows).');
    });
  });

  describe('soft_target_cross_entropy', () => {
    it('a one-hot target gives mean cross_entropy of the class indices', () => {
      const onehot = f([4, 5], Array.from({ length: 20 }, (_, k) => (k % 5 === y4.data[Math.floor(k / 5)] ? 1 : 0)));
      near(value(softTargetCrossEntropy(x45, onehot)), value(crossEntropy(x45, y4)));
    });

    it('uniform logits give ln C times the target mass', () => {
      near(value(softTargetCrossEntropy(f([1, 2], [0, 0]), f([1, 2], [0.3, 0.7]))), Math.LN2);
      near(value(softTargetCrossEntropy(f([1, 4], [2, 2, 2, 2]), f([1, 4], [1, 1, 0, 0]))), 2 * Math.log(4));
    });

    it('averages over every leading dim ([2,3,6] has 6 rows)', () => {
      const x = randomLogits([2, 3, 6]);
      const t = softmax(randomLogits([2, 3, 6]), -1);
      const ce = crossEntropy(f([6, 6], Array.from(x.data)), f([6, 6], Array.from(t.data)));
      near(value(softTargetCrossEntropy(x, t)), value(ce));
    });

    it('±1e4 logits stay finite', () => {
      near(value(softTargetCrossEntropy(f([1, 2], [1e4, -1e4]), f([1, 2], [0.5, 0.5]))), 1e4, 1e-12);
    });

    it('0·(−∞) is NaN', () => {
      assert.ok(Number.isNaN(value(softTargetCrossEntropy(f([1, 2], [0, -Infinity]), f([1, 2], [1, 0])))));
    });

    it('has input and target gradients matching central differences', () => {
      const t = softmax(randomLogits([4, 5]), -1);
      const g = softTargetCrossEntropyBackward(x45, t, f([], [0.6]));
      allNear(g.input.data, numericGrad((x) => 0.6 * value(softTargetCrossEntropy(x, t)), x45), 1e-7);
      allNear(g.target.data, numericGrad((q) => 0.6 * value(softTargetCrossEntropy(x45, q)), t), 1e-7);
    });

    it('broadcasts a [C] target against [N, C] input as torch does, summing its gradient back', () => {
      const t = f([5], [0.1, 0.2, 0.3, 0.25, 0.15]);
      const expanded = f([4, 5], [...t.data, ...t.data, ...t.data, ...t.data]);
      near(value(softTargetCrossEntropy(x45, t)), value(softTargetCrossEntropy(x45, expanded)));
      const g = softTargetCrossEntropyBackward(x45, t);
      assert.deepStrictEqual(g.target.shape, [5]);
      allNear(g.target.data, numericGrad((q) => value(softTargetCrossEntropy(x45, q)), t), 1e-7);
      throwsEngine(
        () => softTargetCrossEntropy(x45, f([4, 4], new Array(16).fill(0.25))),
        'shape_mismatch',
        'soft_target_cross_entropy: input [4,5] and target [4,4] do not broadcast (dim -1: 5 vs 4); give them the same shape or size 1 on that dim.',
      );
    });
  });

  describe('jsd_cross_entropy', () => {
    const x = randomLogits([12, 5]);
    const y = idx([12], [2, 0, 0, 3, 4, 4, 4, 0, 1, 1, 2, 0]);
    const clean = f([4, 5], Array.from(x.data.slice(0, 20)));

    it('alpha 0 is the cross-entropy of the clean split (smoothed or plain)', () => {
      near(value(jsdCrossEntropy(x, y, { alpha: 0, smoothing: 0 })), value(crossEntropy(clean, idx([4], [2, 0, 0, 3]))));
      near(value(jsdCrossEntropy(x, y, { alpha: 0, smoothing: 0.2 })), value(labelSmoothingCrossEntropy(clean, idx([4], [2, 0, 0, 3]), { smoothing: 0.2 })));
    });

    it('identical splits add nothing: the JS term is 0', () => {
      const same = f([8, 5], [...clean.data, ...clean.data]);
      near(value(jsdCrossEntropy(same, y, { num_splits: 2, alpha: 12 })), value(labelSmoothingCrossEntropy(clean, idx([4], [2, 0, 0, 3]), { smoothing: 0.1 })));
    });

    it('the consistency term is alpha × the mean Jensen–Shannon divergence of the splits’ softmaxes (no clamping)', () => {
      const ce = value(labelSmoothingCrossEntropy(clean, idx([4], [2, 0, 0, 3]), { smoothing: 0.1 }));
      const probs = softmax(f([3, 4, 5], Array.from(x.data)), -1);
      near(value(jsdCrossEntropy(x, y)), ce + 12 * value(jsDivergence(probs)), 1e-12);
      assert.ok(value(jsdCrossEntropy(x, y)) - ce <= 12 * Math.log(3));
    });

    it('uses timm’s defaults num_splits 3, alpha 12, smoothing 0.1', () => {
      near(value(jsdCrossEntropy(x, y)), value(jsdCrossEntropy(x, y, { num_splits: 3, alpha: 12, smoothing: 0.1 })), 0);
      near(value(registry.call('jsd_cross_entropy', { input: x, target: y }) as Tensor), value(jsdCrossEntropy(x, y)), 0);
    });

    it('clamps the mixture at 1e-7 before the log: ±1e4 logits stay finite', () => {
      const l = value(jsdCrossEntropy(f([3, 3], [1e4, -1e4, 0, -1e4, 1e4, 0, 0, -1e4, 1e4]), idx([1], [0])));
      assert.ok(Number.isFinite(l), `loss ${l}`);
      // Each split puts almost all mass on a class where the mixture is 1/3: KL_i ≈ ln 3 each.
      near(l, 0.1 * (0 + 1e4 + 2e4) / 3 + 12 * Math.log(3), 1e-9);
    });

    it('has the closed-form gradient, matching central differences, with and without smoothing', () => {
      for (const smoothing of [0.1, 0]) {
        const opts = { alpha: 3, smoothing };
        const g = jsdCrossEntropyBackward(x, y, opts, f([], [0.8]));
        allNear(g.data, numericGrad((v) => 0.8 * value(jsdCrossEntropy(v, y, opts)), x), 1e-7);
      }
    });

    it('passes no gradient through the clamp where the mixture is below 1e-7', () => {
      // Class 1 has P = 2.5e-7 in the clean split and ~0 elsewhere: M ≈ 8e-8 is clamped, which
      // changes that logit's gradient by about α/S·P ≈ 1e-6, far above the 1e-9 tolerance.
      const v = tensor([3, 3], [0, -14.5, 0, 0, -40, 0, 0, -40, 0.5]);
      const t = idx([1], [0]);
      const mixture = (softmax(v, -1).data[1] + softmax(v, -1).data[4] + softmax(v, -1).data[7]) / 3;
      assert.ok(mixture < 1e-7 && mixture > 5e-8, `mixture ${mixture}`);
      allNear(jsdCrossEntropyBackward(v, t).data, numericGrad((w) => value(jsdCrossEntropy(w, t)), v, 1e-5), 1e-9);
    });

    it('without smoothing, labels of −100 are ignored as in torch’s cross_entropy', () => {
      const t = idx([12], [2, -100, 0, 3, 4, 4, 4, 0, 1, 1, 2, 0]);
      near(value(jsdCrossEntropy(x, t, { alpha: 0, smoothing: null })), value(crossEntropy(clean, idx([4], [2, -100, 0, 3]))));
      allNear(jsdCrossEntropyBackward(x, t, { smoothing: 0 }).data, numericGrad((v) => value(jsdCrossEntropy(v, t, { smoothing: 0 })), x), 1e-7);
    });

    it('rejects a batch num_splits does not divide, and names itself in cross-entropy errors', () => {
      throwsEngine(
        () => jsdCrossEntropy(f([5, 3], new Array(15).fill(0)), idx([1], [0])),
        'invalid_argument',
        'jsd_cross_entropy: input [5,3] has 5 rows, which num_splits=3 does not divide into non-empty splits; give S·B rows (the clean batch, then each augmentation).',
      );
      throwsEngine(() => jsdCrossEntropy(x, y, { num_splits: 0 }), 'invalid_argument', 'jsd_cross_entropy: num_splits=0 must be a positive integer (3 for AugMix).');
      throwsEngine(() => jsdCrossEntropy(x, y, { smoothing: 1 }), 'invalid_argument', 'jsd_cross_entropy: smoothing=1 must be < 1 (timm asserts it); use a value such as 0.1.');
      throwsEngine(
        () => jsdCrossEntropy(x, idx([4], [2, 0, 7, 3]), { smoothing: 0 }),
        'invalid_target',
        'jsd_cross_entropy: cross_entropy of the clean split: cross_entropy: target[2] = 7 is not a class of input [4,5]; class indices must be in [0, 4] or equal ignore_index (-100).',
      );
      throwsEngine(() => jsdCrossEntropy(x, idx([2], [0, 1])), 'shape_mismatch', 'jsd_cross_entropy: target [2] must be 1-d with at least 4 labels, one per row of input [12,5].');
    });
  });

  describe('mixup_target', () => {
    it('lam 1 without smoothing is one-hot', () => {
      assert.deepStrictEqual(Array.from(mixupTarget(idx([3], [0, 1, 2]), 3).data), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    });

    it('row i mixes with row N−1−i, and the middle row of an odd batch with itself', () => {
      const y = mixupTarget(idx([3], [0, 1, 2]), 3, { lam: 0.7 });
      allNear(y.data, [0.7, 0, 0.3, 0, 1, 0, 0.3, 0, 0.7], 1e-15);
    });

    it('smoothing puts off = s/C and on = 1 − s + s/C; every row sums to 1', () => {
      const y = mixupTarget(idx([2], [0, 1]), 4, { smoothing: 0.1 });
      allNear(y.data, [0.925, 0.025, 0.025, 0.025, 0.025, 0.925, 0.025, 0.025], 1e-15);
      const z = mixupTarget(idx([5], [3, 3, 0, 9, 1]), 10, { lam: 0.35, smoothing: 0.2 });
      for (let r = 0; r < 5; r++) near(Array.from(z.data.slice(r * 10, r * 10 + 10)).reduce((a, b) => a + b, 0), 1, 1e-15);
    });

    it('takes lam per row as an [N, 1] tensor', () => {
      const y = mixupTarget(idx([2], [0, 1]), 2, { lam: f([2, 1], [0.25, 0.5]) });
      allNear(y.data, [0.25, 0.75, 0.5, 0.5], 1e-15);
      const viaRegistry = registry.call('mixup_target', { target: idx([2], [0, 1]), num_classes: 2, lam: f([2, 1], [0.25, 0.5]) }) as Tensor;
      allNear(viaRegistry.data, y.data, 0);
      allNear((registry.call('mixup_target', { target: idx([2], [0, 1]), num_classes: 2, lam: 0.25 }) as Tensor).data, [0.25, 0.75, 0.75, 0.25], 1e-15);
    });

    it('feeds soft_target_cross_entropy: lam 1 equals cross_entropy', () => {
      near(value(softTargetCrossEntropy(x45, mixupTarget(y4, 5))), value(crossEntropy(x45, y4)));
    });

    it('rejects labels outside [0, num_classes), a 2-d target and num_classes 0', () => {
      throwsEngine(() => mixupTarget(idx([2], [0, 3]), 3), 'invalid_target', 'mixup_target: target[1] = 3 is not a class index in [0, 3); use labels 0..2 or raise num_classes.');
      throwsEngine(() => mixupTarget(idx([1, 2], [0, 1]), 3), 'invalid_argument', 'mixup_target: target [1,2] must be 1-d [N]: one class index per sample.');
      throwsEngine(() => mixupTarget(idx([2], [0, 1]), 0), 'invalid_argument', 'mixup_target: num_classes=0 must be a positive integer.');
      assert.throws(() => registry.call('mixup_target', { target: idx([2], [0, 1]), num_classes: 2, lam: 'half' }), (e: { code?: string }) => e.code === 'invalid_argument');
    });
  });
});
