import * as assert from 'assert';
import {
  tripletMarginLoss,
  tripletMarginLossBackward,
  tripletMarginWithDistanceLoss,
  tripletMarginWithDistanceLossBackward,
} from '../../../../src/engine/losses/triplet';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, throwsEngine } from '../../../support/numeric';
import { assertGradMatchesFiniteDifference } from '../../../support/finiteDifference';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const row = (...data: number[]): Tensor => f([1, data.length], data);
const EPS = 1e-6;

describe('engine/losses/triplet', () => {
  describe('triplet_margin_loss', () => {
    it('max(0, margin + ‖a − p + eps‖ − ‖a − n + eps‖): a 3-4-5 positive against a 6-8-10 negative', () => {
      const dp = Math.hypot(-3 + EPS, -4 + EPS);
      const dn = Math.hypot(-6 + EPS, -8 + EPS);
      near(tripletMarginLoss(row(0, 0), row(6, 8), row(3, 4), { reduction: 'none' }).data[0], 1 + dn - dp);
      assert.strictEqual(tripletMarginLoss(row(0, 0), row(3, 4), row(6, 8)).data[0], 0);
      near(tripletMarginLoss(row(0, 0), row(3, 4), row(6, 8), { margin: 6 }).data[0], 6 + dp - dn);
    });

    it('identical vectors are eps·D^(1/p) apart, so three equal embeddings cost exactly the margin', () => {
      near(tripletMarginLoss(row(1, 2), row(1, 2), row(1, 2), { margin: 0.5 }).data[0], 0.5);
    });

    it('p = 1, 3 and ∞ are the matching norms of a − b + eps', () => {
      const a = row(0, 0);
      const p = row(1, -2);
      const n = row(0, 0);
      const v = [-1 + EPS, 2 + EPS];
      near(tripletMarginLoss(a, p, n, { p: 1, margin: 0 }).data[0], Math.abs(v[0]) + Math.abs(v[1]) - 2 * EPS, 1e-12);
      near(tripletMarginLoss(a, p, n, { p: 3, margin: 0 }).data[0], Math.cbrt(Math.abs(v[0]) ** 3 + v[1] ** 3) - Math.cbrt(2) * EPS, 1e-12);
      near(tripletMarginLoss(a, p, n, { p: Infinity, margin: 0 }).data[0], v[1] - EPS, 1e-12);
    });

    it('swap takes min(d(a, n), d(p, n)); a tie splits the negative’s gradient in half', () => {
      const a = row(0, 0);
      const p = row(5, 0);
      const n = row(4, 0);
      const noSwap = tripletMarginLoss(a, p, n, { reduction: 'none' }).data[0];
      const swapped = tripletMarginLoss(a, p, n, { swap: true, reduction: 'none' }).data[0];
      assert.ok(swapped > noSwap);
      near(swapped, 1 + (5 - EPS) - (1 + EPS), 1e-12);
      const tie = tripletMarginLossBackward(row(1, 2), row(1, 2), row(1.5, 2), { swap: true, reduction: 'sum' });
      const plain = tripletMarginLossBackward(row(1, 2), row(1, 2), row(1.5, 2), { reduction: 'sum' });
      // d(a, n) = d(p, n): each gets half of −1, so the negative's gradient matches the no-swap one.
      allNear(tie.negative.data, plain.negative.data, 1e-12);
      allNear(tie.anchor.data, [plain.anchor.data[0] - plain.negative.data[0] / 2 + plain.negative.data[0], plain.anchor.data[1] - plain.negative.data[1] / 2 + plain.negative.data[1]], 1e-12);
    });

    it('shapes: [N, D] gives [N], [D] gives 0-d, [B, N, D] gives [B, N]; an empty batch has a NaN mean', () => {
      const z = (...s: number[]) => f(s, new Array(s.reduce((x, y) => x * y, 1)).fill(0));
      assert.deepStrictEqual(tripletMarginLoss(z(3, 2), z(3, 2), z(3, 2), { reduction: 'none' }).shape, [3]);
      assert.deepStrictEqual(tripletMarginLoss(z(2), z(2), z(2), { reduction: 'none' }).shape, []);
      assert.deepStrictEqual(tripletMarginLoss(z(2, 3, 4), z(2, 3, 4), z(2, 3, 4), { reduction: 'none' }).shape, [2, 3]);
      assert.ok(Number.isNaN(tripletMarginLoss(z(0, 3), z(0, 3), z(0, 3)).data[0]));
    });

    it('rejects inputs of different dims, shapes that do not broadcast and p ≤ 0', () => {
      const x = f([2, 3], [1, 2, 3, 4, 5, 6]);
      throwsEngine(
        () => tripletMarginLoss(x, f([3], [1, 2, 3]), x),
        'shape_mismatch',
        'triplet_margin_loss: anchor [2,3], positive [3] and negative [2,3] must have the same number of dims; give all three [N, D] (or [D]).',
      );
      throwsEngine(
        () => tripletMarginLoss(x, x, f([2, 2], [1, 2, 3, 4])),
        'shape_mismatch',
        'triplet_margin_loss: anchor [2,3] and negative [2,2] do not broadcast (dim -1: 3 vs 2); give them the same shape or size 1 on that dim.',
      );
      throwsEngine(() => tripletMarginLoss(x, x, x, { p: 0 }), 'invalid_argument', 'triplet_margin_loss: p=0 is not supported; use a norm degree p > 0 (2 is the Euclidean distance, 1 the Manhattan).');
    });
  });

  describe('triplet_margin_with_distance_loss', () => {
    it('cosine: parallel positive and orthogonal negative cost max(0, margin − 1)', () => {
      assert.strictEqual(tripletMarginWithDistanceLoss(row(1, 0), row(2, 0), row(0, 3), { distanceFunction: 'cosine' }).data[0], 0);
      near(tripletMarginWithDistanceLoss(row(1, 0), row(2, 0), row(0, 3), { distanceFunction: 'cosine', margin: 1.5 }).data[0], 0.5);
      near(tripletMarginWithDistanceLoss(row(1, 0), row(0, 3), row(2, 0), { distanceFunction: 'cosine' }).data[0], 2);
    });

    it('cosine reduces over dim 1: [B, D, K] inputs give [B, K]', () => {
      const x = f([2, 3, 4], Array.from({ length: 24 }, (_, k) => Math.sin(k + 1)));
      const y = f([2, 3, 4], Array.from({ length: 24 }, (_, k) => Math.cos(k)));
      assert.deepStrictEqual(tripletMarginWithDistanceLoss(x, y, x, { distanceFunction: 'cosine', reduction: 'none' }).shape, [2, 4]);
    });

    it('a norm below 1e-8 is clamped, and the gradient uses the clamped norm (PyTorch 1.13)', () => {
      const g = tripletMarginWithDistanceLossBackward(row(1e-9, 0), row(1, 2), row(2, 1), { distanceFunction: 'cosine', reduction: 'sum' });
      // d/da [−cos(a, p) + cos(a, n)] with n_a = 1e-8: (n̂ − p̂)/n_a − (cos_n − cos_p)·a/n_a².
      const s5 = Math.sqrt(5);
      const cp = (1e-9 * (1 / s5)) / 1e-8;
      const cn = (1e-9 * (2 / s5)) / 1e-8;
      allNear(g.anchor.data, [(2 / s5 - 1 / s5) / 1e-8 - ((cn - cp) * 1e-9) / 1e-16, (1 / s5 - 2 / s5) / 1e-8], 1e-3);
    });

    it("pairwise (and None) is F.pairwise_distance with p = 2 and eps = 1e-6, and the dims may differ", () => {
      const a = f([2, 2], [0, 0, 1, 1]);
      const p = f([2], [3, 4]);
      const n = f([2, 2], [6, 8, 1, 1]);
      const want = tripletMarginLoss(a, f([1, 2], [3, 4]), n, { reduction: 'none' });
      allNear(tripletMarginWithDistanceLoss(a, p, n, { reduction: 'none' }).data, want.data, 1e-15);
      allNear(tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: null, reduction: 'none' }).data, want.data, 1e-15);
    });

    it('rejects the cosine distance on [D] inputs (cosine_similarity has no dim 1) and an unknown distance', () => {
      const v = f([2], [1, 2]);
      throwsEngine(
        () => tripletMarginWithDistanceLoss(v, v, v, { distanceFunction: 'cosine' }),
        'invalid_argument',
        'triplet_margin_with_distance_loss: the cosine distance (1 - F.cosine_similarity(a, b)) reduces over dim 1, but anchor [2] and positive [2] have no dim 1; give [N, D] embeddings.',
      );
      assert.throws(() => registry.call('triplet_margin_with_distance_loss', { anchor: v, positive: v, negative: v, distance_function: 'euclid' }), /'pairwise', 'cosine'/);
    });
  });

  describe('closed-form gradients match finite differences', () => {
    const a = f([2, 3], [0.3, -1.2, 2.5, 0.05, 1.7, -0.6]);
    const p = f([2, 3], [0.9, -0.2, 1.1, 0.8, -1.3, 0.4]);
    const n = f([2, 3], [0.1, -1.0, 2.0, 1.5, 0.2, -0.9]);
    const g = f([2], [1.5, -0.5]);
    const all = ['anchor', 'positive', 'negative'];
    for (const pp of [1, 1.5, 2, 3, 0.5, Infinity]) {
      for (const swap of [false, true]) {
        it(`triplet_margin_loss p=${pp} swap=${swap}`, () =>
          assertGradMatchesFiniteDifference('triplet_margin_loss', { anchor: a, positive: p, negative: n, margin: 3, p: pp, eps: 1e-6, swap, reduction: 'none' }, all, g, 1e-5));
      }
    }
    for (const d of ['pairwise', 'cosine']) {
      for (const swap of [false, true]) {
        it(`triplet_margin_with_distance_loss ${d} swap=${swap}, broadcast positive`, () =>
          assertGradMatchesFiniteDifference('triplet_margin_with_distance_loss', { anchor: a, positive: f([1, 3], [0.9, -0.2, 1.1]), negative: n, distance_function: d, margin: 2, swap, reduction: 'none' }, all, g));
      }
    }
  });

  it('registers with PyTorch’s argument order and defaults', () => {
    const sig = (name: string) => registry.get(name).args.map((x) => (x.default === undefined ? x.name : `${x.name}=${String(x.default)}`)).join(', ');
    assert.strictEqual(sig('triplet_margin_loss'), 'anchor, positive, negative, margin=1, p=2, eps=0.000001, swap=false, reduction=mean');
    assert.strictEqual(sig('triplet_margin_with_distance_loss'), 'anchor, positive, negative, distance_function=pairwise, margin=1, swap=false, reduction=mean');
  });
});
