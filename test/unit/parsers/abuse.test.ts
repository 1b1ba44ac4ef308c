/**
 * What an abuse campaign found (issue 13): minimal reproducers that once gave a wrong number, a
 * message with raw control characters, or a locator whose work grew faster than its input.
 */
import * as assert from 'node:assert/strict';
import { locateTensor, parseTensorText, ParseError } from '../../../src/parsers';

function read(text: string, format: 'auto' | 'repr' | 'python' | 'json' = 'auto'): { shape: readonly number[]; data: number[]; format: string } {
  const r = parseTensorText(text, format);
  assert.equal(r.tensors.length, 1);
  return { shape: r.tensors[0].tensor.shape, data: Array.from(r.tensors[0].tensor.data), format: r.format };
}

describe('parsers: abuse reproducers', () => {
  describe('a numpy row is never read as arithmetic', () => {
    it("'[ 0.5 -1.5]' is NumPy's print of two values, not 0.5 − 1.5", () => {
      assert.deepEqual(read('[ 0.5 -1.5]'), { shape: [2], data: [0.5, -1.5], format: 'repr' });
    });
    it("'[[-100 -100]]' is a 1×2 row, not [[-200]]", () => {
      assert.deepEqual(read('[[-100 -100]]'), { shape: [1, 2], data: [-100, -100], format: 'repr' });
    });
    it('a multi-line numpy print with signs and a leading +', () => {
      assert.deepEqual(read('[[ 1.5 -2. ]\n [ 3.  +4. ]]'), { shape: [2, 2], data: [1.5, -2, 3, 4], format: 'repr' });
    });
    it('as Python source the same text is refused, naming the position, never summed', () => {
      assert.throws(
        () => parseTensorText('x = [0.5 -1.5]', 'python'),
        (e: unknown) => e instanceof ParseError && e.offset === 9 && /ambiguous/.test(e.message) && /comma/.test(e.message),
      );
    });
    it('real arithmetic still reads as arithmetic: `1 - 2`, `1-2`, `[2*3 - 1]`', () => {
      assert.deepEqual(read('[1 - 2]', 'python').data, [-1]);
      assert.deepEqual(read('[1-2]', 'python').data, [-1]);
      assert.deepEqual(read('[2*3 - 1]', 'python').data, [5]);
    });
  });

  describe('messages are one printable line', () => {
    const cases: [string, 'auto' | 'python' | 'json'][] = [
      ['["a\u0000"]', 'auto'],
      ['["a\tb"]', 'json'],
      ['["\\q"]', 'json'],
      ["float('a\tb')", 'python'],
      ['torch.tensor([1], dtype=torch.fo\to)', 'python'],
      ['[1, 2\u0007]', 'auto'],
    ];
    for (const [text, format] of cases) {
      it(`${JSON.stringify(text)} (${format})`, () => {
        assert.throws(
          () => parseTensorText(text, format),
          (e: unknown) => e instanceof ParseError && !/[\u0000-\u001f\u007f]/.test(e.message) && e.offset >= 0 && e.offset <= text.length,
        );
      });
    }
    it('the escape shows what was there', () => {
      assert.throws(() => parseTensorText('["a\u0000"]'), /"a\\u0000"/);
    });
  });

  it("numpy's 0-d bool prints read in repr mode", () => {
    assert.deepEqual(read('True', 'repr'), { shape: [], data: [1], format: 'repr' });
    assert.deepEqual(read('False', 'repr'), { shape: [], data: [0], format: 'repr' });
  });

  describe('locateTensor does work proportional to its input (counted, not timed)', () => {
    const hostile = ['["', '[', '(tensor(1.4612), ', "['a', ", '{"a": 1, ', '{"a":', "'", '"', '[1, ', '[[1, 2], ', '"a" ', 'tensor([', "('"];
    const build = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    /** Characters examined over hovers at the start, middle and end of the text. */
    function work(text: string): number {
      const meter = { chars: 0 };
      for (const at of [0, text.length >> 2, text.length >> 1, text.length - 1, text.length]) locateTensor(text, at, { maxScan: text.length, meter });
      return meter.chars;
    }
    for (const unit of hostile) {
      it(`${JSON.stringify(unit)} repeated: 64 KB costs at most ~4× 16 KB, and a few passes over the text`, () => {
        const small = work(build(unit, 16384));
        const large = work(build(unit, 65536));
        assert.ok(large <= 4.5 * Math.max(small, 1000), `16 KB: ${small} chars, 64 KB: ${large} chars (ratio ${(large / small).toFixed(2)})`);
        // Five hovers, each at most two passes back and two forward over its bound.
        assert.ok(large <= 5 * 4 * 65536 + 1000, `64 KB: ${large} chars examined`);
      });
    }
    it('the meter sees the work it reports: a plain hover counts its span', () => {
      const meter = { chars: 0 };
      const l = locateTensor('x = [1, 2, 3]', 6, { meter });
      assert.deepEqual(l?.result?.tensors[0].tensor.shape, [3]);
      assert.ok(meter.chars >= 9 && meter.chars <= 40, `${meter.chars}`);
    });
  });
});
