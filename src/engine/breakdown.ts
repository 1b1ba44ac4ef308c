/**
 * Why the number is what it is: for the ops that compare a target distribution p with a
 * prediction q, the per-row split CE(p, q) = H(p) + KL(p‖q), the prediction q = softmax(logits),
 * and the class each row is about. The CLI prints it, the hover and the panel show it.
 *
 * The target distribution p per op:
 * - `cross_entropy`: the one-hot of a class index (ignored rows are marked and skipped), or the
 *   probability target as given; with label smoothing ε, p = (1−ε)·p + ε/C, exactly as PyTorch
 *   mixes it. Class weights are not part of the split (a weighted CE is not H + KL); a note says so.
 * - `nll_loss`: the one-hot of the index; the input is taken as log q as given.
 * - `kl_div`: the target (exp of it with `log_target`); the input is log q as given.
 * - `soft_target_cross_entropy`: the target; `label_smoothing_cross_entropy`: timm's
 *   (1−s)·onehot + s/C.
 * - `distillation_loss`: p = softmax(teacher/T), q = softmax(student/T).
 *
 * Where the input is log q as given (nll_loss, kl_div) and its rows are not normalised, the split
 * uses log_softmax(input), which equals the input when it is normalised; a note says when not.
 */
import { crossEntropyDecomposition } from './losses/information';
import { OpArgs } from './op';
import { logSumExp, softmax } from './softmax';
import { Tensor, numel } from './tensor';

/** One row of the split. */
export interface BreakdownRow {
  /** Row index in the flattened `[rows, C]` view (batch and extra dims flattened). */
  readonly row: number;
  /** The class index of this row's target, for class-index targets. */
  readonly targetClass?: number;
  /** The row's target was `ignore_index`: it contributes 0 and is not split. */
  readonly ignored?: boolean;
  /** CE(p, q) = −Σ p·log q. */
  readonly crossEntropy: number;
  /** H(p) = −Σ p·ln p. */
  readonly entropy: number;
  /** KL(p‖q) = Σ p·(ln p − log q). */
  readonly kl: number;
}

/** The split of a whole call. */
export interface Breakdown {
  /** Number of classes C. */
  readonly classes: number;
  /** Number of rows (N·d1·…, 1 for a 1-D input). */
  readonly rowCount: number;
  /** Every row's split. */
  readonly rows: readonly BreakdownRow[];
  /** p per row, `[rowCount, C]`. */
  readonly p: Float64Array;
  /** q = softmax of the logits per row, `[rowCount, C]`. */
  readonly q: Float64Array;
  /** Means of CE, H and KL over the rows that are not ignored. */
  readonly mean: { readonly crossEntropy: number; readonly entropy: number; readonly kl: number };
  /** Caveats, one sentence each. */
  readonly notes: readonly string[];
}

/** The ops {@link lossBreakdown} can split. */
export const BREAKDOWN_OPS: readonly string[] = ['cross_entropy', 'nll_loss', 'kl_div', 'soft_target_cross_entropy', 'label_smoothing_cross_entropy', 'distillation_loss'];

/** `x` viewed as `[outer, C, inner]` around `classDim`, copied to `[outer·inner, C]` rows. */
function classesLast(x: Tensor, classDim: number): { rows: number; classes: number; data: Float64Array } {
  if (x.shape.length === 0) return { rows: 1, classes: 1, data: Float64Array.from(x.data) };
  const classes = x.shape[classDim];
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < classDim; i++) outer *= x.shape[i];
  for (let i = classDim + 1; i < x.shape.length; i++) inner *= x.shape[i];
  if (inner === 1) return { rows: outer, classes, data: x.data };
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < classes; c++) {
      for (let i = 0; i < inner; i++) data[(o * inner + i) * classes + c] = x.data[(o * classes + c) * inner + i];
    }
  }
  return { rows: outer * inner, classes, data };
}

function scaled(t: Tensor, by: number): Tensor {
  return { shape: [...t.shape], data: t.data.map((v) => v / by), dtype: 'float64' };
}

/** One-hot rows for class indices, smoothed as `(1−ε)·onehot + ε/C`; ignored rows are all 0. */
function oneHot(indices: Float64Array, classes: number, eps: number, ignoreIndex: number | null): { p: Float64Array; ignored: boolean[] } {
  const p = new Float64Array(indices.length * classes);
  const ignored: boolean[] = [];
  for (let r = 0; r < indices.length; r++) {
    const y = indices[r];
    const skip = ignoreIndex !== null && y === ignoreIndex;
    ignored.push(skip);
    if (skip) continue;
    for (let c = 0; c < classes; c++) p[r * classes + c] = eps / classes + (c === y ? 1 - eps : 0);
  }
  return { p, ignored };
}

/**
 * The per-row split of `op` called with complete arguments (as `registry.resolveArgs` returns
 * them), or `null` for ops without a target distribution. Never throws for arguments the op
 * itself accepts.
 */
