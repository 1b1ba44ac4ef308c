import * as assert from 'assert';
import { encodeNumber, formatExact, formatNumber, formatRow } from '../../../src/shared/format';

describe('shared/format', () => {
  it('prints non-finite values as PyTorch does and encodes them as the oracle does', () => {
    assert.deepStrictEqual([NaN, Infinity, -Infinity].map(formatNumber), ['nan', 'inf', '-inf']);
    assert.deepStrictEqual([NaN, Infinity, -Infinity, 1.5].map(encodeNumber), ['nan', 'inf', '-inf', 1.5]);
  });
  it('keeps full precision when asked, and -0', () => {
    assert.strictEqual(formatExact(1.564981370874285), '1.564981370874285');
    assert.strictEqual(formatExact(-0), '-0');
  });
  it('rounds to significant digits and trims zeros', () => {
    assert.strictEqual(formatNumber(1.564981370874285), '1.56498');
    assert.strictEqual(formatNumber(0.25), '0.25');
    assert.strictEqual(formatNumber(2), '2');
    assert.strictEqual(formatNumber(1.93e-22), '1.93e-22');
    assert.strictEqual(formatNumber(-12345678, 4), '-1.235e+7');
  });
  it('caps long rows', () => {
    assert.strictEqual(formatRow([1, 2, 3], 3, 2), '[1, 2, … (1 more)]');
  });
});
