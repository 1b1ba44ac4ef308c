/**
 * 32-bit Mersenne Twister (MT19937), as used by PyTorch's CPU generator
 * (`at::mt19937`, aten/src/ATen/core/MT19937RNGEngine.h) and by NumPy's legacy
 * `RandomState` (numpy/random/src/mt19937, `mt19937_seed` = `init_genrand`).
 *
 * Both seed the 624-word state with Knuth's recurrence
 *   state[0] = seed & 0xffffffff
 *   state[j] = 1812433253 * (state[j-1] ^ (state[j-1] >>> 30)) + j   (mod 2^32)
 * and regenerate the whole block before the first draw, so the output stream is
 * the one of `std::mt19937(seed)`.  PyTorch takes a uint64 seed and keeps only
 * its low 32 bits (`seed & 0xffffffff`); negative Python ints are first
 * reinterpreted as two's-complement uint64 by `Generator.manual_seed`.
 *
 * Plain TypeScript over a Uint32Array: no Node or VS Code imports.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/** Low 32 bits of an integer seed given as number or bigint (two's complement for negatives). */
export function seedLow32(seed: number | bigint): number {
  if (typeof seed === 'bigint') return Number(BigInt.asUintN(32, seed));
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (Number.isSafeInteger(seed)) return Number(BigInt.asUintN(32, BigInt(seed)));
  // Large doubles are integers too; go through BigInt to keep the exact low bits.
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number | bigint = 5489) {
    this.seed(seed);
  }

  /** init_genrand(seed & 0xffffffff). */
  seed(seed: number | bigint): void {
    const mt = this.mt;
    mt[0] = seedLow32(seed);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1] ^ (mt[j - 1] >>> 30);
      mt[j] = (Math.imul(1812433253, prev) + j) >>> 0;
    }
    this.index = N;
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk] & UPPER) | (mt[kk + 1] & LOWER);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk] & UPPER) | (mt[kk + 1] & LOWER);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1] & UPPER) | (mt[0] & LOWER);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }

  /** Next 32-bit output as an unsigned number in [0, 2^32). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Two consecutive outputs as (hi, lo) — PyTorch's `random64()` and NumPy's `mt19937_next64`. */
  nextUint64Parts(): [number, number] {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return [hi, lo];
  }

  /** Two consecutive outputs joined as a uint64 bigint, first one high. */
  nextUint64(): bigint {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
}
