import * as assert from 'assert';
import { isTensorVariable, variableExpression } from '../../../../src/host/debug/tensorVariables';

describe('host/debug/tensorVariables', () => {
  it('marks torch tensors, parameters and numpy arrays by the adapter\'s type', () => {
    for (const type of ['Tensor', 'Parameter', 'ndarray', 'torch.Tensor', 'numpy.ndarray']) assert.ok(isTensorVariable({ name: 'x', type }), type);
    for (const type of ['int', 'list', 'Linear', 'Size', 'TensorDataset', undefined]) assert.ok(!isTensorVariable({ name: 'x', type }), String(type));
  });

  it('reads a variable by its evaluateName when the adapter gives one', () => {
    assert.strictEqual(variableExpression({ name: '0', evaluateName: 'batch[0]' }), 'batch[0]');
    assert.strictEqual(variableExpression({ name: 'logits', evaluateName: '' }), 'logits');
  });
});
