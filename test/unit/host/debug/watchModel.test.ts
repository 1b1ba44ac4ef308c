import * as assert from 'assert';
import { MAX_HISTORY, WatchModel } from '../../../../src/host/debug/watchModel';
import type { WatchReading } from '../../../../src/shared/watch';

const spec = { inputExpression: 'logits', targetExpression: 'labels', op: 'cross_entropy' };
const ok = (value: number): WatchReading => ({
  kind: 'ok',
  value,
  input: { expression: 'logits', shape: [2, 3], dtype: 'torch.float32', device: 'cpu', requiresGrad: true, transport: 'text' },
  target: { expression: 'labels', shape: [2], dtype: 'torch.int64', device: 'cpu', requiresGrad: false, transport: 'text' },
});

describe('host/debug/watchModel', () => {
  it('adds a pair once', () => {
    const model = new WatchModel();
    assert.strictEqual(model.add(spec), model.add({ ...spec }));
    assert.notStrictEqual(model.add({ ...spec, op: 'nll_loss' }), 1);
    assert.strictEqual(model.summaries().length, 2);
  });

  it('keeps one point per stop: a re-read at the same stop replaces it, an error removes it', () => {
    const model = new WatchModel();
    const id = model.add(spec);
    model.record(id, 1, ok(1.3));
    model.record(id, 2, ok(1.0));
    model.record(id, 2, ok(1.01));
    assert.deepStrictEqual(model.summaries()[0].history, [{ stop: 1, value: 1.3 }, { stop: 2, value: 1.01 }]);
    model.record(id, 3, { kind: 'error', problem: 'expression-failed', message: 'x' });
    assert.strictEqual(model.summaries()[0].history.length, 2);
    assert.strictEqual(model.summaries()[0].latest?.kind, 'error');
    model.record(id, 3, ok(0.9));
    model.record(id, 3, { kind: 'error', problem: 'expression-failed', message: 'x' });
    assert.strictEqual(model.summaries()[0].history.length, 2, 'an error at the same stop withdraws its point');
  });

  it('caps the history, resets it for a new session, removes and clears', () => {
    const model = new WatchModel();
    const id = model.add(spec);
    for (let s = 1; s <= MAX_HISTORY + 5; s++) model.record(id, s, ok(s));
    const h = model.summaries()[0].history;
    assert.strictEqual(h.length, MAX_HISTORY);
    assert.strictEqual(h[0].stop, 6);
    model.resetHistory();
    assert.deepStrictEqual([model.summaries()[0].history, model.summaries()[0].latest], [[], null]);
    assert.ok(model.remove(id));
    assert.ok(!model.remove(id));
    model.add(spec);
    model.clear();
    assert.ok(model.isEmpty);
  });
});