export function lossBreakdown(op: string, args: OpArgs): Breakdown | null {
  const notes: string[] = [];
  let logits: Tensor;
  let classDim = -1;
  let target: { kind: 'indices'; data: Float64Array; eps: number; ignoreIndex: number | null } | { kind: 'probs'; tensor: Tensor; eps: number };
  let logInput = false;
  switch (op) {
    case 'cross_entropy': {
      logits = args.input as Tensor;
      classDim = logits.shape.length === 1 ? 0 : 1;
      const t = args.target as Tensor;
      const eps = Math.max(0, (args.label_smoothing as number) ?? 0);
      target = t.dtype === 'int64' ? { kind: 'indices', data: t.data, eps, ignoreIndex: args.ignore_index as number } : { kind: 'probs', tensor: t, eps };
      if (args.weight) notes.push('Class weights scale each row\'s loss; the split shows the unweighted H(p) + KL(p‖q).');
      break;
    }
    case 'nll_loss':
      logits = args.input as Tensor;
      classDim = logits.shape.length === 1 ? 0 : 1;
      logInput = true;
      target = { kind: 'indices', data: (args.target as Tensor).data, eps: 0, ignoreIndex: args.ignore_index as number };
      if (args.weight) notes.push('Class weights scale each row\'s loss; the split shows the unweighted H(p) + KL(p‖q).');
      break;
    case 'kl_div': {
      logits = args.input as Tensor;
      logInput = true;
      const t = args.target as Tensor;
      if (t.shape.length !== logits.shape.length || t.shape.some((d, i) => d !== logits.shape[i])) return null;
      target = { kind: 'probs', tensor: args.log_target ? { ...t, data: t.data.map(Math.exp) } : t, eps: 0 };
      break;
    }
    case 'soft_target_cross_entropy':
      logits = args.input as Tensor;
      target = { kind: 'probs', tensor: args.target as Tensor, eps: 0 };
      break;
    case 'label_smoothing_cross_entropy': {
      logits = args.input as Tensor;
      // timm: (1−s)·nll + s·mean_c(−log p) = CE against (1−s)·onehot + s/C.
      target = { kind: 'indices', data: (args.target as Tensor).data, eps: args.smoothing as number, ignoreIndex: null };
      break;
    }
    case 'distillation_loss': {
      const T = args.temperature as number;
      logits = scaled(args.student as Tensor, T);
      classDim = logits.shape.length === 1 ? 0 : 1;
      target = { kind: 'probs', tensor: softmax(scaled(args.teacher as Tensor, T), classDim), eps: 0 };
      notes.push(`The split compares softmax(teacher/T) with softmax(student/T) at T = ${T}; the loss scales the KL term by alpha·T².`);
      break;
    }
    default:
      return null;
  }
  if (classDim < 0) classDim = logits.shape.length - 1;
  if (logits.shape.length === 0 || numel(logits.shape) === 0) return null;
  const x = classesLast(logits, classDim);
  const { rows, classes } = x;
  let p: Float64Array;
  let ignored: boolean[] = new Array<boolean>(rows).fill(false);
  if (target.kind === 'indices') {
    if (target.data.length !== rows) return null;
    ({ p, ignored } = oneHot(target.data, classes, target.eps, target.ignoreIndex));
  } else {
    const t = classesLast(target.tensor, classDim);
    if (t.data.length !== x.data.length) return null;
    p = target.eps > 0 ? t.data.map((v) => (1 - target.eps) * v + target.eps / classes) : t.data;
  }
  const input2d: Tensor = { shape: [rows, classes], data: x.data, dtype: 'float64' };
  if (logInput) {
    const lse = logSumExp(input2d, 1).data;
    const off = lse.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (off > 1e-6) notes.push(`The input rows are not normalised log-probabilities (logsumexp is off by up to ${off.toPrecision(3)}); the split uses log_softmax(input).`);
  }
  const d = crossEntropyDecomposition(input2d, { shape: [rows, classes], data: p, dtype: 'float64' });
  const q = softmax(input2d, 1).data;
  const out: BreakdownRow[] = [];
  const acc = { crossEntropy: 0, entropy: 0, kl: 0 };
  let counted = 0;
  for (let r = 0; r < rows; r++) {
    const targetClass = target.kind === 'indices' ? target.data[r] : undefined;
    if (ignored[r]) {
      out.push({ row: r, targetClass, ignored: true, crossEntropy: 0, entropy: 0, kl: 0 });
      continue;
    }
    const row: BreakdownRow = { row: r, targetClass, crossEntropy: d.cross_entropy.data[r], entropy: d.entropy.data[r], kl: d.kl.data[r] };
    out.push(row);
    acc.crossEntropy += row.crossEntropy;
    acc.entropy += row.entropy;
    acc.kl += row.kl;
    counted++;
  }
  return {
    classes,
    rowCount: rows,
    rows: out,
    p,
    q,
    mean: { crossEntropy: acc.crossEntropy / counted, entropy: acc.entropy / counted, kl: acc.kl / counted },
    notes,
  };
}
