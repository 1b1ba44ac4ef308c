import * as assert from 'assert';
import { klDiv, klDivBackward, klDivTerms, KlDivOptions } from '../../../../src/engine/losses/kl';
import { logSoftmax } from '../../../../src/engine/softmax';
import { registry } from '../../../../src/engine/registry';
import { EngineError } from '../../../../src/engine/errors';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { value, near, allNear, numericGrad } from '../../../support/numeric';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');

const p = f([2, 3], [0.2, 0.3, 0.5, 0.6, 0.3, 0.1]);
const logQ = logSoftmax(f([2, 3], [1, 0, -1, 0.5, 2, 0]), 1);

/** KL(p‖q) of one row, written out. */
const klRow = (pr: number[], lq: number[]): number => pr.reduce((s, pc, c) => s + (pc === 0 ? 0 : pc * (Math.log(pc) - lq[c])), 0);

describe('engine/losses/kl', () => {
  it('identical distributions give 0', () => {
    assert.strictEqual(value(klDiv(f([1, 2], [Math.log(0.25), Math.log(0.75)]), f([1, 2], [0.25, 0.75]), { reduction: 'sum' })), 0);
  });

  it('batchmean of [N,C] is the mean over rows of KL(target ‖ exp(input))', () => {
    const lq = Array.from(logQ.data);
    const expected = (klRow([0.2, 0.3, 0.5], lq.slice(0, 3)) + klRow([0.6, 0.3, 0.1], lq.slice(3))) / 2;
    near(value(klDiv(logQ, p, { reduction: 'batchmean' })), expected);
  });

  it('a hand case: KL([0.75, 0.25] ‖ [0.5, 0.5]) = 0.75 ln 1.5 + 0.25 ln 0.5', () => {
    near(value(klDiv(f([2], [Math.log(0.5), Math.log(0.5)]), f([2], [0.75, 0.25]), { reduction: 'sum' })), 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5));
  });

  it('sum = batchmean·N = mean·numel; mean is the default', () => {
    const s = value(klDiv(logQ, p, { reduction: 'sum' }));
    near(value(klDiv(logQ, p, { reduction: 'batchmean' })) * 2, s);
    near(value(klDiv(logQ, p)) * 6, s);
    assert.strictEqual(klDivTerms(logQ, p, { reduction: 'batchmean' }).divisor, 2);
    assert.strictEqual(klDivTerms(logQ, p).divisor, 6);
  });

  it('log_target=true with log p equals log_target=false with p', () => {
    const logP = f([2, 3], Array.from(p.data, Math.log));
    allNear(klDiv(logQ, logP, { reduction: 'none', log_target: true }).data, klDiv(logQ, p, { reduction: 'none' }).data, 1e-15);
    const a = klDivBackward(logQ, logP, { log_target: true, reduction: 'sum' });
    const b = klDivBackward(logQ, p, { reduction: 'sum' });
    allNear(a.input.data, b.input.data, 1e-15);
    // d/d(log t) = t · d/dt.
    allNear(a.target.data, Array.from(b.target.data, (g, k) => g * p.data[k]), 1e-15);
  });

  it('the input is used as given: raw (unnormalised) inputs are not log_softmaxed', () => {
    const x = f([2], [1, -2]);
    const t = f([2], [0.5, 0.5]);
    allNear(klDiv(x, t, { reduction: 'none' }).data, [0.5 * Math.log(0.5) - 0.5, 0.5 * Math.log(0.5) + 1]);
  });

  it('target [C] broadcasts over rows; its gradient sums over them', () => {
    const t = f([3], [0.2, 0.3, 0.5]);
    const tRows = f([2, 3], [0.2, 0.3, 0.5, 0.2, 0.3, 0.5]);
    const none = klDiv(logQ, t, { reduction: 'none' });
    assert.deepStrictEqual(none.shape, [2, 3]);
    allNear(none.data, klDiv(logQ, tRows, { reduction: 'none' }).data);
    const g = klDivBackward(logQ, t, { reduction: 'batchmean' });
    const gRows = klDivBackward(logQ, tRows, { reduction: 'batchmean' });
    assert.deepStrictEqual(g.target.shape, [3]);
    allNear(g.target.data, [0, 1, 2].map((c) => gRows.target.data[c] + gRows.target.data[c + 3]));
    allNear(g.input.data, gRows.input.data);
  });

  it('batchmean divides by input.size(0), not by the broadcast batch; 0-d divides by 1', () => {
    const lq = f([3], [-1, -1, -1]);
    const t = f([2, 3], [0.2, 0.2, 0.2, 0.2, 0.2, 0.2]);
    near(value(klDiv(lq, t, { reduction: 'batchmean' })), value(klDiv(lq, t, { reduction: 'sum' })) / 3);
    near(value(klDiv(f([], [-1]), f([], [0.5]), { reduction: 'batchmean' })), 0.5 * Math.log(0.5) + 0.5);
  });

  it('gradients for input and target match central differences, both target forms', () => {
    for (const opts of [{ reduction: 'batchmean' }, { reduction: 'mean', log_target: true }] as KlDivOptions[]) {
      const t = opts.log_target ? f([2, 3], Array.from(p.data, Math.log)) : p;
      const g = klDivBackward(logQ, t, opts);
      allNear(g.input.data, numericGrad((x) => value(klDiv(x, t, opts)), logQ), 1e-8);
      allNear(g.target.data, numericGrad((tt) => value(klDiv(logQ, tt, opts)), t), 1e-8);
    }
  });

  it('NaN/∞ follow PyTorch: t=0 gives 0, but 0·(−∞) is NaN; x=−∞ with t>0 is ∞; log target −∞ is NaN', () => {
    const none = klDiv(f([4], [-1, -Infinity, -Infinity, 0]), f([4], [0, 0, 0.5, -0.5]), { reduction: 'none' }).data;
    assert.strictEqual(none[0], 0);
    assert.ok(Number.isNaN(none[1]));
    assert.strictEqual(none[2], Infinity);
    assert.ok(Number.isNaN(none[3]), 'a negative target has no log');
    assert.ok(Number.isNaN(klDiv(f([1], [-1]), f([1], [-Infinity]), { reduction: 'none', log_target: true }).data[0]));
    const g = klDivBackward(f([2], [-1, 0.5]), f([2], [0, 0.5]), { reduction: 'sum' });
    assert.deepStrictEqual(Array.from(g.input.data), [-0, -0.5]);
    assert.ok(Number.isNaN(g.target.data[0]), 'PyTorch differentiates xlogy(t, t) at t = 0 as 0/0');
    near(g.target.data[1], Math.log(0.5) + 1 - 0.5);
  });

  it('large negative log-probabilities stay finite', () => {
    near(value(klDiv(f([2], [-1e4, 0]), f([2], [0.5, 0.5]), { reduction: 'sum' })), 0.5 * 1e4 + Math.log(0.5), 1e-9);
  });

  it('empty input: none keeps the shape, sum is 0, mean and batchmean are NaN', () => {
    const x = f([0, 3], []);
    assert.deepStrictEqual(klDiv(x, x, { reduction: 'none' }).shape, [0, 3]);
    assert.strictEqual(value(klDiv(x, x, { reduction: 'sum' })), 0);
    assert.ok(Number.isNaN(value(klDiv(x, x, { reduction: 'mean' }))));
    assert.ok(Number.isNaN(value(klDiv(x, x, { reduction: 'batchmean' }))));
  });

  it('rejects shapes that do not broadcast and unknown reductions', () => {
    assert.throws(
      () => klDiv(f([2, 3], new Array(6).fill(-1)), f([3, 3], new Array(9).fill(0.3))),
      (e: unknown) =>
        e instanceof EngineError &&
        e.code === 'shape_mismatch' &&
        e.message === 'kl_div: input [2,3] and target [3,3] do not broadcast (dim -2: 2 vs 3); give them the same shape or size 1 on that dim.',
    );
    assert.throws(
      () => klDiv(logQ, p, { reduction: 'batch' as 'mean' }),
      (e: unknown) => e instanceof EngineError && e.code === 'invalid_reduction' && e.message === "kl_div: reduction='batch' is not valid; use 'none', 'batchmean', 'sum' or 'mean'.",
    );
    assert.throws(() => registry.call('kl_div', { input: logQ, target: p, reduction: 'avg' }), (e: unknown) => e instanceof EngineError && e.code === 'invalid_reduction');
  });

  it('the registry entry has PyTorch arguments and defaults', () => {
    assert.deepStrictEqual(
      registry.get('kl_div').args.map((a) => [a.name, a.default]),
      [['input', undefined], ['target', undefined], ['reduction', 'mean'], ['log_target', false]],
    );
  });
});
