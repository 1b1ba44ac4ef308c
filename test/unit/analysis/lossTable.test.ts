/**
 * The loss table against the registry: every op exists, every option is a registry argument or a
 * legacy spelling, and PyTorch's legacy reduction rule.
 */
import * as assert from 'assert';
import { LOSS_TABLE, legacyReduction, lossByFunctional, lossByModule } from '../../../src/analysis/lossTable';
import { registry } from '../../../src/engine/registry';

describe('analysis/lossTable', () => {
  it('every entry names a registry op, and its tensors and options are that op\'s arguments', () => {
    for (const e of LOSS_TABLE) {
      assert.ok(registry.has(e.op), e.op);
      const args = new Set(registry.get(e.op).args.map((a) => a.name));
      for (const n of [...e.call, ...e.options]) assert.ok(args.has(n) || n === 'size_average' || n === 'reduce', `${e.module}: ${n}`);
      for (const a of registry.get(e.op).args) assert.ok(e.call.includes(a.name) || e.options.includes(a.name), `${e.module} misses ${a.name}`);
    }
  });

  it('covers every torch.nn loss the registry has', () => {
    for (const op of ['cross_entropy', 'nll_loss', 'kl_div', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'poisson_nll_loss', 'gaussian_nll_loss', 'hinge_embedding_loss', 'margin_ranking_loss', 'soft_margin_loss', 'multilabel_soft_margin_loss', 'multi_margin_loss', 'multilabel_margin_loss', 'triplet_margin_loss', 'triplet_margin_with_distance_loss', 'cosine_embedding_loss', 'ctc_loss']) {
      assert.ok(lossByFunctional(op)?.op === op, op);
    }
    assert.strictEqual(lossByModule('torch', 'BCEWithLogitsLoss')?.op, 'binary_cross_entropy_with_logits');
    assert.strictEqual(lossByModule('timm', 'JsdCrossEntropy')?.op, 'jsd_cross_entropy');
    assert.strictEqual(lossByModule('torch', 'JsdCrossEntropy'), undefined);
  });

  it('folds size_average/reduce into reduction as PyTorch does', () => {
    assert.strictEqual(legacyReduction(undefined, undefined), undefined);
    assert.strictEqual(legacyReduction(null, null), undefined);
    assert.strictEqual(legacyReduction(false, undefined), 'sum');
    assert.strictEqual(legacyReduction(true, false), 'none');
    assert.strictEqual(legacyReduction(undefined, true), 'mean');
  });
});
