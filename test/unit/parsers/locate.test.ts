import * as assert from 'node:assert/strict';
import { locateTensor } from '../../../src/parsers';
import { fixture } from './support';

/** The text of the located span around the first occurrence of `needle` (plus `delta`). */
function spanAt(text: string, needle: string, delta = 0, options = {}): string | undefined {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  const l = locateTensor(text, at + delta, options);
  return l && text.slice(l.range.offset, l.range.offset + l.range.length);
}

describe('parsers/locate', () => {
  const cell = fixture('004_cross_entropy_cell.py');

  it('finds the whole constructor call, methods included, from a number inside it', () => {
    const span = spanAt(cell, '[1.0, 0.0, 0.0, 0.0]', 2);
    assert.equal(span, 'torch.tensor([\n    [0.25, 0.25, 0.25, 0.25],\n    [1.0, 0.0, 0.0, 0.0],\n]).to(torch.float32)');
    const l = locateTensor(cell, cell.indexOf('[1.0, 0.0, 0.0, 0.0]'));
    assert.deepEqual(l?.result?.tensors[0].tensor.shape, [2, 4]);
    assert.equal(l?.result?.tensors[0].tensor.dtype, 'float32');
  });

  it('finds the call from its name, its brackets and its methods', () => {
    const expected = 'torch.tensor([2, 3])';
    assert.equal(spanAt(cell, 'torch.tensor([2, 3])', 2), expected);
    assert.equal(spanAt(cell, 'torch.tensor([2, 3])', 8), expected);
    assert.equal(spanAt(cell, '([2, 3])'), expected);
    assert.equal(spanAt(cell, '[2, 3])'), expected);
    assert.equal(spanAt(cell, '3])', 1), expected);
    assert.equal(spanAt(cell, '3])', 2), expected);
    assert.equal(spanAt(cell, 'to(torch.float32)', 1)?.startsWith('torch.tensor(['), true);
  });

  it('finds nothing outside a tensor', () => {
    assert.equal(locateTensor(cell, cell.indexOf('criterion')), undefined);
    assert.equal(locateTensor(cell, cell.indexOf('print')), undefined);
    assert.equal(locateTensor(cell, cell.indexOf('(incorrect_prediction_logits, target)') + 3), undefined);
    assert.equal(locateTensor('', 0), undefined);
    assert.equal(locateTensor('abc', 99), undefined);
  });

  it('stops at a call that is not a tensor constructor', () => {
    const src = fixture('001_cells.py');
    assert.equal(spanAt(src, '1/3, 1/3', 4), 'torch.FloatTensor([[1/3, 1/3, 1/3]])');
    const l = locateTensor(src, src.indexOf('1/3'));
    assert.equal(l?.result?.tensors[0].tensor.data[0], Math.fround(1 / 3));
    const src2 = fixture('002_cells.py');
    assert.equal(spanAt(src2, '0,9,0'), 'torch.tensor([0,9,0])');
    assert.equal(spanAt(src2, '-1,1,0'), 'torch.tensor([[-1,1,0,0,0,0,0,0,0,0]])');
    assert.equal(spanAt(src2, '[2,10]', 1), '[2,10]');
  });

  it('finds lists in prose and after an assignment', () => {
    const prose = fixture('000_prose.txt');
    assert.equal(spanAt(prose, '0.1, 0.2'), '[[0.25, 0.25, 0.5], [0.1, 0.2, 0.7]]');
    assert.equal(spanAt(prose, '[2, 2]', 1), '[2, 2]');
  });

  it('finds reprs in an output and reads them as reprs', () => {
    const out = fixture('001_outputs.txt');
    assert.equal(spanAt(out, '-2.2359'), 'tensor([[-1.8236, -1.7275, -0.6421, -2.6150, -2.7887],\n [-1.7406, -2.2359, -2.8238, -1.7891, -0.7109],\n [-0.5414, -2.2969, -1.3376, -4.1818, -3.2250]],\n grad_fn=)');
    const l = locateTensor(out, out.indexOf('grad_fn=)') + 2);
    assert.equal(l?.format, 'repr');
    assert.equal(l?.result?.tensors[0].requiresGrad, true);
    assert.equal(spanAt(out, '1.4612), tensor'), 'tensor(1.4612)');
    assert.equal(spanAt(out, '[1, 3]) tensor', 1), '[1, 3]');
  });

  it('finds arrays in JSON, stopping at the key', () => {
    const json = '{"input": [[0.1, 0.2], [0.3, 0.4]], "target": [1, 0]}';
    assert.equal(spanAt(json, '0.3', 0, { format: 'json' }), '[[0.1, 0.2], [0.3, 0.4]]');
    const l = locateTensor(json, json.indexOf('[1, 0]') + 1, { format: 'json' });
    assert.equal(l?.format, 'json');
    assert.deepEqual(Array.from(l?.result?.tensors[0].tensor.data ?? []), [1, 0]);
    assert.equal(locateTensor(json, json.indexOf('target')), undefined);
  });

  it('returns the span with the error when the span is not a valid tensor', () => {
    const text = 'print(x)\ntensor([0.1000, 0.2000, ..., 0.9000])\n';
    const l = locateTensor(text, text.indexOf('0.2'));
    assert.equal(l?.result, undefined);
    assert.match(l?.error?.message ?? '', /summarized/);
    assert.equal(text.slice(l!.range.offset, l!.range.offset + l!.range.length), 'tensor([0.1000, 0.2000, ..., 0.9000])');
  });

  it('is bounded: in a huge array it scans at most maxScan each way and returns an inner row', () => {
    const row = '[' + new Array(100).fill('0.5').join(', ') + ']';
    const huge = '[' + new Array(20000).fill(row).join(', ') + ']';
    const middle = huge.indexOf('0.5', Math.floor(huge.length / 2));
    const l = locateTensor(huge, middle, { maxScan: 10000 });
    assert.ok(l);
    assert.equal(l.truncated, true);
    assert.deepEqual(l.result?.tensors[0].tensor.shape, [100]);
    const whole = locateTensor(huge, middle, { maxScan: huge.length });
    assert.deepEqual(whole?.result?.tensors[0].tensor.shape, [20000, 100]);
    assert.equal(whole?.truncated, false);
  });
});
