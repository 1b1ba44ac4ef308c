/**
 * The Markdown of the hovers, pure so it is unit-tested without VS Code: the host adapter only
 * wraps these strings in a `MarkdownString`.
 *
 * A loss hover shows the value, the op with its resolved options (tensors by dtype and shape),
 * CE = H(p) + KL(p‖q) when the target is a distribution, where inputs came from, and findings.
 * A tensor hover shows shape and dtype and, per row along the last dim, the top softmax entries
 * (or the entries themselves when the rows already sum to 1), the entropy and the argmax.
 */
import type { Breakdown } from '../engine/breakdown';
import type { ArgValue } from '../engine/op';
import { softmax } from '../engine/softmax';
import type { Tensor } from '../engine/tensor';
import { formatNumber, formatRow } from '../shared/format';
import type { LossResult, TensorResult, UnknownResult, ErrorResult, NumberResult } from './evaluateAt';

/** Rows shown in a per-row list before "… N more rows". */
export const MAX_HOVER_ROWS = 6;
/** Entries shown per row. */
export const TOP_ENTRIES = 3;
/** How close to 1 a row's sum must be to read as probabilities. */
const SUM_TOLERANCE = 1e-3;

/** Escapes Markdown punctuation in text that is not code. */
function esc(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}

/** Escapes prose but keeps its `code spans` (messages quote names that way). */
function prose(s: string): string {
  return s.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : esc(part))).join('');
}

/** Inline code that survives backticks inside. */
function code(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.includes('`') ? `\`\` ${one} \`\`` : `\`${one}\``;
}

function shortExpr(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** A value to its useful precision: 6 significant digits for a scalar, the first entries for a tensor. */
/** Significant digits of a loss value: 8, so a value halfway at 4 printed decimals (1.46115…) still shows which way it rounds. */
const VALUE_DIGITS = 8;

function formatValue(v: Tensor | number): string {
  if (typeof v === 'number') return formatNumber(v, VALUE_DIGITS);
  if (v.shape.length === 0) return formatNumber(v.data[0], VALUE_DIGITS);
  if (v.data.length === 1) return `${formatRow(v.data)} (shape [${v.shape.join(',')}])`;
  return `${formatRow(v.data, 5, 8)} (shape [${v.shape.join(',')}])`;
}

function formatArg(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'object') return `${v.dtype} [${v.shape.join(',')}]`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return formatNumber(v);
}

/** True when the op compares the input with a target distribution (not class indices). */
function distributionTarget(r: LossResult): boolean {
  const t = r.args.target;
  if (r.op === 'kl_div' || r.op === 'soft_target_cross_entropy' || r.op === 'distillation_loss') return true;
  return r.op === 'cross_entropy' && typeof t === 'object' && t !== null && t.dtype !== 'int64';
}

function breakdownLines(r: LossResult, b: Breakdown): string[] {
  const reduction = typeof r.args.reduction === 'string' ? r.args.reduction : 'mean';
  const n = b.rows.filter((x) => !x.ignored).length;
  const agg = reduction === 'sum' ? { ce: b.mean.crossEntropy * n, h: b.mean.entropy * n, kl: b.mean.kl * n, how: 'summed over rows' } : { ce: b.mean.crossEntropy, h: b.mean.entropy, kl: b.mean.kl, how: 'mean over rows' };
  const lines = [`**CE = H(p) + KL(p‖q)** (${agg.how}): ${formatNumber(agg.ce)} = ${formatNumber(agg.h)} + ${formatNumber(agg.kl)}`];
  if (b.rows.length > 1) {
    lines.push('', '| row | CE | H(p) | KL(p‖q) |', '|---:|---:|---:|---:|');
    for (const row of b.rows.slice(0, MAX_HOVER_ROWS)) {
      lines.push(row.ignored ? `| ${row.row} | ignored | | |` : `| ${row.row} | ${formatNumber(row.crossEntropy, 5)} | ${formatNumber(row.entropy, 5)} | ${formatNumber(row.kl, 5)} |`);
    }
    if (b.rows.length > MAX_HOVER_ROWS) lines.push('', `… ${b.rows.length - MAX_HOVER_ROWS} more rows`);
  }
  for (const note of b.notes) lines.push('', `_${esc(note)}_`);
  return lines;
}

