/**
 * Number and tensor formatting shared by the CLI, hovers and the panel. Non-finite values print as
 * PyTorch prints them (`nan`, `inf`, `-inf`); the JSON forms use the oracle format's strings.
 */

/** The oracle format's encoding of one number: a JSON number, or "nan", "inf", "-inf". */
export function encodeNumber(v: number): number | 'nan' | 'inf' | '-inf' {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

/** Full precision: the shortest decimal that round-trips the float64 (`1.564981370874285`). */
export function formatExact(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** `digits` significant digits, trailing zeros trimmed, exponent form for very large or small values. */
export function formatNumber(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return formatExact(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 10 ** digits) {
    const s = v.toPrecision(digits);
    return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  }
  const [m, e] = v.toExponential(digits - 1).split('e');
  return `${m.includes('.') ? m.replace(/\.?0+$/, '') : m}e${e}`;
}

/** `[0.25, 0.25, 0.5]`, at most `max` values then `…, (N more)`. */
export function formatRow(values: ArrayLike<number>, digits = 6, max = 10): string {
  const n = values.length;
  const shown: string[] = [];
  for (let i = 0; i < Math.min(n, max); i++) shown.push(formatNumber(values[i], digits));
  if (n > max) shown.push(`… (${n - max} more)`);
  return `[${shown.join(', ')}]`;
}
