/**
 * Checks an op's closed-form vector-Jacobian product against central differences of its forward
 * pass, for every differentiable tensor argument at once (the engine never differentiates
 * numerically; this is a test reference only).
 */
import * as assert from 'assert';
import type { ArgValue } from '../../src/engine/op';
import { registry } from '../../src/engine/registry';
import type { Tensor } from '../../src/engine/tensor';
import { allNear, numericGrad } from './numeric';

/** Σ out·g, the scalar whose gradient the vector-Jacobian product with g is (g = 1 for a 0-d output). */
function weightedSum(out: Tensor, g: Tensor | null): number {
  let s = 0;
  out.data.forEach((v, i) => (s += v * (g ? g.data[i] : 1)));
  return s;
}

/**
 * Asserts `registry.grad(op, args, g)[name]` matches central differences of Σ forward·g for each
 * tensor argument named in `wrt`.
 */
export function assertGradMatchesFiniteDifference(op: string, args: Record<string, ArgValue>, wrt: readonly string[], g: Tensor | null = null, tol = 1e-6): void {
  const grads = registry.grad(op, args, g);
  for (const name of wrt) {
    const x = args[name] as Tensor;
    const got = grads[name];
    assert.ok(got, `${op}: no gradient for ${name}`);
    assert.deepStrictEqual(got.shape, x.shape, `${op}: gradient of ${name} has the wrong shape`);
    const fd = numericGrad((v) => weightedSum(registry.call(op, { ...args, [name]: v }) as Tensor, g), x);
    allNear(got.data, fd, tol);
  }
}