/** The hover for a loss call, or arithmetic around one. */
export function formatLossHover(r: LossResult): string {
  const out: string[] = [];
  const whole = shortExpr(r.expressionText);
  out.push(`**${esc(r.op)}** = **${formatValue(r.value)}**`);
  if (shortExpr(r.callText) !== whole) out.push('', `${code(whole)} from ${code(shortExpr(r.callText))} = ${formatValue(r.lossOutput)}`);
  const options = Object.entries(r.args).map(([k, v]) => `${k}=${formatArg(v)}`);
  out.push('', `${esc('Arguments')}: ${options.map(code).join(', ')}`);
  if (r.breakdown && distributionTarget(r)) out.push('', ...breakdownLines(r, r.breakdown));
  if (r.float32 && r.float32.length > 0) {
    out.push('', `${esc('PyTorch computes this in float32 and prints a different number, because its formula cancels')}:`);
    for (const v of r.float32) out.push(`- ${esc(v.label)}: **${formatValue(v.value)}** from ${code(v.formula)}`);
    out.push(`- ${esc('Loss Lens (exact for the float32 inputs)')}: **${formatValue(r.lossOutput)}**`);
  }
  if (r.provenance.length > 0) out.push('', ...r.provenance.map((p) => `- _${esc(p)}_`));
  const findings = r.findings ?? [];
  if (findings.length > 0) {
    out.push('');
    for (const f of findings) out.push(`- ${f.severity === 'error' ? '⛔' : f.severity === 'warning' ? '⚠️' : 'ℹ️'} ${prose(f.message)} ${prose(f.fix)}`);
  }
  return out.join('\n');
}

/** Summary of one row along the last dim. */
interface RowSummary {
  readonly top: { index: number; p: number }[];
  readonly entropy: number;
  readonly argmax: number;
}

function summarizeRow(row: Float64Array, probabilities: boolean): RowSummary {
  const p = probabilities ? row : softmax({ shape: [row.length], data: row, dtype: 'float64' }, 0).data;
  let entropy = 0;
  let argmax = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) entropy -= p[i] * Math.log(p[i]);
    if (row[i] > row[argmax] || Number.isNaN(row[i])) argmax = i;
  }
  const top = Array.from(p, (v, index) => ({ index, p: v })).sort((a, b) => b.p - a.p).slice(0, TOP_ENTRIES);
  return { top, entropy, argmax };
}

/** True when every row along the last dim is non-negative and sums to 1. */
function rowsAreProbabilities(t: Tensor): boolean {
  const c = t.shape[t.shape.length - 1] ?? 1;
  if (t.dtype === 'int64' || c === 0 || t.data.length === 0) return false;
  for (let r = 0; r < t.data.length / c; r++) {
    let s = 0;
    for (let i = 0; i < c; i++) {
      const v = t.data[r * c + i];
      if (!(v >= 0)) return false;
      s += v;
    }
    if (Math.abs(s - 1) > SUM_TOLERANCE) return false;
  }
  return true;
}

/** The hover for a tensor: shape, dtype, per-row softmax summary. */
export function formatTensorHover(r: Pick<TensorResult, 'tensor' | 'provenance'> & { readonly name?: string; readonly expressionText?: string; readonly requiresGrad?: boolean }): string {
  const t = r.tensor;
  const label = r.name ?? (r.expressionText ? shortExpr(r.expressionText, 40) : 'tensor');
  const out: string[] = [`${code(label)}: **${t.dtype}** tensor, shape **[${t.shape.join(', ')}]**${r.requiresGrad ? ', requires_grad' : ''}`];
  if (t.shape.length === 0) out.push('', `value ${formatNumber(t.data[0])}`);
  else if (t.dtype === 'int64') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of t.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    out.push('', `values ${formatRow(t.data, 6, 12)}${t.data.length > 0 ? ` (from ${lo} to ${hi}; as class indices they need at least ${hi + 1} classes)` : ''}`);
  } else if (t.data.length > 0) {
    const probs = rowsAreProbabilities(t);
    const c = t.shape[t.shape.length - 1];
    const rows = t.data.length / c;
    out.push('', probs ? 'Rows sum to 1: these look like probabilities.' : `Softmax over the last dim (${c} classes), per row:`);
    out.push('', '| row | top entries | entropy | argmax |', '|---:|---|---:|---:|');
    for (let i = 0; i < Math.min(rows, MAX_HOVER_ROWS); i++) {
      const s = summarizeRow(t.data.subarray(i * c, (i + 1) * c), probs);
      out.push(`| ${i} | ${s.top.map((e) => `${e.index}: ${formatNumber(e.p, 4)}`).join(', ')} | ${formatNumber(s.entropy, 4)} | ${s.argmax} |`);
    }
    if (rows > MAX_HOVER_ROWS) out.push('', `… ${rows - MAX_HOVER_ROWS} more rows`);
  }
  if (r.provenance.length > 0) out.push('', ...r.provenance.map((p) => `- _${esc(p)}_`));
  return out.join('\n');
}

/** The hover for a value Loss Lens cannot compute, or an expression torch would reject. */
export function formatProblemHover(r: UnknownResult | ErrorResult): string {
  if (r.kind === 'unknown') return `**Loss Lens cannot compute ${code(r.name)}**\n\n${prose(r.reason)}`;
  return `**${r.name ? `${code(r.name)}: ` : ''}error**\n\n${prose(r.message)}`;
}

/** The hover for a plain number. */
export function formatNumberHover(r: NumberResult): string {
  return `${code(shortExpr(r.expressionText, 40))} = **${formatNumber(r.value, 10)}**`;
}
