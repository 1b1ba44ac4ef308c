/**
 * The report model of the Loss Lens panel: what the host computes from an op and its arguments, and
 * what crosses `postMessage` — summaries per row, top-k per row, a downsampled heatmap and the detail
 * of the selected row, never the whole `[N, C]` tensors of a large call. Pure: the host builds it, and
 * the webview rebuilds it with the same code (and the same engine) when a control moves.
 *
 * Every number comes from the engine: the value from `registry.call`, the split CE = H(p) + KL(p‖q)
 * per row from `lossBreakdown`, log_softmax/softmax/logsumexp from the engine's kernels and the
 * gradient from `registry.grad`. What is computed here is only bookkeeping around them: which rows,
 * which classes to show (top-k and an "other" bar), the per-class terms −p·log q and p·log(p/q) of the
 * rows shown, and the maximum of q over column bins for the heatmap.
 *
 * Large calls are built in two steps so the first paint does not wait for 200M elements:
 * {@link buildReport} with `sampleRows` summarizes evenly spaced rows only (`complete: false`), then
 * {@link ReportBuilder.summarizeChunk} walks the rows in chunks (the host yields between them) and
 * {@link ReportBuilder.finish} adds the engine's value.
 */
import { registry } from '../engine/registry';
import type { ArgValue, OpArgs } from '../engine/op';
import { lossBreakdown, BREAKDOWN_OPS } from '../engine/breakdown';
import { diagnose, type Finding } from '../engine/diagnostics';
import { logSoftmax, logSumExp, softmax } from '../engine/softmax';
import { formatShape, numel, type Tensor } from '../engine/tensor';

/** What a caller asks the panel to show: an op and its (possibly incomplete) arguments. */
export interface ReportInputs {
  readonly op: string;
  readonly args: Readonly<Record<string, ArgValue>>;
  /** A headline, e.g. `cross_entropy(logits, labels)`. */
  readonly title?: string;
  /** Where the tensors came from, e.g. `notebook.ipynb, cell 3`. */
  readonly source?: string;
}

/** The panel's controls: what-if values the report is recomputed with. */
export interface ReportControls {
  /** Divides the logits (cross-entropy family) or is distillation's T. 1 means "as given". */
  readonly temperature: number;
  /** `label_smoothing` / `smoothing` of the op. */
  readonly labelSmoothing: number;
  /** Distillation's or JSD's alpha. */
  readonly alpha: number;
  /** The op's `reduction` (or distillation's `kl_reduction`). */
  readonly reduction: string;
}

/** Which controls apply to an op (argument names, or null when a control does not apply). */
export interface ControlSpec {
  readonly temperature: 'divide' | 'argument' | null;
  readonly labelSmoothing: string | null;
  readonly alpha: string | null;
  readonly reduction: string | null;
  readonly reductions: readonly string[];
}

/** How the report is shown. */
export type ReportKind = 'classification' | 'binary' | 'activation' | 'generic';

/** Summaries of the rows of the `[N, C]` view (all rows once complete; evenly spaced ones before). */
export interface RowSummaries {
  /** Row indices summarized, ascending. */
  readonly rows: Float64Array;
  /** The row's loss term: CE(p, q) for classification, the mean element loss for binary ops. */
  readonly loss: Float64Array;
  /** H(p) of the target row (0 for activation and binary reports). */
  readonly entropy: Float64Array;
  /** KL(p‖q). */
  readonly kl: Float64Array;
  /** H(q), the prediction's entropy. */
  readonly predEntropy: Float64Array;
  /** argmax_c q. */
  readonly argmax: Float64Array;
  /** The class index of the target (NaN for probability targets, −1 for ignored rows). */
  readonly target: Float64Array;
  /** q at the target class (NaN without a class target). */
  readonly qTarget: Float64Array;
  /** Top-k classes by q per summarized row, `[rows.length, k]`, and their q. */
  readonly topIndex: Float64Array;
  readonly topValue: Float64Array;
  readonly k: number;
}

/** The `[N, C]` probabilities downsampled for a canvas: `height` rows, `width` column bins. */
export interface Heatmap {
  /** The report row shown on each heatmap line. */
  readonly rows: Float64Array;
  readonly width: number;
  /** Classes per bin (the last bin may hold fewer). */
  readonly binSize: number;
  /** max of q over each bin, `[rows.length, width]` row-major (NaN where not yet computed). */
  readonly data: Float64Array;
}

/** The selected row in full: the softmax pipeline, the per-class terms and the gradient, on the classes shown. */
export interface RowDetail {
  readonly row: number;
  /** The classes shown (all for small C; top-k by q and p plus the target otherwise), in display order. */
  readonly classes: Float64Array;
  /** Classes not shown (their mass goes to the "other" entries). */
  readonly hiddenClasses: number;
  readonly targetClass: number | null;
  readonly ignored: boolean;
  /** The row's logits (or log q as given), and the pipeline on them. */
  readonly logits: Float64Array;
  readonly minusMax: Float64Array;
  readonly exp: Float64Array;
  readonly max: number;
  readonly sumExp: number;
  readonly logSumExp: number;
  readonly logSoftmax: Float64Array;
  /** q = softmax. */
  readonly q: Float64Array;
  /** The target distribution p (zeros for activation reports). */
  readonly p: Float64Array;
  /** −p·log q per class and p·log(p/q) per class (0 where p = 0). */
  readonly ceTerm: Float64Array;
  readonly klTerm: Float64Array;
  /** d loss / d logits from the engine's backward (empty when the op has none). */
  readonly grad: Float64Array;
  /** Sums over the hidden classes: p, q, −p·log q, p·log(p/q), gradient. */
  readonly other: { readonly p: number; readonly q: number; readonly ceTerm: number; readonly klTerm: number; readonly grad: number };
  readonly crossEntropy: number;
  readonly entropy: number;
  readonly kl: number;
  /** For binary ops: the target per class shown and the element losses (empty otherwise). */
  readonly binaryTarget: Float64Array;
  readonly elementLoss: Float64Array;
  /** For distillation: the teacher's and the student's softmax at T on the classes shown, and the two weighted terms. */
  readonly distillation: { readonly temperature: number; readonly alpha: number; readonly teacher: Float64Array; readonly student: Float64Array; readonly klPart: number; readonly cePart: number } | null;
  /** Jensen–Shannon view of this row. */
  readonly js: JsView | null;
}

