import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { decimalResult, splitToDouble } from '../../../src/parsers/decimal';
import { numberRun, scanNumberRun, scanNumberRunBytes } from '../../../src/parsers/numberRun';
import { parseJsonTensor, parsePythonTensors } from '../../../src/parsers';
import { parseJsonTensorBytes } from '../../../src/parsers/jsonTensorBytes';
import { prng } from '../../bench/support';
import { assertSameData } from './support';

/** A random double with uniformly random bits (every exponent, subnormals included), finite. */
function randomDouble(rand: () => number, view: DataView): number {
  for (;;) {
    view.setUint32(0, (rand() * 4294967296) >>> 0);
    view.setUint32(4, (rand() * 4294967296) >>> 0);
    const v = view.getFloat64(0);
    if (Number.isFinite(v)) return v;
  }
}

/** Both loops over `text`, which must be one run of numbers; checks they agree and returns the values. */
function run(text: string): { values: Float64Array; stop: number; afterValue: boolean; integer: boolean } {
  const buf = new Float64Array(text.length + 1);
  const stop = scanNumberRun(text, 0, text.length, buf, 0);
  const out = { values: buf.slice(0, numberRun.length), stop, afterValue: numberRun.afterValue, integer: numberRun.integer };
  const bytes = new TextEncoder().encode(text);
  const bbuf = new Float64Array(bytes.length + 1);
  const bstop = scanNumberRunBytes(bytes, 0, bytes.length, bbuf, 0);
  assert.equal(bstop, stop, 'bytes stop');
  assertSameData(bbuf.subarray(0, numberRun.length), out.values, 'bytes values');
  assert.equal(numberRun.afterValue, out.afterValue);
  return out;
}

/**
 * Checks the JSON parser (the run loop, and the general scanner wherever the loop declines)
 * against Number() on `count` literals from `literal`, 200k at a time in one text as a file holds
 * them, bit for bit, as a string and as bytes. Returns how many literals the run loop declined.
 */
function checkAgainstNumber(count: number, literal: (i: number) => string): number {
  const chunk = 200000;
  let declined = 0;
  for (let from = 0; from < count; from += chunk) {
    const parts: string[] = [];
    for (let i = from; i < Math.min(count, from + chunk); i++) parts.push(literal(i));
    const text = `[${parts.join(', ')}]`;
    const fromText = parseJsonTensor(text).tensors[0].tensor.data;
    const fromBytes = parseJsonTensorBytes(new TextEncoder().encode(text)).tensors[0].tensor.data;
    for (let i = 0; i < parts.length; i++) {
      const want = Number(parts[i]);
      if (!Object.is(fromText[i], want)) assert.fail(`${parts[i]} read as ${fromText[i]} but Number() gives ${want}`);
      if (!Object.is(fromBytes[i], want)) assert.fail(`${parts[i]} read from bytes as ${fromBytes[i]} but Number() gives ${want}`);
    }
    // How often the fast loop hands a literal to the general scanner.
    const buf = new Float64Array(1);
    for (let i = 0; i < parts.length; i++) {
      scanNumberRun(parts[i], 0, parts[i].length, buf, 0);
      if (numberRun.length === 0) declined++;
    }
  }
  return declined;
}

