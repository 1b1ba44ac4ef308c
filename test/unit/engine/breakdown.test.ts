import * as assert from 'assert';
import { lossBreakdown } from '../../../src/engine/breakdown';
import { registry } from '../../../src/engine/registry';
import { logSoftmax, softmax } from '../../../src/engine/softmax';
import { Tensor, tensor } from '../../../src/engine/tensor';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const i64 = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const value = (op: string, args: Record<string, unknown>): number => (registry.call(op, args as never) as Tensor).data[0];

describe('engine/breakdown', () => {
  const logits = f([2, 4], [0.25, 0.25, 0.25, 0.25, 1, 0, 0, 0]);

  it('class indices: H = 0, CE = KL = −log q_y, and the mean is cross_entropy', () => {
    const args = registry.resolveArgs('cross_entropy', { input: logits, target: i64([2], [2, 3]) });
    const b = lossBreakdown('cross_entropy', args)!;
    const logq = logSoftmax(logits, 1).data;
    assert.strictEqual(b.rows.length, 2);
    assert.deepStrictEqual(b.rows.map((r) => r.targetClass), [2, 3]);
    for (const r of b.rows) assert.strictEqual(r.entropy, 0);
    assert.ok(Math.abs(b.rows[1].kl + logq[7]) < 1e-15);
    assert.ok(Math.abs(b.mean.crossEntropy - value('cross_entropy', args)) < 1e-12);
  });

  it('probability targets with smoothing: CE = H + KL per row, mean equals cross_entropy', () => {
    const p = f([2, 4], [0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1]);
    const args = registry.resolveArgs('cross_entropy', { input: logits, target: p, label_smoothing: 0.2 });
    const b = lossBreakdown('cross_entropy', args)!;
    for (const r of b.rows) assert.ok(Math.abs(r.crossEntropy - (r.entropy + r.kl)) < 1e-12);
    assert.ok(b.rows.every((r) => r.kl >= 0 && r.entropy > 0));
    assert.ok(Math.abs(b.mean.crossEntropy - value('cross_entropy', args)) < 1e-12);
  });

  it('ignored rows are marked and left out of the mean', () => {
    const args = registry.resolveArgs('cross_entropy', { input: logits, target: i64([2], [-100, 3]) });
    const b = lossBreakdown('cross_entropy', args)!;
    assert.strictEqual(b.rows[0].ignored, true);
    assert.ok(Math.abs(b.mean.crossEntropy - value('cross_entropy', args)) < 1e-12);
  });

  it('K-dim inputs [N,C,d] are split per (n, d) position', () => {
    const x = f([1, 3, 2], [1, 0, 2, 0, 3, 0]);
    const args = registry.resolveArgs('cross_entropy', { input: x, target: i64([1, 2], [2, 0]), reduction: 'sum' });
    const b = lossBreakdown('cross_entropy', args)!;
    assert.strictEqual(b.rowCount, 2);
    assert.strictEqual(b.classes, 3);
    assert.ok(Math.abs(b.rows[0].crossEntropy + b.rows[1].crossEntropy - value('cross_entropy', args)) < 1e-12);
  });

  it('kl_div batchmean on normalised log-probabilities is the mean KL row; log_target reads exp(target)', () => {
    const logq = logSoftmax(logits, 1);
    const p = softmax(f([2, 4], [3, 1, 0, -1, 0, 0, 1, 2]), 1);
    const args = registry.resolveArgs('kl_div', { input: logq, target: p, reduction: 'batchmean' });
    const b = lossBreakdown('kl_div', args)!;
    assert.ok(Math.abs(b.mean.kl - value('kl_div', args)) < 1e-12);
    assert.deepStrictEqual(b.notes, []);
    const logArgs = registry.resolveArgs('kl_div', { input: logq, target: logSoftmax(f([2, 4], [3, 1, 0, -1, 0, 0, 1, 2]), 1), reduction: 'batchmean', log_target: true });
    assert.ok(Math.abs(lossBreakdown('kl_div', logArgs)!.mean.kl - b.mean.kl) < 1e-12);
  });

  it('says when a log-probability input is not normalised', () => {
    const args = registry.resolveArgs('kl_div', { input: logits, target: softmax(logits, 1), reduction: 'batchmean' });
    assert.match(lossBreakdown('kl_div', args)!.notes.join(' '), /not normalised log-probabilities/);
  });

  it('ops without a target distribution have no breakdown', () => {
    assert.strictEqual(lossBreakdown('mse_loss', registry.resolveArgs('mse_loss', { input: logits, target: logits })), null);
  });
});