/** k distributions, their mixture M, each KL(P_i‖M), the JS value and a perturbation curve. */
export interface JsView {
  /** Names of the distributions ("target p", "prediction q", "split 1", …). */
  readonly names: readonly string[];
  /** `[k, classes shown]`. */
  readonly distributions: Float64Array;
  readonly mixture: Float64Array;
  readonly klToMixture: Float64Array;
  /** The divergence JS = mean_i KL(P_i‖M), whatever it weighs in the loss. */
  readonly divergence: number;
  /** The JS term of the loss: divergence × scale (for jsd_cross_entropy, alpha × JS; 0 at alpha = 0). */
  readonly js: number;
  /** The scale of the JS term in the loss (alpha for jsd_cross_entropy, 1 otherwise). */
  readonly scale: number;
  /** Which distribution is perturbed, and the two classes the perturbation moves logit mass between. */
  readonly perturbed: number;
  readonly perturbFrom: number;
  readonly perturbTo: number;
  /** The change of the logits (x) and the divergence JS at each (y), unscaled by alpha so alpha = 0 still shows it. */
  readonly curveX: Float64Array;
  readonly curveY: Float64Array;
}

/** The report. */
export interface LossReport {
  readonly op: string;
  readonly title: string;
  readonly source: string;
  readonly kind: ReportKind;
  readonly formula: string;
  /** Shapes of the tensor arguments, by name. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** The `[N, C]` view (1-D inputs are one row). */
  readonly rowCount: number;
  readonly classes: number;
  /** The op's value when it is a scalar (null for `reduction='none'`, or before a large report completes). */
  readonly value: number | null;
  readonly valueShape: readonly number[];
  readonly controls: ReportControls;
  readonly controlSpec: ControlSpec;
  /** Means of CE, H(p), KL over the rows that are not ignored (classification only). */
  readonly mean: { readonly crossEntropy: number; readonly entropy: number; readonly kl: number } | null;
  readonly summaries: RowSummaries | null;
  readonly heatmap: Heatmap | null;
  readonly selected: RowDetail | null;
  readonly findings: readonly Finding[];
  readonly notes: readonly string[];
  /** False while a large report holds only sampled rows and no value yet. */
  readonly complete: boolean;
  /** Rows summarized so far. */
  readonly rowsDone: number;
}

/** Options of {@link buildReport}. */
export interface BuildOptions {
  readonly controls?: Partial<ReportControls>;
  /** The selected row (clamped). */
  readonly row?: number;
  /** Summarize only this many evenly spaced rows (the first step of a large report). */
  readonly sampleRows?: number;
  /** Classes per row in the top-k summaries. */
  readonly topK?: number;
}

/** Above this many elements the host builds a report in steps and never ships the tensors to the webview. */
export const LARGE_ELEMENTS = 1 << 21;
/** Classes shown in full up to this C; above it the top-k and an "other" bar. */
export const SHOW_ALL_CLASSES = 24;
/** Classes shown for a large C. */
export const SHOWN_CLASSES = 12;
/** Heatmap limits. */
export const HEATMAP_ROWS = 256;
export const HEATMAP_COLS = 512;
const TOP_K = 5;

const LOGIT_OPS = new Set(['cross_entropy', 'soft_target_cross_entropy', 'label_smoothing_cross_entropy', 'jsd_cross_entropy', 'binary_cross_entropy_with_logits', 'softmax', 'log_softmax']);

function isTensor(v: ArgValue | undefined): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

function divided(t: Tensor, by: number): Tensor {
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < data.length; i++) data[i] = t.data[i] / by;
  return { shape: [...t.shape], data, dtype: t.dtype === 'int64' ? 'float64' : t.dtype };
}

/** Which controls apply to `op`. */
export function controlSpec(op: string): ControlSpec {
  const spec = registry.has(op) ? registry.get(op) : null;
  const names = new Set(spec?.args.map((a) => a.name) ?? []);
  const reductionName = names.has('reduction') ? 'reduction' : names.has('kl_reduction') ? 'kl_reduction' : null;
  const reductions = reductionName ? (spec?.args.find((a) => a.name === reductionName)?.choices ?? []) : [];
  return {
    temperature: op === 'distillation_loss' ? 'argument' : LOGIT_OPS.has(op) ? 'divide' : null,
    labelSmoothing: names.has('label_smoothing') ? 'label_smoothing' : names.has('smoothing') && op !== 'mixup_target' ? 'smoothing' : null,
    alpha: names.has('alpha') ? 'alpha' : null,
    reduction: reductionName,
    reductions,
  };
}

/** The controls as the arguments give them (after PyTorch's defaults). */
export function controlsOf(op: string, args: OpArgs): ReportControls {
  const spec = controlSpec(op);
  return {
    temperature: spec.temperature === 'argument' ? (args.temperature as number) : 1,
    labelSmoothing: spec.labelSmoothing ? ((args[spec.labelSmoothing] as number | null) ?? 0) : 0,
    alpha: spec.alpha ? (args.alpha as number) : 0,
    reduction: spec.reduction ? String(args[spec.reduction]) : '',
  };
}

/** The input argument of an op (the first tensor with role `input`). */
function inputArgName(op: string): string | null {
  return registry.get(op).args.find((a) => a.role === 'input')?.name ?? null;
}

/**
 * The arguments with the controls applied: the temperature divides the logits (or is distillation's
 * T), the smoothing, alpha and reduction replace the op's own arguments.
 */
