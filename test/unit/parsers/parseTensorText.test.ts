import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { FormatOption, ParseError, parseTensorText } from '../../../src/parsers';
import { assertSameData, expectParseError, fixture, jsonNumber } from './support';

interface SeedTensor {
  shape: number[];
  dtype: string;
  data: number[];
  name?: string;
  role?: string;
  requiresGrad?: boolean;
}
interface SeedCase {
  seed: string;
  kind: string;
  format: FormatOption;
  text: string;
  expect?: SeedTensor[];
  error?: string;
}

const seeds = JSON.parse(fixture('seeds.json')) as SeedCase[];

/** A random tensor of up to 4 dims with values drawn from `value`. */
function arbTensor(value: fc.Arbitrary<number>) {
  return fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
    .chain((shape) => fc.tuple(fc.constant(shape), fc.array(value, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })));
}

const special = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e-300, 1e300, -1e-300, 5e-324, 1.7976931348623157e308);
const anyDouble = fc.oneof(fc.double(), special);

/** Nested text of `data` in `shape`, each value written by `write`, joined by `sep`. */
function nest(shape: number[], data: number[], write: (v: number) => string, open = '[', close = ']', sep = ', '): string {
  if (shape.length === 0) return write(data[0]);
  let k = 0;
  const rec = (d: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < shape[d]; i++) parts.push(d === shape.length - 1 ? write(data[k++]) : rec(d + 1));
    return open + parts.join(sep) + (shape[d] === 1 && open === '(' ? ',' : '') + close;
  };
  return rec(0);
}

/** Python's repr of a float: inf, nan, and a `.` or exponent so it stays a float. */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "-float('inf')";
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.e]/.test(s) ? s : s + '.0';
}

/** A print-style float: nan, inf, -inf, and numpy's `1.` style for integers. */
function printFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0.';
  const s = String(v);
  return /[.e]/.test(s) ? s.replace('e+', 'e+') : s + '.';
}