describe('parsers/numberRun', () => {
  it('reads a run up to the closing bracket and says it stopped after a value', () => {
    const r = run('1.5, -2, 3e-5 ,\t0.25\n]');
    assertSameData(r.values, [1.5, -2, 3e-5, 0.25]);
    assert.equal(r.afterValue, true);
    assert.equal(r.integer, false);
    assert.equal(r.stop, 21);
  });

  it('keeps -0 and reads integers as integers', () => {
    const r = run('-0, 0, 1234567890123456]');
    assertSameData(r.values, [-0, 0, 1234567890123456]);
    assert.equal(r.integer, true);
  });

  it('stops before what the general scanners must read, storing nothing of it', () => {
    // [text, values read, where it stops, after a value]
    const cases: [string, number[], number, boolean][] = [
      ['1, NaN]', [1], 3, false],
      ['1, 01]', [1], 3, false],
      ['1, 1.]', [1], 3, false],
      ['1, 1.e5]', [1], 3, false],
      ['1, 1e]', [1], 3, false],
      ['1, 2j]', [1], 3, false],
      ['1, 2 * 3]', [1], 3, false],
      ['1, 1_000]', [1], 3, false],
      ['1, "nan"]', [1], 3, false],
      ['1, 12345678901234567890]', [1], 3, false],
      ['1, -Infinity]', [1], 3, false],
      ['1 # note\n, 2]', [], 0, false],
      ['1, # note\n 2]', [1], 3, false],
      ['1, ]', [1], 3, false],
      ['1 x]', [], 0, false],
      ['1, 2', [1, 2], 4, true],
      ['1, 2   ', [1, 2], 7, true],
    ];
    for (const [text, values, stop, afterValue] of cases) {
      const r = run(text);
      assertSameData(r.values, values, text);
      assert.equal(r.stop, stop, `stop of ${JSON.stringify(text)}`);
      assert.equal(r.afterValue, afterValue, `afterValue of ${JSON.stringify(text)}`);
    }
  });

  it('never reads past the end of its range', () => {
    const text = '[1, 23, 4]';
    const buf = new Float64Array(8);
    // The range ends inside "23": the 2 is not a whole number of the range.
    const stop = scanNumberRun(text, 1, 5, buf, 0);
    assert.equal(numberRun.length, 1);
    assert.equal(stop, 4);
    assert.equal(numberRun.afterValue, false);
  });

  it('stops before a value when the buffer is full', () => {
    const buf = new Float64Array(2);
    const stop = scanNumberRun('1, 2, 3]', 0, 8, buf, 0);
    assert.equal(numberRun.length, 2);
    assert.equal(stop, 6);
    assert.equal(numberRun.afterValue, false);
  });

  it('matches Number() on hard cases: halfway points, 19 digits, 2^53 ± 1, subnormals, extremes', () => {
    const hard = [
      '9007199254740993', '9007199254740992', '9007199254740991', '9007199254740995', '18014398509481985',
      '1.0000000000000002', '1.0000000000000001', '1.00000000000000011', '0.1', '0.2', '0.3', '3.0000000000000004',
      '2.2250738585072014e-308', '2.2250738585072011e-308', '4.9e-324', '5e-324', '2e-324', '2.4703282292062327e-324',
      '2.4703282292062328e-324', '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '1e309',
      '1e-400', '1e-300', '1e300', '1e22', '1e23', '9.999999999999999e22', '7.2057594037927933e16', '1234567890123456789',
      '9999999999999999999', '1000000000000000000', '0.000000000000000000000000000000012345678901234567',
      '-1.0986123085021973', '0.3285999894142151', '9.643749466768692e-23', '1.401298464324817e-45', '3.4028234663852886e38',
      '1.1754943508222875e-38', '0e5', '0.000', '-0.0e-7', '1E+2', '5e-1', '123.456e-2',
    ];
    // Through the parser: the run loop declines the ambiguous ones and the general scanner reads them.
    checkAgainstNumber(hard.length, (i) => hard[i]);
    for (const s of ['-1.0986123085021973', '0.1', '1e22', '9007199254740992', '1.7976931348623157e200', '2.2250738585072014e-250']) {
      const r = run(`${s}]`);
      assert.ok(Object.is(r.values[0], Number(s)), `${s} read by the run loop as ${r.values[0]}`);
    }
  });

  it('is bit-exact against Number() on a million float32 values written as shortest doubles', function () {
    this.timeout(120000);
    const rand = prng(20240601);
    const view = new DataView(new ArrayBuffer(8));
    const declined = checkAgainstNumber(1_000_000, (i) => {
      // Logit-like values, then any float32 at all (subnormals and extremes).
      if (i % 2 === 0) return String(Math.fround((rand() + rand() + rand() + rand() - 2) * 5));
      view.setUint32(0, (rand() * 4294967296) >>> 0);
      const f = view.getFloat32(0);
      return Number.isFinite(f) ? String(f) : '0';
    });
    // Only float32 values beyond 10^19 written as integers (20+ digits) and the like: about 1 in 20 of the random half.
    assert.ok(declined < 60000, `the run loop declined ${declined} of 1e6`);
  });

  it('is bit-exact against Number() on a million random doubles, shortest and with 17 and 19 digits', function () {
    this.timeout(120000);
    const rand = prng(77);
    const view = new DataView(new ArrayBuffer(8));
    checkAgainstNumber(1_000_000, (i) => {
      const v = randomDouble(rand, view);
      const s = i % 3 === 0 ? String(v) : i % 3 === 1 ? v.toPrecision(17) : v.toExponential(18);
      return s.replace('e+', 'e');
    });
  });

  it('is bit-exact against Number() near halfway points between neighbouring doubles', function () {
    this.timeout(60000);
    const rand = prng(5);
    const view = new DataView(new ArrayBuffer(8));
    checkAgainstNumber(200_000, () => {
      // The midpoint of v and its successor, to 19 digits, lands within an ulp/10^3 of halfway.
      const v = Math.abs(randomDouble(rand, view));
      view.setFloat64(0, v);
      view.setUint32(4, view.getUint32(4) + 1);
      const next = view.getFloat64(0);
      if (!Number.isFinite(next)) return '1';
      return ((v + next) / 2 === v ? v : (v + next) / 2).toExponential(18).replace('e+', 'e');
    });
  });

  it('splitToDouble is correctly rounded or declines, for random 8 + 11 digit splits and exponents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99999999 }),
        fc.integer({ min: 0, max: 11 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: -340, max: 320 }),
        (hi, loDigits, frac, exp10) => {
          const lo = Math.floor(frac * 10 ** loDigits) % 10 ** loDigits;
          const digits = `${hi}${loDigits ? String(lo).padStart(loDigits, '0') : ''}`;
          return !splitToDouble(hi, lo, loDigits, exp10) || Object.is(decimalResult[0], Number(`${digits}e${exp10}`));
        },
      ),
      { numRuns: 50000 },
    );
  });

  it('feeds the Python parser the same values as the expression path', () => {
    const text = 'torch.tensor([[1.5, -2.25, 3, 2 * 3, -4e-3], [0.1, 1 + 1, -0.0, 7, 8]], dtype=torch.float64)';
    const [t] = parsePythonTensors(text);
    assert.deepEqual(t.tensor.shape, [2, 5]);
    assertSameData(t.tensor.data, [1.5, -2.25, 3, 6, -0.004, 0.1, 2, -0, 7, 8]);
  });
});
