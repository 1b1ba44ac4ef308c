/**
 * PyTorch's seeded CPU randomness (`torch.manual_seed(s)` then `torch.rand / randn / randint /
 * randperm`), reproduced for the static notebook interpreter.  Target: Debian's python3-torch
 * 1.13.1 on x86-64, whose CPU kernels dispatch to the AVX2 build (`torch.__config__.show()`:
 * "CPU capability usage: AVX2"; the AVX512 build deliberately has no normal kernel).
 *
 * Paths (aten/src/ATen/native/cpu/DistributionTemplates.h, core/DistributionsHelper.h,
 * core/TransformationHelper.h, core/MT19937RNGEngine.h, CPUGeneratorImpl.cpp):
 *
 * - Engine: at::mt19937 seeded with the uint64 seed's low 32 bits; `random()` is one 32-bit
 *   draw, `random64()` two draws, first one high.
 * - rand float32: (random() & (2^24-1)) · 2^-24.  rand float64: (random64() & (2^53-1)) · 2^-53.
 * - randn, numel < 16 (any dtype) or float64 with numel < 16: the serial kernel with
 *   `at::normal_distribution<double>`: u1, u2 are 53-bit doubles, r = sqrt(-2 log(1 - u2)),
 *   θ = 2π u1, returns r cos θ and caches r sin θ in the generator for the next scalar draw
 *   (the cache survives vectorised calls and is cleared by manual_seed); the double is then
 *   cast to the dtype.
 * - randn float32, numel >= 16: `normal_fill_AVX2`: fill with float32 uniforms, then per block
 *   of 16: u1 = 1 - data[j], u2 = data[j+8], radius = sqrt(-2·log256_ps(u1)),
 *   θ = fl32(2π)·u2, sincos256_ps(θ); data[j] = radius·cos, data[j+8] = radius·sin.  When
 *   numel % 16 != 0 the last 16 are refilled with fresh uniforms and recomputed.  log256_ps and
 *   sincos256_ps (avx_mathfun.h, Cephes polynomials) are emulated here operation by operation
 *   in float32, with the multiply-adds GCC contracts into FMA (-mfma, -ffp-contract=fast) done
 *   as fused operations.
 * - randn float64, numel >= 16: `normal_fill<double>` with libm log/cos/sin in double.
 *   V8's Math.log/sin/cos (fdlibm) miss glibc's results by an ulp on a few percent of inputs,
 *   so ./libm.ts evaluates them in double-double and rounds once (correctly rounded on every
 *   value checked against mpmath).  glibc itself is only nearly correctly rounded (< 0.52 ulp),
 *   so about 0.1% of these values still differ from PyTorch by 1 float64 ulp.
 * - randint(low, high): range = high - low; range >= 2^32 uses random64() % range, else
 *   random() % range; plus low.
 * - randperm(n) (n < 2^32/20 or so): Fisher–Yates forward, z = random() % (n - i), swap i, i+z.
 *
 * Agreement with the vendored oracle (test/fixtures/random/cases.json; run the test with
 * LOSS_LENS_RANDOM_SUMMARY=1 to print it): torch.rand float32/float64, torch.randn float32 on
 * both paths (scalar and AVX2 vectorised), torch.randn float64 scalar, randint and randperm
 * are bit-exact on every vendored value.  Not bit-exact: torch.randn float64 with numel >= 16
 * (3589/3592 exact, worst 1 float64 ulp: glibc's log/sin/cos misrounding, see above).
 *
 * Plain TypeScript over typed arrays; no Node or VS Code imports.
 */

import { fmaf, mulf, addf, subf, floatBits, bitsFloat } from './float32ops';
import * as libm from './libm';
import { MT19937, seedLow32 } from './mt19937';

export type TorchFloatDtype = 'float32' | 'float64';

const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;
const TWO_POW_32 = 4294967296;

