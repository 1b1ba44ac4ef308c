/**
 * What a tensor on screen looks like, row by row: softmax, log-softmax, logsumexp, entropy of the
 * softmax, argmax, min/max/mean, NaN/Inf counts, and what the values most likely are (logits,
 * probabilities, log-probabilities, class indices, 0/1 targets). Pure: the `Analyze Tensor`
 * command, `Analyze Cell Output` and the hovers format the same analysis.
 *
 * Rows: the tensor is viewed as `[rows, C]` with C the last dim (a 0-d or 1-D tensor is one row),
 * which is `softmax(x, dim=-1)`. Whole-tensor facts are computed over every row; per-row detail is
 * kept for the first `maxRows` rows only, so a 100k-row tensor costs one pass and little memory.
 */
import { kernels } from '../engine/kernels';
import type { DType, Tensor } from '../engine/tensor';

/** Rows are "normalised" when their sum (of p, or of exp(log p)) is within this of 1. */
export const ROW_SUM_TOLERANCE = 1e-3;

/** Per-row detail kept by default. */
export const DEFAULT_MAX_ROWS = 64;

/** One row of `[rows, C]`. */
export interface RowAnalysis {
  /** Row index in the flattened `[rows, C]` view. */
  readonly row: number;
  /** The row's values as given. */
  readonly values: Float64Array;
  /** softmax(row): exp(x − m) / Σ exp(x − m). */
  readonly softmax: Float64Array;
  /** log_softmax(row) = x − logsumexp(x). */
  readonly logSoftmax: Float64Array;
  /** logsumexp(row) = m + log Σ exp(x − m). */
  readonly logSumExp: number;
  /** Entropy of softmax(row) in nats: −Σ p ln p (0·ln 0 = 0). */
  readonly entropy: number;
  /** Index of the largest value (the first one on ties; NaN rows give the first NaN, as torch.argmax). */
  readonly argmax: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly sum: number;
  /** NaN values in the row. */
  readonly nan: number;
  /** ±Infinity values in the row. */
  readonly inf: number;
}

/** What the values look like, most specific first. */
export type TensorKind = 'empty' | 'class-indices' | 'binary' | 'probabilities' | 'log-probabilities' | 'logits' | 'values';

/** A whole-tensor analysis. */
export interface TensorAnalysis {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly numel: number;
  /** Rows of the `[rows, C]` view, and C. */
  readonly rowCount: number;
  readonly classes: number;
  /** The first `maxRows` rows in detail. */
  readonly rows: readonly RowAnalysis[];
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly nanCount: number;
  readonly infCount: number;
  /** Indices of rows holding NaN or ±Inf (at most 8). */
  readonly nonFiniteRows: readonly number[];
  /** What the values most likely are. */
  readonly kind: TensorKind;
  /** One sentence each: what the values look like and what is wrong with them. */
  readonly findings: readonly string[];
}

/** Options for {@link analyzeTensor}. */
export interface AnalyzeOptions {
  /** Rows kept in detail; default {@link DEFAULT_MAX_ROWS}. */
  readonly maxRows?: number;
}

/** `[rows, C]` view of a shape: C is the last dim, a 0-d tensor is one row of one. */
export function rowView(shape: readonly number[]): { rows: number; classes: number } {
  if (shape.length === 0) return { rows: 1, classes: 1 };
  const classes = shape[shape.length - 1];
  let rows = 1;
  for (let i = 0; i < shape.length - 1; i++) rows *= shape[i];
  return { rows, classes };
}

