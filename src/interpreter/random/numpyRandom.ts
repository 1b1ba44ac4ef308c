/**
 * NumPy's legacy seeded randomness (`np.random.seed(s)` then `np.random.rand / randn / randint /
 * normal / uniform`), reproduced for the static notebook interpreter.  Target: Debian's
 * python3-numpy 1.24.2 (numpy/random/mtrand.pyx, _bounded_integers.pyx.in,
 * src/distributions/distributions.c, src/legacy/legacy-distributions.c, src/mt19937/).
 *
 * - seed: `mt19937_seed` (= init_genrand) with a seed in [0, 2^32 - 1]; anything else is the
 *   ValueError NumPy raises.  Seeding clears the cached Gaussian.
 * - random_sample: a = next32 >> 5, b = next32 >> 6, (a·2^26 + b) / 2^53.
 * - legacy_gauss: polar Box–Muller on 2·u - 1 pairs, rejecting r2 >= 1 or r2 == 0;
 *   f = sqrt(-2 log(r2) / r2); returns f·x2 and caches f·x1 for the next call.
 * - normal(loc, scale) = loc + scale·gauss;  uniform(low, high) = low + (high - low)·u.
 * - randint(low, high) (int64): masked rejection sampling on rng = high - 1 - low:
 *   rng == 0 gives low without a draw; rng < 2^32 - 1 draws 32 bits & mask; rng == 2^32 - 1
 *   takes the 32-bit draw as is; larger ranges draw 64 bits (first word high) & mask.
 *
 * Bit-exactness: everything except the `log` inside legacy_gauss is exact integer or single
 * IEEE operations.  That log is ./libm.ts's double-double log (correctly rounded); glibc's is
 * only nearly so, and on the vendored cases randn is 3691/3698 bit-exact (worst 1 ulp) and
 * normal 119/120 (4 ulp, the 1-ulp Gaussian error scaled by 3 and cancelled against loc = 2).
 * rand, uniform and randint are bit-exact.
 *
 * Plain TypeScript over typed arrays; no Node or VS Code imports.
 */

import { log } from './libm';
import { MT19937 } from './mt19937';

export class NumpyRandomState {
  private readonly engine = new MT19937(0);
  private hasGauss = false;
  private gauss = 0;

  constructor(seed: number) {
    this.seed(seed);
  }

  /** np.random.seed(seed) for an integer seed. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError('Seed must be between 0 and 2**32 - 1');
    }
    this.engine.seed(seed);
    this.hasGauss = false;
    this.gauss = 0;
  }

  private nextDouble(): number {
    const a = this.engine.nextUint32() >>> 5;
    const b = this.engine.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  private legacyGauss(): number {
    if (this.hasGauss) {
      const t = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return t;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** np.random.rand(n) / random_sample(n). */
  rand(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextDouble();
    return out;
  }

  /** np.random.randn(n) / standard_normal(n). */
  randn(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.legacyGauss();
    return out;
  }

  /** np.random.normal(loc, scale, n). */
  normal(loc: number, scale: number, n: number): Float64Array {
    if (scale < 0) throw new RangeError('scale < 0');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = loc + scale * this.legacyGauss();
    return out;
  }

  /** np.random.uniform(low, high, n). */
  uniform(low: number, high: number, n: number): Float64Array {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RangeError('Range exceeds valid bounds');
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /** np.random.randint(low, high, n) with the default int64 dtype; values returned as doubles. */
  randint(low: number | bigint, high: number | bigint, n: number): Float64Array {
    const off = BigInt(low);
    const rng = BigInt(high) - 1n - off;
    if (rng < 0n) throw new RangeError('low >= high');
    if (off < -(1n << 63n) || BigInt(high) - 1n > (1n << 63n) - 1n) throw new RangeError('high is out of bounds for int64');
    const out = new Float64Array(n);
    if (rng === 0n) {
      out.fill(Number(off));
    } else if (rng <= 0xffffffffn) {
      const r = Number(rng);
      const o = Number(off);
      if (r === 0xffffffff) {
        for (let i = 0; i < n; i++) out[i] = o + this.engine.nextUint32();
      } else {
        const mask = genMask32(r);
        for (let i = 0; i < n; i++) {
          let v: number;
          while ((v = (this.engine.nextUint32() & mask) >>> 0) > r);
          out[i] = o + v;
        }
      }
    } else {
      const mask = genMask64(rng);
      for (let i = 0; i < n; i++) {
        let v: bigint;
        while ((v = this.engine.nextUint64() & mask) > rng);
        out[i] = Number(BigInt.asIntN(64, off + v));
      }
    }
    return out;
  }
}

function genMask32(max: number): number {
  let m = max >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function genMask64(max: bigint): bigint {
  let m = max;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) m |= m >> s;
  return m;
}