export function applyControls(op: string, args: OpArgs, controls: Partial<ReportControls>): OpArgs {
  const spec = controlSpec(op);
  const out: Record<string, ArgValue> = { ...args };
  const T = controls.temperature;
  if (T !== undefined && spec.temperature === 'argument') out.temperature = T;
  if (T !== undefined && T !== 1 && spec.temperature === 'divide') {
    const name = inputArgName(op);
    const x = name ? out[name] : undefined;
    if (name && isTensor(x)) out[name] = divided(x, T);
  }
  if (controls.labelSmoothing !== undefined && spec.labelSmoothing) out[spec.labelSmoothing] = controls.labelSmoothing;
  if (controls.alpha !== undefined && spec.alpha) out[spec.alpha] = controls.alpha;
  if (controls.reduction && spec.reduction && spec.reductions.includes(controls.reduction)) out[spec.reduction] = controls.reduction;
  return out;
}

/** How the `[N, C]` view of the call is read. */
interface View {
  readonly op: string;
  readonly kind: ReportKind;
  /** The op lossBreakdown runs (jsd_cross_entropy's clean split runs as label_smoothing_cross_entropy). */
  readonly breakdownOp: string | null;
  /** Arguments for the breakdown (jsd: the clean split). */
  readonly breakdownArgs: OpArgs;
  /** The tensor whose rows are the logits shown (distillation: student/T). */
  readonly logits: Tensor;
  readonly rows: number;
  readonly classes: number;
  /** Row-sliced arguments get sliced along dim 0 when their dim 0 is `rows`. */
  readonly sliceable: readonly string[];
}

function twoD(t: Tensor): { rows: number; classes: number } | null {
  if (t.shape.length === 1) return { rows: 1, classes: t.shape[0] };
  if (t.shape.length === 2) return { rows: t.shape[0], classes: t.shape[1] };
  return null;
}

function viewOf(op: string, args: OpArgs): View | null {
  const spec = registry.get(op);
  const tensorArgs = spec.args.filter((a) => a.role !== 'weight' && a.role !== 'option' && isTensor(args[a.name])).map((a) => a.name);
  if (op === 'jsd_cross_entropy') {
    const x = args.input as Tensor;
    const s = args.num_splits as number;
    const d = twoD(x);
    if (!d || x.shape.length !== 2 || d.rows % s !== 0) return null;
    const b = d.rows / s;
    const clean = sliceRange(x, 0, b);
    const target = args.target as Tensor;
    const cleanTarget = target.shape[0] === d.rows ? sliceRange(target, 0, b) : target;
    return {
      op,
      kind: 'classification',
      breakdownOp: 'label_smoothing_cross_entropy',
      breakdownArgs: { input: clean, target: cleanTarget, smoothing: (args.smoothing as number | null) ?? 0 },
      logits: clean,
      rows: b,
      classes: d.classes,
      sliceable: ['input', 'target'],
    };
  }
  if (BREAKDOWN_OPS.includes(op)) {
    const main = (op === 'distillation_loss' ? args.student : args.input) as Tensor;
    const d = twoD(main);
    if (!d) return null;
    const logits = op === 'distillation_loss' ? divided(main, args.temperature as number) : main;
    return { op, kind: 'classification', breakdownOp: op, breakdownArgs: args, logits, rows: d.rows, classes: d.classes, sliceable: tensorArgs };
  }
  if (op === 'binary_cross_entropy' || op === 'binary_cross_entropy_with_logits') {
    const x = args.input as Tensor;
    const d = twoD(x);
    if (!d || !isTensor(args.target) || numel(args.target.shape) !== numel(x.shape)) return null;
    return { op, kind: 'binary', breakdownOp: null, breakdownArgs: args, logits: x, rows: d.rows, classes: d.classes, sliceable: ['input', 'target'] };
  }
  if (op === 'softmax' || op === 'log_softmax') {
    const x = args.input as Tensor;
    const dim = args.dim as number;
    const d = twoD(x);
    if (!d || (dim !== -1 && dim !== x.shape.length - 1)) return null;
    return { op, kind: 'activation', breakdownOp: null, breakdownArgs: args, logits: x, rows: d.rows, classes: d.classes, sliceable: ['input'] };
  }
  return null;
}

/** Rows [start, end) of a tensor along dim 0, as a view (no copy). */
function sliceRange(t: Tensor, start: number, end: number): Tensor {
  if (t.shape.length === 0) return t;
  const per = t.shape.length === 1 ? 1 : numel(t.shape.slice(1));
  return { shape: [end - start, ...t.shape.slice(1)], data: t.data.subarray(start * per, end * per), dtype: t.dtype };
}

/** The given rows of a tensor along dim 0, copied. */
function gatherRows(t: Tensor, rows: readonly number[]): Tensor {
  if (t.shape.length === 0) return t;
  const per = t.shape.length === 1 ? 1 : numel(t.shape.slice(1));
  const data = new Float64Array(rows.length * per);
  rows.forEach((r, i) => data.set(t.data.subarray(r * per, (r + 1) * per), i * per));
  return { shape: [rows.length, ...t.shape.slice(1)], data, dtype: t.dtype };
}

/** The row view of a 1-D or 2-D logits tensor. */
function rowOf(t: Tensor, row: number, classes: number): Float64Array {
  return t.data.subarray(row * classes, (row + 1) * classes);
}

/** `args` restricted to `rows` (contiguous range or a list): every sliceable tensor whose dim 0 is `view.rows`. */
function argsForRows(view: View, args: OpArgs, rows: { start: number; end: number } | readonly number[]): OpArgs {
  const all = Array.isArray(rows) ? rows.length === view.rows && rows.every((r, i) => r === i) : (rows as { start: number; end: number }).start === 0 && (rows as { start: number; end: number }).end === view.rows;
  if (all) return args;
  const out: Record<string, ArgValue> = { ...args };
  for (const name of view.sliceable) {
    const t = args[name];
    if (!isTensor(t)) continue;
    const isRows = t.shape.length >= 1 && t.shape[0] === view.rows && !(view.rows === 1 && t.shape.length === 1 && name === 'input');
    if (!isRows) continue;
    out[name] = Array.isArray(rows) ? gatherRows(t, rows) : sliceRange(t, (rows as { start: number; end: number }).start, (rows as { start: number; end: number }).end);
  }
  return out;
}

