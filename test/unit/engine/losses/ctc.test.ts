import * as assert from 'assert';
import { ctcLoss, ctcLossBackward, CtcLossOptions } from '../../../../src/engine/losses/ctc';
import { EngineError } from '../../../../src/engine/errors';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor, scalar } from '../../../../src/engine/tensor';
import { close } from '../../../support/oracle';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const i64 = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const LN2 = Math.log(2);

/** Every element close (NaN only to NaN, ∞ only to the same ∞). */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12, what = ''): void {
  assert.strictEqual(actual.length, expected.length, `${what} length`);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(close(actual[k], expected[k], tol, tol), `${what}[${k}]: got ${actual[k]}, expected ${expected[k]}`);
  }
}

/** A deterministic pseudo-random stream in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random log-probabilities [T,N,C] (each frame log-softmax normalised). */
function randomLogProbs(T: number, N: number, C: number, next: () => number): Tensor {
  const data: number[] = [];
  for (let r = 0; r < T * N; r++) {
    const z = Array.from({ length: C }, () => 3 * next() - 1.5);
    const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    for (const v of z) data.push(v - lse);
  }
  return f([T, N, C], data);
}

/** B(π): merge repeats, then drop blanks. */
function collapse(path: readonly number[], blank: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < path.length; t++) {
    if (path[t] !== blank && (t === 0 || path[t] !== path[t - 1])) out.push(path[t]);
  }
  return out;
}

/**
 * Brute force over all C^T paths of one sample: the loss −log Σ_{B(π)=l} P(π) and the posterior
 * γ[t][c] = Σ_{B(π)=l, π_t=c} P(π) / Σ_{B(π)=l} P(π). Independent of the DP under test.
 */
function bruteForce(lp: (t: number, c: number) => number, T: number, C: number, labels: readonly number[], blank: number): { loss: number; gamma: number[][] } {
  let total = 0;
  const mass = Array.from({ length: T }, () => new Array<number>(C).fill(0));
  const path = new Array<number>(T).fill(0);
  for (let k = 0; k < C ** T; k++) {
    let r = k;
    for (let t = 0; t < T; t++) {
      path[t] = r % C;
      r = Math.floor(r / C);
    }
    const col = collapse(path, blank);
    if (col.length !== labels.length || col.some((v, j) => v !== labels[j])) continue;
    const p = Math.exp(path.reduce((a, c, t) => a + lp(t, c), 0));
    total += p;
    for (let t = 0; t < T; t++) mass[t][path[t]] += p;
  }
  return { loss: -Math.log(total), gamma: mass.map((row) => row.map((m) => m / total)) };
}

function expectError(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EngineError, `not an EngineError: ${String(e)}`);
    assert.strictEqual(e.code, code);
    assert.strictEqual(e.message, message);
    return true;
  });
}

