import * as assert from 'assert';
import { ArgumentError, numberFlag, parseFlags, tensorFromNested, toFloat } from '../../../src/cli/args';

const throwsArg = (f: () => unknown, re: RegExp): void => assert.throws(f, (e: unknown) => e instanceof ArgumentError && re.test(e.message));

describe('cli/args', () => {
  describe('tensorFromNested', () => {
    it('nested lists give row-major data and the shape', () => {
      const t = tensorFromNested([[1.5, 2], [3, 4]]);
      assert.deepStrictEqual(t.shape, [2, 2]);
      assert.deepStrictEqual(Array.from(t.data), [1.5, 2, 3, 4]);
      assert.strictEqual(t.dtype, 'float64');
    });
    it('integers only is int64 (class indices); a number is 0-d', () => {
      assert.strictEqual(tensorFromNested([0, 2, 1]).dtype, 'int64');
      assert.deepStrictEqual(tensorFromNested(3).shape, []);
      assert.strictEqual(tensorFromNested([[1, 2.5]]).dtype, 'float64');
    });
    it('"nan", "inf", "-inf" are accepted and make the tensor float', () => {
      const t = tensorFromNested([1, 'nan', 'inf', '-inf']);
      assert.strictEqual(t.dtype, 'float64');
      assert.ok(Number.isNaN(t.data[1]));
      assert.deepStrictEqual([t.data[2], t.data[3]], [Infinity, -Infinity]);
    });
    it('empty lists keep their shape', () => {
      assert.deepStrictEqual(tensorFromNested([]).shape, [0]);
      assert.deepStrictEqual(tensorFromNested([[], []]).shape, [2, 0]);
    });
    it('ragged rows, mixed depths and non-numbers are named with their position', () => {
      throwsArg(() => tensorFromNested([[1, 2], [3]], '--input'), /^--input: the list at \[1\] has 1 element but the first one at that depth has 2/);
      throwsArg(() => tensorFromNested([[1, 2], 3], '--input'), /^--input: expected a list of 2 at \[1\]/);
      throwsArg(() => tensorFromNested([1, [2]], '--input'), /^--input: expected a number at \[1\], got \[2\] \(rows must all have the same depth\)/);
      throwsArg(() => tensorFromNested([true], 'x'), /^x: expected a number at \[0\], got true/);
      throwsArg(() => tensorFromNested(['NaNs'], 'x'), /write NaN and infinity as "nan", "inf", "-inf"/);
    });
    it('toFloat keeps the values and changes only an int64 dtype', () => {
      const i = tensorFromNested([[1, 2]]);
      assert.strictEqual(toFloat(i).dtype, 'float64');
      assert.deepStrictEqual(Array.from(toFloat(i).data), [1, 2]);
      const fl = tensorFromNested([0.5]);
      assert.strictEqual(toFloat(fl), fl);
    });
  });

  describe('parseFlags / numberFlag', () => {
    it('--name value, --name=value, dashes as underscores, switches', () => {
      const { flags, switches } = parseFlags(['--log-target', 'x', '--alpha=0.5', '--json'], ['json']);
      assert.deepStrictEqual([...flags], [['log_target', 'x'], ['alpha', '0.5']]);
      assert.deepStrictEqual([...switches], ['json']);
    });
    it('rejects bare words, repeats and a missing value', () => {
      throwsArg(() => parseFlags(['x'], []), /unexpected argument 'x'/);
      throwsArg(() => parseFlags(['--a', '1', '--a', '2'], []), /--a is given twice/);
      throwsArg(() => parseFlags(['--a'], []), /--a needs a value/);
    });
    it('numbers: default when absent, error when not finite', () => {
      const { flags } = parseFlags(['--t', '2.5', '--bad', 'inf', '--empty='], []);
      assert.strictEqual(numberFlag(flags, 't', 1), 2.5);
      assert.strictEqual(numberFlag(flags, 'missing', 4), 4);
      throwsArg(() => numberFlag(flags, 'bad', 1), /--bad needs a number, got 'inf'/);
      throwsArg(() => numberFlag(flags, 'empty', 1), /--empty needs a number/);
    });
  });
});