/** Per-row numbers for a batch of rows, written into full-length summaries. */
interface RowBatch {
  readonly rows: readonly number[];
  readonly loss: ArrayLike<number>;
  readonly entropy: ArrayLike<number>;
  readonly kl: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  /** q of the rows, `[rows.length, C]`. */
  readonly q: Float64Array;
  /** p of the rows for classification, `[rows.length, C]`. */
  readonly p?: Float64Array;
}

function batchOf(view: View, args: OpArgs, rows: { start: number; end: number } | readonly number[]): RowBatch {
  const list = Array.isArray(rows) ? (rows as readonly number[]) : range((rows as { start: number; end: number }).start, (rows as { start: number; end: number }).end);
  const n = list.length;
  if (view.kind === 'classification') {
    const b = lossBreakdown(view.breakdownOp!, argsForRows(view, view.breakdownArgs, rows));
    if (!b) throw new Error('the split CE = H(p) + KL(p‖q) does not apply to these arguments');
    const target = new Float64Array(n).fill(NaN);
    b.rows.forEach((r, i) => (target[i] = r.ignored ? -1 : (r.targetClass ?? NaN)));
    return { rows: list, loss: b.rows.map((r) => r.crossEntropy), entropy: b.rows.map((r) => r.entropy), kl: b.rows.map((r) => r.kl), target, q: b.q, p: b.p };
  }
  const sub = argsForRows(view, args, rows);
  const x = sub.input as Tensor;
  const C = view.classes;
  const x2: Tensor = { shape: [n, C], data: x.data, dtype: 'float64' };
  if (view.kind === 'binary') {
    const elements = registry.call(view.op, { ...sub, reduction: 'none' }) as Tensor;
    const loss = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += elements.data[i * C + c];
      loss[i] = s / C;
    }
    const q = view.op === 'binary_cross_entropy_with_logits' ? sigmoidOf(x.data) : Float64Array.from(x.data);
    return { rows: list, loss, entropy: new Float64Array(n), kl: new Float64Array(n), target: new Float64Array(n).fill(NaN), q };
  }
  const q = softmax(x2, 1).data;
  return { rows: list, loss: new Float64Array(n).fill(NaN), entropy: new Float64Array(n), kl: new Float64Array(n), target: new Float64Array(n).fill(NaN), q };
}

function sigmoidOf(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] >= 0 ? 1 / (1 + Math.exp(-x[i])) : Math.exp(x[i]) / (1 + Math.exp(x[i]));
  return out;
}

function range(start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(i);
  return out;
}

/** `count` evenly spaced rows of `n` (all when n ≤ count). */
export function evenRows(n: number, count: number): number[] {
  if (n <= count) return range(0, n);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor((i * n) / count));
  return out;
}

/** Error-safe diagnose. */
function findingsOf(op: string, args: OpArgs): Finding[] {
  try {
    return diagnose(op, args);
  } catch {
    return [];
  }
}

/**
 * Builds reports step by step. `buildReport` is the one-call form; the host uses the steps for large
 * calls: `initial()` (sampled rows), `summarizeChunk()` until it returns false, `finish()`.
 */
export class ReportBuilder {
  readonly op: string;
  readonly args: OpArgs;
  readonly controls: ReportControls;
  private readonly view: View | null;
  private readonly spec: ControlSpec;
  private readonly k: number;
  private readonly title: string;
  private readonly source: string;
  private findings: Finding[];
  private readonly notes: string[] = [];
  private readonly heatRows: number[];
  private readonly heatIndex = new Map<number, number>();
  private readonly binSize: number;
  private readonly heatWidth: number;
  private readonly heat: Float64Array;
  private summaries: MutableSummaries | null = null;
  private nextRow = 0;
  private selectedRow: number;
  private value: number | null = null;
  private valueShape: readonly number[] = [];
  private complete = false;
  private mean: LossReport['mean'] = null;

  /** Resolves the arguments (PyTorch's defaults filled in) with the controls applied; throws the engine's message on bad arguments. */
  constructor(inputs: ReportInputs, options: BuildOptions = {}) {
    this.op = inputs.op;
    const given = registry.resolveArgs(inputs.op, inputs.args);
    this.spec = controlSpec(inputs.op);
    const controls = { ...controlsOf(inputs.op, given), ...(options.controls ?? {}) };
    this.args = registry.resolveArgs(inputs.op, applyControls(inputs.op, given, controls));
    this.controls = controlsOf(inputs.op, this.args);
    if (this.spec.temperature === 'divide') this.controls = { ...this.controls, temperature: controls.temperature };
    this.view = viewOf(this.op, this.args);
    this.k = options.topK ?? TOP_K;
    this.title = inputs.title ?? `${inputs.op}(${registry.get(inputs.op).args.filter((a) => isTensor(this.args[a.name])).map((a) => a.name).join(', ')})`;
    this.source = inputs.source ?? '';
    const rows = this.view?.rows ?? 0;
    const classes = this.view?.classes ?? 0;
    this.selectedRow = Math.max(0, Math.min(rows - 1, Math.floor(options.row ?? 0)));
    this.heatRows = evenRows(rows, HEATMAP_ROWS);
    this.heatRows.forEach((r, i) => this.heatIndex.set(r, i));
    this.binSize = Math.max(1, Math.ceil(classes / HEATMAP_COLS));
    this.heatWidth = classes ? Math.ceil(classes / this.binSize) : 0;
    this.heat = new Float64Array(this.heatRows.length * this.heatWidth).fill(NaN);
    // The diagnostics read a sample of a large call (~0.2 s at [4096, 50257]): they come with the complete report.
    this.findings = this.size > LARGE_ELEMENTS ? [] : findingsOf(this.op, this.args);
  }

  /** Number of classes C of the `[N, C]` view (0 without one). */
  get classes(): number {
    return this.view?.classes ?? 0;
  }

  /** Elements of the `[N, C]` view. */
  get size(): number {
    return this.view ? this.view.rows * this.view.classes : 0;
  }

