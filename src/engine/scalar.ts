/**
 * Stable per-element functions of one real number, shared by the losses that work on logits
 * (soft margin, multilabel soft margin, binary cross-entropy with logits). Pure float64 maths; each
 * handles ±∞ and NaN the way the formula it stands for does.
 */

/**
 * softplus(x) = log(1 + e^x), without overflow or cancellation.
 *
 * Derivation: log(1 + e^x) = max(x, 0) + log(e^{−max(x,0)} + e^{x−max(x,0)}), and one of the two
 * exponents is 0 while the other is −|x|, so softplus(x) = max(x, 0) + log1p(e^{−|x|}). The exp
 * argument is ≤ 0 (no overflow), and log1p keeps the small tail exact: softplus(−50) = 1.93e-22
 * rather than log(1 + 1.93e-22) = 0, and softplus(1000) = 1000 rather than ∞.
 * softplus(+∞) = +∞, softplus(−∞) = 0, softplus(NaN) = NaN.
 */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * log σ(x) = −log(1 + e^{−x}) = −softplus(−x), so it inherits softplus's stability: log σ(−1000) =
 * −1000 and log σ(40) = −4.25e-18 (not 0). log σ(+∞) = 0, log σ(−∞) = −∞.
 */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/**
 * σ(x) = 1 / (1 + e^{−x}), the derivative of softplus.
 *
 * Derivation: for x ≥ 0 the form 1 / (1 + e^{−x}) has e^{−x} ≤ 1; for x < 0 multiplying through by
 * e^x gives e^x / (1 + e^x), again with e^x < 1. Either way no exp overflows: σ(−720) is its true
 * subnormal value e^{−720} ≈ 2.0e-313 rather than 1/∞ = 0. σ(±∞) = 1 and 0, σ(NaN) = NaN.
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
