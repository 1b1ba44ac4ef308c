import * as assert from 'assert';
import { float32Variants } from '../../../src/engine/float32';
import { registry } from '../../../src/engine/registry';
import { Tensor, tensor } from '../../../src/engine/tensor';

const f32 = (data: number[]): Tensor => tensor([data.length], data.map(Math.fround), 'float32');

describe('engine/float32', () => {
  it("reproduces both PyTorch versions' float32 BCE-with-logits at ±50 (the seed prints 9.643749466768692e-23)", () => {
    const args = registry.resolveArgs('binary_cross_entropy_with_logits', { input: f32([50, -50]), target: f32([1, 0]) });
    const exact = (registry.call('binary_cross_entropy_with_logits', args) as Tensor).data[0];
    assert.ok(Math.abs(exact - Math.log1p(Math.exp(-50))) < 1e-36, 'the engine is exact: log1p(e^-50) per element');
    const v = float32Variants('binary_cross_entropy_with_logits', args, exact);
    assert.deepStrictEqual(v.map((x) => x.label), ['PyTorch ≥ 2.0 (float32)', 'PyTorch 1.x (float32)']);
    assert.strictEqual(v[0].value, 9.643749466768692e-23);
    assert.strictEqual(v[1].value, 0);
  });

  it('says nothing where float32 agrees with the exact value, for float64 inputs and for other ops', () => {
    const args = registry.resolveArgs('binary_cross_entropy_with_logits', { input: f32([-50, 50]), target: f32([1, 0]) });
    const exact = (registry.call('binary_cross_entropy_with_logits', args) as Tensor).data[0];
    assert.strictEqual(exact, 50);
    assert.deepStrictEqual(float32Variants('binary_cross_entropy_with_logits', args, exact), []);
    const a64 = registry.resolveArgs('binary_cross_entropy_with_logits', { input: tensor([2], [50, -50]), target: tensor([2], [1, 0]) });
    assert.deepStrictEqual(float32Variants('binary_cross_entropy_with_logits', a64, 1.93e-22), []);
    assert.deepStrictEqual(float32Variants('mse_loss', args, 0), []);
  });
});
