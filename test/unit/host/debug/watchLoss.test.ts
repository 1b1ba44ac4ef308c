import * as assert from 'assert';
import { crossEntropy } from '../../../../src/engine';
import { tensor } from '../../../../src/engine/tensor';
import { roleForKey } from '../../../../src/parsers';
import { computeLoss, engineDtype, guessTarget, pairOps, toDebugTensor } from '../../../../src/host/debug/watchLoss';

describe('host/debug/watchLoss', () => {
  it('maps debuggee dtypes to engine dtypes', () => {
    assert.deepStrictEqual(
      ['torch.float16', 'torch.bfloat16', 'torch.float32', 'torch.float64', 'numpy.int32', 'torch.int64', 'torch.bool', 'numpy.uint8'].map(engineDtype),
      ['float32', 'float32', 'float32', 'float64', 'int64', 'int64', 'int64', 'int64'],
    );
  });

  it('builds the tensor and its summary', () => {
    const t = toDebugTensor('logits', { kind: 'torch', dtype: 'torch.float16', shape: [1, 2], device: 'cuda:0', requiresGrad: true, numel: 2 }, Float64Array.of(1, 2), 'text');
    assert.deepStrictEqual(t.tensor.shape, [1, 2]);
    assert.strictEqual(t.tensor.dtype, 'float32');
    assert.deepStrictEqual(t.summary, { expression: 'logits', shape: [1, 2], dtype: 'torch.float16', device: 'cuda:0', requiresGrad: true, transport: 'text' });
  });

  it('offers only ops that take an input and a target', () => {
    const names = pairOps().map((o) => o.name);
    assert.ok(names.includes('cross_entropy') && names.includes('mse_loss'));
    assert.ok(!names.includes('softmax') && !names.includes('ctc_loss') && !names.includes('margin_ranking_loss'));
  });

  it('computes the op with its defaults, and says when it is not one number', () => {
    const input = tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]);
    const target = tensor([2], [0, 1], 'int64');
    assert.strictEqual(computeLoss('cross_entropy', input, target), crossEntropy(input, target).data[0]);
    assert.throws(() => computeLoss('cross_entropy', input, tensor([3], [0, 1, 2], 'int64')), /cross_entropy/);
    assert.throws(() => computeLoss('softmax', input, target), /does not take an input and a target/);
  });

  it('guesses the target among sibling variables', () => {
    const roleOf = (n: string, exact: boolean): string | undefined => roleForKey(n, exact);
    assert.strictEqual(guessTarget('logits', ['big_labels', 'labels', 'x', 'logits'], roleOf), 'labels');
    assert.strictEqual(guessTarget('big_logits', ['labels', 'big_labels'], roleOf), 'big_labels');
    assert.strictEqual(guessTarget('logits', ['y'], roleOf), 'y');
    assert.strictEqual(guessTarget('logits', ['x', 'model'], roleOf), undefined);
  });
});
