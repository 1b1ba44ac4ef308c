import * as assert from 'assert';
import {
  binaryCrossEntropy,
  binaryCrossEntropyBackward,
  binaryCrossEntropyTerms,
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsBackward,
  binaryCrossEntropyWithLogitsTerms,
  BinaryCrossEntropyWithLogitsOptions,
} from '../../../../src/engine/losses/binary';
import { sigmoid } from '../../../../src/engine/scalar';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { value, near, allNear, numericGrad, throwsEngine } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');

const probs = f([2, 3], [0.1, 0.5, 0.9, 0.3, 0.75, 0.2]);
const targets = f([2, 3], [0, 1, 1, 0.25, 1, 0]);

describe('engine/losses/binary', () => {
  describe('binary_cross_entropy', () => {
    it('p = 0.5 costs ln 2 whatever the target', () => {
      for (const v of binaryCrossEntropy(f([3], [0.5, 0.5, 0.5]), f([3], [0, 1, 0.3]), { reduction: 'none' }).data) near(v, Math.LN2, 1e-15);
    });

    it('"all right" certain answers cost exactly 0; a certain wrong answer costs 100 (log clamp)', () => {
      // PyTorch prints tensor([-0., 0., 100., 100.]) here: (t − 1)·(−100) is −0 at x = t = 1.
      assert.deepStrictEqual(Array.from(binaryCrossEntropy(f([4], [1, 0, 0, 1]), f([4], [1, 0, 1, 0]), { reduction: 'none' }).data), [-0, 0, 100, 100]);
      assert.strictEqual(binaryCrossEntropy(f([1], [1e-45]), f([1], [1]), { reduction: 'none' }).data[0], 100);
    });

    it('is −(t·log p + (1−t)·log(1−p)), with mean and sum', () => {
      const expected = Array.from(probs.data, (x, k) => -(targets.data[k] * Math.log(x) + (1 - targets.data[k]) * Math.log(1 - x)));
      allNear(binaryCrossEntropy(probs, targets, { reduction: 'none' }).data, expected);
      near(value(binaryCrossEntropy(probs, targets, { reduction: 'sum' })), expected.reduce((a, b) => a + b, 0));
      near(value(binaryCrossEntropy(probs, targets)), expected.reduce((a, b) => a + b, 0) / 6);
      assert.strictEqual(binaryCrossEntropyTerms(probs, targets).divisor, 6);
    });

    it('weight [C] broadcasts over rows like the expanded weight', () => {
      const w = f([3], [2, 0.5, 1]);
      const expanded = f([2, 3], [2, 0.5, 1, 2, 0.5, 1]);
      allNear(binaryCrossEntropy(probs, targets, { weight: w, reduction: 'none' }).data, binaryCrossEntropy(probs, targets, { weight: expanded, reduction: 'none' }).data);
      const plain = binaryCrossEntropy(probs, targets, { reduction: 'none' }).data;
      allNear(binaryCrossEntropy(probs, targets, { weight: w, reduction: 'none' }).data, Array.from(plain, (v, k) => v * expanded.data[k]));
    });

    it('targets outside [0, 1] are used as given', () => {
      near(binaryCrossEntropy(f([1], [0.2]), f([1], [1.5]), { reduction: 'none' }).data[0], -(1.5 * Math.log(0.2) - 0.5 * Math.log(0.8)));
    });

    it('gradients for input and target match central differences (weighted mean)', () => {
      const opts = { weight: f([3], [2, 0.5, 1]) };
      const g = binaryCrossEntropyBackward(probs, targets, opts);
      allNear(g.input.data, numericGrad((x) => value(binaryCrossEntropy(x, targets, opts)), probs), 1e-7);
      allNear(g.target.data, numericGrad((t) => value(binaryCrossEntropy(probs, t, opts)), targets), 1e-7);
    });

    it('at p = 0 or 1 the input gradient is bounded by the float32 1e-12 clamp; the target gradient is ±∞', () => {
      const g = binaryCrossEntropyBackward(f([3], [0, 1, 0]), f([3], [1, 0, 0]), { reduction: 'sum' });
      assert.deepStrictEqual(Array.from(g.input.data), [-1 / Math.fround(1e-12), 1 / Math.fround(1e-12), 0]);
      assert.deepStrictEqual(Array.from(g.target.data), [Infinity, -Infinity, Infinity]);
    });

    it('empty input: mean is NaN; 0-d input works', () => {
      assert.ok(Number.isNaN(value(binaryCrossEntropy(f([0], []), f([0], [])))));
      near(value(binaryCrossEntropy(f([], [0.25]), f([], [1]), { reduction: 'none' })), Math.log(4));
    });

    it('rejects inputs outside [0, 1] (NaN too), mismatched targets and oversized weights', () => {
      throwsEngine(
        () => binaryCrossEntropy(f([2], [1.5, 0.5]), f([2], [1, 0])),
        'invalid_value',
        'binary_cross_entropy: input[0] = 1.5 is not a probability; every input must be in [0, 1] (for logits use binary_cross_entropy_with_logits).',
      );
      throwsEngine(
        () => binaryCrossEntropy(f([2], [0.5, NaN]), f([2], [1, 0])),
        'invalid_value',
        'binary_cross_entropy: input[1] = NaN is not a probability; every input must be in [0, 1] (for logits use binary_cross_entropy_with_logits).',
      );
      throwsEngine(
        () => binaryCrossEntropy(f([3], [0.5, 0.5, 0.5]), f([1], [1])),
        'shape_mismatch',
        "binary_cross_entropy: target [1] must have the input's shape [3]; give one target per input element.",
      );
      throwsEngine(
        () => binaryCrossEntropy(f([2], [0.5, 0.5]), f([2], [1, 0]), { weight: f([3, 2], [1, 1, 1, 1, 1, 1]) }),
        'shape_mismatch',
        "binary_cross_entropy: weight [3,2] broadcasts with input [2] to [3,2], larger than the input; give weight at most the input's dims.",
      );
      throwsEngine(
        () => binaryCrossEntropy(probs, targets, { reduction: 'batchmean' as 'mean' }),
        'invalid_reduction',
        "binary_cross_entropy: reduction='batchmean' is not valid; use 'none', 'mean' or 'sum'.",
      );
    });
  });

  describe('binary_cross_entropy_with_logits', () => {
    const logits = f([2, 3], [0.5, -2, 3, 0, 1.25, -0.75]);

    it('logit 0 costs ln 2 whatever the target', () => {
      for (const v of binaryCrossEntropyWithLogits(f([3], [0, 0, 0]), f([3], [0, 1, 0.3]), { reduction: 'none' }).data) near(v, Math.LN2, 1e-15);
    });

    it('equals binary_cross_entropy of sigmoid(x) for moderate logits', () => {
      const p = f([2, 3], Array.from(logits.data, sigmoid));
      allNear(binaryCrossEntropyWithLogits(logits, targets, { reduction: 'none' }).data, binaryCrossEntropy(p, targets, { reduction: 'none' }).data, 1e-14);
    });

    it('large logits stay finite and keep the tiny tail: x = 50, t = 1 gives log1p(e^−50)', () => {
      const none = binaryCrossEntropyWithLogits(f([5], [50, 1e4, -1e4, 1e4, -1e4]), f([5], [1, 1, 0, 0, 1]), { reduction: 'none' }).data;
      near(none[0], Math.log1p(Math.exp(-50)), 1e-36);
      assert.ok(none[0] > 1.9e-22);
      assert.deepStrictEqual(Array.from(none.slice(1)), [0, 0, 1e4, 1e4]);
    });

    it('pos_weight [C] scales only the positive term, per class of the last dim', () => {
      const pw = f([3], [3, 0.5, 2]);
      const plainTerms = (t: Tensor) => binaryCrossEntropyWithLogits(logits, t, { reduction: 'none' }).data;
      const weighted = (t: Tensor) => binaryCrossEntropyWithLogits(logits, t, { reduction: 'none', pos_weight: pw }).data;
      const ones = f([2, 3], [1, 1, 1, 1, 1, 1]);
      const zeros = f([2, 3], [0, 0, 0, 0, 0, 0]);
      allNear(weighted(ones), Array.from(plainTerms(ones), (v, k) => v * pw.data[k % 3]));
      allNear(weighted(zeros), plainTerms(zeros));
    });

    it('weight and pos_weight broadcast like their expanded forms ([N,1] and [1] too)', () => {
      const a = binaryCrossEntropyWithLogitsTerms(logits, targets, { weight: f([2, 1], [2, 3]), pos_weight: f([1], [4]) }).loss.data;
      const b = binaryCrossEntropyWithLogitsTerms(logits, targets, { weight: f([2, 3], [2, 2, 2, 3, 3, 3]), pos_weight: f([2, 3], [4, 4, 4, 4, 4, 4]) }).loss.data;
      allNear(a, b, 1e-15);
    });

    it('gradients for input and target match central differences, with and without pos_weight', () => {
      const cases: BinaryCrossEntropyWithLogitsOptions[] = [{}, { weight: f([3], [2, 0.5, 1]), pos_weight: f([3], [3, 0.5, 2]), reduction: 'sum' }];
      for (const opts of cases) {
        const g = binaryCrossEntropyWithLogitsBackward(logits, targets, opts);
        allNear(g.input.data, numericGrad((x) => value(binaryCrossEntropyWithLogits(x, targets, opts)), logits), 1e-7);
        allNear(g.target.data, numericGrad((t) => value(binaryCrossEntropyWithLogits(logits, t, opts)), targets), 1e-7);
      }
    });

    it('gradient is σ(x) − t per element; ±1e4 logits give exact 0/±1', () => {
      const g = binaryCrossEntropyWithLogitsBackward(f([4], [1e4, -1e4, 1e4, 0]), f([4], [1, 1, 0, 0.25]), { reduction: 'sum' });
      assert.deepStrictEqual(Array.from(g.input.data), [0, -1, 1, 0.25]);
      assert.deepStrictEqual(Array.from(g.target.data), [-1e4, 1e4, -1e4, -0]);
    });

    it('NaN logits give NaN; empty input has a NaN mean', () => {
      assert.ok(Number.isNaN(binaryCrossEntropyWithLogits(f([1], [NaN]), f([1], [1]), { reduction: 'none' }).data[0]));
      assert.ok(Number.isNaN(value(binaryCrossEntropyWithLogits(f([0, 3], []), f([0, 3], []), { pos_weight: f([3], [1, 2, 3]) }))));
    });

    it('rejects mismatched targets and a pos_weight that does not broadcast', () => {
      throwsEngine(
        () => binaryCrossEntropyWithLogits(f([3], [0.5, 0.5, 0.5]), f([1], [1])),
        'shape_mismatch',
        "binary_cross_entropy_with_logits: target [1] must have the input's shape [3]; give one target per input element.",
      );
      throwsEngine(
        () => binaryCrossEntropyWithLogits(logits, targets, { pos_weight: f([2], [1, 2]) }),
        'shape_mismatch',
        'binary_cross_entropy_with_logits: input [2,3] and pos_weight [2] do not broadcast (dim -1: 3 vs 2); give them the same shape or size 1 on that dim.',
      );
    });

    it('the registry entries have PyTorch arguments and defaults', () => {
      assert.deepStrictEqual(
        registry.get('binary_cross_entropy_with_logits').args.map((a) => [a.name, a.default]),
        [['input', undefined], ['target', undefined], ['weight', null], ['pos_weight', null], ['reduction', 'mean']],
      );
      assert.deepStrictEqual(
        registry.get('binary_cross_entropy').args.map((a) => [a.name, a.default]),
        [['input', undefined], ['target', undefined], ['weight', null], ['reduction', 'mean']],
      );
    });
  });
});
