import * as assert from 'assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readNotebookJson, type CellInput } from '../../../src/analysis';
import { computeLoss } from '../../../src/host/lossComputation';
import { ParseError } from '../../../src/parsers';
import { readOneTensor, readPythonSelection, readSelectionTensors, topLevelPieces, type SelectionTensors } from '../../../src/host/selectionTensors';

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
    const summed = readSelectionTensors('{ "logits": [[2.0, 1.0]], "labels": [1], "reduction": "sum" },', 'json');
    assert.deepStrictEqual(summed.options, { reduction: 'sum' }, 'the object keeps its options');
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

/** Seed 001 as the integration tests open it: its code cells with their stored outputs. */
const SEED_001 = readNotebookJson(readFileSync(path.resolve(__dirname, '../../../../test/fixtures/workspace/seeds/001_d3dbd9c3b7b25ed7.ipynb'), 'utf8'));

/** The code cell that starts with `start`, its index among the code cells, and the offsets of `needle` in it. */
function find(cells: readonly CellInput[], start: string, needle?: string): { index: number; from: number; to: number } {
  const index = cells.findIndex((c) => c.source.startsWith(start));
  assert.ok(index >= 0, `no cell starts with ${start}`);
  const from = needle === undefined ? 0 : cells[index].source.indexOf(needle);
  assert.ok(from >= 0, `${needle} is not in cell ${index}`);
  return { index, from, to: needle === undefined ? cells[index].source.length : from + needle.length };
}

function read(cells: readonly CellInput[], start: string, needle?: string): SelectionTensors {
  const { index, from, to } = find(cells, start, needle);
  const r = readPythonSelection(cells, index, from, to);
  assert.ok(r && !('problem' in r), `expected tensors, got ${JSON.stringify(r)}`);
  return r;
}

const data = (t: { data: Float64Array } | undefined): number[] => Array.from(t?.data ?? [], (x) => Number(x.toFixed(4)));

describe('host/selectionTensors: Python through the static evaluator', () => {
  it('evaluates an expression: torch.log(...) gives log-probabilities, not the probabilities', () => {
    const s = read(SEED_001, 'input = torch.log', 'torch.log(torch.FloatTensor([[1/3, 1/3, 1/3]]))');
    assert.deepStrictEqual(data(s.input?.tensor), [-1.0986, -1.0986, -1.0986]);
    assert.strictEqual(s.input?.tensor.dtype, 'float32');
    assert.strictEqual(s.target, undefined);
  });

  it('whole statements read as the cell ran them: each assigned name, prints skipped', () => {
    const s = read(SEED_001, 'input = torch.log');
    assert.deepStrictEqual(s.tensors.map((t) => t.name), ['input', 'target']);
    assert.deepStrictEqual(data(s.input?.tensor), [-1.0986, -1.0986, -1.0986]);
    assert.deepStrictEqual(data(s.target?.tensor), [0.36, 0.48, 0.16]);
    assert.strictEqual(s.call, undefined);
  });

  it('a selected loss call is that call with its module options (kl_loss(input, target) = 0.0853, stored)', () => {
    const s = read(SEED_001, 'kl_loss(input, target)');
    assert.strictEqual(s.call?.op, 'kl_div');
    assert.strictEqual(s.call?.args.reduction, 'batchmean');
    assert.strictEqual(s.call?.text, 'kl_loss(input, target)');
    assert.deepStrictEqual(data(s.input?.tensor), [-1.0986, -1.0986, -1.0986]);
    const c = computeLoss(s.call!.op, s.call!.args);
    assert.strictEqual(c.value?.toFixed(4), '0.0853');
  });

  it('a name inside a call reads its value from an earlier cell', () => {
    const s = read(SEED_001, 'kl_loss(input, target)', 'input');
    assert.strictEqual(s.input?.name, 'input');
    assert.deepStrictEqual(data(s.input?.tensor), [-1.0986, -1.0986, -1.0986]);
    const both = read(SEED_001, 'kl_loss(input, target)', 'input, target');
    assert.deepStrictEqual(data(both.target?.tensor), [0.36, 0.48, 0.16]);
  });

  it('the cursor on a loss call (an empty selection) reads the call, as the hover does', () => {
    const { index, from } = find(SEED_001, 'kl_loss(input, target)', 'kl_loss');
    const r = readPythonSelection(SEED_001, index, from + 2, from + 2);
    assert.ok(r && !('problem' in r));
    assert.strictEqual(r.call?.op, 'kl_div');
  });

  it('names Loss Lens cannot compute take the printed output, and say so (ce_value = 1.7296, stored)', () => {
    const s = read(SEED_001, 'ce_value = ce_loss(input, target)');
    assert.strictEqual(s.call?.op, 'cross_entropy');
    assert.deepStrictEqual(s.input?.tensor.shape, [3, 5]);
    assert.ok(s.provenance?.some((p) => /^input: from the printed output, 4 decimals$/.test(p)), JSON.stringify(s.provenance));
    assert.strictEqual(computeLoss(s.call!.op, s.call!.args).value?.toFixed(4), '1.7296');
    const echoed = read(SEED_001, 'input = torch.randn(3, 5');
    assert.deepStrictEqual(echoed.tensors.map((t) => [t.name, t.tensor.shape]), [['input', [3, 5]]], 'the bare `input` line does not add it twice');
  });

  it('F.softmax / torch.softmax with dim evaluates per row', () => {
    const s = read(SEED_001, '# kl(p, q)', 'torch.softmax(target, dim=1)');
    const t = s.input!.tensor;
    assert.deepStrictEqual(t.shape, [1, 4]);
    assert.ok(Math.abs(t.data.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.deepStrictEqual(data(t), [0.1375, 0.306, 0.2505, 0.306]); // torch.softmax(torch.Tensor([[-0.7, 0.1, -0.1, 0.1]]), dim=1), printed by torch 1.13
  });

  it('a value it cannot compute is a problem that names it; a printed repr is left to the parsers', () => {
    const cells = [{ source: 'x = torch.randn(3)\ny = x * 2\ny', outputs: [] }];
    const r = readPythonSelection(cells, 0, cells[0].source.indexOf('y = '), cells[0].source.lastIndexOf('\ny'));
    assert.ok(r && 'problem' in r, JSON.stringify(r));
    assert.match(r.problem, /torch\.randn/);
    const repr = [{ source: 'tensor([[0.1, 0.9]], grad_fn=<SoftmaxBackward0>)', outputs: [] }];
    assert.strictEqual(readPythonSelection(repr, 0, 0, repr[0].source.length), undefined);
    assert.ok(readSelectionTensors(repr[0].source).input);
  });
});