describe('parsers/parseTensorText', () => {
  describe('every printed tensor in the seeds', () => {
    for (const c of seeds) {
      it(`${c.seed} ${c.kind}: ${JSON.stringify(c.text.slice(0, 50))}`, () => {
        if (c.error !== undefined) {
          expectParseError(() => parseTensorText(c.text, c.format), c.error);
          return;
        }
        const r = parseTensorText(c.text, c.format);
        assert.equal(r.tensors.length, c.expect!.length);
        c.expect!.forEach((e, i) => {
          const t = r.tensors[i];
          assert.deepEqual(t.tensor.shape, e.shape);
          assert.equal(t.tensor.dtype, e.dtype);
          assertSameData(t.tensor.data, e.dtype === 'float32' ? e.data.map((v) => Math.fround(v)) : e.data);
          if (e.name !== undefined) assert.equal(t.name, e.name);
          if (e.role !== undefined) assert.equal(t.role, e.role);
          assert.equal(t.requiresGrad === true, e.requiresGrad === true);
          const src = c.text.slice(t.range.offset, t.range.offset + t.range.length);
          assert.ok(/^(tensor|torch|np|array|\[|\(|-?\d)/.test(src), `range starts at the literal: ${src.slice(0, 20)}`);
        });
      });
    }
  });

  describe('auto-detection', () => {
    const cases: [string, string, string][] = [
      ['JSON array', '[[1, 2]]', 'json'],
      ['JSON object', '{"input": [1]}', 'json'],
      ['Python call', 'torch.tensor([1])', 'python'],
      ['Python list with an expression', '[1/3, 2]', 'python'],
      ["Python list with numpy's 1.", '[1., 2.]', 'python'],
      ['repr', 'tensor([1.])', 'repr'],
      ['numpy print', '[1. 2.]', 'repr'],
      ['assignment', 'x = [1, 2]', 'python'],
    ];
    for (const [name, text, format] of cases) {
      it(`${name} is ${format}`, () => assert.equal(parseTensorText(text).format, format));
    }

    it('throws the error that got furthest when no format fits', () => {
      const e = expectParseError(() => parseTensorText('[[1, 2], [3, 4, 5]]'), 'Ragged array: row [1] has 3 values but row [0] has 2');
      assert.equal(e.offset, 9);
    });

    it('honours an explicit format', () => {
      expectParseError(() => parseTensorText('[1/3]', 'json'), "Expected ',' or ']' but found '/'.");
      assert.equal(parseTensorText('[1, 2]', 'python').tensors[0].tensor.dtype, 'int64');
    });
  });

  describe('round trips (property)', () => {
    it('JSON written with Python json tokens parses back bit-exact', () => {
      fc.assert(
        fc.property(arbTensor(anyDouble), ([shape, data]) => {
          const text = nest(shape, data, jsonNumber);
          const t = parseTensorText(text, 'json').tensors[0].tensor;
          assert.deepEqual(t.shape, shape);
          assertSameData(t.data, data);
        }),
        { numRuns: 500 },
      );
    });

    it('JSON tensor objects with the oracle strings parse back bit-exact, dtype included', () => {
      fc.assert(
        fc.property(arbTensor(anyDouble), ([shape, data]) => {
          const enc = (v: number): string => (Number.isNaN(v) ? '"nan"' : v === Infinity ? '"inf"' : v === -Infinity ? '"-inf"' : jsonNumber(v));
          const text = `{"dtype": "float64", "shape": [${shape.join(',')}], "data": [${data.map(enc).join(',')}]}`;
          const t = parseTensorText(text).tensors[0].tensor;
          assert.deepEqual([t.shape, t.dtype], [shape, 'float64']);
          assertSameData(t.data, data);
        }),
        { numRuns: 300 },
      );
    });

    it('Python lists and tuples parse back bit-exact (float64), and as float32 in torch.tensor', () => {
      fc.assert(
        fc.property(arbTensor(anyDouble), fc.boolean(), ([shape, data], tuples) => {
          const lit = nest(shape, data, pyFloat, tuples ? '(' : '[', tuples ? ')' : ']');
          const t = parseTensorText(lit, 'python').tensors[0].tensor;
          assert.deepEqual(t.shape, shape);
          assertSameData(t.data, data);
          const tt = parseTensorText(`torch.tensor(${lit}, requires_grad=True)`, 'python').tensors[0];
          assert.equal(tt.tensor.dtype, 'float32');
          assertSameData(tt.tensor.data, data.map((v) => Math.fround(v)));
        }),
        { numRuns: 300 },
      );
    });

    it('torch-style and numpy-style reprs parse back', () => {
      fc.assert(
        fc.property(arbTensor(anyDouble), fc.constantFrom('torch', 'torch64', 'numpy', 'print'), ([shape, data], style) => {
          const body = nest(shape, data, printFloat, '[', ']', style === 'print' ? ' ' : ',\n        ');
          const text =
            style === 'torch' ? `tensor(${body}, grad_fn=<AddBackward0>)` : style === 'torch64' ? `tensor(${body}, dtype=torch.float64)` : style === 'numpy' ? `array(${body})` : body;
          const [t] = parseTensorText(text, 'repr').tensors;
          assert.deepEqual(t.tensor.shape, shape);
          assertSameData(t.tensor.data, style === 'torch' ? data.map((v) => Math.fround(v)) : data);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('robustness', () => {
    const formats: FormatOption[] = ['auto', 'json', 'python', 'repr'];
    const alphabet = '[](){},.:=+-*/ \n0123456789eE"\'abcdefghijklmnopqrstuvwxyz_<>…\\#;NaIfinty';

    it('random text throws nothing but ParseError', () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...alphabet.split('')), maxLength: 80 }), fc.constantFrom(...formats), (text, format) => {
          try {
            parseTensorText(text, format);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
            assert.ok(e.offset >= 0 && e.offset <= text.length && e.length >= 0, `range of ${JSON.stringify(text)}`);
          }
        }),
        { numRuns: 3000 },
      );
    });

    it('mutated valid inputs throw nothing but ParseError', () => {
      const valid = [
        ...seeds.map((s) => s.text),
        '{"input": {"dtype": "float32", "shape": [2], "data": [1, "nan"]}, "target": [0, 1], "reduction": "mean"}',
        "x = torch.tensor([[float('inf'), 1/3]], dtype=torch.float64).to('cuda')",
        "array([[1., nan],\n       [inf, -inf]], dtype=float32)",
      ];
      fc.assert(
        fc.property(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 4 }), fc.constantFrom(...formats), (base, edits, format) => {
          let text = base;
          for (const [at, del, ins] of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + ins + text.slice(i + del);
          }
          try {
            parseTensorText(text, format);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
          }
        }),
        { numRuns: 3000 },
      );
    });

    const n = 1_000_000;
    const adversarial: [string, string][] = [
      ['10^6 opening brackets', '['.repeat(n)],
      ['10^6-deep nesting', '['.repeat(n) + '1' + ']'.repeat(n)],
      ['10^6 parentheses', '('.repeat(n) + '1' + ')'.repeat(n)],
      ['10^6 closing brackets', ']'.repeat(n)],
      ['10^6 unary minus', '-'.repeat(n) + '1'],
      ['10^6 empty lists', '[' + '[],'.repeat(n) + '[]]'],
      ['a 10^6-digit number', '[' + '7'.repeat(n) + ']'],
      ['10^6 commas', '[' + ','.repeat(n) + ']'],
      ['a 10^6-character name', 'a'.repeat(n)],
      ['an unclosed 10^6-character string', '["' + 'x'.repeat(n)],
      ['10^6 tensor( calls', 'tensor('.repeat(n / 10)],
      ['10^6 nested objects', '{"a":'.repeat(n)],
    ];
    for (const [name, text] of adversarial) {
      it(`${name} ends in a result or a clean ParseError, for every format`, () => {
        for (const format of formats) {
          try {
            parseTensorText(text, format);
          } catch (e) {
            if (!(e instanceof ParseError)) throw e;
          }
        }
      });
    }

    /** Milliseconds for one parse of `text` (best of 3, so a GC pause does not count). */
    function time(text: string, format: FormatOption): number {
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        try {
          parseTensorText(text, format);
        } catch (e) {
          if (!(e instanceof ParseError)) throw e;
        }
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    }

    const linear: [string, (k: number) => string, FormatOption][] = [
      ['a long JSON row', (k) => '[' + '0.123456789, '.repeat(k) + '1]', 'json'],
      ['many JSON rows', (k) => '[' + '[1.5, -2.5], '.repeat(k) + '[0, 0]]', 'json'],
      ['a long Python list', (k) => 'torch.tensor([' + '0.5, 1/3, '.repeat(k) + '1])', 'python'],
      ['a long repr', (k) => 'tensor([' + '-1.0986, '.repeat(k) + '0.])', 'repr'],
      ['deep nesting that fails', (k) => '['.repeat(k), 'auto'],
      ['a long run of unary minus', (k) => '-'.repeat(k) + '1', 'python'],
      ['a long token run', (k) => 'x'.repeat(k * 8), 'auto'],
      ['many statements', (k) => 'y = [1]\n'.repeat(k), 'python'],
    ];
    for (const [name, make, format] of linear) {
      it(`${name} takes linear time (4n costs less than 16 times n)`, () => {
        const k = 50_000;
        time(make(k), format); // warm up the JIT
        const small = Math.max(time(make(k), format), 0.5);
        const large = time(make(4 * k), format);
        assert.ok(large < 16 * small, `${name}: n ${small.toFixed(1)} ms, 4n ${large.toFixed(1)} ms`);
      });
    }
  });
});
