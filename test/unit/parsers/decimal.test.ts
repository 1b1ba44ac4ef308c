import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { decimalResult, digitsToDouble } from '../../../src/parsers/decimal';
import { lastDecimal, readDecimal } from '../../../src/parsers/lexer';
import { expectParseError } from './support';

/** scanDecimal on a whole literal, checking it consumed all of it. */
function scan(s: string, python = false): number {
  const v = readDecimal(s, 0, s.length, python);
  assert.equal(lastDecimal.end, s.length, `scanned all of ${s}`);
  return v;
}

describe('parsers/decimal', () => {
  it('matches Number() on hard cases: halfway points, 17+ digits, subnormals, overflow', () => {
    const hard = [
      '9007199254740993', // 2^53 + 1: halfway, ties to even
      '9007199254740995',
      '1.00000000000000011102230246251565404236316680908203125', // exactly halfway above 1
      '1.00000000000000011102230246251565404236316680908203124',
      '1.00000000000000011102230246251565404236316680908203126',
      '0.1', '0.2', '0.3', '2.2250738585072014e-308', '2.2250738585072011e-308', '4.9e-324', '5e-324', '2e-324',
      '1.7976931348623157e308', '1.7976931348623159e308', '1e309', '1e-400', '123456789012345678901234567890',
      '0.3285999894142151', '1.2345678806304932', '9.643749466768692e-23', '0.00013624693383462727',
      '1e22', '1e23', '8.98846567431158e307', '0.000000000000000000000000000000012345678901234567',
      '3.0000000000000004', '7.2057594037927933e16', '1e-300', '1e300', '0', '0.0', '0e5',
    ];
    for (const s of hard) assert.ok(Object.is(scan(s), Number(s)), s);
  });

  it('is correctly rounded for random doubles written shortest and with 17 digits', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0 }), (v) => {
        for (const s of [String(v), v.toPrecision(17), v.toExponential(16), v.toExponential(5)]) {
          if (!Object.is(scan(s.replace('+', '')), Number(s))) return false;
        }
        return true;
      }),
      { numRuns: 20000 },
    );
  });

  it('is correctly rounded for random digit strings of 1 to 25 digits and exponents ±350', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,12}\.[0-9]{0,12}$/), fc.integer({ min: -350, max: 350 }), (m, e) => {
        const s = `${m.endsWith('.') ? m + '0' : m}e${e}`;
        return Object.is(scan(s), Number(s));
      }),
      { numRuns: 20000 },
    );
  });

  it('digitsToDouble returns NaN (fall back) rather than a wrong double', () => {
    // 2^53 + 1 split as head 900719925474099, tail 3: exactly halfway, so the fast path declines.
    assert.equal(digitsToDouble(900719925474099, 1, 3, 0), false);
    assert.equal(digitsToDouble(3, 0, 0, -1), true);
    assert.equal(decimalResult[0], 0.3);
  });

  it('reads Python and numpy spellings: 1., .5, 1.e-03, 1_000', () => {
    assert.equal(scan('1.', true), 1);
    assert.equal(scan('.5', true), 0.5);
    assert.equal(scan('1.e-03', true), 0.001);
    assert.equal(scan('1_000.000_1', true), 1000.0001);
    assert.equal(lastDecimal.integer, false);
    scan('1_000', true);
    assert.equal(lastDecimal.integer, true);
  });

  it('rejects malformed literals with a message quoting them', () => {
    expectParseError(() => scan('1.'), "Malformed number '1.': expected a digit after the decimal point but found the end of the input.");
    expectParseError(() => scan('1e'), "Malformed number '1e': expected a digit in the exponent");
    expectParseError(() => scan('01'), "Number '01' has a leading zero, which JSON does not allow");
    expectParseError(() => scan('1__0', true), "expected a digit after '_'");
    expectParseError(() => scan('12abc', true), "expected an operator, a comma or a bracket after the number but found 'abc'");
  });
});
