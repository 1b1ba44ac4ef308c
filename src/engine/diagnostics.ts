/**
 * Misuse diagnostics: looks at an op call and its tensors and says what looks wrong before anyone
 * trusts the number (probabilities passed as logits, a target in log space without `log_target`,
 * `kl_div` with `reduction='mean'`, class indices out of range, a transposed class axis, NaN).
 *
 * Pure and heuristic: a finding never changes the value the engine computes. Imports only the
 * tensor helpers, the op types and `axisView` (kernels.ts, which imports nothing), so it can sit
 * below the registry without an import cycle.
 *
 * Cost. Every check reads one cached pass of statistics per tensor (and per axis), never the full
 * tensor again. A tensor of at most {@link SAMPLE_ELEMENTS} elements is read in full. A larger one
 * is sampled:
 * - row checks (sums, logsumexp) read whole rows along the class axis, as many evenly spaced rows
 *   as fit in {@link SAMPLE_ELEMENTS} elements (at least one row);
 * - element checks (ranges, NaN/Inf) read evenly spaced blocks of {@link SAMPLE_BLOCK} elements,
 *   {@link SAMPLE_ELEMENTS} in all.
 * A finding based on a sample says so ("sampled k of n rows"). On a [4096, 50257] input a call
 * reads about 2·2²⁰ elements per tensor whatever the size, a few tens of milliseconds.
 */
import { axisView } from './kernels';
import type { ArgValue } from './op';
import { Tensor, formatShape } from './tensor';

/** How sure a finding is: `error` the value is meaningless or NaN, `warning` very likely a mistake, `info` worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/** The stable ids of findings (a host may key settings or suppressions on them). */
export type FindingId =
  | 'nan-values'
  | 'inf-values'
  | 'softmax-twice'
  | 'log-softmax-input'
  | 'nll-probabilities'
  | 'nll-logits'
  | 'kl-input-not-log'
  | 'kl-log-target'
  | 'kl-log-target-not-log'
  | 'kl-arguments-swapped'
  | 'kl-mean-reduction'
  | 'kl-batchmean-1d'
  | 'log-probabilities-not-normalized'
  | 'target-not-probabilities'
  | 'target-not-normalized'
  | 'sigmoid-twice'
  | 'bce-logits-input'
  | 'bce-target-range'
  | 'float-class-indices'
  | 'target-out-of-range'
  | 'class-axis-transposed'
  | 'all-ignored'
  | 'zero-weight-sum'
  | 'temperature-not-positive'
  | 'alpha-out-of-range';

/** One thing that looks wrong about a call. */
export interface Finding {
  readonly id: FindingId;
  readonly severity: Severity;
  /** One sentence: what is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** The argument it is about. */
  readonly arg?: string;
  /** Indices along dim 0 of `arg` (batch rows; elements of a 1-D target), ascending, at most {@link MAX_FINDING_ROWS}. */
  readonly rows?: readonly number[];
}

/** At most this many rows are listed in a finding. */
export const MAX_FINDING_ROWS = 8;
/** Tensors up to this many elements are read in full; larger ones are sampled (see the file comment). */
export const SAMPLE_ELEMENTS = 1 << 20;
/** Element sampling reads blocks of this many consecutive elements. */
export const SAMPLE_BLOCK = 1024;
/** A row "sums to 1" (or has logsumexp 0) within this absolute tolerance: float32 softmax over 50k classes stays well inside it. */
export const SUM_TOLERANCE = 1e-3;
/** Rounding slack for "in [0,1]" and "≤ 0". */
const VALUE_SLACK = 1e-6;

type Args = Readonly<Record<string, ArgValue>>;

function isTensor(v: ArgValue | undefined): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString());

/** Per-row statistics along one axis, for a sample of rows. */
interface RowStats {
  /** Rows along the axis in the whole tensor. */
  readonly total: number;
  /** Elements per row. */
  readonly size: number;
  /** Row ids checked (flat over outer × inner). */
  readonly ids: readonly number[];
  /** Index along dim 0 of each checked row's first element. */
  readonly batchRow: readonly number[];
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
  readonly lse: Float64Array;
  /** 1 when every value of the row is finite. */
  readonly finite: Uint8Array;
}

/** Statistics over the (sampled) elements of a tensor. */
interface ElementStats {
  readonly checked: number;
  readonly sampled: boolean;
  /** Min and max over finite values (±∞ when there are none). */
  readonly min: number;
  readonly max: number;
  readonly nan: number;
  readonly inf: number;
  readonly nanRows: readonly number[];
  readonly infRows: readonly number[];
}

function batchRowOf(t: Tensor, flat: number): number {
  if (t.shape.length === 0) return 0;
  return Math.floor(flat / (t.data.length / t.shape[0]));
}

function pushRow(rows: number[], r: number): void {
  if (rows.length < MAX_FINDING_ROWS && !rows.includes(r)) rows.push(r);
}

