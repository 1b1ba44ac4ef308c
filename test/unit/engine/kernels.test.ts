import * as assert from 'assert';
import { jsKernels } from '../../../src/engine/kernels';

describe('engine/kernels', () => {
  it('logSoftmaxPick equals the picked entry of logSoftmax, along inner strides too, and skips rows', () => {
    // x as [outer=2, size=3, inner=2]
    const x = Float64Array.from([1, -2, 1e4, 0.5, 3, 0, -1, 2, 0, 0, 7, -7]);
    const full = new Float64Array(12);
    jsKernels.logSoftmax(x, 2, 3, 2, full);
    const pick = [2, 0, -1, 1];
    const out = new Float64Array(4).fill(42);
    jsKernels.logSoftmaxPick(x, 2, 3, 2, pick, out);
    assert.strictEqual(out[0], full[0 * 6 + 2 * 2 + 0]);
    assert.strictEqual(out[1], full[0 * 6 + 0 * 2 + 1]);
    assert.strictEqual(out[2], 42, 'a row with pick −1 is left alone');
    assert.strictEqual(out[3], full[1 * 6 + 1 * 2 + 1]);
  });

  it('logSumExp of an empty row is −∞ and of a −∞ row is NaN-free −∞ only when empty', () => {
    const out = new Float64Array(1);
    jsKernels.logSumExp(new Float64Array(0), 1, 0, 1, out);
    assert.strictEqual(out[0], -Infinity);
  });
});