/** Options selecting between implementation variants (for measurement; defaults match Debian's build). */
export interface TorchRandomOptions {
  /** normal_distribution<double>: log(1 - u2) (PyTorch 1.13) or log1p(-u2) (later releases). */
  scalarLog?: 'log1m' | 'log1p';
  /** Whether the AVX2 polynomial multiply-adds are fused (GCC -ffp-contract=fast with -mfma). */
  fma?: boolean;
  /** In `y*z - 0.5*z` and `y*z + e*q1`, which product the compiler fuses. */
  fuseFirstProduct?: boolean;
  /** float32 numel >= 16 path: 'avx2' (normal_fill_AVX2) or 'scalar' (normal_fill<float> with libm). */
  vector?: 'avx2' | 'scalar';
}

export class TorchGenerator {
  private readonly engine: MT19937;
  private nextDoubleNormal: number | undefined;
  private readonly opts: Required<TorchRandomOptions>;

  constructor(seed: number | bigint, options: TorchRandomOptions = {}) {
    this.engine = new MT19937(0);
    this.opts = { scalarLog: 'log1m', fma: true, fuseFirstProduct: true, vector: 'avx2', ...options };
    this.manualSeed(seed);
  }

  /** torch.manual_seed(seed): low 32 bits of the (two's-complement) uint64 seed; clears the normal cache. */
  manualSeed(seed: number | bigint): void {
    this.engine.seed(seedLow32(seed));
    this.nextDoubleNormal = undefined;
  }

  /** One 32-bit draw (`CPUGeneratorImpl::random`). */
  random(): number {
    return this.engine.nextUint32();
  }

