/** Python's printing of values, as f-strings and print show them. */
import * as assert from 'assert';
import { pyFloatRepr, pyFormat, torchRepr } from '../../../src/analysis/values';

describe('analysis/values', () => {
  it('repr(float) as Python prints it', () => {
    assert.strictEqual(pyFloatRepr(50), '50.0');
    assert.strictEqual(pyFloatRepr(9.643749466768692e-23), '9.643749466768692e-23');
    assert.strictEqual(pyFloatRepr(0.00013624693383462727), '0.00013624693383462727');
    assert.strictEqual(pyFloatRepr(1e-5), '1e-05');
    assert.strictEqual(pyFloatRepr(1e16), '1e+16');
    assert.strictEqual(pyFloatRepr(-0), '-0.0');
    assert.strictEqual(pyFloatRepr(NaN), 'nan');
  });

  it('format specs', () => {
    assert.strictEqual(pyFormat({ k: 'num', v: 1.23456, int: false }, '.3f'), '1.235');
    assert.strictEqual(pyFormat({ k: 'num', v: 1234.5, int: false }, '.2e'), '1.23e+03');
    assert.strictEqual(pyFormat({ k: 'num', v: 0.25, int: false }, '.1%'), '25.0%');
  });

  it('torch-style tensor repr', () => {
    assert.strictEqual(torchRepr({ shape: [], data: Float64Array.of(1.7296), dtype: 'float32' }), 'tensor(1.7296)');
    assert.strictEqual(torchRepr({ shape: [2], data: Float64Array.of(0, 2), dtype: 'int64' }), 'tensor([0, 2])');
  });
});
