import * as assert from 'assert';
import { ParseError } from '../../../src/parsers';
import { readOneTensor, readSelectionTensors, topLevelPieces } from '../../../src/host/selectionTensors';

describe('host/selectionTensors', () => {
  it('takes input and target from a JSON object by role, with its scalar fields', () => {
    const s = readSelectionTensors('{"logits": [[2.0, 1.0, 0.1]], "labels": [0], "reduction": "sum"}', 'json');
    assert.strictEqual(s.input?.name, 'logits');
    assert.strictEqual(s.target?.name, 'labels');
    assert.deepStrictEqual(s.options, { reduction: 'sum' });
  });

  it('reads two literals side by side, on one line or two', () => {
    const s = readSelectionTensors('torch.tensor([[2.0, 1.0]]), torch.tensor([1])');
    assert.deepStrictEqual(s.input?.tensor.shape, [1, 2]);
    assert.deepStrictEqual(s.target?.tensor.shape, [1]);
    assert.strictEqual(s.target?.tensor.dtype, 'int64');
    const t = readSelectionTensors('[[0.1, 0.9]]\n[[0, 1]]');
    assert.deepStrictEqual([t.input?.tensor.shape, t.target?.tensor.shape], [[1, 2], [1, 2]]);
  });

  it('ignores a trailing comma, as when a JSON field is selected to the end of its line', () => {
    const s = readSelectionTensors('{ "logits": [[2.0, 1.0]], "labels": [1] },', 'json');
    assert.deepStrictEqual([s.input?.name, s.target?.name], ['logits', 'labels']);
  });

  it('a target-named assignment is the target even when it comes first', () => {
    const s = readSelectionTensors('y = torch.tensor([1])\nx = torch.tensor([[2.0, 1.0]])');
    assert.strictEqual(s.target?.name, 'y');
    assert.strictEqual(s.input?.name, 'x');
  });

  it('one literal gives an input and no target', () => {
    const s = readSelectionTensors('[2.0, 1.0, 0.1]');
    assert.deepStrictEqual(s.input?.tensor.shape, [3]);
    assert.strictEqual(s.target, undefined);
  });

  it('throws a ParseError that points at the bad token', () => {
    assert.throws(() => readSelectionTensors('[1, 2, x]', 'json'), (e: unknown) => e instanceof ParseError && e.offset === 7);
    assert.throws(() => readOneTensor('[0, 2], [1]'), (e: unknown) => e instanceof ParseError && e.offset === 6 && /Unexpected ','/.test(e.message));
    assert.throws(() => readOneTensor('x = [0]\ny = [1]', 'python'), /Found 2 tensors: type just the target/);
  });

  it('splits only at top-level commas, semicolons and newlines', () => {
    assert.deepStrictEqual(topLevelPieces('[1, 2], f(3, "a,b")\n[4]'), [[0, 6], [7, 19], [20, 23]]);
  });
});
