/**
 * log, sin and cos in double, evaluated in double-double and rounded once, so that they agree
 * with glibc's (nearly correctly rounded) libm where V8's fdlibm-based Math.log/sin/cos are off
 * by an ulp.  Used for the float64 normal paths of PyTorch and NumPy's legacy Gaussian.
 *
 * Not a general libm: arguments are finite; log takes x > 0 (normal numbers), sin/cos take
 * |x| < 2^20 (PyTorch's θ = 2π·u lies in [0, 2π)).  Outside those ranges they defer to Math.
 */

type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function ddMulD(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return quickTwoSum(p, e + a[1] * b);
}

function ddDiv(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = ddAdd(a, ddMulD(b, -q1));
  const q2 = r[0] / b[0];
  r = ddAdd(r, ddMulD(b, -q2));
  const q3 = r[0] / b[0];
  const q = quickTwoSum(q1, q2);
  return ddAdd(q, [q3, 0]);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** 1/(2j+1) for the atanh series, and ±1/n! for the sine/cosine series, as double-doubles. */
const ATANH_C: DD[] = [];
for (let j = 0; j < 24; j++) ATANH_C.push(ddDiv([1, 0], [2 * j + 1, 0]));
const INV_FACT: DD[] = [[1, 0]];
for (let n = 1; n <= 32; n++) INV_FACT.push(ddDiv(INV_FACT[n - 1], [n, 0]));

const view = new DataView(new ArrayBuffer(8));

/** log(x), rounded once from a double-double evaluation. */
export function log(x: number): number {
  if (!(x > 0) || !Number.isFinite(x) || x < 2.2250738585072014e-308) return Math.log(x);
  if (x === 1) return 0;
  view.setFloat64(0, x);
  const hiWord = view.getUint32(0);
  let k = ((hiWord >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (hiWord & 0x800fffff) | (1023 << 20));
  let m = view.getFloat64(0); // [1, 2)
  if (m > Math.SQRT2) {
    m /= 2; // exact
    k += 1;
  }
  // log m = 2 atanh(s), s = (m - 1)/(m + 1), |s| < 0.1716
  const num: DD = [m - 1, 0]; // exact (Sterbenz)
  const den = twoSum(m, 1);
  const s = ddDiv(num, den);
  const s2 = ddMul(s, s);
  let p = ATANH_C[ATANH_C.length - 1];
  for (let j = ATANH_C.length - 2; j >= 0; j--) p = ddAdd(ddMul(p, s2), ATANH_C[j]);
  let r = ddMulD(ddMul(s, p), 2);
  if (k !== 0) r = ddAdd(ddMulD(LN2, k), r);
  return r[0] + r[1];
}

function sinPoly(r: DD, r2: DD): DD {
  // r · Σ (-1)^i r^{2i} / (2i+1)!
  let p: DD = [0, 0];
  for (let i = 14; i >= 0; i--) {
    const c = INV_FACT[2 * i + 1];
    p = ddAdd(ddMul(p, r2), i % 2 ? [-c[0], -c[1]] : c);
  }
  return ddMul(r, p);
}

function cosPoly(r2: DD): DD {
  let p: DD = [0, 0];
  for (let i = 15; i >= 0; i--) {
    const c = INV_FACT[2 * i];
    p = ddAdd(ddMul(p, r2), i % 2 ? [-c[0], -c[1]] : c);
  }
  return p;
}

function reduce(x: number): { r: DD; q: number } {
  const k = Math.round(x / PIO2_1);
  const [p1, e1] = twoProd(k, PIO2_1);
  let r = ddAdd([x, 0], [-p1, -e1]);
  r = ddAdd(r, ddMulD([PIO2_2, PIO2_3], -k));
  return { r, q: ((k % 4) + 4) % 4 };
}

/** sin(x) and cos(x), each rounded once from double-double. */
export function sincos(x: number): [number, number] {
  if (!Number.isFinite(x) || Math.abs(x) >= 1048576) return [Math.sin(x), Math.cos(x)];
  if (x === 0) return [x, 1];
  const { r, q } = reduce(x);
  const r2 = ddMul(r, r);
  const s = sinPoly(r, r2);
  const c = cosPoly(r2);
  const sv = s[0] + s[1];
  const cv = c[0] + c[1];
  switch (q) {
    case 0:
      return [sv, cv];
    case 1:
      return [cv, -sv];
    case 2:
      return [-sv, -cv];
    default:
      return [-cv, sv];
  }
}
