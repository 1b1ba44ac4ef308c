import * as assert from 'assert';
import { prefillFromSelection, splitTopLevel } from '../../../../src/host/debug/watchSelection';

const ops = ['cross_entropy', 'mse_loss'];

describe('host/debug/watchSelection', () => {
  it('splits at top-level commas only', () => {
    assert.deepStrictEqual(splitTopLevel('a[:, 0], f(b, c), "x,y"'), ['a[:, 0]', 'f(b, c)', '"x,y"']);
  });

  it('prefills the input, both expressions, or both and the op', () => {
    assert.deepStrictEqual(prefillFromSelection('logits', ops), { input: 'logits' });
    assert.deepStrictEqual(prefillFromSelection(' out.logits, batch["y"] ', ops), { input: 'out.logits', target: 'batch["y"]' });
    assert.deepStrictEqual(prefillFromSelection('F.cross_entropy(logits, labels, reduction="sum")', ops), { input: 'logits', target: 'labels', op: 'cross_entropy' });
    assert.deepStrictEqual(prefillFromSelection('mse_loss(input=pred, target=y)', ops), { input: 'pred', target: 'y', op: 'mse_loss' });
    assert.deepStrictEqual(prefillFromSelection('model(x)', ops), { input: 'model(x)' });
    assert.deepStrictEqual(prefillFromSelection('a = 1\nb = 2', ops), {});
  });
});
