import * as assert from 'assert';
import {
  crossEntropy,
  crossEntropyBackward,
  crossEntropyTerms,
  nllLoss,
  nllLossBackward,
  nllLossTerms,
  CrossEntropyOptions,
} from '../../../../src/engine/losses/crossEntropy';
import { logSoftmax } from '../../../../src/engine/softmax';
import { registry } from '../../../../src/engine/registry';
import { EngineError } from '../../../../src/engine/errors';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { value, near, allNear, numericGrad, throwsEngine } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const idx = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');

const logits = f([3, 4], [0.5, -1.25, 2, 0.125, 3, 3, -2, 0, -0.75, 1.5, 0.25, -3]);
const labels = idx([3], [2, 0, 1]);

describe('engine/losses/crossEntropy', () => {
  describe('cross_entropy with class indices', () => {
    it('uniform logits give ln C for any target', () => {
      near(value(crossEntropy(f([2, 5], new Array(10).fill(-3)), idx([2], [0, 4]))), Math.log(5));
      near(value(crossEntropy(f([7], new Array(7).fill(2.5)), idx([], [3]))), Math.log(7));
    });

    it('"all right" confident logits give ~0 loss and ~0 gradient', () => {
      const x = f([2, 3], [40, 0, 0, 0, 0, 40]);
      const y = idx([2], [0, 2]);
      const l = value(crossEntropy(x, y));
      assert.ok(l >= 0 && l < 1e-16, `loss ${l}`);
      for (const g of crossEntropyBackward(x, y).input.data) assert.ok(Math.abs(g) < 1e-16);
    });

    it('is -log_softmax at the target, averaged', () => {
      const lp = logSoftmax(logits, 1).data;
      const expected = -(lp[2] + lp[4] + lp[9]) / 3;
      near(value(crossEntropy(logits, labels)), expected);
      near(value(crossEntropy(logits, labels, { reduction: 'sum' })), 3 * expected);
      allNear(crossEntropy(logits, labels, { reduction: 'none' }).data, [-lp[2], -lp[4], -lp[9]]);
    });

    it('±1e4 logits stay finite and exact', () => {
      const x = f([2, 3], [1e4, -1e4, 0, -1e4, 1e4, 1e4]);
      const none = crossEntropy(x, idx([2], [1, 0]), { reduction: 'none' }).data;
      assert.strictEqual(none[0], 2e4);
      near(none[1], 2e4 + Math.LN2, 1e-15);
      const g = crossEntropyBackward(x, idx([2], [1, 0]), { reduction: 'sum' }).input.data;
      allNear(g, [1, -1, 0, -1, 0.5, 0.5], 1e-15);
    });

    it('weighted mean divides by the sum of the target weights', () => {
      const w = f([4], [1, 2, 0.5, 3]);
      const none = crossEntropy(logits, labels, { reduction: 'none', weight: w }).data;
      const plain = crossEntropy(logits, labels, { reduction: 'none' }).data;
      allNear(none, [0.5 * plain[0], 1 * plain[1], 2 * plain[2]]);
      near(value(crossEntropy(logits, labels, { weight: w })), (none[0] + none[1] + none[2]) / (0.5 + 1 + 2));
      const terms = crossEntropyTerms(logits, labels, { weight: w });
      assert.strictEqual(terms.divisor, 3.5);
      assert.strictEqual(terms.targetKind, 'class_indices');
    });

    it('ignored targets give 0 and leave the mean divisor; ignore_index may lie outside [0, C)', () => {
      const y = idx([3], [2, 9, 1]);
      const terms = crossEntropyTerms(logits, y, { ignore_index: 9 });
      assert.strictEqual(terms.loss.data[1], 0);
      assert.strictEqual(terms.divisor, 2);
      near(value(crossEntropy(logits, y, { ignore_index: 9 })), (terms.loss.data[0] + terms.loss.data[2]) / 2);
      for (const label_smoothing of [0, 0.2]) {
        const g = crossEntropyBackward(logits, y, { ignore_index: 9, label_smoothing }).input.data;
        assert.deepStrictEqual(Array.from(g.slice(4, 8)), [0, 0, 0, 0]);
        assert.ok(g.slice(0, 4).some((v) => v !== 0));
      }
    });

    it('every target ignored: mean is NaN, sum is 0, gradient is 0', () => {
      const y = idx([3], [-100, -100, -100]);
      assert.ok(Number.isNaN(value(crossEntropy(logits, y))));
      assert.strictEqual(value(crossEntropy(logits, y, { reduction: 'sum' })), 0);
      assert.ok(crossEntropyBackward(logits, y).input.data.every((v) => v === 0));
      assert.ok(Number.isNaN(value(crossEntropy(logits, y, { label_smoothing: 0.2 }))));
    });

    it('label smoothing is (1-ε)·nll + (ε/C)·Σ −log p', () => {
      const lp = logSoftmax(logits, 1).data;
      const rowSum = (r: number) => -(lp[4 * r] + lp[4 * r + 1] + lp[4 * r + 2] + lp[4 * r + 3]);
      const none = crossEntropy(logits, labels, { reduction: 'none', label_smoothing: 0.3 }).data;
      allNear(none, [0.7 * -lp[2] + (0.3 / 4) * rowSum(0), 0.7 * -lp[4] + (0.3 / 4) * rowSum(1), 0.7 * -lp[9] + (0.3 / 4) * rowSum(2)]);
    });

    it('label_smoothing = 1 with uniform logits is ln C; a negative ε acts as 0', () => {
      near(value(crossEntropy(f([1, 6], new Array(6).fill(0.25)), idx([1], [4]), { label_smoothing: 1 })), Math.log(6));
      assert.strictEqual(value(crossEntropy(logits, labels, { label_smoothing: -0.5 })), value(crossEntropy(logits, labels)));
    });

    it('[N,C,d] input equals the same rows laid out as [N·d, C]', () => {
      // x[n][c][d] for N=2, C=3, d=2, and the rows (n,d) as a [4,3] matrix.
      const x = f([2, 3, 2], [1, -1, 0.5, 2, -0.5, 0, 3, 1, -2, 0.25, 0, -1]);
      const rows = f([4, 3], [1, 0.5, -0.5, -1, 2, 0, 3, -2, 0, 1, 0.25, -1]);
      const y = idx([2, 2], [0, 2, 1, 0]);
      const yRows = idx([4], [0, 2, 1, 0]);
      const opts: CrossEntropyOptions = { weight: f([3], [1, 2, 3]), label_smoothing: 0.1, reduction: 'none' };
      const a = crossEntropy(x, y, opts);
      assert.deepStrictEqual(a.shape, [2, 2]);
      allNear(a.data, crossEntropy(rows, yRows, opts).data);
      const ga = crossEntropyBackward(x, y, opts, f([2, 2], [1, -2, 0.5, 3])).input.data;
      const gr = crossEntropyBackward(rows, yRows, opts, f([4], [1, -2, 0.5, 3])).input.data;
      const layout = [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11];
      allNear(ga, layout.map((k) => gr[k]));
    });

    it('gradient matches central differences (weight, smoothing, mean)', () => {
      const opts: CrossEntropyOptions = { weight: f([4], [1, 2, 0.5, 3]), label_smoothing: 0.2 };
      const g = crossEntropyBackward(logits, labels, opts).input.data;
      allNear(g, numericGrad((x) => value(crossEntropy(x, labels, opts)), logits), 1e-7);
    });

    it('gradient rows sum to 0 (softmax shift invariance)', () => {
      const g = crossEntropyBackward(logits, labels, { weight: f([4], [1, 2, 0.5, 3]), label_smoothing: 0.4, reduction: 'sum' }).input.data;
      for (let r = 0; r < 3; r++) near(g[4 * r] + g[4 * r + 1] + g[4 * r + 2] + g[4 * r + 3], 0, 1e-15);
    });

    it('−∞ at the target gives ∞; −∞ elsewhere has probability 0; NaN stays in its row', () => {
      const x = f([3, 3], [0, -Infinity, 1, NaN, 0, 0, 1, 2, 3]);
      const none = crossEntropy(x, idx([3], [1, 0, 2]), { reduction: 'none' }).data;
      assert.strictEqual(none[0], Infinity);
      assert.ok(Number.isNaN(none[1]));
      near(none[2], 0.40760596444438, 1e-12);
      const g = crossEntropyBackward(x, idx([3], [0, 0, 2]), { reduction: 'none' }).input.data;
      assert.strictEqual(g[1], 0);
      assert.ok(g.slice(3, 6).every(Number.isNaN));
    });

    it('empty batch: none is [0], sum 0, mean NaN', () => {
      const x = f([0, 4], []);
      const y = idx([0], []);
      assert.deepStrictEqual(crossEntropy(x, y, { reduction: 'none' }).shape, [0]);
      assert.strictEqual(value(crossEntropy(x, y, { reduction: 'sum' })), 0);
      assert.ok(Number.isNaN(value(crossEntropy(x, y))));
    });
  });

  describe('cross_entropy with probabilities', () => {
    it('a one-hot target equals the class-index loss without weight or smoothing', () => {
      const q = f([3, 4], [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
      near(value(crossEntropy(logits, q)), value(crossEntropy(logits, labels)));
      allNear(crossEntropyBackward(logits, q).input.data, crossEntropyBackward(logits, labels).input.data);
      assert.strictEqual(crossEntropyTerms(logits, q).targetKind, 'probabilities');
    });

    it('with weight a one-hot target differs from class indices only by the mean divisor (N, not Σ w[y])', () => {
      const q = f([3, 4], [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
      const w = f([4], [1, 2, 0.5, 3]);
      const probs = crossEntropyTerms(logits, q, { weight: w });
      assert.strictEqual(probs.divisor, 3);
      allNear(probs.loss.data, crossEntropyTerms(logits, labels, { weight: w }).loss.data);
      near(3 * value(crossEntropy(logits, q, { weight: w })), 3.5 * value(crossEntropy(logits, labels, { weight: w })));
      const smoothed = (t: Tensor) => crossEntropy(logits, t, { weight: w, label_smoothing: 0.2, reduction: 'sum' });
      // Summed, the two forms agree term by term, smoothing included: only the mean's divisor differs.
      near(value(smoothed(q)), value(smoothed(labels)));
    });

    it('uniform target on uniform logits gives ln C; the target is not renormalised', () => {
      near(value(crossEntropy(f([4], [1, 1, 1, 1]), f([4], [0.25, 0.25, 0.25, 0.25]))), Math.log(4));
      near(value(crossEntropy(f([4], [1, 1, 1, 1]), f([4], [0.5, 0.5, 0.5, 0.5]))), 2 * Math.log(4));
    });

    it('smoothing mixes the target with ε/C', () => {
      const q = f([1, 4], [0.1, 0.2, 0.3, 0.4]);
      const x = f([1, 4], [0.5, -1, 2, 0]);
      const mixed = f([1, 4], [0.1, 0.2, 0.3, 0.4].map((v) => 0.6 * v + 0.1));
      near(value(crossEntropy(x, q, { label_smoothing: 0.4 })), value(crossEntropy(x, mixed)));
    });

    it('0·(−∞) is NaN: a zero target entry at a −∞ logit makes the loss NaN', () => {
      assert.ok(Number.isNaN(value(crossEntropy(f([3], [0, -Infinity, 1]), f([3], [0.5, 0, 0.5])))));
    });

    it('gradients for input and target match central differences', () => {
      const q = f([3, 4], [0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1, 0, 0.5, 0.25, 0.25]);
      const opts: CrossEntropyOptions = { weight: f([4], [1, 2, 0.5, 3]), label_smoothing: 0.3, reduction: 'mean' };
      const g = crossEntropyBackward(logits, q, opts);
      allNear(g.input.data, numericGrad((x) => value(crossEntropy(x, q, opts)), logits), 1e-7);
      assert.ok(g.target);
      allNear(g.target.data, numericGrad((t) => value(crossEntropy(logits, t, opts)), q), 1e-7);
    });
  });

  describe('cross_entropy errors', () => {
    it('rejects bad targets, shapes, weights and options with the category and a message', () => {
      throwsEngine(() => crossEntropy(logits, idx([3], [2, 4, 1])), 'invalid_target', 'cross_entropy: target[1] = 4 is not a class of input [3,4]; class indices must be in [0, 3] or equal ignore_index (-100).');
      throwsEngine(() => crossEntropy(logits, idx([3], [2, -1, 1])), 'invalid_target', 'cross_entropy: target[1] = -1 is not a class of input [3,4]; class indices must be in [0, 3] or equal ignore_index (-100).');
      throwsEngine(() => crossEntropy(logits, f([3], [0, 1, 2])), 'invalid_target', 'cross_entropy: target [3] is float32 but class indices must be an int64 tensor; convert it with .long().');
      throwsEngine(
        () => crossEntropy(logits, idx([2], [0, 1])),
        'shape_mismatch',
        'cross_entropy: target [2] does not fit input [3,4]: give one class index per row, shape [3], or a probability target of shape [3,4].',
      );
      throwsEngine(
        () => crossEntropy(logits, idx([3], [0, 1, 2]), { weight: f([3], [1, 1, 1]) }),
        'shape_mismatch',
        'cross_entropy: weight [3] must have one entry per class, shape [4]; give a 1-D weight of length 4 or None.',
      );
      throwsEngine(() => crossEntropy(logits, labels, { label_smoothing: 1.5 }), 'invalid_argument', 'cross_entropy: label_smoothing=1.5 is out of range; use a value between 0.0 and 1.0.');
      throwsEngine(
        () => crossEntropy(logits, f([3, 4], new Array(12).fill(0.25)), { ignore_index: 1 }),
        'invalid_argument',
        'cross_entropy: ignore_index=1 is not supported with a probability target; leave it at -100.',
      );
      throwsEngine(
        () => crossEntropy(logits, idx([3, 4], new Array(12).fill(0))),
        'invalid_target',
        "cross_entropy: target [3,4] has the input's shape, so it is read as class probabilities, but it is int64; give a float target, or class indices without the class dim.",
      );
      throwsEngine(() => crossEntropy(f([], [1]), idx([], [0])), 'invalid_argument', 'cross_entropy: input is 0-d but needs a class dim; give it shape [C], [N,C] or [N,C,d1,...].');
      throwsEngine(
        () => crossEntropy(logits, labels, { reduction: 'batchmean' as 'mean' }),
        'invalid_reduction',
        "cross_entropy: reduction='batchmean' is not valid; use 'none', 'mean' or 'sum'.",
      );
    });

    it('the registry fills PyTorch defaults and rejects a bad reduction as invalid_reduction', () => {
      near(value(registry.call('cross_entropy', { input: logits, target: labels }) as Tensor), value(crossEntropy(logits, labels)));
      assert.deepStrictEqual(
        registry.get('cross_entropy').args.map((a) => [a.name, a.default]),
        [['input', undefined], ['target', undefined], ['weight', null], ['ignore_index', -100], ['reduction', 'mean'], ['label_smoothing', 0]],
      );
      assert.throws(() => registry.call('cross_entropy', { input: logits, target: labels, reduction: 'avg' }), (e: unknown) => e instanceof EngineError && e.code === 'invalid_reduction');
    });
  });

  describe('nll_loss', () => {
    it('is −w[y]·input[y], used as given (not normalised)', () => {
      const x = f([2, 3], [0.5, 7, -2, -1, -2, -3]);
      allNear(nllLoss(x, idx([2], [1, 2]), { reduction: 'none' }).data, [-7, 3]);
      near(value(nllLoss(x, idx([2], [1, 2]), { weight: f([3], [1, 2, 4]) })), (-14 + 12) / 6);
      assert.strictEqual(nllLossTerms(x, idx([2], [1, 2]), { weight: f([3], [1, 2, 4]) }).divisor, 6);
    });

    it('nll_loss(log_softmax(x)) equals cross_entropy(x); its gradient is −w[y]/Σ w[y] at the targets', () => {
      const lp = logSoftmax(logits, 1);
      const w = f([4], [1, 2, 0.5, 3]);
      near(value(nllLoss(lp, labels, { weight: w })), value(crossEntropy(logits, labels, { weight: w })));
      const g = nllLossBackward(lp, labels, { weight: w }).data;
      assert.deepStrictEqual(Array.from(g), [0, 0, -0.5 / 3.5, 0, -1 / 3.5, 0, 0, 0, 0, -2 / 3.5, 0, 0]);
    });

    it('a 1-D input takes a 0-d target; [N,C,d1,d2] takes [N,d1,d2]', () => {
      assert.strictEqual(value(nllLoss(f([3], [0.5, 7, -2]), idx([], [2]), { reduction: 'none' })), 2);
      const x = f([1, 2, 1, 2], [-1, -2, -3, -4]);
      const none = nllLoss(x, idx([1, 1, 2], [1, 0]), { reduction: 'none' });
      assert.deepStrictEqual(none.shape, [1, 1, 2]);
      assert.deepStrictEqual(Array.from(none.data), [3, 2]);
    });

    it('all selected weights zero: mean is NaN and the gradient NaN at the targets (0/0), as PyTorch', () => {
      const x = f([2, 3], [-1, -2, -3, -1, -2, -3]);
      const opts = { weight: f([3], [1, 0, 1]) };
      assert.ok(Number.isNaN(value(nllLoss(x, idx([2], [1, 1]), opts))));
      const g = nllLossBackward(x, idx([2], [1, 1]), opts).data;
      assert.deepStrictEqual(Array.from(g).map(Number.isNaN), [false, true, false, false, true, false]);
    });

    it('rejects out-of-range and float targets with nll_loss in the message', () => {
      const x = f([2, 3], [-1, -2, -3, -1, -2, -3]);
      throwsEngine(() => nllLoss(x, idx([2], [3, 0])), 'invalid_target', 'nll_loss: target[0] = 3 is not a class of input [2,3]; class indices must be in [0, 2] or equal ignore_index (-100).');
      throwsEngine(() => nllLoss(x, f([2], [0, 1])), 'invalid_target', 'nll_loss: target [2] is float32 but class indices must be an int64 tensor; convert it with .long().');
    });
  });
});
