import * as assert from 'assert';
import { debuggerMessage, messages, plainLocalize, sliceHint } from '../../../../src/host/debug/watchMessages';

const m = messages(plainLocalize);
const header = { kind: 'torch' as const, dtype: 'torch.float32', shape: [50000, 1000], device: 'cpu', requiresGrad: false, numel: 50_000_000 };
const limits = { maxTextChars: 60_000, maxTextElements: 100_000, maxElements: 16_777_216 };

describe('host/debug/watchMessages', () => {
  it('quotes the exception line of a debugpy traceback', () => {
    const tb = 'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\nNameError: name \'logitz\' is not defined\n';
    assert.strictEqual(debuggerMessage(new Error(tb)), "NameError: name 'logitz' is not defined");
    assert.strictEqual(debuggerMessage('Thread is not suspended'), 'Thread is not suspended');
  });

  it('suggests a slice under the limit', () => {
    assert.strictEqual(sliceHint('logits', [50000, 1000], 16_777_216), 'logits[:16384]');
    assert.strictEqual(sliceHint('out["x"]', [10, 3], 8), '(out["x"])[:2]');
    assert.strictEqual(sliceHint('v', [2, 100], 50), 'v[:1].flatten()[:50]');
  });

  it('says what is wrong and what to do', () => {
    assert.strictEqual(m.expressionFailed('logitz', "NameError: name 'logitz' is not defined"), "`logitz` failed in the debugger: NameError: name 'logitz' is not defined. Check the name in the Variables view or try the expression in the Debug Console.");
    assert.strictEqual(m.tooLarge('logits', header, limits), '`logits` has 50,000,000 elements ([50000,1000]), more than the 16,777,216 Loss Lens reads: watch a slice, e.g. `logits[:16384]`.');
    assert.strictEqual(m.notATensor('xs', 'list', '[1, 2, 3]'), '`xs` is a list ([1, 2, 3]), not a torch tensor or numpy array: watch a tensor, e.g. `torch.as_tensor(xs)`.');
    assert.match(m.unsupportedDtype('z', 'torch.complex64'), /^`z` is torch\.complex64: .*`z\.real`/);
    assert.match(m.readFailed('big', 'ENOENT: no such file', limits), /^Could not read `big`: ENOENT: no such file\. If the program runs on another machine, watch a slice of at most 100,000 elements/);
    assert.strictEqual(m.lossFailed('cross_entropy', 'a', 'b', 'shapes differ.'), 'cross_entropy(a, b) failed: shapes differ.');
  });
});
