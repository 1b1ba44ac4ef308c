import * as assert from 'assert';
import { registry } from '../../../src/engine/registry';
import { tensor } from '../../../src/engine/tensor';
import { inputTargetArgs, rankOps } from '../../../src/host/opRanking';

const ops = registry.list();
const likely = (input: ReturnType<typeof tensor>, target: ReturnType<typeof tensor>): string[] => rankOps(input, target, ops).filter((r) => r.likely).map((r) => r.op);

describe('host/opRanking', () => {
  it('logits and class indices: cross_entropy first', () => {
    const l = likely(tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]), tensor([2], [0, 1], 'int64'));
    assert.strictEqual(l[0], 'cross_entropy');
    assert.ok(l.includes('nll_loss'));
    assert.ok(!l.includes('mse_loss'), 'shapes differ: no regression loss is likely');
  });

  it('log-probabilities and class indices: nll_loss first', () => {
    const lp = [Math.log(0.2), Math.log(0.3), Math.log(0.5)];
    assert.strictEqual(likely(tensor([1, 3], lp), tensor([1], [2], 'int64'))[0], 'nll_loss');
  });

  it('two distributions: kl_div first', () => {
    const l = likely(tensor([1, 3], [1 / 3, 1 / 3, 1 / 3]), tensor([1, 3], [0.36, 0.48, 0.16]));
    assert.strictEqual(l[0], 'kl_div');
    assert.ok(l.includes('cross_entropy'));
  });

  it('logits and a distribution target: cross_entropy first, kl_div offered', () => {
    const l = likely(tensor([1, 3], [2, 1, 0.1]), tensor([1, 3], [0.36, 0.48, 0.16]));
    assert.deepStrictEqual(l.slice(0, 2), ['cross_entropy', 'soft_target_cross_entropy']);
    assert.ok(l.includes('kl_div'));
  });

  it('[0,1] values and 0/1 targets: binary_cross_entropy first', () => {
    const l = likely(tensor([2, 2], [0.9, 0.2, 0.3, 0.6]), tensor([2, 2], [1, 0, 0, 1]));
    assert.deepStrictEqual(l.slice(0, 2), ['binary_cross_entropy', 'binary_cross_entropy_with_logits']);
  });

  it('logits outside [0,1] and 0/1 targets: BCE with logits first, plain BCE not suggested', () => {
    const l = likely(tensor([2, 2], [2.5, -1, 0.3, 4]), tensor([2, 2], [1, 1, 0, 1]));
    assert.strictEqual(l[0], 'binary_cross_entropy_with_logits');
    assert.ok(!l.includes('binary_cross_entropy'));
  });

  it('one-hot rows against logits: cross_entropy first, BCE with logits offered', () => {
    const l = likely(tensor([2, 2], [2.5, -1, 0.3, 4]), tensor([2, 2], [1, 0, 0, 1]));
    assert.strictEqual(l[0], 'cross_entropy');
    assert.ok(l.includes('binary_cross_entropy_with_logits'));
  });

  it('same-shape real targets: regression losses', () => {
    assert.strictEqual(likely(tensor([3], [1.5, 2, 3]), tensor([3], [1, 2.5, 2]))[0], 'mse_loss');
  });

  it('lists every (input, target) op once, likely first, and never an op that needs a third tensor', () => {
    const all = rankOps(tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]), tensor([2], [0, 1], 'int64'), ops);
    const names = all.map((r) => r.op);
    assert.strictEqual(new Set(names).size, names.length);
    for (const bad of ['ctc_loss', 'margin_ranking_loss', 'distillation_loss', 'gaussian_nll_loss', 'softmax', 'entropy']) assert.ok(!names.includes(bad), bad);
    const firstUnlikely = all.findIndex((r) => !r.likely);
    assert.ok(all.slice(firstUnlikely).every((r) => !r.likely));
    assert.deepStrictEqual(inputTargetArgs(registry.get('ctc_loss')), undefined);
    assert.deepStrictEqual(inputTargetArgs(registry.get('cross_entropy')), { input: 'input', target: 'target' });
  });
});
