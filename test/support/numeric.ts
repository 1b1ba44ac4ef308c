/**
 * Assertions for engine unit tests: closeness under FORMAT.md's rule (NaN equals only NaN, ∞ only
 * the same-signed ∞), exact EngineError code and message, and a central-difference gradient used
 * only as a test reference for the engine's closed-form gradients.
 */
import * as assert from 'assert';
import { EngineError } from '../../src/engine/errors';
import type { Tensor } from '../../src/engine/tensor';
import { close } from './oracle';

/** Asserts `x` is within `tol` (absolute and relative) of `e`. */
export function near(x: number, e: number, tol = 1e-12, what = ''): void {
  assert.ok(close(x, e, tol, tol), `${what ? `${what}: ` : ''}got ${x}, expected ${e}`);
}

/** Asserts two arrays have the same length and are elementwise {@link near}. */
export function allNear(x: ArrayLike<number>, e: ArrayLike<number>, tol = 1e-12): void {
  assert.strictEqual(x.length, e.length, `length ${x.length}, expected ${e.length}`);
  for (let i = 0; i < e.length; i++) near(x[i], e[i], tol, `element ${i}`);
}

/** The value of a 0-d tensor (asserting it is 0-d). */
export function value(t: Tensor): number {
  assert.deepStrictEqual(t.shape, []);
  return t.data[0];
}

/** Asserts `fn` throws an EngineError with exactly this code and message. */
export function throwsEngine(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EngineError, `not an EngineError: ${String(e)}`);
    assert.strictEqual(e.code, code);
    assert.strictEqual(e.message, message);
    return true;
  });
}

/** Central differences of a scalar function of one tensor: a test-only reference gradient. */
export function numericGrad(fn: (x: Tensor) => number, x: Tensor, h = 1e-6): number[] {
  return Array.from(x.data, (_, k) => {
    const up = Float64Array.from(x.data);
    const down = Float64Array.from(x.data);
    up[k] += h;
    down[k] -= h;
    return (fn({ ...x, data: up }) - fn({ ...x, data: down })) / (2 * h);
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so test data is reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
