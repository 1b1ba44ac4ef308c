import * as assert from 'assert';
import { tensor } from '../../../src/engine/tensor';
import { analyzeTensor, rowView, topEntries } from '../../../src/host/tensorAnalysis';

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('host/tensorAnalysis', () => {
  it('softmax, log-softmax, logsumexp, entropy and argmax per row of logits', () => {
    const a = analyzeTensor(tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]));
    assert.strictEqual(a.kind, 'logits');
    assert.deepStrictEqual([a.rowCount, a.classes], [2, 3]);
    const r0 = a.rows[0];
    [0.659001, 0.242433, 0.098566].forEach((p, i) => close(r0.softmax[i], p));
    close(r0.logSumExp, 2 + Math.log(1 + Math.exp(-1) + Math.exp(-1.9)));
    close(r0.logSoftmax[0], 2 - r0.logSumExp);
    const h = -[0.659001, 0.242433, 0.098566].reduce((s, p) => s + p * Math.log(p), 0);
    close(r0.entropy, h, 1e-5);
    assert.deepStrictEqual(a.rows.map((r) => r.argmax), [0, 1]);
    close(a.mean, 6.4 / 6);
    assert.deepStrictEqual([a.min, a.max], [0.1, 2.5]);
    assert.match(a.findings[0], /look like logits/);
  });

  it('uniform rows have entropy ln C; one-hot probabilities have entropy of their softmax, not 0', () => {
    const a = analyzeTensor(tensor([1, 4], [3, 3, 3, 3]));
    close(a.rows[0].entropy, Math.log(4));
  });

  it('rows that sum to 1 look like probabilities', () => {
    const a = analyzeTensor(tensor([2, 3], [0.2, 0.3, 0.5, 0.1, 0.1, 0.8]));
    assert.strictEqual(a.kind, 'probabilities');
    assert.match(a.findings[0], /^Rows sum to 1: these look like probabilities/);
  });

  it('log_softmax output looks like log-probabilities', () => {
    const a = analyzeTensor(tensor([1, 3], [Math.log(0.2), Math.log(0.3), Math.log(0.5)]));
    assert.strictEqual(a.kind, 'log-probabilities');
  });

  it('int64 values are class indices; 0/1 floats are binary', () => {
    assert.strictEqual(analyzeTensor(tensor([3], [0, 2, 0], 'int64')).kind, 'class-indices');
    assert.strictEqual(analyzeTensor(tensor([2, 2], [0, 1, 1, 1])).kind, 'binary');
  });

  it('counts NaN and ±Inf and names their rows; argmax of a NaN row is the NaN, as torch.argmax', () => {
    const a = analyzeTensor(tensor([3, 2], [1, 2, NaN, 0, 3, Infinity]));
    assert.deepStrictEqual([a.nanCount, a.infCount], [1, 1]);
    assert.deepStrictEqual(a.nonFiniteRows, [1, 2]);
    assert.strictEqual(a.rows[1].argmax, 0);
    assert.strictEqual(a.rows[2].argmax, 1);
    assert.ok(Number.isNaN(a.rows[1].entropy));
    assert.match(a.findings[a.findings.length - 1], /^1 NaN and 1 ±Inf values in rows 1, 2/);
  });

  it('keeps detail for maxRows rows only but judges every row', () => {
    const data: number[] = [];
    for (let r = 0; r < 100; r++) data.push(0.5, 0.5);
    data[199] = 0.6; // the last row sums to 1.1
    const a = analyzeTensor(tensor([100, 2], data), { maxRows: 2 });
    assert.strictEqual(a.rows.length, 2);
    assert.strictEqual(a.kind, 'logits');
  });

  it('views 0-d and 1-D tensors as one row', () => {
    assert.deepStrictEqual(rowView([]), { rows: 1, classes: 1 });
    assert.deepStrictEqual(rowView([5]), { rows: 1, classes: 5 });
    assert.deepStrictEqual(rowView([2, 3, 4]), { rows: 6, classes: 4 });
    assert.strictEqual(analyzeTensor(tensor([0], [])).kind, 'empty');
  });

  it('topEntries sorts by value, ties by index', () => {
    assert.deepStrictEqual(topEntries([0.1, 0.5, 0.4, 0.5], 3), [[1, 0.5], [3, 0.5], [2, 0.4]]);
  });
});
