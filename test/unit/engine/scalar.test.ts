import * as assert from 'assert';
import { logSigmoid, sigmoid, softplus } from '../../../src/engine/scalar';
import { close } from '../../support/oracle';

describe('engine/scalar', () => {
  it('softplus(0) = ln 2 and softplus(x) − softplus(−x) = x', () => {
    assert.strictEqual(softplus(0), Math.LN2);
    for (const x of [0.3, 2, 17.5, 300]) assert.ok(close(softplus(x) - softplus(-x), x, 1e-15, 1e-15), `x = ${x}`);
  });

  it('keeps the tail exact (softplus(−50) = 1.93e-22, not 0) and does not overflow (softplus(1e4) = 1e4)', () => {
    assert.ok(close(softplus(-50), 1.9287498479639178e-22, 1e-15, 0));
    assert.strictEqual(Math.log(1 + Math.exp(-50)), 0);
    assert.strictEqual(softplus(1e4), 1e4);
    assert.strictEqual(Math.log(1 + Math.exp(1e4)), Infinity);
  });

  it('±∞ and NaN', () => {
    assert.strictEqual(softplus(Infinity), Infinity);
    assert.strictEqual(softplus(-Infinity), 0);
    assert.ok(Number.isNaN(softplus(NaN)));
    assert.strictEqual(logSigmoid(Infinity), -0);
    assert.strictEqual(logSigmoid(-Infinity), -Infinity);
    assert.strictEqual(sigmoid(Infinity), 1);
    assert.strictEqual(sigmoid(-Infinity), 0);
    assert.ok(Number.isNaN(sigmoid(NaN)) && Number.isNaN(logSigmoid(NaN)));
  });

  it('logSigmoid is −softplus(−x): log σ(−1000) = −1000, log σ(40) = −4.25e-18', () => {
    assert.strictEqual(logSigmoid(-1000), -1000);
    assert.ok(close(logSigmoid(40), -4.248354255291589e-18, 1e-14, 0));
  });

  it('sigmoid: σ(x) + σ(−x) = 1, σ(0) = 1/2, and σ(−720) keeps its subnormal value', () => {
    assert.strictEqual(sigmoid(0), 0.5);
    for (const x of [0.1, 3, 36]) assert.ok(close(sigmoid(x) + sigmoid(-x), 1, 0, Number.EPSILON), `x = ${x}`);
    assert.strictEqual(sigmoid(-720), Math.exp(-720));
    assert.ok(sigmoid(-720) > 0);
  });
});
