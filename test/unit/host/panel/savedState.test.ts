import * as assert from 'assert';
import { tensor } from '../../../../src/engine/tensor';
import { requestFromSavedState } from '../../../../src/host/panel/savedState';
import { toJsonSafe } from '../../../../src/shared/wire';

describe('host/panel/savedState', () => {
  const inputs = { op: 'cross_entropy', args: { input: tensor([1, 3], [2, NaN, -Infinity]), target: tensor([1], [0], 'int64') }, title: 't', source: 's' };

  it('rebuilds the report request of a saved state after a JSON round trip, NaN and -Infinity included', () => {
    const state = JSON.parse(JSON.stringify({ row: 1, controls: { temperature: 2, labelSmoothing: 0, alpha: 0.5, reduction: 'sum' }, key: 'k', inputs: toJsonSafe(inputs) }));
    const r = requestFromSavedState(state);
    assert.ok(r);
    assert.strictEqual(r.op, 'cross_entropy');
    assert.deepStrictEqual(Array.from((r.args.input as { data: Float64Array }).data), [2, NaN, -Infinity]);
    assert.strictEqual((r.args.target as { dtype: string }).dtype, 'int64');
    assert.deepStrictEqual([r.title, r.source, r.row, r.controls?.temperature, r.controls?.reduction], ['t', 's', 1, 2, 'sum']);
  });

  it('holds no report without inputs, for an unknown op, or for a state that is not one', () => {
    assert.strictEqual(requestFromSavedState({ row: 0, controls: null }), undefined);
    assert.strictEqual(requestFromSavedState({ row: 0, controls: null, inputs: toJsonSafe({ ...inputs, op: 'no_such_loss' }) }), undefined);
    assert.strictEqual(requestFromSavedState(undefined), undefined);
    assert.strictEqual(requestFromSavedState('x'), undefined);
  });

  it('a bad saved row falls back to row 0', () => {
    assert.strictEqual(requestFromSavedState({ row: -3, controls: null, inputs: toJsonSafe(inputs) })?.row, 0);
    assert.strictEqual(requestFromSavedState({ row: 1.5, controls: null, inputs: toJsonSafe(inputs) })?.row, 0);
  });
});
