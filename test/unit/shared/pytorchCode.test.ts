import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ArgValue } from '../../../src/engine/op';
import { registry } from '../../../src/engine/registry';
import { tensor, type Tensor } from '../../../src/engine/tensor';
import { pyNumber, pyTensor, toPyTorchCode } from '../../../src/shared/pytorchCode';

const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

const x = tensor([3, 4], [2, 1, 0.1, -1, 0.5, 2.5, 0.3, 0, -2, 0, 3, 1.25]);
const t = tensor([3, 4], [3, 0.5, 1, -1, 0, 2.5, 0.3, 1, -2, 0.5, 1, 1]);
const y = tensor([3], [0, 1, 2], 'int64');
const probs = tensor([3, 4], [0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25, 0, 0, 0.5, 0.5]);

const cases: Array<[string, Record<string, ArgValue>]> = [
  ['cross_entropy', { input: x, target: y }],
  ['cross_entropy', { input: x, target: y, weight: tensor([4], [1, 2, 0.5, 1]), label_smoothing: 0.1 }],
  ['cross_entropy', { input: x, target: probs, reduction: 'sum' }],
  ['nll_loss', { input: x, target: y }],
  ['kl_div', { input: x, target: probs, reduction: 'batchmean' }],
  ['binary_cross_entropy_with_logits', { input: x, target: tensor([3, 4], [1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1]) }],
  ['mse_loss', { input: x, target: t }],
  ['label_smoothing_cross_entropy', { input: x, target: y }],
  ['soft_target_cross_entropy', { input: x, target: probs }],
  ['distillation_loss', { student: x, teacher: t, labels: y }],
  ['jsd_cross_entropy', { input: tensor([6, 4], [...x.data, ...t.data]), target: tensor([6], [0, 1, 2, 0, 1, 2], 'int64'), num_splits: 2 }],
  ['js_divergence', { probs: tensor([3, 1, 4], probs.data) }],
];

describe('toPyTorchCode', () => {
  it('writes float64 tensors and Python literals', () => {
    assert.equal(pyNumber(2), '2.0');
    assert.equal(pyNumber(NaN), "float('nan')");
    assert.equal(pyNumber(-Infinity), "float('-inf')");
    assert.equal(pyTensor(y), 'torch.tensor([0, 1, 2], dtype=torch.int64)');
    assert.equal(pyTensor(tensor([1, 2], [0.5, 1])), 'torch.tensor([[0.5, 1.0]], dtype=torch.float64)');
    const code = toPyTorchCode('cross_entropy', { input: x, target: y });
    assert.match(code, /^import torch\nimport torch\.nn\.functional as F\n/);
    assert.match(code, /loss = F\.cross_entropy\(input, target, weight=weight, ignore_index=ignore_index, reduction=reduction, label_smoothing=label_smoothing\)/);
    assert.match(code, /reduction = 'mean'/);
  });

  it('says what to do for ops without a single value', () => {
    assert.throws(() => toPyTorchCode('mixup_target', { target: y, num_classes: 4 }), /no single number/);
  });

  for (const [i, [op, args]] of cases.entries()) {
    it(`case ${i}, ${op}: the code run by ${PYTHON} with torch prints the engine's value to 1e-6`, function () {
      if (!hasTorch) this.skip();
      this.timeout(60_000);
      const r = spawnSync(PYTHON, ['-c', toPyTorchCode(op, args)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const printed = Number(r.stdout.trim());
      const value = (registry.call(op, args) as Tensor).data[0];
      assert.ok(Math.abs(printed - value) <= 1e-6 * Math.max(1, Math.abs(value)), `${op}: torch ${printed} vs engine ${value}\n${r.stdout}`);
    });
  }
});
