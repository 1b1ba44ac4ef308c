import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJsonTensor } from '../../../src/parsers';
import { Float64Builder, scanJsonArray } from '../../../src/parsers/jsonTensor';
import { assertSameData, expectParseError, ORACLE_FIXTURES } from './support';

/** The single tensor of a JSON text. */
function one(text: string) {
  const r = parseJsonTensor(text);
  assert.equal(r.tensors.length, 1);
  return r.tensors[0];
}

describe('parsers/jsonTensor', () => {
  describe('arrays', () => {
    const cases: [string, string, number[], number[], string][] = [
      ['2-D integers', '[[1, 2], [3, 4]]', [2, 2], [1, 2, 3, 4], 'int64'],
      ['1-D floats', '[0.5, -1.25e-3, 1E+2]', [3], [0.5, -0.00125, 100], 'float64'],
      ['one float makes it float64', '[1, 2.0]', [2], [1, 2], 'float64'],
      ['3-D', '[[[1],[2]],[[3],[4]]]', [2, 2, 1], [1, 2, 3, 4], 'int64'],
      ['empty', '[]', [0], [], 'float64'],
      ['empty rows', '[[], []]', [2, 0], [], 'float64'],
      ['nested empty', '[[[]]]', [1, 1, 0], [], 'float64'],
      ['whitespace everywhere', ' \n[ [ 1 ,\t2 ] ,\r\n[3,4] ] \n', [2, 2], [1, 2, 3, 4], 'int64'],
      ['a number is 0-d', '  -3.5 ', [], [-3.5], 'float64'],
      ['an integer is 0-d int64', '7', [], [7], 'int64'],
    ];
    for (const [name, text, shape, data, dtype] of cases) {
      it(name, () => {
        const t = one(text).tensor;
        assert.deepEqual(t.shape, shape);
        assert.equal(t.dtype, dtype);
        assertSameData(t.data, data);
      });
    }

    it("keeps -0 bit-exact and reads Python json's NaN, Infinity and -Infinity", () => {
      const t = one('[-0, -0.0, 0, NaN, Infinity, -Infinity, -0e5]').tensor;
      assertSameData(t.data, [-0, -0, 0, NaN, Infinity, -Infinity, -0]);
      assert.equal(t.dtype, 'float64');
    });

    it('reads the strings "nan", "inf" and "-inf" of the oracle format', () => {
      assertSameData(one('["nan", "inf", "-inf", "NaN", "-Infinity", 1]').tensor.data, [NaN, Infinity, -Infinity, NaN, -Infinity, 1]);
    });

    it('gives the range of the array in the text', () => {
      assert.deepEqual(one('  [1, 2]  ').range, { offset: 2, length: 6 });
    });
  });

  describe('errors', () => {
    it('names the first ragged row by index path and both lengths', () => {
      const e = expectParseError(() => parseJsonTensor('[[1, 2, 3, 4], [5, 6, 7]]'), 'Ragged array: row [1] has 3 values but row [0] has 4');
      assert.deepEqual([e.offset, e.length], [15, 9]);
      expectParseError(() => parseJsonTensor('[[[1, 2], [3, 4]], [[5, 6], [7]]]'), 'Ragged array: row [1, 1] has 1 values but row [0, 0] has 2');
      expectParseError(() => parseJsonTensor('[[[1], [2]], [[3]]]'), 'Ragged array: row [1] has 1 rows but row [0] has 2');
      expectParseError(() => parseJsonTensor('[[1, 2], []]'), 'row [1] has 0 values but row [0] has 2');
    });

    it('rejects mixed nesting', () => {
      expectParseError(() => parseJsonTensor('[[1, 2], 3]'), 'Ragged array: element [1] is a number but element [0] is a list');
      expectParseError(() => parseJsonTensor('[1, [2]]'), 'Ragged array: element [1] is a list but element [0] is a number');
      expectParseError(() => parseJsonTensor('[[], 1]'), 'element [1] is a number but element [0] is a list');
    });

    it('says what was expected and what was found', () => {
      expectParseError(() => parseJsonTensor('[1, 2'), "Expected ',' or ']' but found the end of the input.");
      expectParseError(() => parseJsonTensor('[1, , 2]'), "Expected a number or '[' but found ','.");
      expectParseError(() => parseJsonTensor('[1, 2,]'), "Expected a number or '[' but found ']'.");
      expectParseError(() => parseJsonTensor('[1 2]'), "Expected ',' or ']' but found '2'.");
      expectParseError(() => parseJsonTensor('[true]'), "Expected a number or '[' but found 'true'.");
      expectParseError(() => parseJsonTensor('["abc"]'), 'only "nan", "inf" and "-inf" may be written as strings');
      expectParseError(() => parseJsonTensor('[1] [2]'), "Unexpected '[' after the JSON value");
      expectParseError(() => parseJsonTensor(''), 'the input is empty');
      expectParseError(() => parseJsonTensor('[-x]'), "expected a digit after '-' but found 'x'");
    });

    it('caps nesting at 64 dims with a clean error', () => {
      expectParseError(() => parseJsonTensor('['.repeat(65) + ']'.repeat(65)), 'deeper than 64 levels');
      assert.equal(one('['.repeat(64) + '1' + ']'.repeat(64)).tensor.shape.length, 64);
    });
  });

  describe('objects', () => {
    it('recognises roles by key and keeps scalar fields as options', () => {
      const r = parseJsonTensor('{"logits": [[1.5, 2]], "labels": [1], "weight": [1, 2], "reduction": "sum", "label_smoothing": 0.1, "log_target": false}');
      assert.equal(r.named, true);
      assert.deepEqual(Object.keys(r.roles).sort(), ['input', 'target', 'weight']);
      assert.deepEqual(r.roles.input?.tensor.shape, [1, 2]);
      assert.equal(r.roles.input?.name, 'logits');
      assert.equal(r.roles.target?.tensor.dtype, 'int64');
      assert.deepEqual(r.options, { reduction: 'sum', label_smoothing: 0.1, log_target: false });
    });

    const roleKeys: [string, string][] = [
      ['input', 'input'], ['outputs', 'input'], ['scores', 'input'], ['preds', 'input'], ['student', 'input'],
      ['targets', 'target'], ['label', 'target'], ['y', 'target'], ['y_true', 'target'],
      ['probs', 'probs'], ['p', 'probs'], ['q', 'probs'], ['teacher', 'teacher'], ['pos_weight', 'pos_weight'], ['var', 'var'],
    ];
    for (const [key, role] of roleKeys) {
      it(`"${key}" is the ${role}`, () => {
        const r = parseJsonTensor(`{"${key}": [1, 2]}`);
        assert.equal(r.tensors[0].role, role);
      });
    }

    it('reads a bare number for a tensor argument as 0-d', () => {
      const r = parseJsonTensor('{"input": [0.1, 0.9], "target": 1}');
      assert.deepEqual(r.roles.target?.tensor.shape, []);
      assert.equal(r.roles.target?.tensor.dtype, 'int64');
    });

    it('reads {"shape", "data"} and the oracle {"dtype", "shape", "data"} tensor objects', () => {
      let t = one('{"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}').tensor;
      assert.deepEqual([t.shape, t.dtype], [[2, 3], 'int64']);
      t = one('{"dtype": "float32", "shape": [2], "data": ["nan", 0.1]}').tensor;
      assert.equal(t.dtype, 'float32');
      assertSameData(t.data, [NaN, Math.fround(0.1)]);
      t = one('{"data": [[1, 2], [3, 4]], "shape": [2, 2], "dtype": "float64"}').tensor;
      assert.deepEqual([t.shape, t.dtype], [[2, 2], 'float64']);
      t = one('{"dtype": "int64", "shape": [], "data": [3]}').tensor;
      assert.deepEqual([t.shape, Array.from(t.data)], [[], [3]]);
      t = one('{"dtype": "float32", "shape": [0, 3], "data": []}').tensor;
      assert.deepEqual(t.shape, [0, 3]);
    });

    it('rejects a tensor object whose shape and data disagree, or a bad dtype', () => {
      expectParseError(() => parseJsonTensor('{"shape": [2, 2], "data": [1, 2, 3]}'), '"shape" is [2,2] (4 values) but "data" has 3 values: make them agree.');
      expectParseError(() => parseJsonTensor('{"dtype": "complex64", "data": [1]}'), "Unknown dtype 'complex64'");
      expectParseError(() => parseJsonTensor('{"dtype": "int64", "data": [1.5]}'), 'non-integer 1.5 at flat index 0');
      expectParseError(() => parseJsonTensor('{"shape": "2x2", "data": [1, 2, 3, 4]}'), 'Expected "shape" to be a list of non-negative integers');
    });

    it('takes roles from an "args" object and names deeper tensors with dots', () => {
      const r = parseJsonTensor('{"id": "x", "args": {"input": {"dtype": "float32", "shape": [1, 2], "data": [0, 1]}, "target": [1], "reduction": "mean"}, "expect": {"output": {"dtype": "float64", "shape": [], "data": [0.3]}}}');
      assert.deepEqual(r.tensors.map((t) => [t.name, t.role]), [['args.input', 'input'], ['args.target', 'target'], ['expect.output', undefined]]);
      assert.deepEqual(r.options, { id: 'x', 'args.reduction': 'mean' });
    });

    it('rejects an object without tensors, and malformed objects', () => {
      expectParseError(() => parseJsonTensor('{"reduction": "mean"}'), 'The object has no tensor fields');
      expectParseError(() => parseJsonTensor('{"a" [1]}'), `Expected ':' after the key "a" but found '['.`);
      expectParseError(() => parseJsonTensor('{input: [1]}'), "Expected a key in double quotes but found 'input'.");
      expectParseError(() => parseJsonTensor('{"a": [1],}'), "Expected a key in double quotes but found '}'.");
      expectParseError(() => parseJsonTensor('{"a": [1]'), "Expected ',' or '}' but found the end of the input.");
      expectParseError(() => parseJsonTensor('{"a": tru}'), "Expected a JSON value but found 'tru'.");
      expectParseError(() => parseJsonTensor('{"a\\q": [1]}'), "Invalid escape '\\q'");
      expectParseError(() => parseJsonTensor('{"a": '.repeat(40) + '[1]' + '}'.repeat(40)), 'nested deeper than 32 levels');
    });

    it('decodes escaped keys', () => {
      assert.equal(parseJsonTensor('{"in\\u0070ut": [1]}').tensors[0].role, 'input');
    });
  });

  it('every tensor of every oracle case parses to the values JSON.parse gives, bit for bit', () => {
    let tensors = 0;
    for (const file of fs.readdirSync(ORACLE_FIXTURES).filter((f) => f.endsWith('.json'))) {
      const lines = fs.readFileSync(path.join(ORACLE_FIXTURES, file), 'utf8').split('\n');
      for (const raw of lines) {
        const line = raw.replace(/,\s*$/, '');
        if (!line.startsWith('{')) continue;
        const parsed = parseJsonTensor(line);
        const reference = JSON.parse(line) as Record<string, unknown>;
        for (const t of parsed.tensors) {
          const w = (t.name as string).split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], reference) as { dtype: string; shape: number[]; data: (number | string)[] };
          assert.deepEqual(t.tensor.shape, w.shape, `${file} ${t.name}`);
          assert.equal(t.tensor.dtype, w.dtype, `${file} ${t.name}`);
          const data = w.data.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));
          assertSameData(t.tensor.data, data, `${file} ${t.name}`);
          tensors++;
        }
      }
    }
    assert.ok(tensors > 1000, `${tensors} oracle tensors checked`);
  });

  it('Float64Builder grows and trims', () => {
    const b = new Float64Builder(16);
    for (let i = 0; i < 1000; i++) b.push(i);
    const out = b.finish();
    assert.equal(out.length, 1000);
    assert.equal(out[999], 999);
  });

  it('scanJsonArray reports where the array ends', () => {
    assert.equal(scanJsonArray('[[1], [2]] tail', 0, 15).end, 10);
  });
});
