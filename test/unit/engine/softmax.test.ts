import * as assert from 'assert';
import { logSoftmax, logSumExp, softmax, softmaxBackward, logSoftmaxBackward } from '../../../src/engine/softmax';
import { setKernels } from '../../../src/engine/kernels';
import { EngineError } from '../../../src/engine/errors';
import { tensor, Tensor } from '../../../src/engine/tensor';
import { close } from '../../support/oracle';

const t = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const rowSums = (x: Tensor, c: number): number[] => Array.from({ length: x.data.length / c }, (_, r) => x.data.slice(r * c, r * c + c).reduce((a, b) => a + b, 0));

describe('engine/softmax', () => {
  it('uniform logits give 1/C and log_softmax −ln C', () => {
    const x = t([2, 5], new Array(10).fill(3.7));
    for (const v of softmax(x, 1).data) assert.ok(Math.abs(v - 0.2) < 1e-15);
    for (const v of logSoftmax(x, 1).data) assert.ok(Math.abs(v + Math.log(5)) < 1e-15);
  });

  it('rows sum to 1 along any dim', () => {
    const x = t([2, 3, 4], Array.from({ length: 24 }, (_, i) => Math.sin(i) * 5));
    for (const dim of [0, 1, 2, -1]) {
      const y = softmax(x, dim);
      const { shape } = x;
      const d = dim < 0 ? dim + 3 : dim;
      const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
      const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < stride; i++) {
          let s = 0;
          for (let c = 0; c < shape[d]; c++) s += y.data[o * shape[d] * stride + c * stride + i];
          assert.ok(Math.abs(s - 1) < 1e-14, `dim ${dim}: sum ${s}`);
        }
      }
    }
  });

  it('±1e4 logits stay finite and exact', () => {
    const x = t([1, 3], [1e4, -1e4, 1e4 - 1]);
    const ls = logSoftmax(x, 1).data;
    assert.ok(ls.every(Number.isFinite));
    assert.ok(Math.abs(ls[0] + Math.log1p(Math.exp(-1))) < 1e-12);
    assert.strictEqual(ls[1], -2e4 - Math.log1p(Math.exp(-1)));
    assert.deepStrictEqual(rowSums(softmax(x, 1), 3).map((s) => Math.abs(s - 1) < 1e-15), [true]);
  });

  it('log_softmax agrees with log(softmax) where softmax does not underflow', () => {
    const x = t([3], [0.5, -1.25, 2]);
    const a = logSoftmax(x, 0).data;
    const b = softmax(x, 0).data.map(Math.log);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-15));
  });

  it('a row of all −∞ or with +∞ is NaN; −∞ entries alone get probability 0', () => {
    assert.ok(softmax(t([2], [-Infinity, -Infinity]), 0).data.every(Number.isNaN));
    assert.ok(logSoftmax(t([3], [Infinity, 0, 1]), 0).data.every(Number.isNaN));
    const y = softmax(t([3], [-Infinity, 0, 0]), 0).data;
    assert.deepStrictEqual(Array.from(y), [0, 0.5, 0.5]);
    assert.strictEqual(logSoftmax(t([3], [-Infinity, 0, 0]), 0).data[0], -Infinity);
  });

  it('NaN spreads to its whole row only', () => {
    const y = softmax(t([2, 2], [NaN, 1, 2, 3]), 1).data;
    assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[1]));
    assert.ok(close(y[3], 1 / (1 + Math.exp(-1)), 0, 1e-15));
  });

  it('0-d input with dim 0 or −1 is 1 (softmax) and 0 (log_softmax)', () => {
    const x: Tensor = { shape: [], data: Float64Array.of(7), dtype: 'float32' };
    assert.deepStrictEqual(Array.from(softmax(x, -1).data), [1]);
    assert.deepStrictEqual(Array.from(logSoftmax(x, 0).data), [0]);
  });

  it('logsumexp drops the dim and is max-shifted', () => {
    const r = logSumExp(t([2, 2], [1000, 1000, -1000, -1000]), 1);
    assert.deepStrictEqual(r.shape, [2]);
    assert.ok(Math.abs(r.data[0] - (1000 + Math.log(2))) < 1e-12);
    assert.ok(Math.abs(r.data[1] - (-1000 + Math.log(2))) < 1e-12);
  });

  it('dim out of range is invalid_argument naming dim and the range', () => {
    assert.throws(() => softmax(t([2, 3], [1, 2, 3, 4, 5, 6]), 2), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.strictEqual(e.code, 'invalid_argument');
      assert.strictEqual(e.message, 'softmax: dim=2 is out of range for a 2-d input: use a value in [-2, 1].');
      return true;
    });
  });

  it('gradients match central differences', () => {
    const x = t([2, 3], [0.3, -1.2, 2.0, 0.1, 0.1, -0.4]);
    const g = t([2, 3], [1, -2, 0.5, 0.25, 3, -1]);
    const h = 1e-6;
    for (const [f, b] of [[softmax, softmaxBackward], [logSoftmax, logSoftmaxBackward]] as const) {
      const grad = b(x, 1, g).data;
      for (let k = 0; k < 6; k++) {
        const plus = Float64Array.from(x.data);
        const minus = Float64Array.from(x.data);
        plus[k] += h;
        minus[k] -= h;
        const fp = f(t([2, 3], Array.from(plus)), 1).data.reduce((s, v, i) => s + v * g.data[i], 0);
        const fm = f(t([2, 3], Array.from(minus)), 1).data.reduce((s, v, i) => s + v * g.data[i], 0);
        assert.ok(Math.abs((fp - fm) / (2 * h) - grad[k]) < 1e-7, `${f.name} grad[${k}]`);
      }
    }
  });

  it('a replacement kernel is used by the ops, and restoring brings the old one back', () => {
    let calls = 0;
    const restore = setKernels({ softmax: (_x, _o, _s, _i, out) => { calls++; out.fill(0.25); } });
    try {
      assert.deepStrictEqual(Array.from(softmax(t([4], [1, 2, 3, 4]), 0).data), [0.25, 0.25, 0.25, 0.25]);
      assert.strictEqual(calls, 1);
    } finally {
      restore();
    }
    assert.notStrictEqual(softmax(t([4], [1, 2, 3, 4]), 0).data[0], 0.25);
  });
});