  private uniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) * TWO_POW_M24;
  }

  private uniformDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /** at::normal_distribution<double>(0, 1) with the generator's cached second sample. */
  private normalDouble(): number {
    if (this.nextDoubleNormal !== undefined) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2.0 * (this.opts.scalarLog === 'log1p' ? Math.log1p(-u2) : libm.log(1.0 - u2)));
    const theta = 2.0 * Math.PI * u1;
    const [sin, cos] = libm.sincos(theta);
    this.nextDoubleNormal = r * sin;
    return r * cos;
  }

  /** torch.rand(n, dtype=dtype). */
  rand(n: number, dtype: TorchFloatDtype = 'float32'): Float64Array {
    const out = new Float64Array(n);
    if (dtype === 'float32') for (let i = 0; i < n; i++) out[i] = this.uniformFloat();
    else for (let i = 0; i < n; i++) out[i] = this.uniformDouble();
    return out;
  }

  /** torch.randn(n, dtype=dtype) for a contiguous tensor of n elements. */
  randn(n: number, dtype: TorchFloatDtype = 'float32'): Float64Array {
    const out = new Float64Array(n);
    if (n >= 16) {
      if (dtype === 'float32') {
        if (this.opts.vector === 'avx2') this.normalFillAvx2(out);
        else this.normalFillFloat(out);
      } else {
        this.normalFillDouble(out);
      }
      return out;
    }
    if (dtype === 'float32') for (let i = 0; i < n; i++) out[i] = Math.fround(this.normalDouble());
    else for (let i = 0; i < n; i++) out[i] = this.normalDouble();
    return out;
  }

  /** torch.randint(low, high, (n,)) with the default int64 dtype; values returned as doubles. */
  randint(low: number | bigint, high: number | bigint, n: number): Float64Array {
    const lo = BigInt(low);
    const range = BigInt(high) - lo;
    if (range <= 0n) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
    const out = new Float64Array(n);
    if (range >= 1n << 32n) {
      for (let i = 0; i < n; i++) {
        const v = this.engine.nextUint64();
        out[i] = Number(BigInt.asIntN(64, (v % range) + lo));
      }
    } else {
      const r = Number(range);
      const l = Number(lo);
      for (let i = 0; i < n; i++) out[i] = (this.engine.nextUint32() % r) + l;
    }
    return out;
  }

  /** torch.randperm(n) (int64, CPU). */
  randperm(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = this.engine.nextUint32() % (n - i);
      const sav = out[i];
      out[i] = out[z + i];
      out[z + i] = sav;
    }
    return out;
  }

  // ---------------------------------------------------------------- vectorised normal paths

  private normalFillAvx2(data: Float64Array): void {
    const size = data.length;
    for (let i = 0; i < size; i++) data[i] = this.uniformFloat();
    for (let i = 0; i + 15 < size; i += 16) this.normalFill16Avx2(data, i);
    if (size % 16 !== 0) {
      const base = size - 16;
      for (let i = 0; i < 16; i++) data[base + i] = this.uniformFloat();
      this.normalFill16Avx2(data, base);
    }
  }

  private normalFill16Avx2(data: Float64Array, base: number): void {
    for (let j = 0; j < 8; j++) {
      const u1 = subf(1, data[base + j]);
      const u2 = data[base + j + 8];
      const radius = Math.fround(Math.sqrt(mulf(-2, this.log256(u1))));
      const theta = mulf(TWO_PI_F, u2);
      this.sincos256(theta);
      data[base + j] = mulf(radius, this.cosOut);
      data[base + j + 8] = mulf(radius, this.sinOut);
    }
  }

  /** `y*x + c`, fused or not. */
  private mad(a: number, b: number, c: number): number {
    return this.opts.fma ? fmaf(a, b, c) : addf(mulf(a, b), c);
  }

  /** log256_ps for one lane (u1 in (0, 1]). */
  private log256(xIn: number): number {
    if (xIn <= 0) return NaN;
    let x = Math.max(xIn, MIN_NORM_POS);
    const b = floatBits(x);
    const imm0 = (b >>> 23) - 0x7f;
    x = bitsFloat((b & ~0x7f800000) | 0x3f000000);
    let e = addf(imm0, 1);
    const less = x < SQRTHF;
    const tmp0 = less ? x : 0;
    x = subf(x, 1);
    e = subf(e, less ? 1 : 0);
    x = addf(x, tmp0);
    const z = mulf(x, x);
    let y = LOG_P0;
    y = this.mad(y, x, LOG_P1);
    y = this.mad(y, x, LOG_P2);
    y = this.mad(y, x, LOG_P3);
    y = this.mad(y, x, LOG_P4);
    y = this.mad(y, x, LOG_P5);
    y = this.mad(y, x, LOG_P6);
    y = this.mad(y, x, LOG_P7);
    y = this.mad(y, x, LOG_P8);
    y = mulf(y, x);
    // y = y*z; y += e*q1  — one of the two products may be fused into the add.
    if (!this.opts.fma) {
      y = addf(mulf(y, z), mulf(e, LOG_Q1));
    } else if (this.opts.fuseFirstProduct) {
      y = fmaf(y, z, mulf(e, LOG_Q1));
    } else {
      y = fmaf(e, LOG_Q1, mulf(y, z));
    }
    y = subf(y, mulf(z, 0.5)); // 0.5·z is exact, fused or not
    x = addf(x, y);
    x = addf(x, mulf(e, LOG_Q2)); // e·q2 is exact (q2 = 355/512)
    return x;
  }

  private sinOut = 0;
  private cosOut = 0;

  /** sincos256_ps for one lane (θ >= 0 here). */
  private sincos256(xIn: number): void {
    const signSin = xIn < 0 || Object.is(xIn, -0);
    let x = Math.abs(xIn);
    let yv = mulf(x, FOPI);
    let j = Math.trunc(yv) | 0;
    j = (j + 1) & ~1;
    yv = j; // exact conversion for small ints
    const swapSignSin = (j & 4) !== 0;
    const polyMask = (j & 2) === 0;
    x = this.mad(yv, MDP1, x);
    x = this.mad(yv, MDP2, x);
    x = this.mad(yv, MDP3, x);
    const j4 = j - 2;
    const signCos = (~j4 & 4) !== 0;
    const sinNeg = signSin !== swapSignSin;

    const z = mulf(x, x);
    let y = COS_P0;
    y = this.mad(y, z, COS_P1);
    y = this.mad(y, z, COS_P2);
    y = mulf(y, z);
    // y = y*z - 0.5*z: the compiler may fuse y*z (0.5·z is exact either way).
    const halfZ = mulf(z, 0.5);
    if (this.opts.fma && this.opts.fuseFirstProduct) y = fmaf(y, z, -halfZ);
    else y = subf(mulf(y, z), halfZ);
    y = addf(y, 1);

    let y2 = SIN_P0;
    y2 = this.mad(y2, z, SIN_P1);
    y2 = this.mad(y2, z, SIN_P2);
    y2 = mulf(y2, z);
    y2 = this.mad(y2, x, x);

    // poly_mask selects y2 (sine polynomial) for the sine, y (cosine polynomial) for the cosine.
    const s = polyMask ? y2 : y;
    const c = polyMask ? y : y2;
    this.sinOut = sinNeg ? -s : s;
    this.cosOut = signCos ? -c : c;
  }

  private normalFillFloat(data: Float64Array): void {
    const size = data.length;
    for (let i = 0; i < size; i++) data[i] = this.uniformFloat();
    const fill16 = (base: number): void => {
      for (let j = 0; j < 8; j++) {
        const u1 = subf(1, data[base + j]);
        const u2 = data[base + j + 8];
        const radius = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
        const theta = Math.fround(2.0 * Math.PI * u2);
        data[base + j] = mulf(radius, Math.fround(Math.cos(theta)));
        data[base + j + 8] = mulf(radius, Math.fround(Math.sin(theta)));
      }
    };
    for (let i = 0; i + 15 < size; i += 16) fill16(i);
    if (size % 16 !== 0) {
      const base = size - 16;
      for (let i = 0; i < 16; i++) data[base + i] = this.uniformFloat();
      fill16(base);
    }
  }

  private normalFillDouble(data: Float64Array): void {
    const size = data.length;
    for (let i = 0; i < size; i++) data[i] = this.uniformDouble();
    const fill16 = (base: number): void => {
      for (let j = 0; j < 8; j++) {
        const u1 = 1 - data[base + j];
        const u2 = data[base + j + 8];
        const radius = Math.sqrt(-2 * libm.log(u1));
        const theta = 2.0 * Math.PI * u2;
        const [sin, cos] = libm.sincos(theta);
        data[base + j] = radius * cos;
        data[base + j + 8] = radius * sin;
      }
    };
    for (let i = 0; i + 15 < size; i += 16) fill16(i);
    if (size % 16 !== 0) {
      const base = size - 16;
      for (let i = 0; i < 16; i++) data[base + i] = this.uniformDouble();
      fill16(base);
    }
  }
}

const f = Math.fround;
const TWO_PI_F = f(2 * Math.PI);
const MIN_NORM_POS = bitsFloat(0x00800000);
const SQRTHF = f(0.707106781186547524);
const LOG_P0 = f(7.0376836292e-2);
const LOG_P1 = f(-1.151461031e-1);
const LOG_P2 = f(1.167699874e-1);
const LOG_P3 = f(-1.2420140846e-1);
const LOG_P4 = f(1.4249322787e-1);
const LOG_P5 = f(-1.6668057665e-1);
const LOG_P6 = f(2.0000714765e-1);
const LOG_P7 = f(-2.4999993993e-1);
const LOG_P8 = f(3.3333331174e-1);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MDP1 = f(-0.78515625);
const MDP2 = f(-2.4187564849853515625e-4);
const MDP3 = f(-3.77489497744594108e-8);
const SIN_P0 = f(-1.9515295891e-4);
const SIN_P1 = f(8.3321608736e-3);
const SIN_P2 = f(-1.6666654611e-1);
const COS_P0 = f(2.443315711809948e-5);
const COS_P1 = f(-1.388731625493765e-3);
const COS_P2 = f(4.166664568298827e-2);
const FOPI = f(1.27323954473516);