describe('engine/losses/ctc', () => {
  describe('hand cases', () => {
    it('uniform C=2, T=2, target [1]: 3 of 4 paths collapse to [1], loss ln(4/3), grad ±1/6', () => {
      const lp = f([2, 1, 2], new Array(4).fill(-LN2));
      const args = [lp, i64([1, 1], [1]), i64([1], [2]), i64([1], [1])] as const;
      const out = ctcLoss(...args, { reduction: 'sum' });
      assert.deepStrictEqual(out.shape, []);
      assertClose(out.data, [Math.log(4 / 3)], 1e-15);
      // Paths _1, 11, 1_: blank at t=0 in 1 of 3, so γ_0 = (1/3, 2/3) and grad = 1/2 − γ.
      assertClose(ctcLossBackward(...args, { reduction: 'sum' }).data, [1 / 6, -1 / 6, 1 / 6, -1 / 6], 1e-15);
    });

    it('repeated label [1,1] needs a blank between: T=3 has the single path 1_1, loss 3 ln 2', () => {
      const lp = f([3, 1, 2], new Array(6).fill(-LN2));
      const out = ctcLoss(lp, i64([1, 2], [1, 1]), i64([1], [3]), i64([1], [2]), { reduction: 'sum' });
      assertClose(out.data, [3 * LN2], 1e-15);
      // The single path has posterior 1 on (t=0,c=1), (t=1,c=0), (t=2,c=1).
      const g = ctcLossBackward(lp, i64([1, 2], [1, 1]), i64([1], [3]), i64([1], [2]), { reduction: 'sum' });
      assertClose(g.data, [0.5, -0.5, -0.5, 0.5, 0.5, -0.5], 1e-15);
    });

    it('distinct labels [1,2] need no blank: T=2 has the single path 12', () => {
      const lp = f([2, 1, 3], new Array(6).fill(-Math.log(3)));
      const out = ctcLoss(lp, i64([1, 2], [1, 2]), i64([1], [2]), i64([1], [2]), { reduction: 'none' });
      assertClose(out.data, [2 * Math.log(3)], 1e-14);
    });

    it('an empty target has only the all-blank path: loss = −Σ_t lp_t(blank)', () => {
      const lp = randomLogProbs(4, 1, 3, rng(7));
      const out = ctcLoss(lp, i64([1, 0], []), i64([1], [4]), i64([1], [0]), { reduction: 'none', blank: 2 });
      const expected = -[0, 1, 2, 3].reduce((a, t) => a + lp.data[t * 3 + 2], 0);
      assertClose(out.data, [expected], 1e-14);
    });

    it('a long uniform all-blank sequence keeps its exact value in log space (T ln C, with C^-T ≈ 1e-350)', () => {
      const T = 500;
      const C = 5;
      const lp = f([T, 1, C], new Array(T * C).fill(-Math.log(C)));
      const out = ctcLoss(lp, i64([1, 0], []), i64([1], [T]), i64([1], [0]), { reduction: 'sum' });
      assertClose(out.data, [T * Math.log(C)], 1e-13);
    });

    it('a target label equal to blank gives PyTorch 1.13\'s value and gradient (recorded from torch)', () => {
      const lp = f([3, 2], [-0.2, -1.7, -1.1, -0.4, -0.7, -0.7]);
      const args = [lp, i64([1], [1]), i64([], [3]), i64([], [1])] as const;
      assertClose(ctcLoss(...args, { blank: 1, reduction: 'sum' }).data, [1.0082405307719449], 1e-14);
      assertClose(
        ctcLossBackward(...args, { blank: 1, reduction: 'sum' }).data,
        [0.8187307530779818, -0.8173164759472655, 0.33287108369807955, -0.32967995396436056, 0.4965853037914095, -0.003414696208590584],
        1e-13,
      );
    });
  });

  describe('the DP against brute-force enumeration of all alignments', () => {
    const cases: { T: number; C: number; labels: number[]; blank: number }[] = [
      { T: 3, C: 2, labels: [1], blank: 0 },
      { T: 4, C: 3, labels: [1, 2], blank: 0 },
      { T: 4, C: 3, labels: [1, 1], blank: 0 },
      { T: 5, C: 3, labels: [2, 2, 1], blank: 0 },
      { T: 5, C: 3, labels: [0, 1], blank: 2 },
      { T: 4, C: 4, labels: [3, 1, 3], blank: 0 },
      { T: 6, C: 3, labels: [1, 1, 1], blank: 0 },
      { T: 3, C: 3, labels: [], blank: 1 },
    ];
    for (const { T, C, labels, blank } of cases) {
      it(`T=${T}, C=${C}, target [${labels.join(',')}], blank ${blank}: loss and gradient`, () => {
        const lp = randomLogProbs(T, 1, C, rng(T * 31 + C * 7 + labels.length));
        const args = [lp, i64([1, labels.length], labels), i64([1], [T]), i64([1], [labels.length])] as const;
        const bf = bruteForce((t, c) => lp.data[t * C + c], T, C, labels, blank);
        assertClose(ctcLoss(...args, { blank, reduction: 'sum' }).data, [bf.loss], 1e-12, 'loss');
        const expectedGrad = bf.gamma.flatMap((row, t) => row.map((g, c) => Math.exp(lp.data[t * C + c]) - g));
        assertClose(ctcLossBackward(...args, { blank, reduction: 'sum' }).data, expectedGrad, 1e-12, 'grad');
      });
    }

    it('unnormalised log_probs are used as given (brute force agrees, no renormalisation)', () => {
      const next = rng(99);
      const T = 4;
      const C = 3;
      const lp = f([T, 1, C], Array.from({ length: T * C }, () => 4 * next() - 2));
      const bf = bruteForce((t, c) => lp.data[t * C + c], T, C, [2, 1], 0);
      assertClose(ctcLoss(lp, i64([1, 2], [2, 1]), i64([1], [T]), i64([1], [2]), { reduction: 'sum' }).data, [bf.loss], 1e-12);
    });
  });

  describe('impossible alignments and zero_infinity', () => {
    const lp = f([2, 1, 2], new Array(4).fill(-LN2));
    const args = [lp, i64([1, 2], [1, 1]), i64([1], [2]), i64([1], [2])] as const;

    it('[1,1] in T=2 is impossible: loss +∞, gradient NaN on its frames (as PyTorch)', () => {
      for (const reduction of ['none', 'sum', 'mean']) {
        assertClose(ctcLoss(...args, { reduction }).data, [Infinity], 0, reduction);
      }
      assert.ok(ctcLossBackward(...args, { reduction: 'sum' }).data.every(Number.isNaN));
    });

    it('zero_infinity turns the loss and its gradient into 0', () => {
      assertClose(ctcLoss(...args, { reduction: 'sum', zeroInfinity: true }).data, [0], 0);
      assertClose(ctcLossBackward(...args, { reduction: 'sum', zeroInfinity: true }).data, [0, 0, 0, 0], 0);
    });

    it('zero_infinity zeroes only the impossible sample; the mean still divides by N', () => {
      const lp2 = randomLogProbs(3, 2, 3, rng(5));
      // Sample 0: [1,1,1] needs 5 frames but has 3; sample 1: [2] is possible.
      const a = [lp2, i64([2, 3], [1, 1, 1, 2, 0, 0]), i64([2], [3, 3]), i64([2], [3, 1])] as const;
      const none = ctcLoss(...a, { reduction: 'none', zeroInfinity: true }).data;
      assert.strictEqual(none[0], 0);
      assert.ok(Number.isFinite(none[1]) && none[1] > 0);
      assertClose(ctcLoss(...a, { reduction: 'mean', zeroInfinity: true }).data, [none[1] / 2], 1e-15);
      const g = ctcLossBackward(...a, { reduction: 'none', zeroInfinity: true }, f([2], [1, 1])).data;
      for (let t = 0; t < 3; t++) for (let c = 0; c < 3; c++) assert.strictEqual(g[(t * 2 + 0) * 3 + c], 0);
      assert.ok(g.some((v) => v !== 0));
    });

    it('an empty input has only the empty alignment: 0 for an empty target, +∞ otherwise, zero gradient', () => {
      const lp3 = randomLogProbs(2, 2, 3, rng(8));
      const a = [lp3, i64([2, 1], [1, 0]), i64([2], [0, 0]), i64([2], [1, 0])] as const;
      assertClose(ctcLoss(...a, { reduction: 'none' }).data, [Infinity, 0], 0);
      assertClose(ctcLossBackward(...a, { reduction: 'none' }, f([2], [1, 1])).data, new Array(12).fill(0), 0);
    });
  });

  describe('layouts and reductions', () => {
    const lp = randomLogProbs(6, 3, 4, rng(11));
    const padded = i64([3, 3], [1, 2, 0, 3, 3, 1, 2, 0, 0]);
    const concat = i64([6], [1, 2, 3, 3, 1, 2]);
    const il = i64([3], [6, 5, 4]);
    const tl = i64([3], [2, 3, 1]);

    it('padded and concatenated targets give the same losses and gradients', () => {
      for (const reduction of ['none', 'mean', 'sum']) {
        const go = reduction === 'none' ? f([3], [0.5, -1, 2]) : null;
        assertClose(ctcLoss(lp, padded, il, tl, { reduction }).data, ctcLoss(lp, concat, il, tl, { reduction }).data, 0, reduction);
        assertClose(ctcLossBackward(lp, padded, il, tl, { reduction }, go).data, ctcLossBackward(lp, concat, il, tl, { reduction }, go).data, 0, reduction);
      }
    });

    it("'mean' is the batch mean of loss_n / max(target_length_n, 1); 'sum' adds them", () => {
      const none = ctcLoss(lp, padded, il, i64([3], [2, 0, 1]), { reduction: 'none' }).data;
      const mean = ctcLoss(lp, padded, il, i64([3], [2, 0, 1]), { reduction: 'mean' }).data[0];
      assertClose([mean], [(none[0] / 2 + none[1] / 1 + none[2] / 1) / 3], 1e-14);
      assertClose(ctcLoss(lp, padded, il, i64([3], [2, 0, 1]), { reduction: 'sum' }).data, [none[0] + none[1] + none[2]], 1e-14);
    });

    it("the 'mean' gradient is the 'none' gradient with gradOutput_n = 1 / (N·max(L_n, 1))", () => {
      const gMean = ctcLossBackward(lp, padded, il, tl, { reduction: 'mean' }).data;
      const gNone = ctcLossBackward(lp, padded, il, tl, { reduction: 'none' }, f([3], [1 / 6, 1 / 9, 1 / 3])).data;
      assertClose(gMean, gNone, 1e-15);
    });

    it('defaults are blank=0, reduction=mean, zero_infinity=false', () => {
      assertClose(ctcLoss(lp, padded, il, tl).data, ctcLoss(lp, padded, il, tl, { blank: 0, reduction: 'mean', zeroInfinity: false }).data, 0);
    });

    it('unbatched [T,C] with 0-d lengths equals the batch of one, with a 0-d output', () => {
      const lp1 = randomLogProbs(5, 1, 4, rng(3));
      const un = f([5, 4], Array.from(lp1.data));
      const o: CtcLossOptions = { reduction: 'none' };
      const out = ctcLoss(un, i64([2], [1, 3]), i64([], [5]), i64([], [2]), o);
      assert.deepStrictEqual(out.shape, []);
      assertClose(out.data, ctcLoss(lp1, i64([1, 2], [1, 3]), i64([1], [5]), i64([1], [2]), o).data, 0);
      const g = ctcLossBackward(un, i64([2], [1, 3]), i64([], [5]), i64([], [2]), o);
      assert.deepStrictEqual(g.shape, [5, 4]);
      assertClose(g.data, ctcLossBackward(lp1, i64([1, 2], [1, 3]), i64([1], [5]), i64([1], [2]), o).data, 0);
    });

    it('frames past input_length do not change the loss and get zero gradient', () => {
      const changed = f([6, 3, 4], Array.from(lp.data));
      for (let k = 4 * 3 * 4; k < changed.data.length; k++) changed.data[k] = -100; // t ≥ 4
      assertClose(ctcLoss(changed, padded, il, tl, { reduction: 'none' }).data.slice(2), ctcLoss(lp, padded, il, tl, { reduction: 'none' }).data.slice(2), 0);
      const g = ctcLossBackward(lp, padded, il, tl, { reduction: 'sum' }).data;
      for (let t = 4; t < 6; t++) for (let c = 0; c < 4; c++) assert.strictEqual(g[(t * 3 + 2) * 4 + c], 0, `t=${t} c=${c}`); // sample 2, length 4
      assert.ok([0, 1, 2, 3].some((c) => g[(5 * 3 + 0) * 4 + c] !== 0)); // sample 0 uses all 6 frames
    });
  });

  describe("PyTorch's gradient convention", () => {
    it('is the gradient w.r.t. the logits z of log_probs = log_softmax(z) (central differences agree)', () => {
      const T = 4;
      const C = 3;
      const next = rng(21);
      const z = Array.from({ length: T * C }, () => 2 * next() - 1);
      const logSoftmaxRows = (v: number[]): Tensor => {
        const out: number[] = [];
        for (let t = 0; t < T; t++) {
          const row = v.slice(t * C, t * C + C);
          const lse = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
          for (const x of row) out.push(x - lse);
        }
        return f([T, 1, C], out);
      };
      const loss = (v: number[]): number => ctcLoss(logSoftmaxRows(v), i64([1, 2], [1, 2]), i64([1], [T]), i64([1], [2]), { reduction: 'sum' }).data[0];
      const g = ctcLossBackward(logSoftmaxRows(z), i64([1, 2], [1, 2]), i64([1], [T]), i64([1], [2]), { reduction: 'sum' }).data;
      const h = 1e-6;
      for (let k = 0; k < z.length; k++) {
        const up = z.slice();
        const down = z.slice();
        up[k] += h;
        down[k] -= h;
        const fd = (loss(up) - loss(down)) / (2 * h);
        assert.ok(Math.abs(fd - g[k]) < 1e-8, `z[${k}]: finite difference ${fd}, gradient ${g[k]}`);
      }
    });

    it('sums to 0 over classes on each used frame for normalised log_probs (Σ exp(lp) = Σ γ = 1)', () => {
      const lp = randomLogProbs(5, 2, 4, rng(17));
      const g = ctcLossBackward(lp, i64([2, 2], [1, 2, 3, 3]), i64([2], [5, 5]), i64([2], [2, 2]), { reduction: 'sum' }).data;
      for (let r = 0; r < 10; r++) assert.ok(Math.abs(g.slice(r * 4, r * 4 + 4).reduce((a, v) => a + v, 0)) < 1e-14, `row ${r}`);
    });

    it('peaked frames (down to ln 1e-30) keep the loss at ~0 and the gradient finite', () => {
      const lo = Math.log(1e-30);
      const hi = Math.log1p(-3e-30);
      // Frames favour 1, 1, blank, 2, 2: exactly the path for [1,2].
      const rows = [1, 1, 0, 2, 2].map((k) => [0, 1, 2, 3].map((c) => (c === k ? hi : lo)));
      const lp = f([5, 1, 4], rows.flat());
      const a = [lp, i64([1, 2], [1, 2]), i64([1], [5]), i64([1], [2])] as const;
      const out = ctcLoss(...a, { reduction: 'sum' }).data[0];
      assert.ok(Math.abs(out) < 1e-28, `loss ${out}`);
      assert.ok(ctcLossBackward(...a, { reduction: 'sum' }).data.every((v) => Number.isFinite(v) && Math.abs(v) < 1e-28));
    });
  });

  describe('errors', () => {
    const lp = randomLogProbs(5, 2, 4, rng(1));
    const tg = i64([2, 2], [1, 2, 3, 0]);
    const il = i64([2], [5, 4]);
    const tl = i64([2], [2, 1]);

    it('input length larger than T', () => {
      expectError(
        () => ctcLoss(lp, tg, i64([2], [5, 6]), tl),
        'invalid_argument',
        'ctc_loss: input_lengths[1]=6 is larger than the 5 frames of log_probs [5,2,4]; give input lengths of at most 5.',
      );
    });

    it('negative lengths', () => {
      expectError(() => ctcLoss(lp, tg, i64([2], [-1, 4]), tl), 'invalid_argument', 'ctc_loss: input_lengths[0]=-1 is negative; give each input length as a count of frames in [0, 5].');
      expectError(() => ctcLoss(lp, tg, il, i64([2], [2, -3])), 'invalid_argument', 'ctc_loss: target_lengths[1]=-3 is negative; give each target length as a count of labels (0 or more).');
    });

    it('target length larger than the padded width', () => {
      expectError(
        () => ctcLoss(lp, tg, il, i64([2], [3, 1])),
        'invalid_argument',
        'ctc_loss: target_lengths[0]=3 is larger than the padded targets width 2 of targets [2,2]; give target lengths of at most 2.',
      );
    });

    it('concatenated targets whose size is not the sum of target_lengths', () => {
      expectError(
        () => ctcLoss(lp, i64([4], [1, 2, 3, 3]), il, tl),
        'shape_mismatch',
        'ctc_loss: concatenated targets [4] has 4 labels but target_lengths [2,1] add up to 3; the 1-D targets must hold exactly the concatenated target sequences.',
      );
    });

    it('blank outside [0, C)', () => {
      for (const blank of [4, -1]) {
        expectError(() => ctcLoss(lp, tg, il, tl, { blank }), 'invalid_argument', `ctc_loss: blank=${blank} is not a class of log_probs [5,2,4]; use a blank index in [0, 3].`);
      }
    });

    it('a label outside [0, C)', () => {
      expectError(
        () => ctcLoss(lp, i64([2, 2], [1, 7, 3, 0]), il, tl),
        'invalid_target',
        'ctc_loss: targets[0][1]=7 (label 1 of sample 0) is not a class of log_probs [5,2,4]; use labels in [0, 3].',
      );
      expectError(() => ctcLoss(lp, i64([3], [1, 2, -1]), il, tl), 'invalid_target', 'ctc_loss: targets[2]=-1 (label 0 of sample 1) is not a class of log_probs [5,2,4]; use labels in [0, 3].');
    });

    it('lengths of the wrong size, and float lengths', () => {
      expectError(
        () => ctcLoss(lp, tg, i64([1], [5]), tl),
        'shape_mismatch',
        'ctc_loss: input_lengths [1] has 1 value but log_probs [5,2,4] has a batch of 2; give one length per batch element.',
      );
      expectError(
        () => ctcLoss(lp, tg, il, i64([3], [2, 1, 1])),
        'shape_mismatch',
        'ctc_loss: target_lengths [3] has 3 values but log_probs [5,2,4] has a batch of 2; give one length per batch element.',
      );
      expectError(
        () => ctcLoss(lp, tg, f([2], [5, 4]), tl),
        'invalid_argument',
        'ctc_loss: input_lengths must be integral but is a float64 tensor [2]; give the lengths as an int64 tensor.',
      );
    });

    it('shape problems: log_probs dims, targets dims, padded rows', () => {
      expectError(() => ctcLoss(f([4], [0, 0, 0, 0]), i64([1], [1]), scalar(4, 'int64'), scalar(1, 'int64')), 'shape_mismatch', 'ctc_loss: log_probs [4] is 1-d; give [T,N,C] (time, batch, classes) or [T,C] for one unbatched sequence.');
      expectError(() => ctcLoss(lp, i64([1, 2, 2], [1, 2, 3, 0]), il, tl), 'shape_mismatch', 'ctc_loss: targets [1,2,2] is 3-d; give padded [N,S] targets or all target sequences concatenated into 1-D.');
      expectError(
        () => ctcLoss(lp, i64([3, 2], [1, 2, 3, 0, 1, 1]), il, tl),
        'shape_mismatch',
        'ctc_loss: padded targets [3,2] has 3 rows but log_probs [5,2,4] has a batch of 2; give one row of labels per batch element.',
      );
    });

    it('a bad reduction, directly and through the registry', () => {
      expectError(() => ctcLoss(lp, tg, il, tl, { reduction: 'avg' }), 'invalid_reduction', "ctc_loss: reduction='avg' is not valid; use 'none', 'mean' or 'sum'.");
      assert.throws(
        () => registry.call('ctc_loss', { log_probs: lp, targets: tg, input_lengths: il, target_lengths: tl, reduction: 'avg' }),
        (e: unknown) => e instanceof EngineError && e.code === 'invalid_reduction',
      );
    });
  });

  describe('registry entry', () => {
    it("lists PyTorch's arguments, order and defaults", () => {
      const op = registry.get('ctc_loss');
      assert.deepStrictEqual(
        op.args.map((a) => [a.name, a.default]),
        [
          ['log_probs', undefined],
          ['targets', undefined],
          ['input_lengths', undefined],
          ['target_lengths', undefined],
          ['blank', 0],
          ['reduction', 'mean'],
          ['zero_infinity', false],
        ],
      );
      assert.strictEqual(op.family, 'sequence');
    });

    it('forward and backward through the registry match the functions', () => {
      const lp = randomLogProbs(5, 2, 4, rng(2));
      const given = { log_probs: lp, targets: i64([2, 2], [1, 2, 3, 0]), input_lengths: i64([2], [5, 4]), target_lengths: i64([2], [2, 1]), zero_infinity: true };
      const direct = ctcLoss(given.log_probs, given.targets, given.input_lengths, given.target_lengths, { zeroInfinity: true });
      assertClose((registry.call('ctc_loss', given) as Tensor).data, direct.data, 0);
      assertClose(
        registry.grad('ctc_loss', given).log_probs.data,
        ctcLossBackward(given.log_probs, given.targets, given.input_lengths, given.target_lengths, { zeroInfinity: true }).data,
        0,
      );
    });
  });
});