/** Calls `visit(flatIndex)` for every element, or for evenly spaced blocks of a large tensor; returns whether it sampled. */
function forEachElement(n: number, visit: (k: number) => void): boolean {
  if (n <= SAMPLE_ELEMENTS) {
    for (let k = 0; k < n; k++) visit(k);
    return false;
  }
  const blocks = SAMPLE_ELEMENTS / SAMPLE_BLOCK;
  for (let b = 0; b < blocks; b++) {
    const start = Math.floor((b * (n - SAMPLE_BLOCK)) / (blocks - 1));
    for (let k = start; k < start + SAMPLE_BLOCK; k++) visit(k);
  }
  return true;
}

function elementStats(t: Tensor): ElementStats {
  const x = t.data;
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let inf = 0;
  let checked = 0;
  const nanRows: number[] = [];
  const infRows: number[] = [];
  const sampled = forEachElement(x.length, (k) => {
    const v = x[k];
    checked++;
    if (v - v === 0) {
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (v !== v) {
      nan++;
      pushRow(nanRows, batchRowOf(t, k));
    } else {
      inf++;
      pushRow(infRows, batchRowOf(t, k));
    }
  });
  return { checked, sampled, min, max, nan, inf, nanRows: nanRows.sort((a, b) => a - b), infRows: infRows.sort((a, b) => a - b) };
}

/**
 * One pass per sampled row: min, max, sum and logsumexp. The logsumexp is the streaming form of
 * the max shift: keeping s = Σ exp(x_k − m) for the running max m, a new maximum v rescales
 * s ← s·exp(m − v) + 1, so every exp argument is ≤ 0 (no overflow at any scale).
 */
function rowStats(t: Tensor, dim: number): RowStats {
  const { outer, size, inner } = axisView(t.shape, dim);
  const total = t.data.length === 0 ? 0 : outer * inner;
  const k = size === 0 ? 0 : Math.min(total, Math.max(1, Math.floor(SAMPLE_ELEMENTS / size)));
  const ids: number[] = [];
  for (let j = 0; j < k; j++) ids.push(k === total ? j : Math.floor((j * total) / k));
  const st = {
    total,
    size,
    ids,
    batchRow: [] as number[],
    min: new Float64Array(k),
    max: new Float64Array(k),
    sum: new Float64Array(k),
    lse: new Float64Array(k),
    finite: new Uint8Array(k),
  };
  const x = t.data;
  for (let j = 0; j < k; j++) {
    const r = ids[j];
    const base = Math.floor(r / inner) * size * inner + (r % inner);
    st.batchRow.push(batchRowOf(t, base));
    let lo = Infinity;
    let hi = -Infinity;
    let s = 0;
    let m = -Infinity;
    let e = 0;
    let finite = 1;
    for (let c = 0; c < size; c++) {
      const v = x[base + c * inner];
      if (v - v !== 0) finite = 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      s += v;
      if (v > m) {
        e = e * Math.exp(m - v) + 1;
        m = v;
      } else {
        e += Math.exp(v - m);
      }
    }
    st.min[j] = lo;
    st.max[j] = hi;
    st.sum[j] = s;
    st.lse[j] = m + Math.log(e);
    st.finite[j] = finite;
  }
  return st;
}

type RowTest = (st: RowStats, j: number) => boolean;

/** Finite, in [0,1], sums to 1. */
const isProbabilityRow: RowTest = (st, j) => st.min[j] >= -VALUE_SLACK && st.max[j] <= 1 + VALUE_SLACK && Math.abs(st.sum[j] - 1) <= SUM_TOLERANCE;
/** Finite, ≤ 0, logsumexp 0. */
const isLogProbabilityRow: RowTest = (st, j) => st.max[j] <= VALUE_SLACK && Math.abs(st.lse[j]) <= SUM_TOLERANCE;

/** True when at least one finite row was checked and every finite checked row passes. */
function everyRow(st: RowStats, test: RowTest): boolean {
  let seen = 0;
  for (let j = 0; j < st.ids.length; j++) {
    if (!st.finite[j]) continue;
    if (!test(st, j)) return false;
    seen++;
  }
  return seen > 0;
}

/** The finite checked rows that fail `test`, as indices into the sample. */
function failingRows(st: RowStats, test: RowTest): number[] {
  const out: number[] = [];
  for (let j = 0; j < st.ids.length; j++) if (st.finite[j] && !test(st, j)) out.push(j);
  return out;
}

function rowList(st: RowStats, js: readonly number[]): number[] {
  const rows: number[] = [];
  for (const j of js) pushRow(rows, st.batchRow[j]);
  return rows.sort((a, b) => a - b);
}

function rowNote(st: RowStats): string {
  return st.ids.length < st.total ? ` (sampled ${st.ids.length} of ${st.total} rows)` : '';
}

/** "3 of 10 rows", or "3 of 20 sampled rows (of 4096)". */
function rowCount(st: RowStats, k: number): string {
  return st.ids.length < st.total ? `${k} of ${st.ids.length} sampled rows (of ${st.total})` : `${k} of ${st.ids.length} rows`;
}

/** "min 0, max 1", plus the sample size when sampled: goes inside parentheses. */
function rangeNote(es: ElementStats, t: Tensor): string {
  return `min ${fmt(es.min)}, max ${fmt(es.max)}${es.sampled ? `; sampled ${es.checked} of ${t.data.length} elements` : ''}`;
}

function elementNote(es: ElementStats, t: Tensor): string {
  return es.sampled ? ` (sampled ${es.checked} of ${t.data.length} elements)` : '';
}

/** One diagnose call: the arguments, caches of statistics, and the findings so far. */
class Diagnosis {
  readonly findings: Finding[] = [];
  private readonly rowCache = new Map<Tensor, Map<number, RowStats>>();
  private readonly elementCache = new Map<Tensor, ElementStats>();

  constructor(
    readonly op: string,
    readonly args: Args,
  ) {}

  tensor(name: string): Tensor | undefined {
    const v = this.args[name];
    return isTensor(v) ? v : undefined;
  }

  string(name: string, dflt: string): string {
    const v = this.args[name];
    return typeof v === 'string' ? v : dflt;
  }

  number(name: string, dflt: number | null): number | null {
    const v = this.args[name];
    if (typeof v === 'number') return v;
    return v === null ? null : dflt;
  }

  boolean(name: string, dflt: boolean): boolean {
    const v = this.args[name];
    return typeof v === 'boolean' ? v : dflt;
  }

  rows(t: Tensor, dim: number): RowStats {
    let byDim = this.rowCache.get(t);
    if (!byDim) this.rowCache.set(t, (byDim = new Map()));
    let st = byDim.get(dim);
    if (!st) byDim.set(dim, (st = rowStats(t, dim)));
    return st;
  }

  elements(t: Tensor): ElementStats {
    let es = this.elementCache.get(t);
    if (!es) this.elementCache.set(t, (es = elementStats(t)));
    return es;
  }

  add(f: Finding): void {
    this.findings.push(f);
  }
}

// ---------------------------------------------------------------------------------------------
// Checks shared by several ops.

function checkNonFinite(d: Diagnosis): void {
  for (const [name, v] of Object.entries(d.args)) {
    if (!isTensor(v)) continue;
    const es = d.elements(v);
    const logFix = (d.op === 'kl_div' || d.op === 'nll_loss') && name === 'input' ? ' Compute log-probabilities with log_softmax, not log(softmax(...)), which underflows to -inf.' : '';
    if (es.nan > 0) {
      d.add({
        id: 'nan-values',
        severity: 'error',
        arg: name,
        rows: es.nanRows,
        message: `${name} ${formatShape(v.shape)} has ${es.nan} NaN value${es.nan === 1 ? '' : 's'}${elementNote(es, v)}, so the loss is NaN.`,
        fix: `Find where the NaN first appears upstream (a log of 0, 0/0, an exploding step) or drop those rows before the loss.${logFix}`,
      });
    }
    if (es.inf > 0) {
      d.add({
        id: 'inf-values',
        severity: 'warning',
        arg: name,
        rows: es.infRows,
        message: `${name} ${formatShape(v.shape)} has ${es.inf} infinite value${es.inf === 1 ? '' : 's'}${elementNote(es, v)}, which can make the loss infinite or NaN.`,
        fix: `Clamp the values, or mask with a large finite number such as -1e9 instead of -inf.${logFix}`,
      });
    }
  }
}

/** Logits that look like probabilities: every row in [0,1] summing to 1 along `dim` (or, for a 2-D tensor, along dim 0). */
function checkLogits(d: Diagnosis, arg: string, t: Tensor, dim: number, applies: string, fix: string): void {
  if (t.shape.length === 0 || t.shape[dim] < 2) return;
  const st = d.rows(t, dim);
  let along = dim;
  if (!everyRow(st, isProbabilityRow)) {
    if (!(t.shape.length === 2 && dim === 1 && t.shape[0] >= 2 && everyRow(d.rows(t, 0), isProbabilityRow))) return;
    along = 0;
  }
  d.add({
    id: 'softmax-twice',
    severity: 'warning',
    arg,
    message: `Every ${along === dim ? 'row' : 'column'} of ${arg} ${formatShape(t.shape)} lies in [0,1] and sums to 1 along dim ${along}${rowNote(d.rows(t, along))}, so it looks like probabilities, but ${d.op} takes logits and applies ${applies} itself (softmax applied twice?).`,
    fix,
  });
}

/** Log-probabilities passed where logits go: harmless for log_softmax-based losses, worth a note. */
function checkLogProbabilitiesAsLogits(d: Diagnosis, arg: string, t: Tensor, dim: number): void {
  if (t.shape.length === 0 || t.shape[dim] < 2) return;
  const st = d.rows(t, dim);
  if (d.elements(t).min < -VALUE_SLACK && everyRow(st, isLogProbabilityRow)) {
    d.add({
      id: 'log-softmax-input',
      severity: 'info',
      arg,
      message: `Every row of ${arg} ${formatShape(t.shape)} is already log-probabilities (≤ 0, logsumexp 0)${rowNote(st)}; ${d.op} applies log_softmax again, which leaves them unchanged, so the value is right.`,
      fix: 'Nothing to fix; nll_loss takes log-probabilities directly if you want to skip the second log_softmax.',
    });
  }
}

interface IndexTargetOptions {
  /** The class dim of the input. */
  readonly classDim: number;
  /** `null` when the op has no ignore_index. */
  readonly ignoreIndex: number | null;
  readonly reduction: string;
  readonly weight?: Tensor;
  /** Check the target's shape against the input's (false where only the first rows are used). */
  readonly checkShape: boolean;
}

/** Class-index targets: dtype, shape (transposed class axis), range, all ignored, zero weight sum. */
function checkIndexTarget(d: Diagnosis, input: Tensor, target: Tensor, arg: string, o: IndexTargetOptions): void {
  if (input.shape.length === 0) return;
  const C = input.shape[o.classDim];
  if (target.dtype !== 'int64') {
    d.add({
      id: 'float-class-indices',
      severity: 'error',
      arg,
      message: `${arg} is a ${target.dtype} tensor ${formatShape(target.shape)}, but a target without the class dim holds class indices, which must be int64.`,
      fix: `Convert it with ${arg}.long(); for probabilities, give ${arg} the input's shape ${formatShape(input.shape)}.`,
    });
  }
  if (o.checkShape) {
    const expected = input.shape.filter((_, i) => i !== o.classDim);
    const same = (s: readonly number[]): boolean => s.length === target.shape.length && s.every((v, i) => v === target.shape[i]);
    if (!same(expected)) {
      const n = input.shape.length;
      if (n === 2 && same([input.shape[1]])) {
        d.add({
          id: 'class-axis-transposed',
          severity: 'error',
          arg: 'input',
          message: `${arg} has ${input.shape[1]} entries, matching input.shape[1] rather than input.shape[0] = ${input.shape[0]}, so input ${formatShape(input.shape)} looks like [C, N] instead of [N, C].`,
          fix: 'Pass input.T (classes must be on dim 1), or check that the target belongs to this batch.',
        });
      } else if (n >= 3 && same(input.shape.slice(0, n - 1))) {
        d.add({
          id: 'class-axis-transposed',
          severity: 'error',
          arg: 'input',
          message: `${arg} ${formatShape(target.shape)} matches input ${formatShape(input.shape)} without its last dim, so the classes look like they are on the last dim, but ${d.op} takes them on dim 1.`,
          fix: `Move the classes to dim 1, e.g. input.transpose(1, 2) for [N, T, C] logits, or flatten to input.reshape(-1, ${input.shape[n - 1]}) with ${arg}.reshape(-1).`,
        });
      }
      return;
    }
  }
  // One pass: invalid values, ignored count, min/max, the weight of the counted targets.
  const y = target.data;
  const w = o.weight && o.weight.shape.length === 1 && o.weight.shape[0] === C ? o.weight.data : undefined;
  let invalid = 0;
  let ignored = 0;
  let checked = 0;
  let weightSum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let firstBad: number | undefined;
  let firstBadRow = 0;
  let invalidValue: number | undefined;
  let invalidSame = true;
  const rows: number[] = [];
  const sampled = forEachElement(y.length, (k) => {
    const v = y[k];
    checked++;
    if (o.ignoreIndex !== null && v === o.ignoreIndex) {
      ignored++;
      return;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (!Number.isInteger(v) || v < 0 || v >= C) {
      invalid++;
      if (firstBad === undefined) {
        firstBad = v;
        firstBadRow = batchRowOf(target, k);
      }
      if (invalidValue === undefined) invalidValue = v;
      else if (invalidValue !== v) invalidSame = false;
      pushRow(rows, batchRowOf(target, k));
      return;
    }
    if (w) weightSum += w[v];
  });
  const note = sampled ? ` (sampled ${checked} of ${y.length} targets)` : '';
  if (invalid > 0) {
    const ig = o.ignoreIndex === null ? '' : ` that ${invalid === 1 ? 'is' : 'are'} not ignore_index=${o.ignoreIndex}`;
    let fix = `Use class indices in [0, ${C}); if the model should have more classes, note that input ${formatShape(input.shape)} has ${C}.`;
    if (invalidSame && invalidValue !== undefined && invalidValue < 0 && Number.isInteger(invalidValue) && o.ignoreIndex !== null) {
      fix = `If ${invalidValue} marks targets to skip, pass ignore_index=${invalidValue}; otherwise fix the labels.`;
    } else if (lo >= 1 && hi === C) {
      fix = `The labels look 1-based (1..${C}): subtract 1.`;
    }
    d.add({
      id: 'target-out-of-range',
      severity: 'error',
      arg,
      rows: rows.sort((a, b) => a - b),
      message: `${arg} has ${invalid} value${invalid === 1 ? '' : 's'} outside [0, ${C})${ig} (e.g. ${fmt(firstBad as number)} at row ${firstBadRow})${note}.`,
      fix,
    });
    return;
  }
  if (!sampled && checked > 0 && ignored === checked) {
    const mean = o.reduction === 'mean';
    d.add({
      id: 'all-ignored',
      severity: mean ? 'error' : 'info',
      arg,
      message: mean
        ? `Every target equals ignore_index=${o.ignoreIndex}, so reduction='mean' divides 0 by 0 and the loss is NaN.`
        : `Every target equals ignore_index=${o.ignoreIndex}, so the loss is 0 and no gradient flows.`,
      fix: 'Check the labels and the padding mask; skip batches with no labelled target.',
    });
    return;
  }
  if (!sampled && w && o.reduction === 'mean' && checked > ignored && weightSum === 0) {
    d.add({
      id: 'zero-weight-sum',
      severity: 'error',
      arg: 'weight',
      message: `The weights of every counted target sum to 0, so reduction='mean' divides 0 by 0 and the loss is NaN.`,
      fix: 'Give the classes present in this batch a nonzero weight, or use reduction=\'sum\'.',
    });
  }
}

/** Two 2-D tensors whose shapes are each other's transpose. */
function checkTransposedPair(d: Diagnosis, a: string, b: string): boolean {
  const x = d.tensor(a);
  const y = d.tensor(b);
  if (!x || !y || x.shape.length !== 2 || y.shape.length !== 2) return false;
  if (x.shape[0] === x.shape[1] || x.shape[0] !== y.shape[1] || x.shape[1] !== y.shape[0]) return false;
  d.add({
    id: 'class-axis-transposed',
    severity: 'error',
    arg: b,
    message: `${b} ${formatShape(y.shape)} is ${a} ${formatShape(x.shape)} transposed, so one of them has the classes on the wrong axis.`,
    fix: `Pass ${b}.T, or the ${a} of the same layout (rows are samples, columns are classes).`,
  });
  return true;
}

/** A distribution along `dim` whose rows fail but whose columns (dim 0 of a 2-D tensor) pass. */
function columnsPass(d: Diagnosis, t: Tensor, dim: number, test: RowTest): boolean {
  return t.shape.length === 2 && dim === 1 && t.shape[0] >= 2 && everyRow(d.rows(t, 0), test);
}

/** A probability target (rows in [0,1] summing to 1 along `dim`). */
function checkProbabilityTarget(d: Diagnosis, arg: string, t: Tensor, dim: number, allowLogHint: boolean): void {
  if (t.shape.length === 0) return;
  const st = d.rows(t, dim);
  const es = d.elements(t);
  if (es.min < -VALUE_SLACK) {
    const rows: number[] = [];
    for (let j = 0; j < st.ids.length; j++) if (st.min[j] < -VALUE_SLACK) pushRow(rows, st.batchRow[j]);
    const looksLog = allowLogHint && everyRow(st, isLogProbabilityRow);
    d.add({
      id: 'target-not-probabilities',
      severity: 'error',
      arg,
      rows: rows.sort((a, b) => a - b),
      message: looksLog
        ? `${arg} ${formatShape(t.shape)} is ≤ 0 with rows of logsumexp 0, so it looks like log-probabilities, but ${d.op} takes probabilities here.`
        : `${arg} ${formatShape(t.shape)} has negative values (min ${fmt(es.min)}), so it is not a probability distribution (logits?).`,
      fix: looksLog
        ? `Pass ${arg}.exp() (or softmax of the logits) instead of log_softmax.`
        : `Pass softmax(${arg}_logits, dim=${dim}); for class indices pass an int64 tensor without the class dim.`,
    });
    return;
  }
  if (t.shape[dim] < 2) return;
  const sumsToOne: RowTest = (s, j) => Math.abs(s.sum[j] - 1) <= SUM_TOLERANCE;
  const bad = failingRows(st, sumsToOne);
  if (bad.length === 0) return;
  if (columnsPass(d, t, dim, isProbabilityRow)) {
    d.add({
      id: 'class-axis-transposed',
      severity: 'warning',
      arg,
      message: `The rows of ${arg} ${formatShape(t.shape)} do not sum to 1 but its columns do, so the distribution runs along dim 0 (softmax over the wrong dim?).`,
      fix: `Apply softmax along dim=${dim}, the class dim, or transpose ${arg} if it is [C, N].`,
    });
    return;
  }
  const j = bad[0];
  d.add({
    id: 'target-not-normalized',
    severity: 'warning',
    arg,
    rows: rowList(st, bad),
    message: `${rowCount(st, bad.length)} of ${arg} ${formatShape(t.shape)} do not sum to 1 (row ${st.batchRow[j]} sums to ${fmt(st.sum[j])}), so it is not a probability distribution.`,
    fix: `Normalize each row (${arg} / ${arg}.sum(dim=${dim}, keepdim=True)) or build it with softmax; ${d.op} uses the target as given.`,
  });
}

/** Log-probabilities (nll_loss input, kl_div input): ≤ 0 with logsumexp 0 along `dim`. */
function checkLogProbabilities(d: Diagnosis, arg: string, t: Tensor, dim: number, ids: { probs: FindingId; logits: FindingId }, logitsFix: string): void {
  if (t.shape.length === 0) return;
  const st = d.rows(t, dim);
  const es = d.elements(t);
  if (es.max > VALUE_SLACK) {
    const rows: number[] = [];
    for (let j = 0; j < st.ids.length; j++) if (st.max[j] > VALUE_SLACK) pushRow(rows, st.batchRow[j]);
    const probs = t.shape[dim] >= 2 && everyRow(st, isProbabilityRow);
    d.add({
      id: probs ? ids.probs : ids.logits,
      severity: 'error',
      arg,
      rows: rows.sort((a, b) => a - b),
      message: probs
        ? `Every row of ${arg} ${formatShape(t.shape)} lies in [0,1] and sums to 1${rowNote(st)}, so it is probabilities, but ${d.op} takes log-probabilities.`
        : `${arg} ${formatShape(t.shape)} has positive values (max ${fmt(es.max)}), so it is not log-probabilities (raw logits?).`,
      fix: probs ? `Pass log_softmax(logits, dim=${dim}) instead of softmax (log(softmax(...)) works but underflows to -inf).` : logitsFix,
    });
    return;
  }
  if (t.shape[dim] < 2) return;
  const bad = failingRows(st, isLogProbabilityRow);
  if (bad.length === 0) return;
  if (columnsPass(d, t, dim, isLogProbabilityRow)) {
    d.add({
      id: 'class-axis-transposed',
      severity: 'warning',
      arg,
      message: `The rows of ${arg} ${formatShape(t.shape)} are not log-probabilities but its columns are, so log_softmax ran along dim 0 instead of dim ${dim}.`,
      fix: `Apply log_softmax along dim=${dim}, the class dim.`,
    });
    return;
  }
  const j = bad[0];
  d.add({
    id: 'log-probabilities-not-normalized',
    severity: 'warning',
    arg,
    rows: rowList(st, bad),
    message: `${rowCount(st, bad.length)} of ${arg} ${formatShape(t.shape)} have exp(values) summing to ${fmt(Math.exp(st.lse[j]))} instead of 1 (row ${st.batchRow[j]}), so they are not log-probabilities.`,
    fix: `Use log_softmax over the class dim (dim=${dim}); log(sigmoid(...)) or a log_softmax over another dim does not normalize the classes.`,
  });
}

/** Values meant for [0,1] (BCE targets). */
function checkBinaryTarget(d: Diagnosis, arg: string): void {
  const t = d.tensor(arg);
  if (!t) return;
  const es = d.elements(t);
  if (es.min >= -VALUE_SLACK && es.max <= 1 + VALUE_SLACK) return;
  let pm1 = true;
  const rows: number[] = [];
  forEachElement(t.data.length, (k) => {
    const v = t.data[k];
    if (v !== 1 && v !== -1) pm1 = false;
    if (v < -VALUE_SLACK || v > 1 + VALUE_SLACK) pushRow(rows, batchRowOf(t, k));
  });
  d.add({
    id: 'bce-target-range',
    severity: 'warning',
    arg,
    rows: rows.sort((a, b) => a - b),
    message: `${arg} has values outside [0,1] (${rangeNote(es, t)}); PyTorch does not check, and the loss can then be negative.`,
    fix: pm1 ? `The targets look like ±1 labels: pass (${arg} + 1) / 2.` : `Use targets in [0,1] (0/1 labels or probabilities).`,
  });
}

/** Logits for a sigmoid loss that all lie in [0,1] (not all zero). */
function checkSigmoidLogits(d: Diagnosis, arg: string, fix: string): void {
  const t = d.tensor(arg);
  if (!t || t.data.length < 2) return;
  const es = d.elements(t);
  if (es.nan + es.inf > 0 || !(es.min >= 0 && es.max <= 1 && es.max > 0)) return;
  d.add({
    id: 'sigmoid-twice',
    severity: 'warning',
    arg,
    message: `Every value of ${arg} ${formatShape(t.shape)} lies in [0,1] (${rangeNote(es, t)}), so it looks like probabilities, but ${d.op} takes logits and applies sigmoid itself (sigmoid applied twice?).`,
    fix,
  });
}

// ---------------------------------------------------------------------------------------------
// Per-op checks.

function classDimOf(t: Tensor): number {
  return t.shape.length === 1 ? 0 : 1;
}

/** cross_entropy / nll_loss: PyTorch's ignore_index, reduction and weight. */
function torchIndexOptions(d: Diagnosis, classDim: number): IndexTargetOptions {
  return { classDim, ignoreIndex: d.number('ignore_index', -100), reduction: d.string('reduction', 'mean'), weight: d.tensor('weight'), checkShape: true };
}

function checkCrossEntropy(d: Diagnosis): void {
  const input = d.tensor('input');
  const target = d.tensor('target');
  if (!input || input.shape.length === 0) return;
  const dim = classDimOf(input);
  checkLogits(d, 'input', input, dim, 'log_softmax', 'Pass the logits (the values before softmax), or pass log(probabilities) to nll_loss.');
  checkLogProbabilitiesAsLogits(d, 'input', input, dim);
  if (!target) return;
  const probabilityTarget = target.dtype !== 'int64' && target.shape.length === input.shape.length && target.shape.every((v, i) => v === input.shape[i]);
  if (probabilityTarget) {
    checkProbabilityTarget(d, 'target', target, dim, true);
    return;
  }
  if (checkTransposedPair(d, 'input', 'target')) return;
  checkIndexTarget(d, input, target, 'target', torchIndexOptions(d, dim));
}

function checkNllLoss(d: Diagnosis): void {
  const input = d.tensor('input');
  const target = d.tensor('target');
  if (!input || input.shape.length === 0) return;
  const dim = classDimOf(input);
  checkLogProbabilities(d, 'input', input, dim, { probs: 'nll-probabilities', logits: 'nll-logits' }, 'Apply log_softmax(dim=1) first, or pass the logits to cross_entropy, which does both.');
  if (!target) return;
  checkIndexTarget(d, input, target, 'target', torchIndexOptions(d, dim));
}

function checkKlDiv(d: Diagnosis): void {
  const input = d.tensor('input');
  const target = d.tensor('target');
  const logTarget = d.boolean('log_target', false);
  const reduction = d.string('reduction', 'mean');
  if (input && (reduction === 'mean' || reduction === 'batchmean')) {
    if (input.shape.length === 1) {
      d.add({
        id: 'kl-batchmean-1d',
        severity: 'info',
        arg: 'reduction',
        message: `input is 1-D, so reduction='${reduction}' divides by its ${input.shape[0]} elements rather than by a batch of one.`,
        fix: 'For one distribution use reduction=\'sum\', or add a batch dim with input.unsqueeze(0).',
      });
    } else if (reduction === 'mean' && input.shape.length >= 2 && input.data.length > input.shape[0]) {
      const n = input.shape[0];
      const per = input.data.length / n;
      d.add({
        id: 'kl-mean-reduction',
        severity: 'warning',
        arg: 'reduction',
        message: `reduction='mean' divides the sum by all ${input.data.length} elements instead of the batch size ${n}, so the value is the per-sample KL divided by ${per}.`,
        fix: 'Use reduction=\'batchmean\', the KL divergence per sample (PyTorch warns about \'mean\' too); in distillation, retune alpha if you switch.',
      });
    }
  }
  if (!input || !target) return;
  if (checkTransposedPair(d, 'input', 'target')) return;
  const dim = input.shape.length - 1;
  if (dim < 0) return;
  const sameShape = target.shape.length === input.shape.length && target.shape.every((v, i) => v === input.shape[i]);
  // Swapped arguments: probabilities first, log-probabilities second.
  if (!logTarget && sameShape && input.shape[dim] >= 2) {
    const si = d.rows(input, dim);
    const stt = d.rows(target, dim);
    if (d.elements(input).max > VALUE_SLACK && everyRow(si, isProbabilityRow) && d.elements(target).min < -VALUE_SLACK && everyRow(stt, isLogProbabilityRow)) {
      d.add({
        id: 'kl-arguments-swapped',
        severity: 'error',
        arg: 'input',
        message: `input looks like probabilities and target like log-probabilities, the reverse of kl_div(input, target) = KL(target ‖ exp(input)), so the arguments look swapped.`,
        fix: 'Call kl_div(log_q, p): the log_softmax of the model first, the target probabilities second (or log_target=True for log-probabilities).',
      });
      return;
    }
  }
  checkLogProbabilities(d, 'input', input, dim, { probs: 'kl-input-not-log', logits: 'kl-input-not-log' }, 'Pass log_softmax(student_logits / T, dim=-1) as input; kl_div does not apply it.');
  if (target.shape.length === 0) return;
  const tdim = target.shape.length - 1;
  const st = d.rows(target, tdim);
  if (logTarget) {
    const es = d.elements(target);
    if (es.max > VALUE_SLACK) {
      d.add({
        id: 'kl-log-target-not-log',
        severity: 'error',
        arg: 'target',
        message: `log_target=True but target ${formatShape(target.shape)} has positive values (max ${fmt(es.max)}), so it is not log-probabilities.`,
        fix: 'Pass log_softmax of the teacher logits, or log_target=False for probabilities.',
      });
      return;
    }
    if (target.shape[tdim] < 2) return;
    const bad = failingRows(st, isLogProbabilityRow);
    if (bad.length > 0) {
      const j = bad[0];
      d.add({
        id: 'target-not-normalized',
        severity: 'warning',
        arg: 'target',
        rows: rowList(st, bad),
        message: `${rowCount(st, bad.length)} of target have exp(values) summing to ${fmt(Math.exp(st.lse[j]))} instead of 1 (row ${st.batchRow[j]}), so with log_target=True they are not log-probabilities.`,
        fix: 'Use log_softmax over the class dim for the target.',
      });
    }
    return;
  }
  if (target.shape[tdim] >= 2 && d.elements(target).min < -VALUE_SLACK && everyRow(st, isLogProbabilityRow)) {
    d.add({
      id: 'kl-log-target',
      severity: 'warning',
      arg: 'target',
      message: `target ${formatShape(target.shape)} is ≤ 0 with rows of logsumexp 0${rowNote(st)}, so it looks like log-probabilities, but log_target is False.`,
      fix: 'Pass log_target=True, or pass softmax of the teacher logits instead of log_softmax.',
    });
    return;
  }
  checkProbabilityTarget(d, 'target', target, tdim, false);
}

function checkBceWithLogits(d: Diagnosis): void {
  checkSigmoidLogits(d, 'input', 'Pass the logits (before sigmoid), or use binary_cross_entropy on the probabilities.');
  checkBinaryTarget(d, 'target');
}

function checkBce(d: Diagnosis): void {
  const input = d.tensor('input');
  if (input) {
    const es = d.elements(input);
    if (es.min < 0 || es.max > 1) {
      const rows: number[] = [];
      forEachElement(input.data.length, (k) => {
        const v = input.data[k];
        if (v < 0 || v > 1) pushRow(rows, batchRowOf(input, k));
      });
      d.add({
        id: 'bce-logits-input',
        severity: 'error',
        arg: 'input',
        rows: rows.sort((a, b) => a - b),
        message: `input has values outside [0,1] (${rangeNote(es, input)}), so it looks like logits, but binary_cross_entropy takes probabilities.`,
        fix: 'Pass the logits to binary_cross_entropy_with_logits (it is also stable), or apply sigmoid first.',
      });
    }
  }
  checkBinaryTarget(d, 'target');
}

function checkMultilabelSoftMargin(d: Diagnosis): void {
  checkSigmoidLogits(d, 'input', 'Pass the logits (before sigmoid).');
  checkBinaryTarget(d, 'target');
}

/** timm-style losses with classes on the last dim and class-index targets. */
function checkLastDimLogitsWithIndices(d: Diagnosis, ignoreIndex: number | null, checkShape: boolean): void {
  const input = d.tensor('input');
  const target = d.tensor('target');
  if (!input || input.shape.length === 0) return;
  const dim = input.shape.length - 1;
  checkLogits(d, 'input', input, dim, 'log_softmax', 'Pass the logits (the values before softmax).');
  if (!target) return;
  checkIndexTarget(d, input, target, 'target', { classDim: dim, ignoreIndex, reduction: 'mean', checkShape });
}

function checkSoftTargetCrossEntropy(d: Diagnosis): void {
  const input = d.tensor('input');
  const target = d.tensor('target');
  if (!input || input.shape.length === 0) return;
  const dim = input.shape.length - 1;
  checkLogits(d, 'input', input, dim, 'log_softmax', 'Pass the logits (the values before softmax).');
  if (target && target.shape.length === input.shape.length) checkProbabilityTarget(d, 'target', target, dim, true);
}

function checkDistillation(d: Diagnosis): void {
  const student = d.tensor('student');
  const teacher = d.tensor('teacher');
  const labels = d.tensor('labels');
  const T = d.number('temperature', 4);
  const alpha = d.number('alpha', 0.9);
  if (T !== null && !(T > 0)) {
    d.add({
      id: 'temperature-not-positive',
      severity: 'error',
      arg: 'temperature',
      message: `temperature=${T} is not positive, so the logits divided by it are infinite or NaN.`,
      fix: 'Use a temperature > 0 (1 is plain softmax; 2 to 20 are common for distillation).',
    });
  }
  if (alpha !== null && (alpha < 0 || alpha > 1)) {
    d.add({
      id: 'alpha-out-of-range',
      severity: 'warning',
      arg: 'alpha',
      message: `alpha=${alpha} is outside [0,1], so one of the two terms gets a negative weight.`,
      fix: 'Use alpha in [0,1]: alpha weights the distillation term and 1 − alpha the label term.',
    });
  }
  if (d.string('kl_reduction', 'mean') === 'mean' && student && student.shape.length === 2) {
    const [n, c] = student.shape;
    d.add({
      id: 'kl-mean-reduction',
      severity: 'warning',
      arg: 'kl_reduction',
      message: `kl_reduction='mean' divides the KL sum by N·C = ${n * c} instead of N = ${n}, so the distillation term is ${c} times smaller than the per-sample KL.`,
      fix: 'Use kl_reduction=\'batchmean\' and retune alpha; `loss-lens compare distillation` shows both.',
    });
  }
  if (student && student.shape.length >= 1) checkLogits(d, 'student', student, classDimOf(student), 'log_softmax(student / T)', 'Pass the student logits; distillation_loss applies log_softmax(student / T) itself.');
  if (teacher && teacher.shape.length >= 1) checkLogits(d, 'teacher', teacher, classDimOf(teacher), 'softmax(teacher / T)', 'Pass the teacher logits; distillation_loss applies softmax(teacher / T) itself.');
  if (checkTransposedPair(d, 'student', 'teacher')) return;
  if (student && labels && student.shape.length >= 1) {
    checkIndexTarget(d, student, labels, 'labels', { classDim: classDimOf(student), ignoreIndex: -100, reduction: 'mean', checkShape: true });
  }
}

const OP_CHECKS: Readonly<Record<string, (d: Diagnosis) => void>> = {
  cross_entropy: checkCrossEntropy,
  nll_loss: checkNllLoss,
  kl_div: checkKlDiv,
  binary_cross_entropy_with_logits: checkBceWithLogits,
  binary_cross_entropy: checkBce,
  multilabel_soft_margin_loss: checkMultilabelSoftMargin,
  label_smoothing_cross_entropy: (d) => checkLastDimLogitsWithIndices(d, null, true),
  jsd_cross_entropy: (d) => checkLastDimLogitsWithIndices(d, (d.number('smoothing', 0.1) ?? 0) > 0 ? null : -100, false),
  soft_target_cross_entropy: checkSoftTargetCrossEntropy,
  distillation_loss: checkDistillation,
};

/**
 * Looks at a call of `op` with `args` (PyTorch names; missing arguments take PyTorch's defaults)
 * and returns what looks wrong: errors first, then warnings, then information. Never throws and
 * never changes a value; unknown ops get the NaN/Inf checks only. Large tensors are sampled (see
 * the file comment), so the cost is bounded whatever their size.
 */
export function diagnose(op: string, args: Readonly<Record<string, ArgValue>>): Finding[] {
  const d = new Diagnosis(op, args);
  checkNonFinite(d);
  OP_CHECKS[op]?.(d);
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return d.findings.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i).map(({ f }) => f);
}
