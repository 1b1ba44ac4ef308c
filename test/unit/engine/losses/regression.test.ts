import * as assert from 'assert';
import {
  gaussianNllLoss,
  gaussianNllLossBackward,
  huberLoss,
  huberLossBackward,
  l1Loss,
  l1LossBackward,
  mseLoss,
  mseLossBackward,
  pointwiseLoss,
  pointwiseLossBackward,
  poissonNllLoss,
  poissonNllLossBackward,
  smoothL1Loss,
  smoothL1LossBackward,
} from '../../../../src/engine/losses/regression';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, throwsEngine } from '../../../support/numeric';
import { assertGradMatchesFiniteDifference } from '../../../support/finiteDifference';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const vec = (...data: number[]): Tensor => f([data.length], data);
const values = (t: Tensor): number[] => Array.from(t.data);
const nearAll = (actual: Tensor, expected: number[], tol = 1e-12): void => allNear(actual.data, expected, tol);

describe('engine/losses/regression', () => {
  describe('pointwiseLoss', () => {
    const spec = (a: Tensor, b: Tensor, c: Tensor) => ({
      op: 'demo',
      operands: [['a', a], ['b', b], ['c', c]] as const,
      value: (x: number, y: number, z: number) => x * y + z,
      partials: { a: (_x: number, y: number) => y, c: () => 1 },
    });

    it('broadcasts three operands and reduces over the broadcast shape', () => {
      const out = pointwiseLoss(spec(f([2, 1], [1, 2]), vec(10, 20, 30), f([], [0.5])), 'none');
      assert.deepStrictEqual(out.shape, [2, 3]);
      assert.deepStrictEqual(values(out), [10.5, 20.5, 30.5, 20.5, 40.5, 60.5]);
      near(pointwiseLoss(spec(f([2, 1], [1, 2]), vec(10, 20, 30), f([], [0.5])), 'mean').data[0], 183 / 6);
    });

    it('sums gradients back to each operand shape and skips operands without a partial', () => {
      const g = pointwiseLossBackward(spec(f([2, 1], [1, 2]), vec(10, 20, 30), f([], [0.5])), 'sum', null);
      assert.deepStrictEqual(Object.keys(g).sort(), ['a', 'c']);
      assert.deepStrictEqual(g.a.shape, [2, 1]);
      assert.deepStrictEqual(values(g.a), [60, 60]);
      assert.deepStrictEqual(g.c.shape, []);
      assert.deepStrictEqual(values(g.c), [6]);
    });

    it('names the operands when they do not broadcast', () => {
      throwsEngine(
        () => pointwiseLoss(spec(vec(1, 2), vec(1, 2), vec(1, 2, 3)), 'sum'),
        'shape_mismatch',
        'demo: a and b [2] and c [3] do not broadcast (dim -1: 2 vs 3); give them the same shape or size 1 on that dim.',
      );
    });
  });

  describe('mse_loss', () => {
    it('hand case: differences 0, 2, -2', () => {
      const x = vec(1, 2, 3);
      const t = vec(1, 0, 5);
      assert.deepStrictEqual(values(mseLoss(x, t, { reduction: 'none' })), [0, 4, 4]);
      near(mseLoss(x, t).data[0], 8 / 3);
      assert.strictEqual(mseLoss(x, t, { reduction: 'sum' }).data[0], 8);
      const g = mseLossBackward(x, t);
      nearAll(g.input, [0, 4 / 3, -4 / 3]);
      nearAll(g.target!, [0, -4 / 3, 4 / 3]);
    });

    it('a target that broadcasts gets its gradient summed over the broadcast rows', () => {
      const x = f([3, 2], [1, 2, 3, 4, 5, 6]);
      const t = vec(0, 1);
      assert.deepStrictEqual(mseLoss(x, t, { reduction: 'none' }).shape, [3, 2]);
      const g = mseLossBackward(x, t, { reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [2, 2, 6, 6, 10, 10]);
      assert.deepStrictEqual(g.target!.shape, [2]);
      assert.deepStrictEqual(values(g.target!), [-18, -18]);
    });

    it('an empty input has a NaN mean and a zero sum', () => {
      assert.ok(Number.isNaN(mseLoss(f([0, 2], []), f([0, 2], [])).data[0]));
      assert.strictEqual(mseLoss(f([0, 2], []), f([0, 2], []), { reduction: 'sum' }).data[0], 0);
      assert.deepStrictEqual(mseLossBackward(f([0, 2], []), f([0, 2], [])).input.shape, [0, 2]);
    });

    it('an infinite difference gives ∞ and gradient ∞; NaN spreads', () => {
      assert.deepStrictEqual(values(mseLoss(vec(Infinity, NaN), vec(0, 0), { reduction: 'none' })).map(String), ['Infinity', 'NaN']);
      assert.strictEqual(mseLossBackward(vec(-Infinity), vec(0), { reduction: 'sum' }).input.data[0], -Infinity);
    });

    it('an integer target gets no gradient', () => {
      const g = mseLossBackward(vec(1.5), tensor([1], [1], 'int64'));
      assert.deepStrictEqual(Object.keys(g), ['input']);
    });

    it('rejects shapes that do not broadcast and a bad reduction, naming them', () => {
      throwsEngine(
        () => mseLoss(f([3, 4], new Array(12).fill(0)), vec(1, 2, 3)),
        'shape_mismatch',
        'mse_loss: input [3,4] and target [3] do not broadcast (dim -1: 4 vs 3); give them the same shape or size 1 on that dim.',
      );
      throwsEngine(() => mseLoss(vec(1), vec(1), { reduction: 'batchmean' }), 'invalid_reduction', "mse_loss: reduction='batchmean' is not valid; use 'none', 'mean' or 'sum'.");
    });
  });

  describe('l1_loss', () => {
    it('is |x − t| with gradient sign(x − t), 0 at a zero difference', () => {
      const x = vec(1, 2, 3);
      const t = vec(1, 0, 5);
      assert.deepStrictEqual(values(l1Loss(x, t, { reduction: 'none' })), [0, 2, 2]);
      const g = l1LossBackward(x, t, { reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [0, 1, -1]);
      assert.deepStrictEqual(values(g.target!).map((v) => v + 0), [0, -1, 1]);
    });

    it('a NaN difference is NaN forward and gradient 0 (PyTorch’s sign(NaN) = 0)', () => {
      assert.ok(Number.isNaN(l1Loss(vec(NaN), vec(0)).data[0]));
      assert.strictEqual(l1LossBackward(vec(NaN), vec(0)).input.data[0], 0);
    });
  });

  describe('smooth_l1_loss', () => {
    const x = vec(0, 0.25, 1, -3, 1, -1);
    const t = vec(0, 0, 0, 0, 0, 0);

    it('is 0.5·d²/β inside β and |d| − β/2 outside, continuous at |d| = β', () => {
      nearAll(smoothL1Loss(x, t, { reduction: 'none' }), [0, 0.03125, 0.5, 2.5, 0.5, 0.5]);
      nearAll(smoothL1Loss(vec(0.5 - 1e-12, 0.5), vec(0, 0), { beta: 0.5, reduction: 'none' }), [0.25, 0.25], 1e-11);
    });

    it('beta = 0 is l1 forward, but both gradients are −1 at a zero difference', () => {
      assert.deepStrictEqual(values(smoothL1Loss(x, t, { beta: 0, reduction: 'none' })), values(l1Loss(x, t, { reduction: 'none' })));
      const g = smoothL1LossBackward(vec(0, 2, -2), vec(0, 0, 0), { beta: 0, reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [-1, 1, -1]);
      assert.deepStrictEqual(values(g.target!), [-1, -1, 1]);
    });

    it('gradient is d/β inside and ±1 at and beyond the threshold', () => {
      const g = smoothL1LossBackward(x, t, { beta: 1, reduction: 'sum' });
      assert.deepStrictEqual(values(g.input), [0, 0.25, 1, -1, 1, -1]);
    });

    it('rejects a negative beta', () => {
      throwsEngine(() => smoothL1Loss(x, t, { beta: -1 }), 'invalid_argument', 'smooth_l1_loss: beta=-1 is negative; use beta >= 0 (0 gives l1_loss).');
    });
  });

  describe('huber_loss', () => {
    it('equals δ·smooth_l1 with β = δ, value and gradients', () => {
      const x = vec(0, 0.25, 1, -3, 1.7, -0.4);
      const t = vec(0.1, 0, -1, 0, 0, 0.3);
      for (const delta of [0.5, 1, 2]) {
        const h = huberLoss(x, t, { delta, reduction: 'none' });
        const s = smoothL1Loss(x, t, { beta: delta, reduction: 'none' });
        nearAll(h, values(s).map((v) => v * delta));
        const gh = huberLossBackward(x, t, { delta, reduction: 'none' }, f([6], [1, -2, 3, 0.5, 1, 1]));
        const gs = smoothL1LossBackward(x, t, { beta: delta, reduction: 'none' }, f([6], [1, -2, 3, 0.5, 1, 1]));
        nearAll(gh.input, values(gs.input).map((v) => v * delta));
        nearAll(gh.target!, values(gs.target!).map((v) => v * delta));
      }
    });

    it('"all right" gives 0', () => {
      assert.strictEqual(huberLoss(vec(1, -2, 3), vec(1, -2, 3)).data[0], 0);
    });

    it('rejects delta <= 0', () => {
      throwsEngine(() => huberLoss(vec(1), vec(1), { delta: 0 }), 'invalid_argument', 'huber_loss: delta=0 is not positive; use delta > 0.');
    });
  });

  describe('poisson_nll_loss', () => {
    it('log_input: eˣ − t·x, gradient eˣ − t, zero at x = log t', () => {
      nearAll(poissonNllLoss(vec(0, 1, Math.log(3)), vec(0, 2, 3), { reduction: 'none' }), [1, Math.E - 2, 3 - 3 * Math.log(3)]);
      nearAll(poissonNllLossBackward(vec(Math.log(3)), vec(3)).input, [0], 1e-15);
    });

    it('rate input: x − t·log(x + eps), gradient 1 − t/(x + eps)', () => {
      nearAll(poissonNllLoss(vec(0, 2), vec(1, 2), { log_input: false, reduction: 'none' }), [-Math.log(1e-8), 2 - 2 * Math.log(2 + 1e-8)]);
      nearAll(poissonNllLossBackward(vec(2), vec(4), { log_input: false, eps: 0.5, reduction: 'sum' }).input, [1 - 4 / 2.5]);
    });

    it('full adds the Stirling term only where t > 1', () => {
      const x = vec(0, 0, 0, 0.5);
      const t = vec(0, 1, 2, 7);
      const base = values(poissonNllLoss(x, t, { reduction: 'none' }));
      const full = values(poissonNllLoss(x, t, { full: true, reduction: 'none' }));
      assert.strictEqual(full[0], base[0]);
      assert.strictEqual(full[1], base[1]);
      near(full[2] - base[2], 2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI));
      // Stirling's series: log 7! = 8.525161…, and the term drops only 1/(12·7) and smaller.
      near(full[3] - base[3], Math.log(5040) - 1 / 84, 1e-4);
    });

    it('only the input gets a gradient', () => {
      assert.deepStrictEqual(Object.keys(poissonNllLossBackward(vec(1), vec(2))), ['input']);
    });
  });

  describe('gaussian_nll_loss', () => {
    it('0.5·(log v + (x − t)²/v), plus 0.5·log 2π with full; "all right" with var 1 gives 0', () => {
      nearAll(gaussianNllLoss(vec(1, 2), vec(0, 2), vec(2, 0.5), { reduction: 'none' }), [0.5 * (Math.log(2) + 0.5), 0.5 * Math.log(0.5)]);
      assert.strictEqual(gaussianNllLoss(vec(1, 2), vec(1, 2), vec(1, 1)).data[0], 0);
      near(gaussianNllLoss(vec(1), vec(1), vec(1), { full: true }).data[0], 0.5 * Math.log(2 * Math.PI));
    });

    it('a per-row var [N] acts as [N, 1] and its gradient sums over the row', () => {
      const x = f([2, 3], [1, 2, 3, 4, 5, 6]);
      const t = f([2, 3], [0, 2, 1, 4, 4, 4]);
      const a = gaussianNllLoss(x, t, vec(0.5, 2), { reduction: 'none' });
      const b = gaussianNllLoss(x, t, f([2, 1], [0.5, 2]), { reduction: 'none' });
      assert.deepStrictEqual(values(a), values(b));
      const g = gaussianNllLossBackward(x, t, vec(0.5, 2), { reduction: 'sum' });
      assert.deepStrictEqual(g.var!.shape, [2]);
      nearAll(g.var!, [3 * 0.5 * (1 / 0.5) - (0.5 * (1 + 0 + 4)) / 0.25, 3 * 0.5 * 0.5 - (0.5 * (0 + 1 + 4)) / 4]);
    });

    it('a var below eps is clamped, and its gradient is taken at the clamped value', () => {
      const eps = 1e-6;
      near(gaussianNllLoss(vec(1), vec(0), vec(0), { eps }).data[0], 0.5 * (Math.log(eps) + 1 / eps), 1e-9);
      const g = gaussianNllLossBackward(vec(1), vec(0), vec(0), { eps });
      near(g.var!.data[0], 0.5 * (1 / eps - 1 / (eps * eps)), 1e-3);
      near(g.input.data[0], 1 / eps, 1e-6);
    });

    it('rejects a negative var and a var of the wrong shape', () => {
      throwsEngine(() => gaussianNllLoss(vec(1, 2), vec(1, 2), vec(1, -0.5)), 'invalid_value', 'gaussian_nll_loss: var [2] has a negative entry (-0.5); a variance must be >= 0.');
      throwsEngine(
        () => gaussianNllLoss(f([4, 3], new Array(12).fill(0)), f([4, 3], new Array(12).fill(0)), vec(1, 1, 1)),
        'shape_mismatch',
        "gaussian_nll_loss: var [3] does not fit input [4,3]; give var the input's shape, [4] (one variance per row), or [4,1].",
      );
    });
  });

  describe('closed-form gradients match finite differences', () => {
    const x = f([2, 3], [0.3, -1.2, 2.5, 0.05, 1.7, -0.6]);
    const t = f([2, 3], [0.1, 0.4, -1.0, 0.9, 1.5, 0.2]);
    const g = f([2, 3], [1, -0.5, 2, 0.25, -1, 3]);
    const cases: [string, Record<string, number | boolean>][] = [
      ['mse_loss', {}],
      ['l1_loss', {}],
      ['smooth_l1_loss', { beta: 0.7 }],
      ['huber_loss', { delta: 0.8 }],
    ];
    for (const [op, opts] of cases) {
      for (const reduction of ['none', 'mean', 'sum']) {
        it(`${op} (${reduction})`, () => {
          assertGradMatchesFiniteDifference(op, { input: x, target: t, ...opts, reduction }, ['input', 'target'], reduction === 'none' ? g : null);
        });
      }
    }

    it('poisson_nll_loss, both input kinds, full', () => {
      const rate = f([2, 3], [0.3, 1.2, 2.5, 0.05, 1.7, 0.6]);
      const counts = f([2, 3], [0, 1, 3, 2, 5, 1]);
      for (const log_input of [true, false]) {
        assertGradMatchesFiniteDifference('poisson_nll_loss', { input: rate, target: counts, log_input, full: true, reduction: 'none' }, ['input'], g);
      }
    });

    it('gaussian_nll_loss with a per-row var', () => {
      assertGradMatchesFiniteDifference('gaussian_nll_loss', { input: x, target: t, var: vec(0.5, 1.5), full: true, reduction: 'mean' }, ['input', 'target', 'var']);
    });
  });

  it('registers every regression op with PyTorch’s argument order and defaults', () => {
    const sig = (name: string) => registry.get(name).args.map((a) => (a.default === undefined ? a.name : `${a.name}=${String(a.default)}`)).join(', ');
    assert.strictEqual(sig('mse_loss'), 'input, target, reduction=mean');
    assert.strictEqual(sig('l1_loss'), 'input, target, reduction=mean');
    assert.strictEqual(sig('smooth_l1_loss'), 'input, target, reduction=mean, beta=1');
    assert.strictEqual(sig('huber_loss'), 'input, target, reduction=mean, delta=1');
    assert.strictEqual(sig('poisson_nll_loss'), 'input, target, log_input=true, full=false, eps=1e-8, reduction=mean');
    assert.strictEqual(sig('gaussian_nll_loss'), 'input, target, var, full=false, eps=0.000001, reduction=mean');
  });
});
