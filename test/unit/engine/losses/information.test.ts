import * as assert from 'assert';
import { crossEntropyDecomposition, entropy, entropyBackward, jsDivergence, jsDivergenceBackward, xlogyZero } from '../../../../src/engine/losses/information';
import { crossEntropy } from '../../../../src/engine/losses/crossEntropy';
import { klDiv } from '../../../../src/engine/losses/kl';
import { registry } from '../../../../src/engine/registry';
import { logSoftmax, softmax } from '../../../../src/engine/softmax';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, numericGrad, seededRandom, throwsEngine, value } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const rand = seededRandom(7);
const randomLogits = (shape: number[], scale = 4): Tensor => f(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rand() - 0.5) * 2 * scale));
/** Rows of random probabilities along the last dim. */
const randomProbs = (shape: number[]): Tensor => softmax(randomLogits(shape), -1);

describe('engine/losses/information', () => {
  describe('xlogyZero', () => {
    it('is 0 for x = 0 unless y is NaN', () => {
      assert.strictEqual(xlogyZero(0, 0), 0);
      assert.strictEqual(xlogyZero(0, Infinity), 0);
      assert.ok(Number.isNaN(xlogyZero(0, NaN)));
      near(xlogyZero(2, Math.E), 2);
    });
  });

  describe('entropy', () => {
    it('uniform gives ln C', () => {
      for (const c of [1, 2, 5, 1000]) near(value(entropy(f([c], new Array(c).fill(1 / c)))), Math.log(c), 1e-12, `C=${c}`);
    });

    it('base 2 gives bits and base 10 gives decimal digits', () => {
      near(value(entropy(f([4], [0.25, 0.25, 0.25, 0.25]), { base: 2 })), 2);
      near(value(entropy(f([2], [0.5, 0.5]), { base: 2 })), 1);
      near(value(entropy(f([10], new Array(10).fill(0.1)), { base: 10 })), 1);
      const p = randomProbs([3, 6]);
      allNear(entropy(p, { base: 2 }).data, Array.from(entropy(p).data, (h) => h / Math.LN2));
    });

    it('one-hot rows give 0 (0·ln 0 = 0)', () => {
      const h = entropy(f([2, 3], [0, 1, 0, 0, 0, 1]));
      assert.deepStrictEqual(Array.from(h.data), [0, 0]);
    });

    it('normalises each row by its sum first', () => {
      allNear(entropy(f([1, 3], [1, 1, 2])).data, entropy(f([1, 3], [0.25, 0.25, 0.5])).data);
      near(entropy(f([1, 3], [1, 1, 2])).data[0], 1.5 * Math.LN2);
    });

    it('drops the last dim: [2,3,4] gives [2,3], [C] gives 0-d', () => {
      assert.deepStrictEqual(entropy(randomProbs([2, 3, 4])).shape, [2, 3]);
      assert.deepStrictEqual(entropy(f([3], [0.2, 0.3, 0.5])).shape, []);
    });

    it('lies in [0, ln C] and equals −Σ p ln p for normalised rows', () => {
      const p = randomProbs([8, 7]);
      const h = entropy(p).data;
      for (let r = 0; r < 8; r++) {
        let e = 0;
        for (let c = 0; c < 7; c++) e -= p.data[r * 7 + c] * Math.log(p.data[r * 7 + c]);
        near(h[r], e);
        assert.ok(h[r] >= 0 && h[r] <= Math.log(7) + 1e-15);
      }
    });

    it('keeps precision for a nearly one-hot row', () => {
      const h = value(entropy(f([3], [1e-30, 1 - 1e-7, 1e-7])));
      const p = [1e-30, 1 - 1e-7, 1e-7];
      const s = p[0] + p[1] + p[2];
      near(h, -p.reduce((a, v) => a + (v / s) * Math.log(v / s), 0), 1e-9);
      assert.ok(h > 0);
    });

    it('gives NaN for a row that sums to 0 or holds NaN, and leaves other rows alone', () => {
      const h = entropy(f([3, 2], [0, 0, NaN, 1, 0.5, 0.5]));
      assert.ok(Number.isNaN(h.data[0]));
      assert.ok(Number.isNaN(h.data[1]));
      near(h.data[2], Math.LN2);
    });

    it('rejects a negative entry, a 0-d input and a base of 1', () => {
      throwsEngine(() => entropy(f([3], [0.5, -0.25, 0.75])), 'invalid_value', 'entropy: probs [3] has a negative entry -0.25 at flat index 1; probabilities must be >= 0.');
      throwsEngine(() => entropy(f([], [1])), 'invalid_argument', 'entropy: probs is 0-d but needs a class dim; give a [C] or [..., C] tensor.');
      throwsEngine(
        () => entropy(f([2], [0.5, 0.5]), { base: 1 }),
        'invalid_argument',
        'entropy: base=1 is not a valid logarithm base; use a positive number other than 1 (2 for bits), or None for nats.',
      );
      assert.throws(() => entropy(f([2], [0.5, 0.5]), { base: -2 }), /base=-2/);
    });

    it('has the closed-form gradient −(ln p + H)/S, matching central differences', () => {
      const q = f([2, 4], [0.5, 1.5, 0.25, 0.75, 0.1, 0.2, 0.3, 0.4]);
      const go = f([2], [0.7, -1.3]);
      const num = numericGrad((x) => {
        const h = entropy(x, { base: 2 }).data;
        return h[0] * 0.7 + h[1] * -1.3;
      }, q);
      allNear(entropyBackward(q, { base: 2 }, go).data, num, 1e-7);
    });

    it('is scale invariant, so Σ_j q_j ∂H/∂q_j = 0', () => {
      const q = f([5], [3, 1, 4, 1, 5]);
      const g = entropyBackward(q).data;
      near(g.reduce((a, v, j) => a + v * q.data[j], 0), 0, 1e-15);
    });

    it('runs through the registry with base None by default', () => {
      near(value(registry.call('entropy', { probs: f([2], [0.5, 0.5]) }) as Tensor), Math.LN2);
      allNear(registry.grad('entropy', { probs: f([2], [0.25, 0.75]) }).probs.data, entropyBackward(f([2], [0.25, 0.75])).data, 0);
    });
  });

  describe('cross_entropy_decomposition', () => {
    it('CE = H + KL per row to 1e-12, with KL ≥ 0', () => {
      const x = randomLogits([16, 10], 6);
      const p = randomProbs([16, 10]);
      const d = crossEntropyDecomposition(x, p);
      for (let r = 0; r < 16; r++) {
        near(d.cross_entropy.data[r], d.entropy.data[r] + d.kl.data[r], 1e-12, `row ${r}`);
        assert.ok(d.kl.data[r] >= 0, `row ${r}: KL ${d.kl.data[r]}`);
      }
    });

    it('agrees with cross_entropy (probability target), entropy and kl_div', () => {
      const x = randomLogits([5, 4]);
      const p = randomProbs([5, 4]);
      const d = crossEntropyDecomposition(x, p);
      allNear(d.cross_entropy.data, crossEntropy(x, p, { reduction: 'none' }).data);
      allNear(d.entropy.data, entropy(p).data);
      near(value(d.kl_mean), value(klDiv(logSoftmax(x, 1), p, { reduction: 'batchmean' })));
      near(value(d.cross_entropy_mean), value(crossEntropy(x, p)));
    });

    it('target = softmax(input) gives KL ≈ 0 and CE = H', () => {
      const x = randomLogits([3, 6]);
      const d = crossEntropyDecomposition(x, softmax(x, -1));
      for (let r = 0; r < 3; r++) near(d.kl.data[r], 0, 1e-15);
      allNear(d.cross_entropy.data, d.entropy.data);
    });

    it('uniform logits with a uniform target give CE = H = ln C, KL = 0', () => {
      const d = crossEntropyDecomposition(f([1, 2], [0, 0]), f([1, 2], [0.5, 0.5]));
      near(d.cross_entropy.data[0], Math.LN2);
      near(d.entropy.data[0], Math.LN2);
      near(d.kl.data[0], 0);
    });

    it('a one-hot target gives H = 0 and CE = KL', () => {
      const d = crossEntropyDecomposition(f([1, 3], [1, 2, 3]), f([1, 3], [0, 0, 1]));
      assert.strictEqual(d.entropy.data[0], 0);
      near(d.kl.data[0], d.cross_entropy.data[0]);
      near(d.cross_entropy.data[0], -logSoftmax(f([3], [1, 2, 3]), 0).data[2]);
    });

    it('works for any [..., C]: [C] gives 0-d rows, [2,3,6] gives [2,3]', () => {
      const one = crossEntropyDecomposition(f([3], [0.1, 0.2, 0.3]), f([3], [0.2, 0.3, 0.5]));
      for (const k of ['cross_entropy', 'entropy', 'kl', 'cross_entropy_mean', 'entropy_mean', 'kl_mean'] as const) assert.deepStrictEqual(one[k].shape, []);
      const d = crossEntropyDecomposition(randomLogits([2, 3, 6]), randomProbs([2, 3, 6]));
      assert.deepStrictEqual(d.kl.shape, [2, 3]);
      near(value(d.entropy_mean), Array.from(d.entropy.data).reduce((a, b) => a + b, 0) / 6);
    });

    it('±1e4 logits stay finite', () => {
      const d = crossEntropyDecomposition(f([1, 3], [1e4, 0, -1e4]), f([1, 3], [0.2, 0.3, 0.5]));
      near(d.cross_entropy.data[0], 0.3 * 1e4 + 0.5 * 2e4, 1e-12);
      near(d.cross_entropy.data[0], d.entropy.data[0] + d.kl.data[0], 1e-12);
    });

    it('0·(−∞) is NaN in CE and KL but not in H; −∞ logits with positive mass give +∞', () => {
      const d = crossEntropyDecomposition(f([2, 2], [0, -Infinity, 0, -Infinity]), f([2, 2], [1, 0, 0.5, 0.5]));
      assert.ok(Number.isNaN(d.cross_entropy.data[0]) && Number.isNaN(d.kl.data[0]));
      assert.strictEqual(d.entropy.data[0], 0);
      assert.strictEqual(d.cross_entropy.data[1], Infinity);
      assert.strictEqual(d.kl.data[1], Infinity);
    });

    it('rejects a target of another shape and a 0-d input', () => {
      throwsEngine(
        () => crossEntropyDecomposition(f([2, 3], new Array(6).fill(0)), f([2, 4], new Array(8).fill(0.25))),
        'shape_mismatch',
        "cross_entropy_decomposition: input [2,3] and target [2,4] differ; the probability target must have the input's shape.",
      );
      throwsEngine(() => crossEntropyDecomposition(f([], [1]), f([], [1])), 'invalid_argument', 'cross_entropy_decomposition: input is 0-d but needs a class dim; give a [C] or [..., C] tensor.');
    });

    it('returns named outputs through the registry and has no gradient', () => {
      const out = registry.call('cross_entropy_decomposition', { input: f([1, 2], [0, 0]), target: f([1, 2], [0.5, 0.5]) }) as Record<string, Tensor>;
      assert.deepStrictEqual(Object.keys(out).sort(), ['cross_entropy', 'cross_entropy_mean', 'entropy', 'entropy_mean', 'kl', 'kl_mean']);
      assert.throws(() => registry.grad('cross_entropy_decomposition', { input: f([1, 2], [0, 0]), target: f([1, 2], [0.5, 0.5]) }), /has no gradient/);
    });
  });

  describe('js_divergence', () => {
    it('identical distributions give 0', () => {
      const p = randomProbs([1, 4, 5]).data;
      const stacked = f([3, 4, 5], [...p, ...p, ...p]);
      for (const v of jsDivergence(stacked, { reduction: 'none' }).data) near(v, 0, 1e-15);
    });

    it('k disjoint distributions give ln k', () => {
      near(value(jsDivergence(f([2, 2], [1, 0, 0, 1]), { reduction: 'none' })), Math.LN2);
      near(value(jsDivergence(f([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]), { reduction: 'none' })), Math.log(3));
      const k = 6;
      const eye = Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0));
      near(value(jsDivergence(f([k, k], eye))), Math.log(k));
    });

    it('is ≥ 0, ≤ ln 2 for k = 2 and ≤ ln k in general', () => {
      for (const k of [2, 3, 5]) {
        const js = jsDivergence(randomProbs([k, 20, 4]), { reduction: 'none' }).data;
        for (const v of js) assert.ok(v >= -1e-16 && v <= Math.log(k), `k=${k}: ${v}`);
      }
    });

    it('for k = 2 equals ½ KL(P‖M) + ½ KL(Q‖M), and is symmetric', () => {
      const pq = randomProbs([2, 1, 6]);
      const P = f([6], Array.from(pq.data.slice(0, 6)));
      const Q = f([6], Array.from(pq.data.slice(6)));
      const logM = f([6], Array.from(P.data, (v, i) => Math.log((v + Q.data[i]) / 2)));
      const expected = 0.5 * value(klDiv(logM, P, { reduction: 'sum' })) + 0.5 * value(klDiv(logM, Q, { reduction: 'sum' }));
      near(value(jsDivergence(pq)), expected);
      near(value(jsDivergence(f([2, 1, 6], [...Q.data, ...P.data]))), expected);
    });

    it("a class no distribution uses contributes 0, not NaN (0/0 inside the log)", () => {
      near(value(jsDivergence(f([2, 3], [0.5, 0.5, 0, 0.5, 0.5, 0]))), 0);
    });

    it('reduces over [...]: none keeps it, sum adds, mean divides by the row count', () => {
      const p = randomProbs([3, 2, 3, 5]);
      const none = jsDivergence(p, { reduction: 'none' });
      assert.deepStrictEqual(none.shape, [2, 3]);
      const total = Array.from(none.data).reduce((a, b) => a + b, 0);
      near(value(jsDivergence(p, { reduction: 'sum' })), total);
      near(value(jsDivergence(p)), total / 6);
    });

    it('k = 1 gives 0', () => {
      assert.strictEqual(value(jsDivergence(f([1, 1, 2], [0.2, 0.8]), { reduction: 'sum' })), 0);
    });

    it('has the closed-form gradient (1/k)·ln(P/M), matching central differences', () => {
      const p = randomProbs([3, 2, 4]);
      for (const reduction of ['none', 'mean', 'sum'] as const) {
        const go = reduction === 'none' ? f([2], [0.3, -2]) : null;
        const fn = (x: Tensor): number => {
          const js = jsDivergence(x, { reduction }).data;
          return go ? js[0] * go.data[0] + js[1] * go.data[1] : js[0];
        };
        allNear(jsDivergenceBackward(p, { reduction }, go).data, numericGrad(fn, p), 1e-7);
      }
    });

    it('rejects batchmean and a 1-d input', () => {
      throwsEngine(() => jsDivergence(f([2, 2], [1, 0, 0, 1]), { reduction: 'batchmean' as 'mean' }), 'invalid_reduction', "js_divergence: reduction='batchmean' is not valid; use 'none', 'mean' or 'sum'.");
      throwsEngine(() => jsDivergence(f([2], [0.5, 0.5])), 'invalid_argument', 'js_divergence: probs [2] needs at least 2 dims; stack k distributions on dim 0 as [k, ..., C].');
      assert.throws(() => registry.call('js_divergence', { probs: f([2, 2], [1, 0, 0, 1]), reduction: 'avg' }), (e: { code?: string }) => e.code === 'invalid_reduction');
    });
  });
});
