import * as assert from 'assert';
import {
  cosineEmbeddingLoss,
  cosineEmbeddingLossBackward,
  hingeEmbeddingLoss,
  hingeEmbeddingLossBackward,
  marginRankingLoss,
  marginRankingLossBackward,
  multiMarginLoss,
  multiMarginLossBackward,
  multilabelSoftMarginLoss,
  multilabelSoftMarginLossBackward,
  softMarginLoss,
  softMarginLossBackward,
} from '../../../../src/engine/losses/margin';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, throwsEngine } from '../../../support/numeric';
import { assertGradMatchesFiniteDifference } from '../../../support/finiteDifference';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const vec = (...data: number[]): Tensor => f([data.length], data);
const ints = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const values = (t: Tensor): number[] => Array.from(t.data, (v) => v + 0);
const nearAll = (actual: Tensor, expected: number[], tol = 1e-12): void => allNear(actual.data, expected, tol);

describe('engine/losses/margin', () => {
  describe('hinge_embedding_loss', () => {
    it('x for t = 1 (even negative), max(0, margin − x) for t = −1, both terms otherwise', () => {
      const out = hingeEmbeddingLoss(vec(-0.5, 0.3, 2, 0.4), vec(1, -1, -1, 0), { reduction: 'none' });
      nearAll(out, [-0.5, 0.7, 0, 0.4 + 0.6]);
    });

    it('gradient: +1 where t ≠ −1, −1 where t ≠ 1 and x ≤ margin (including x = margin)', () => {
      const g = hingeEmbeddingLossBackward(vec(-0.5, 0.3, 2, 1, 0.4), vec(1, -1, -1, -1, 0), { reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [1, -1, 0, -1, 0]);
    });

    it('an empty input has a NaN mean', () => {
      assert.ok(Number.isNaN(hingeEmbeddingLoss(f([0], []), f([0], [])).data[0]));
    });
  });

  describe('margin_ranking_loss', () => {
    it('is 0 once the right input leads by the margin, linear before', () => {
      nearAll(marginRankingLoss(vec(3, 1, 1), vec(1, 3, 1), vec(1, 1, -1), { margin: 0.5, reduction: 'none' }), [0, 2.5, 0.5]);
    });

    it('gradients −t and t where the hinge is active, including exactly at 0', () => {
      const g = marginRankingLossBackward(vec(3, 1, 1), vec(1, 3, 1), vec(1, 1, -1), { margin: 0, reduction: 'sum' });
      assert.deepStrictEqual(values(g.input1), [0, -1, 1]);
      assert.deepStrictEqual(values(g.input2), [0, 1, -1]);
      assert.deepStrictEqual(Object.keys(g).sort(), ['input1', 'input2']);
    });

    it('0-d tensors give a 0-d loss', () => {
      const out = marginRankingLoss(f([], [0.2]), f([], [0.5]), f([], [1]), { margin: 0.1, reduction: 'none' });
      assert.deepStrictEqual(out.shape, []);
      near(out.data[0], 0.4);
    });

    it('rejects tensors with different numbers of dims, naming all three', () => {
      throwsEngine(
        () => marginRankingLoss(vec(1, 2, 3), vec(1, 2, 3), f([3, 1], [1, 1, 1])),
        'shape_mismatch',
        'margin_ranking_loss: input1 [3], input2 [3] and target [3,1] must have the same number of dims; reshape them to match.',
      );
    });
  });

  describe('soft_margin_loss', () => {
    it('x = 0 gives ln 2; a confident right answer gives ~0', () => {
      near(softMarginLoss(vec(0, 0), vec(1, -1)).data[0], Math.LN2);
      assert.ok(softMarginLoss(vec(40), vec(1)).data[0] < 1e-17);
    });

    it('is exact where float32 PyTorch overflows: log(1 + e^100) = 100, and the tail keeps its precision', () => {
      const out = softMarginLoss(vec(-100, 100, 50, -1e4), vec(1, -1, 1, 1), { reduction: 'none' });
      assert.strictEqual(out.data[0], 100);
      assert.strictEqual(out.data[1], 100);
      near(out.data[2], Math.exp(-50), 1e-35);
      assert.strictEqual(out.data[3], 1e4);
      const g = softMarginLossBackward(vec(-1e4, 1e4), vec(1, 1), { reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [-1, 0]);
    });

    it('gradient is −t·σ(−t·x)', () => {
      nearAll(softMarginLossBackward(vec(0, 2), vec(1, -1), { reduction: 'sum' }).input, [-0.5, 1 / (1 + Math.exp(-2))]);
    });

    it('the target may broadcast to the input but not enlarge it', () => {
      assert.deepStrictEqual(softMarginLoss(f([2, 2], [1, 2, 3, 4]), vec(1, -1), { reduction: 'none' }).shape, [2, 2]);
      throwsEngine(
        () => softMarginLoss(vec(1, 2), f([2, 1], [1, -1])),
        'shape_mismatch',
        "soft_margin_loss: target [2,1] would broadcast input [2] to a larger shape; give target the input's shape.",
      );
    });
  });

  describe('multilabel_soft_margin_loss', () => {
    it('zero logits give ln 2 per sample', () => {
      nearAll(multilabelSoftMarginLoss(f([2, 3], [0, 0, 0, 0, 0, 0]), f([2, 3], [1, 0, 1, 0, 0, 1]), { reduction: 'none' }), [Math.LN2, Math.LN2]);
    });

    it('with {0,1} targets it is the mean over classes of soft_margin_loss with targets 2t − 1', () => {
      const x = f([2, 4], [0.3, -2, 5, 0.1, -0.7, 1.2, 3.3, -4]);
      const t = [1, 0, 1, 1, 0, 0, 1, 0];
      const ml = multilabelSoftMarginLoss(x, f([2, 4], t), { reduction: 'none' });
      const sm = softMarginLoss(x, f([2, 4], t.map((v) => 2 * v - 1)), { reduction: 'none' }).data;
      nearAll(ml, [0, 1].map((r) => (sm[4 * r] + sm[4 * r + 1] + sm[4 * r + 2] + sm[4 * r + 3]) / 4));
    });

    it('±1e4 logits stay finite: a wrong certain answer costs |x|/C', () => {
      const out = multilabelSoftMarginLoss(f([1, 3], [1e4, -1e4, 50]), f([1, 3], [0, 1, 1]), { reduction: 'none' });
      near(out.data[0], (2e4 + Math.log1p(Math.exp(-50))) / 3, 1e-9);
      assert.ok(multilabelSoftMarginLossBackward(f([1, 2], [1e4, -1e4]), f([1, 2], [0, 1])).input.data.every(Number.isFinite));
    });

    it('weight scales each class; a 1-D input is one sample with a 0-d result', () => {
      const x = vec(0.5, -1, 2);
      const t = vec(1, 0, 0);
      const plain = multilabelSoftMarginLoss(x, t, { reduction: 'none' });
      assert.deepStrictEqual(plain.shape, []);
      const w = multilabelSoftMarginLoss(x, t, { weight: vec(0, 0, 3), reduction: 'none' });
      near(w.data[0], Math.log1p(Math.exp(2)));
    });

    it('gradients: w·(σ(x) − t)/C for input and −w·x/C for target', () => {
      const g = multilabelSoftMarginLossBackward(vec(0, 2), vec(1, 0.25), { weight: vec(1, 2), reduction: 'sum' });
      nearAll(g.input, [(0.5 - 1) / 2, (2 * (1 / (1 + Math.exp(-2)) - 0.25)) / 2]);
      nearAll(g.target!, [0, -2]);
    });

    it('rejects a 0-d input', () => {
      throwsEngine(() => multilabelSoftMarginLoss(f([], [1]), f([], [1])), 'shape_mismatch', 'multilabel_soft_margin_loss: input is 0-d; give it a class dim, e.g. [N, C] or [C].');
    });
  });

  describe('multi_margin_loss', () => {
    const x = f([1, 4], [0.1, 0.2, 0.4, 0.8]);
    const y = ints([1], [3]);

    it('hand case: Σ_{j≠y} max(0, 1 − x[y] + x[j])^p / C', () => {
      near(multiMarginLoss(x, y).data[0], (0.3 + 0.4 + 0.6) / 4);
      near(multiMarginLoss(x, y, { p: 2 }).data[0], (0.09 + 0.16 + 0.36) / 4);
      near(multiMarginLoss(x, y, { weight: vec(1, 1, 1, 2) }).data[0], (2 * 1.3) / 4);
    });

    it('"all right" by more than the margin gives 0, and a single class has no competitors', () => {
      assert.strictEqual(multiMarginLoss(f([2, 3], [5, 0, 1, 0, 9, 2]), ints([2], [0, 1])).data[0], 0);
      assert.deepStrictEqual(values(multiMarginLoss(f([2, 1], [3, -3]), ints([2], [0, 0]), { reduction: 'none' })), [0, 0]);
    });

    it('gradient: +h on each active j, −h on y; a hinge exactly at 0 is inactive', () => {
      const g = multiMarginLossBackward(x, y, { reduction: 'sum' });
      nearAll(g.input, [0.25, 0.25, 0.25, -0.75]);
      const tie = multiMarginLossBackward(f([1, 2], [0, 1]), ints([1], [1]), { reduction: 'sum' });
      assert.deepStrictEqual(values(tie.input), [0, 0]);
      const g2 = multiMarginLossBackward(x, y, { p: 2, reduction: 'sum' });
      nearAll(g2.input, [0.15, 0.2, 0.3, -0.65]);
    });

    it("output shape follows the target: [N] for 'none' with a 1-D target, 0-d for a 0-d target", () => {
      assert.deepStrictEqual(multiMarginLoss(vec(1, 2, 3), ints([], [0]), { reduction: 'none' }).shape, []);
      assert.deepStrictEqual(multiMarginLoss(vec(1, 2, 3), ints([1], [0]), { reduction: 'none' }).shape, [1]);
    });

    it('rejects p other than 1 or 2, a float or out-of-range target, and a wrong-size weight', () => {
      throwsEngine(() => multiMarginLoss(x, y, { p: 3 }), 'invalid_argument', 'multi_margin_loss: p=3 is not supported; use p=1 or p=2.');
      throwsEngine(() => multiMarginLoss(x, vec(3)), 'invalid_target', 'multi_margin_loss: target is float64; give class indices as an int64 tensor.');
      throwsEngine(() => multiMarginLoss(x, ints([1], [4])), 'invalid_target', 'multi_margin_loss: target[0] = 4 is out of range for 4 classes; use class indices in [0, 3].');
      throwsEngine(() => multiMarginLoss(x, ints([1], [-1])), 'invalid_target', 'multi_margin_loss: target[0] = -1 is out of range for 4 classes; use class indices in [0, 3].');
      throwsEngine(() => multiMarginLoss(x, y, { weight: vec(1, 2, 3) }), 'shape_mismatch', 'multi_margin_loss: weight [3] must be [4], one weight per class of input [1,4].');
      throwsEngine(() => multiMarginLoss(x, ints([2], [0, 1])), 'shape_mismatch', 'multi_margin_loss: target [2] must hold one class index per sample of input [1,4] (1).');
    });
  });

  describe('cosine_embedding_loss', () => {
    it('parallel pairs with t = 1 cost 0, orthogonal ones 1; antiparallel with t = −1 cost 0', () => {
      const a = f([3, 2], [1, 2, 1, 0, 1, 1]);
      const b = f([3, 2], [2, 4, 0, 3, -1, -1]);
      nearAll(cosineEmbeddingLoss(a, b, ints([3], [1, 1, -1]), { reduction: 'none' }), [0, 1, 0]);
    });

    it('t = −1 costs max(0, cos − margin); any other target costs 0', () => {
      const a = f([3, 2], [1, 0, 1, 0, 1, 0]);
      const b = f([3, 2], [1, 1, 1, 1, 1, 1]);
      nearAll(cosineEmbeddingLoss(a, b, ints([3], [-1, -1, 0]), { margin: 0.5, reduction: 'none' }), [Math.SQRT1_2 - 0.5, Math.SQRT1_2 - 0.5, 0], 1e-11);
      nearAll(cosineEmbeddingLoss(a, b, f([3], [-1, 1, 2]), { margin: 0.9, reduction: 'none' }), [0, 1 - Math.SQRT1_2, 0], 1e-11);
    });

    it('a zero vector has cos 0 (the 1e-12 in each norm) and finite gradients', () => {
      const out = cosineEmbeddingLoss(f([1, 3], [0, 0, 0]), f([1, 3], [1, 1, 1]), ints([1], [1]), { reduction: 'none' });
      assert.deepStrictEqual(values(out), [1]);
      const g = cosineEmbeddingLossBackward(f([1, 3], [0, 0, 0]), f([1, 3], [1, 1, 1]), ints([1], [1]));
      assert.ok([...g.input1.data, ...g.input2.data].every(Number.isFinite));
      near(g.input1.data[0], -1 / Math.sqrt(1e-12 * (3 + 1e-12)), 1e-6);
    });

    it('1-D inputs take a 0-d target and give a 0-d loss', () => {
      const out = cosineEmbeddingLoss(vec(1, 0), vec(0, 1), ints([], [1]), { reduction: 'none' });
      assert.deepStrictEqual(out.shape, []);
      near(out.data[0], 1);
    });

    it('rejects a 2-D target, mismatched input dims and feature sizes', () => {
      throwsEngine(
        () => cosineEmbeddingLoss(f([3, 2], new Array(6).fill(1)), f([3, 2], new Array(6).fill(1)), ints([3, 1], [1, 1, 1])),
        'shape_mismatch',
        'cosine_embedding_loss: target [3,1] must be 0-d or 1-d: one ±1 label per pair.',
      );
      throwsEngine(
        () => cosineEmbeddingLoss(vec(1, 2), vec(1, 2), ints([1], [1])),
        'shape_mismatch',
        'cosine_embedding_loss: a 1-d target needs 2-d inputs, but input1 is [2] and input2 is [2]; give [N, D] inputs with an [N] target, or [D] inputs with a 0-d target.',
      );
      throwsEngine(
        () => cosineEmbeddingLoss(f([1, 2], [1, 2]), f([1, 3], [1, 2, 3]), ints([1], [1])),
        'shape_mismatch',
        'cosine_embedding_loss: input1 [1,2] and input2 [1,3] do not broadcast (dim -1: 2 vs 3); give them the same shape or size 1 on that dim.',
      );
    });
  });

  describe('closed-form gradients match finite differences', () => {
    const x = f([2, 3], [0.3, -1.2, 2.5, 0.05, 1.7, -0.6]);
    const x2 = f([2, 3], [0.9, -0.2, 1.1, 0.8, -1.3, 0.4]);
    const pm = f([2, 3], [1, -1, -1, 1, 0.5, -1]);
    const g3 = f([2, 3], [1, -0.5, 2, 0.25, -1, 3]);
    it('hinge_embedding_loss', () => assertGradMatchesFiniteDifference('hinge_embedding_loss', { input: x, target: pm, margin: 1, reduction: 'none' }, ['input'], g3));
    it('margin_ranking_loss', () => assertGradMatchesFiniteDifference('margin_ranking_loss', { input1: x, input2: x2, target: pm, margin: 0.3, reduction: 'none' }, ['input1', 'input2'], g3));
    it('soft_margin_loss', () => assertGradMatchesFiniteDifference('soft_margin_loss', { input: x, target: pm, reduction: 'mean' }, ['input']));
    it('multilabel_soft_margin_loss with weight and soft targets', () =>
      assertGradMatchesFiniteDifference('multilabel_soft_margin_loss', { input: x, target: f([2, 3], [1, 0, 0.3, 0, 1, 0.8]), weight: vec(0.5, 2, 1), reduction: 'none' }, ['input', 'target'], vec(1.5, -0.5)));
    for (const p of [1, 2]) {
      it(`multi_margin_loss p=${p} with weight`, () =>
        assertGradMatchesFiniteDifference('multi_margin_loss', { input: x, target: ints([2], [2, 0]), p, margin: 1, weight: vec(0.5, 2, 1), reduction: 'none' }, ['input'], vec(1.5, -0.5)));
    }
    it('cosine_embedding_loss, both targets', () =>
      assertGradMatchesFiniteDifference('cosine_embedding_loss', { input1: x, input2: x2, target: ints([2], [1, -1]), margin: -0.9, reduction: 'none' }, ['input1', 'input2'], vec(1.5, -0.5)));
  });

  it('registers every margin op with PyTorch’s argument order and defaults', () => {
    const sig = (name: string) => registry.get(name).args.map((a) => (a.default === undefined ? a.name : `${a.name}=${String(a.default)}`)).join(', ');
    assert.strictEqual(sig('hinge_embedding_loss'), 'input, target, margin=1, reduction=mean');
    assert.strictEqual(sig('margin_ranking_loss'), 'input1, input2, target, margin=0, reduction=mean');
    assert.strictEqual(sig('soft_margin_loss'), 'input, target, reduction=mean');
    assert.strictEqual(sig('multilabel_soft_margin_loss'), 'input, target, weight=null, reduction=mean');
    assert.strictEqual(sig('multi_margin_loss'), 'input, target, p=1, margin=1, weight=null, reduction=mean');
    assert.strictEqual(sig('cosine_embedding_loss'), 'input1, input2, target, margin=0, reduction=mean');
  });
});