  /** Summarizes `sampleRows` evenly spaced rows plus the selected one (all rows if that is all of them). */
  sample(sampleRows: number): void {
    if (!this.view) return;
    const rows = evenRows(this.view.rows, sampleRows);
    if (!rows.includes(this.selectedRow)) {
      rows.push(this.selectedRow);
      rows.sort((a, b) => a - b);
    }
    if (rows.length === this.view.rows) {
      while (this.summarizeChunk(this.view.rows)) {
        /* all at once */
      }
      return;
    }
    this.absorb(this.batch(rows), rows);
  }

  /** A batch of rows; when the split cannot read the arguments, the engine's own message explains why. */
  private batch(rows: { start: number; end: number } | readonly number[]): RowBatch {
    try {
      return batchOf(this.view!, this.args, rows);
    } catch (err) {
      registry.call(this.op, this.args); // throws the engine's message for arguments it rejects
      throw err;
    }
  }

  /** Summarizes the next `maxRows` rows in order; returns true while rows remain. */
  summarizeChunk(maxRows: number): boolean {
    if (!this.view) return false;
    const start = this.nextRow;
    const end = Math.min(this.view.rows, start + Math.max(1, maxRows));
    if (start >= end) return false;
    if (this.summaries && this.summaries.sampled) this.summaries = null; // the sample is replaced by the full pass
    this.absorb(this.batch({ start, end }), null);
    this.nextRow = end;
    return end < this.view.rows;
  }

  private absorb(batch: RowBatch, sampled: readonly number[] | null): void {
    const view = this.view!;
    const C = view.classes;
    const k = Math.min(this.k, C);
    if (!this.summaries) this.summaries = newSummaries(sampled ? sampled.length : view.rows, k, sampled !== null);
    const s = this.summaries;
    const top = new TopK(k);
    batch.rows.forEach((row, i) => {
      const slot = sampled ? i : row;
      const q = batch.q.subarray(i * C, (i + 1) * C);
      const x = rowOf(view.logits, row, C);
      s.rows[slot] = row;
      s.loss[slot] = batch.loss[i];
      s.entropy[slot] = batch.entropy[i];
      s.kl[slot] = batch.kl[i];
      s.target[slot] = batch.target[i];
      // argmax, top-k and H(q) = lse − Σ q·x with lse = x_a − ln q_a (no second exp pass).
      top.reset();
      let a = 0;
      for (let c = 0; c < C; c++) {
        const v = q[c];
        if (v > q[a]) a = c;
        top.offer(c, v);
      }
      let qx = 0;
      for (let c = 0; c < C; c++) if (q[c] > 0) qx += q[c] * x[c];
      s.predEntropy[slot] = view.kind === 'binary' ? binaryEntropy(q) : x[a] - Math.log(q[a]) - qx;
      s.argmax[slot] = a;
      const y = batch.target[i];
      s.qTarget[slot] = Number.isInteger(y) && y >= 0 && y < C ? q[y] : NaN;
      top.write(s.topIndex, s.topValue, slot * k);
      const h = this.heatIndex.get(row);
      if (h !== undefined) {
        for (let b = 0; b < this.heatWidth; b++) {
          let m = 0;
          const end = Math.min(C, (b + 1) * this.binSize);
          for (let c = b * this.binSize; c < end; c++) if (q[c] > m) m = q[c];
          this.heat[h * this.heatWidth + b] = m;
        }
      }
    });
  }

  /** Computes the value with the engine, and the means. Call after the rows are summarized. */
  finish(): void {
    if (this.size > LARGE_ELEMENTS) this.findings = findingsOf(this.op, this.args);
    try {
      const out = registry.call(this.op, this.args);
      if (isTensor(out as ArgValue)) {
        const t = out as Tensor;
        this.valueShape = [...t.shape];
        this.value = t.shape.length === 0 ? t.data[0] : null;
      } else {
        this.value = null;
      }
    } catch (err) {
      this.notes.push(err instanceof Error ? err.message : String(err));
    }
    const s = this.summaries;
    if (s && this.view?.kind === 'classification' && !s.sampled) {
      let ce = 0;
      let h = 0;
      let kl = 0;
      let n = 0;
      for (let i = 0; i < s.rows.length; i++) {
        if (s.target[i] === -1) continue;
        ce += s.loss[i];
        h += s.entropy[i];
        kl += s.kl[i];
        n++;
      }
      this.mean = { crossEntropy: ce / n, entropy: h / n, kl: kl / n };
    }
    this.complete = true;
  }

  /** Moves the selection. */
  select(row: number): void {
    if (this.view) this.selectedRow = Math.max(0, Math.min(this.view.rows - 1, Math.floor(row)));
  }