/** Analyses `t` row by row. Never throws; an empty tensor gives kind `empty`. */
export function analyzeTensor(t: Tensor, options: AnalyzeOptions = {}): TensorAnalysis {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const { rows: rowCount, classes } = rowView(t.shape);
  const n = t.data.length;
  const data = t.data;
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let nanCount = 0;
  let infCount = 0;
  let allInteger = true;
  let allBinary = true;
  let allUnit = true;
  let allNonPositive = true;
  const nonFiniteRows: number[] = [];
  for (let r = 0; r < rowCount; r++) {
    let rowBad = false;
    for (let c = 0; c < classes; c++) {
      const v = data[r * classes + c];
      if (Number.isNaN(v)) {
        nanCount++;
        rowBad = true;
        continue;
      }
      if (v === Infinity || v === -Infinity) {
        infCount++;
        rowBad = true;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      total += v;
      if (allInteger && !Number.isInteger(v)) allInteger = false;
      if (allBinary && v !== 0 && v !== 1) allBinary = false;
      if (allUnit && (v < 0 || v > 1)) allUnit = false;
      if (allNonPositive && v > 0) allNonPositive = false;
    }
    if (rowBad && nonFiniteRows.length < 8) nonFiniteRows.push(r);
  }
  const finite = n - nanCount;
  const mean = finite > 0 ? total / finite : NaN;
  if (finite === 0) {
    min = NaN;
    max = NaN;
  }

  // Row sums, and logsumexp for log-probability detection, over every row (one kernel call).
  const lse = new Float64Array(rowCount);
  if (classes > 0) kernels().logSumExp(data, rowCount, classes, 1, lse);
  let rowsSumToOne = classes > 1 && allUnit;
  let rowsLogNormalized = classes > 1 && allNonPositive;
  for (let r = 0; r < rowCount && (rowsSumToOne || rowsLogNormalized); r++) {
    if (rowsSumToOne) {
      let s = 0;
      for (let c = 0; c < classes; c++) s += data[r * classes + c];
      if (!(Math.abs(s - 1) <= ROW_SUM_TOLERANCE)) rowsSumToOne = false;
    }
    if (rowsLogNormalized && !(Math.abs(Math.exp(lse[r]) - 1) <= ROW_SUM_TOLERANCE)) rowsLogNormalized = false;
  }

  const detail: RowAnalysis[] = [];
  for (let r = 0; r < Math.min(rowCount, maxRows) && classes > 0; r++) detail.push(analyzeRow(data, r, classes, lse[r]));

  const kind = kindOf({ n, nanCount, dtype: t.dtype, allInteger, allBinary, rowsSumToOne, rowsLogNormalized, shape: t.shape });
  const findings = findingsFor(kind, { rowCount, classes, nanCount, infCount, nonFiniteRows });
  return { shape: [...t.shape], dtype: t.dtype, numel: n, rowCount, classes, rows: detail, min, max, mean, nanCount, infCount, nonFiniteRows, kind, findings };
}

function analyzeRow(data: Float64Array, r: number, classes: number, lse: number): RowAnalysis {
  const base = r * classes;
  const values = data.slice(base, base + classes);
  const logSoftmax = new Float64Array(classes);
  const softmax = new Float64Array(classes);
  kernels().logSoftmax(values, 1, classes, 1, logSoftmax);
  kernels().softmax(values, 1, classes, 1, softmax);
  let entropy = 0;
  let argmax = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = 0;
  let inf = 0;
  for (let c = 0; c < classes; c++) {
    const p = softmax[c];
    if (p > 0) entropy -= p * logSoftmax[c];
    else if (Number.isNaN(p)) entropy = NaN;
    const v = values[c];
    if (Number.isNaN(v)) {
      if (nan === 0) argmax = c; // torch.argmax: a NaN is the largest value
      nan++;
      continue;
    }
    if (!Number.isFinite(v)) inf++;
    if (nan === 0 && v > values[argmax]) argmax = c;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const finite = classes - nan;
  return { row: r, values, softmax, logSoftmax, logSumExp: lse, entropy: entropy === 0 ? 0 : entropy, argmax, min: finite ? min : NaN, max: finite ? max : NaN, mean: finite ? sum / finite : NaN, sum: nan ? NaN : sum, nan, inf };
}

function kindOf(f: { n: number; nanCount: number; dtype: DType; allInteger: boolean; allBinary: boolean; rowsSumToOne: boolean; rowsLogNormalized: boolean; shape: readonly number[] }): TensorKind {
  if (f.n === 0) return 'empty';
  if (f.nanCount > 0) return f.rowsSumToOne ? 'probabilities' : 'values';
  // One-hot rows sum to 1 too; integer dtype or a 1-D integer list reads as class indices first.
  if (f.dtype === 'int64' || (f.allInteger && f.shape.length === 1 && !f.allBinary)) return 'class-indices';
  if (f.rowsSumToOne) return 'probabilities';
  if (f.allBinary) return 'binary';
  if (f.rowsLogNormalized) return 'log-probabilities';
  if (f.shape.length >= 1 && f.shape[f.shape.length - 1] > 1) return 'logits';
  return 'values';
}

function findingsFor(kind: TensorKind, f: { rowCount: number; classes: number; nanCount: number; infCount: number; nonFiniteRows: readonly number[] }): string[] {
  const out: string[] = [];
  switch (kind) {
    case 'probabilities':
      out.push('Rows sum to 1: these look like probabilities (softmax output). Cross-entropy wants logits; kl_div wants their log as input.');
      break;
    case 'log-probabilities':
      out.push('Rows are ≤ 0 and their exp sums to 1: these look like log-probabilities (log_softmax output), the input nll_loss and kl_div expect.');
      break;
    case 'class-indices':
      out.push('Integer values: these look like class indices, the target of cross_entropy and nll_loss.');
      break;
    case 'binary':
      out.push('Only 0 and 1: these look like binary or one-hot targets.');
      break;
    case 'logits':
      out.push('Rows do not sum to 1: these look like logits (unnormalised scores); softmax turns each row into probabilities.');
      break;
    case 'empty':
      out.push('The tensor is empty.');
      break;
    case 'values':
      break;
  }
  if (f.nanCount > 0 || f.infCount > 0) {
    const parts = [f.nanCount > 0 ? `${f.nanCount} NaN` : '', f.infCount > 0 ? `${f.infCount} ±Inf` : ''].filter(Boolean).join(' and ');
    out.push(`${parts} value${f.nanCount + f.infCount === 1 ? '' : 's'} in row${f.nonFiniteRows.length === 1 ? '' : 's'} ${f.nonFiniteRows.join(', ')}: any loss over them is NaN or Inf.`);
  }
  return out;
}

/** The `k` largest entries of `p` as `[index, value]`, largest first (ties by index). */
export function topEntries(p: ArrayLike<number>, k: number): Array<[number, number]> {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) idx.push(i);
  idx.sort((a, b) => (p[b] > p[a] ? 1 : p[b] < p[a] ? -1 : a - b));
  return idx.slice(0, k).map((i) => [i, p[i]]);
}