  /** The report as it stands. */
  report(): LossReport {
    const shapes: Record<string, readonly number[]> = {};
    for (const [name, v] of Object.entries(this.args)) if (isTensor(v)) shapes[name] = [...v.shape];
    const notes = [...this.notes];
    if (!this.view) notes.push(`The panel's row views need a [N, C] (or [C]) input for ${this.op}; it shows the value, the gradient and the diagnostics.`);
    let selected: RowDetail | null = null;
    try {
      selected = this.view ? this.rowDetail(this.selectedRow) : null;
    } catch (err) {
      notes.push(`Row ${this.selectedRow}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const s = this.summaries;
    return {
      op: this.op,
      title: this.title,
      source: this.source,
      kind: this.view?.kind ?? 'generic',
      formula: registry.get(this.op).formula,
      shapes,
      rowCount: this.view?.rows ?? 0,
      classes: this.view?.classes ?? 0,
      value: this.value,
      valueShape: this.valueShape,
      controls: this.controls,
      controlSpec: this.spec,
      mean: this.mean,
      summaries: s ? freezeSummaries(s) : null,
      heatmap: this.view ? { rows: Float64Array.from(this.heatRows), width: this.heatWidth, binSize: this.binSize, data: this.heat } : null,
      selected,
      findings: this.findings,
      notes,
      complete: this.complete,
      rowsDone: s ? (s.sampled ? s.rows.length : this.nextRow) : 0,
    };
  }

  /** The full detail of one row. */
  rowDetail(row: number): RowDetail {
    const view = this.view;
    if (!view) throw new Error(`${this.op} has no [N, C] rows to show`);
    const C = view.classes;
    const r = Math.max(0, Math.min(view.rows - 1, Math.floor(row)));
    const batch = batchOf(view, this.args, [r]);
    const x = rowOf(view.logits, r, C);
    const xt: Tensor = { shape: [1, C], data: Float64Array.from(x), dtype: 'float64' };
    const lse = logSumExp(xt, 1).data[0];
    const logq = logSoftmax(xt, 1).data;
    const q = view.kind === 'binary' ? batch.q : softmax(xt, 1).data;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (x[c] > max) max = x[c];
    const targetClass = Number.isInteger(batch.target[0]) && batch.target[0] >= 0 ? batch.target[0] : null;
    const ignored = batch.target[0] === -1;
    // p: for classification the breakdown's p of this row, for binary the target row.
    let p = new Float64Array(C);
    if (view.kind === 'classification' && batch.p) {
      p = Float64Array.from(batch.p);
    } else if (view.kind === 'binary') {
      p = Float64Array.from(rowOf(argsForRows(view, this.args, [r]).target as Tensor, 0, C));
    }
    const grad = this.gradRow(view, r);
    const shown = shownClasses(q, p, targetClass, C);
    const hidden = new Set<number>();
    const pick = (a: ArrayLike<number>): Float64Array => Float64Array.from(shown, (c) => (c < a.length ? a[c] : NaN));
    const ceAll = new Float64Array(C);
    const klAll = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      ceAll[c] = p[c] === 0 ? 0 : -p[c] * logq[c];
      klAll[c] = p[c] === 0 ? 0 : p[c] * (Math.log(p[c]) - logq[c]);
    }
    const shownSet = new Set(shown);
    const other = { p: 0, q: 0, ceTerm: 0, klTerm: 0, grad: 0 };
    for (let c = 0; c < C; c++) {
      if (shownSet.has(c)) continue;
      hidden.add(c);
      other.p += p[c];
      other.q += q[c];
      other.ceTerm += ceAll[c];
      other.klTerm += klAll[c];
      other.grad += grad.length ? grad[c] : 0;
    }
    let elementLoss: Float64Array = new Float64Array(0);
    let binaryTarget: Float64Array = new Float64Array(0);
    if (view.kind === 'binary') {
      const el = registry.call(view.op, { ...argsForRows(view, this.args, [r]), reduction: 'none' }) as Tensor;
      elementLoss = pick(el.data);
      binaryTarget = pick(p);
    }
    return {
      row: r,
      classes: Float64Array.from(shown),
      hiddenClasses: hidden.size,
      targetClass,
      ignored,
      logits: pick(x),
      minusMax: Float64Array.from(shown, (c) => x[c] - max),
      exp: Float64Array.from(shown, (c) => Math.exp(x[c] - max)),
      max,
      sumExp: Math.exp(lse - max),
      logSumExp: lse,
      logSoftmax: pick(logq),
      q: pick(q),
      p: pick(p),
      ceTerm: pick(ceAll),
      klTerm: pick(klAll),
      grad: grad.length ? pick(grad) : new Float64Array(0),
      other,
      crossEntropy: batch.loss[0],
      entropy: batch.entropy[0],
      kl: batch.kl[0],
      binaryTarget,
      elementLoss,
      distillation: this.op === 'distillation_loss' ? this.distillationParts(view, r, shown) : null,
      // The JS curve evaluates the loss 21 times on the row: left for the complete report of a large call.
      js: view.kind === 'classification' && (this.complete || this.size <= LARGE_ELEMENTS) ? this.jsView(view, r, shown, q, p) : null,
    };
  }

  /**
   * d loss / d logits of row `r` from the engine's backward: on the whole call for small inputs;
   * for large ones on the row alone, scaled by the row's share of the reduction (1/N for a mean
   * over rows, w_y / Σ w_y with class weights, 1/(N·C) for kl_div 'mean').
   */
  private gradRow(view: View, r: number): Float64Array {
    const op = this.op;
    const spec = registry.get(op);
    if (!spec.backward) return new Float64Array(0);
    const inputName = op === 'distillation_loss' ? 'student' : 'input';
    const C = view.classes;
    try {
      if (this.size <= LARGE_ELEMENTS || op === 'jsd_cross_entropy') {
        const g = registry.grad(op, this.args)[inputName];
        const out = g ? Float64Array.from(rowOf(g, r, C)) : new Float64Array(0);
        return this.spec.temperature === 'divide' && this.controls.temperature !== 1 ? out.map((v) => v / this.controls.temperature) : out;
      }
      const g = registry.grad(op, argsForRows(view, this.args, [r]))[inputName];
      if (!g) return new Float64Array(0);
      const scale = this.rowShare(view, r);
      const out = Float64Array.from(rowOf(g, 0, C), (v) => v * scale);
      return this.spec.temperature === 'divide' && this.controls.temperature !== 1 ? out.map((v) => v / this.controls.temperature) : out;
    } catch {
      return new Float64Array(0);
    }
  }

  private rowShare(view: View, r: number): number {
    const reduction = String(this.args.reduction ?? this.args.kl_reduction ?? 'mean');
    if (reduction === 'sum' || reduction === 'none') return 1;
    const N = view.rows;
    if (this.op === 'cross_entropy' || this.op === 'nll_loss') {
      const t = this.args.target as Tensor;
      if (t.dtype !== 'int64') return 1 / N;
      const w = this.args.weight as Tensor | null;
      const ignore = this.args.ignore_index as number;
      let total = 0;
      for (let i = 0; i < N; i++) {
        const y = t.data[i];
        if (y === ignore) continue;
        total += w ? w.data[y] : 1;
      }
      const y = t.data[r];
      return y === ignore ? 0 : (w ? w.data[y] : 1) / total;
    }
    return 1 / N;
  }

  private distillationParts(view: View, r: number, shown: readonly number[]): RowDetail['distillation'] {
    const T = this.args.temperature as number;
    const alpha = this.args.alpha as number;
    const C = view.classes;
    const teacher = softmax({ shape: [1, C], data: Float64Array.from(rowOf(this.args.teacher as Tensor, r, C), (v) => v / T), dtype: 'float64' }, 1).data;
    const student = softmax({ shape: [1, C], data: Float64Array.from(rowOf(this.args.student as Tensor, r, C), (v) => v / T), dtype: 'float64' }, 1).data;
    const sub = this.size <= LARGE_ELEMENTS ? this.args : argsForRows(view, this.args, [r]);
    // The two weighted terms from the engine itself: alpha = 1 leaves KL·T², alpha = 0 leaves CE.
    const klScaled = (registry.call('distillation_loss', { ...sub, alpha: 1 }) as Tensor).data[0];
    const ce = (registry.call('distillation_loss', { ...sub, alpha: 0 }) as Tensor).data[0];
    return {
      temperature: T,
      alpha,
      teacher: Float64Array.from(shown, (c) => teacher[c]),
      student: Float64Array.from(shown, (c) => student[c]),
      klPart: alpha * klScaled,
      cePart: (1 - alpha) * ce,
    };
  }

  /**
   * The JS view of row `r`: for jsd_cross_entropy the softmax of the row in each of the k splits;
   * otherwise the two distributions p (target) and q (prediction). The curve perturbs the last
   * distribution's logits by t·(e_to − e_from), t from −1 to 1 in steps of 0.1, as the seed notebook
   * does with `deltas`, and evaluates the divergence with the engine at each t (for jsd_cross_entropy
   * the term at alpha = 1, so the curve does not collapse to 0 when the loss gives it no weight).
   */
  private jsView(view: View, r: number, shown: readonly number[], q: ArrayLike<number>, p: ArrayLike<number>): JsView | null {
    const C = view.classes;
    let logitRows: Float64Array[];
    let names: string[];
    let scale = 1;
    let evaluate: (rowsLogits: Float64Array[]) => number;
    if (this.op === 'jsd_cross_entropy') {
      const s = this.args.num_splits as number;
      if (s < 2) return null;
      const x = this.args.input as Tensor;
      logitRows = range(0, s).map((i) => Float64Array.from(rowOf(x, i * view.rows + r, C)));
      names = logitRows.map((_, i) => (i === 0 ? 'clean' : `augmentation ${i}`));
      scale = this.args.alpha as number;
      const y = (this.args.target as Tensor).data[r];
      const target: Tensor = { shape: [s], data: new Float64Array(s).fill(y), dtype: 'int64' };
      evaluate = (rowsLogits) => {
        const input: Tensor = { shape: [s, C], data: concat(rowsLogits), dtype: 'float64' };
        const a = { ...this.args, input, target };
        const full = (registry.call('jsd_cross_entropy', { ...a, alpha: 1 }) as Tensor).data[0];
        const ceOnly = (registry.call('jsd_cross_entropy', { ...a, alpha: 0 }) as Tensor).data[0];
        return full - ceOnly;
      };
    } else {
      // p as logits: log p (−∞ where p = 0 stays a 0 probability through softmax).
      logitRows = [Float64Array.from(p, (v) => Math.log(v)), Float64Array.from(q, (v) => Math.log(v))];
      names = ['target p', 'prediction q'];
      evaluate = (rowsLogits) => {
        const probs = softmax({ shape: [2, C], data: concat(rowsLogits), dtype: 'float64' }, 1);
        return (registry.call('js_divergence', { probs: { shape: [2, 1, C], data: probs.data, dtype: 'float64' } }) as Tensor).data[0];
      };
    }
    const k = logitRows.length;
    const dists = logitRows.map((l) => softmax({ shape: [1, C], data: l, dtype: 'float64' }, 1).data);
    const mixture = new Float64Array(C);
    for (const d of dists) for (let c = 0; c < C; c++) mixture[c] += d[c] / k;
    const klToMixture = Float64Array.from(dists, (d) => {
      let s = 0;
      for (let c = 0; c < C; c++) if (d[c] > 0) s += d[c] * Math.log(d[c] / mixture[c]);
      return s;
    });
    const last = dists[k - 1];
    let from = 0;
    for (let c = 1; c < C; c++) if (last[c] > last[from]) from = c;
    let to = from === 0 ? 1 : 0;
    for (let c = 0; c < C; c++) if (c !== from && last[c] > last[to]) to = c;
    const curveX = new Float64Array(21);
    const curveY = new Float64Array(21);
    for (let i = 0; i <= 20; i++) {
      const t = i * 0.1 - 1;
      const moved = Float64Array.from(logitRows[k - 1]);
      if (C > 1) {
        moved[from] -= t;
        moved[to] += t;
      }
      curveX[i] = t;
      try {
        curveY[i] = evaluate([...logitRows.slice(0, k - 1), moved]);
      } catch {
        curveY[i] = NaN;
      }
    }
    const distributions = new Float64Array(k * shown.length);
    dists.forEach((d, i) => shown.forEach((c, j) => (distributions[i * shown.length + j] = d[c])));
    let divergence = 0;
    for (const v of klToMixture) divergence += v / k;
    return { names, distributions, mixture: Float64Array.from(shown, (c) => mixture[c]), klToMixture, divergence, js: divergence * scale, scale, perturbed: k - 1, perturbFrom: from, perturbTo: to, curveX, curveY };
  }
}

function concat(rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

function binaryEntropy(q: ArrayLike<number>): number {
  let h = 0;
  for (let i = 0; i < q.length; i++) {
    const v = q[i];
    if (v > 0 && v < 1) h -= v * Math.log(v) + (1 - v) * Math.log(1 - v);
  }
  return h / Math.max(1, q.length);
}

/** The classes to show for a row: all for small C; else the top ones by q and by p, and the target, by q descending. */
export function shownClasses(q: ArrayLike<number>, p: ArrayLike<number>, target: number | null, C: number): number[] {
  if (C <= SHOW_ALL_CLASSES) return range(0, C);
  const byQ = new TopK(SHOWN_CLASSES);
  const byP = new TopK(4);
  for (let c = 0; c < C; c++) {
    byQ.offer(c, q[c]);
    if (p[c] > 0) byP.offer(c, p[c]);
  }
  const set = new Set<number>([...byQ.indices(), ...byP.indices()]);
  if (target !== null && target >= 0 && target < C) set.add(target);
  return [...set].sort((a, b) => q[b] - q[a] || a - b);
}

/** A fixed-size top-k by value (ties keep the lower index). */
class TopK {
  private idx: number[] = [];
  private val: number[] = [];
  constructor(private readonly k: number) {}
  reset(): void {
    this.idx = [];
    this.val = [];
  }
  offer(i: number, v: number): void {
    if (!(v === v)) return; // NaN never ranks
    const n = this.val.length;
    if (n === this.k && v <= this.val[n - 1]) return;
    let at = n;
    while (at > 0 && v > this.val[at - 1]) at--;
    this.idx.splice(at, 0, i);
    this.val.splice(at, 0, v);
    if (this.val.length > this.k) {
      this.idx.pop();
      this.val.pop();
    }
  }
  indices(): number[] {
    return [...this.idx];
  }
  write(index: Float64Array, value: Float64Array, at: number): void {
    for (let j = 0; j < this.k; j++) {
      index[at + j] = j < this.idx.length ? this.idx[j] : NaN;
      value[at + j] = j < this.val.length ? this.val[j] : NaN;
    }
  }
}

interface MutableSummaries {
  sampled: boolean;
  k: number;
  rows: Float64Array;
  loss: Float64Array;
  entropy: Float64Array;
  kl: Float64Array;
  predEntropy: Float64Array;
  argmax: Float64Array;
  target: Float64Array;
  qTarget: Float64Array;
  topIndex: Float64Array;
  topValue: Float64Array;
}

function newSummaries(n: number, k: number, sampled: boolean): MutableSummaries {
  const f = (): Float64Array => new Float64Array(n).fill(NaN);
  return { sampled, k, rows: f(), loss: f(), entropy: f(), kl: f(), predEntropy: f(), argmax: f(), target: f(), qTarget: f(), topIndex: new Float64Array(n * k).fill(NaN), topValue: new Float64Array(n * k).fill(NaN) };
}

function freezeSummaries(s: MutableSummaries): RowSummaries {
  const { sampled: _sampled, ...rest } = s;
  return rest;
}

/** The whole report in one call (small inputs; `sampleRows` gives the first step of a large one). */
export function buildReport(inputs: ReportInputs, options: BuildOptions = {}): LossReport {
  const b = new ReportBuilder(inputs, options);
  if (options.sampleRows !== undefined && b.size > LARGE_ELEMENTS) {
    b.sample(options.sampleRows);
    return b.report();
  }
  while (b.summarizeChunk(1 << 30)) {
    /* one chunk */
  }
  b.finish();
  return b.report();
}

/** "cross_entropy(input [2,3], target [2] int64)" for messages and Markdown. */
export function describeCall(report: LossReport): string {
  return `${report.op}(${Object.entries(report.shapes).map(([n, s]) => `${n} ${formatShape(s)}`).join(', ')})`;
}

function mdNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Number(v.toPrecision(6)).toString();
}

/** The report as Markdown: headline, value, the split, the selected row's classes, the findings. */
export function reportMarkdown(report: LossReport): string {
  const lines = [`## Loss Lens: ${report.title}`, ''];
  if (report.source) lines.push(`Source: ${report.source}`, '');
  lines.push(`\`${describeCall(report)}\` = **${mdNumber(report.value)}**${report.complete ? '' : ' (still computing)'}`, '', `Formula: \`${report.formula}\``, '');
  if (report.mean) {
    lines.push('| | CE | H(p) | KL(p‖q) |', '| --- | ---: | ---: | ---: |');
    lines.push(`| mean over rows | ${mdNumber(report.mean.crossEntropy)} | ${mdNumber(report.mean.entropy)} | ${mdNumber(report.mean.kl)} |`);
    const s = report.summaries;
    if (s) for (let i = 0; i < Math.min(s.rows.length, 8); i++) lines.push(`| row ${s.rows[i]} | ${mdNumber(s.loss[i])} | ${mdNumber(s.entropy[i])} | ${mdNumber(s.kl[i])} |`);
    if (s && s.rows.length > 8) lines.push(`| … ${s.rows.length - 8} more rows | | | |`);
    lines.push('');
  }
  const d = report.selected;
  if (d) {
    lines.push(`### Row ${d.row}${d.targetClass !== null ? `, target class ${d.targetClass}` : ''}`, '');
    lines.push('| class | logit | p | q | −p·log q | p·log(p/q) | ∂loss/∂logit |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    d.classes.forEach((c, i) => lines.push(`| ${c} | ${mdNumber(d.logits[i])} | ${mdNumber(d.p[i])} | ${mdNumber(d.q[i])} | ${mdNumber(d.ceTerm[i])} | ${mdNumber(d.klTerm[i])} | ${d.grad.length ? mdNumber(d.grad[i]) : '—'} |`));
    if (d.hiddenClasses) lines.push(`| other ${d.hiddenClasses} | | ${mdNumber(d.other.p)} | ${mdNumber(d.other.q)} | ${mdNumber(d.other.ceTerm)} | ${mdNumber(d.other.klTerm)} | ${mdNumber(d.other.grad)} |`);
    lines.push('', `logsumexp = ${mdNumber(d.logSumExp)} (max ${mdNumber(d.max)} + log Σ exp(x − max) = log ${mdNumber(d.sumExp)})`, '');
  }
  if (report.findings.length) {
    lines.push('### Diagnostics', '');
    for (const f of report.findings) lines.push(`- **${f.severity}** ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`);
    lines.push('');
  }
  for (const n of report.notes) lines.push(`> ${n}`, '');
  return lines.join('\n');
}
