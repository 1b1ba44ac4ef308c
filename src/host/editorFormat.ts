/**
 * What the editor features say, as plain strings: the `Compute Loss…` notification and log lines,
 * the `Analyze Tensor` report and summary, the tensor hover's markdown, and parse errors with their
 * position. Pure (no `vscode`): the host adapters only wrap these in notifications, output-channel
 * lines and `MarkdownString`s, so every word is unit-tested.
 */
import type { Finding } from '../engine/diagnostics';
import type { ArgValue, OpSpec } from '../engine/op';
import type { Tensor } from '../engine/tensor';
import { lineColumn } from '../parsers/errors';
import { formatNumber, formatRow } from '../shared/format';
import type { LossComputation } from './lossComputation';
import { topEntries, type TensorAnalysis, type TensorKind } from './tensorAnalysis';

/** Rows a hover shows before "… N more rows". */
export const HOVER_ROWS = 4;
/** Softmax entries a hover shows per row. */
export const HOVER_TOP = 3;

/** `[2, 3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A value the way Python prints it in a call: `'mean'`, `True`, `None`, `0.1`, or `<[2, 3] float32 tensor>`. */
export function pythonArg(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return formatNumber(v, 8);
  return `<${shapeText(v.shape)} ${v.dtype} tensor>`;
}

/** The options of a call, `reduction='mean', label_smoothing=0`, in PyTorch's order (tensors left out). */
export function optionsText(spec: OpSpec, args: Readonly<Record<string, ArgValue>>): string {
  return spec.args
    .filter((a) => a.kind !== 'tensor' && args[a.name] !== undefined)
    .map((a) => `${a.name}=${pythonArg(args[a.name])}`)
    .join(', ');
}

/** `cross_entropy(input [2, 3], target [2], reduction='mean', …)`: the call with shapes for tensors. */
export function callText(spec: OpSpec, args: Readonly<Record<string, ArgValue>>): string {
  const parts = spec.args
    .filter((a) => args[a.name] !== undefined && !(a.kind === 'tensor' && args[a.name] === null))
    .map((a) => {
      const v = args[a.name];
      return typeof v === 'object' && v !== null ? `${a.name} ${shapeText(v.shape)}` : `${a.name}=${pythonArg(v)}`;
    });
  return `${spec.name}(${parts.join(', ')})`;
}

/** The output's value: one number, or the shape and the first values. */
export function outputText(output: Tensor): string {
  if (output.data.length === 1) return formatNumber(output.data[0]);
  return `${shapeText(output.shape)} ${formatRow(output.data, 6, 8)}`;
}

/** The notification line of `Compute Loss…`: `cross_entropy = 0.41703 (logits.json: input [2, 3], target [2])`. */
export function lossNotification(c: LossComputation, spec: OpSpec, source: string): string {
  const tensors = spec.args
    .filter((a) => a.kind === 'tensor' && typeof c.args[a.name] === 'object' && c.args[a.name] !== null)
    .map((a) => `${a.name} ${shapeText((c.args[a.name] as Tensor).shape)}`);
  const worst = c.findings.find((f) => f.severity !== 'info');
  const note = worst ? ` ${worst.message}` : '';
  return `${spec.name} = ${outputText(c.output)} (${source}: ${tensors.join(', ')}).${note}`;
}

/** One finding as a line: `warning: message Fix: what to do`. */
export function findingLine(f: Finding): string {
  return `${f.severity}: ${f.message}${f.fix ? ` ${f.fix}` : ''}`;
}

/** The output-channel lines of a `Compute Loss…` result: the call, the value, the CE = H + KL split, findings. */
export function lossLogLines(c: LossComputation, spec: OpSpec, source: string): string[] {
  const lines = [`${callText(spec, c.args)} on ${source} = ${outputText(c.output)}`];
  if (c.breakdown) {
    const m = c.breakdown.mean;
    lines.push(`  per row: CE = H(p) + KL(p‖q); means over rows: ${formatNumber(m.crossEntropy)} = ${formatNumber(m.entropy)} + ${formatNumber(m.kl)}`);
    for (const note of c.breakdown.notes) lines.push(`  note: ${note}`);
  }
  for (const f of c.findings) lines.push(`  ${findingLine(f)}`);
  return lines;
}

/** What a kind is called in sentences. */
export function kindText(kind: TensorKind): string {
  switch (kind) {
    case 'class-indices':
      return 'class indices';
    case 'binary':
      return '0/1 targets';
    case 'log-probabilities':
      return 'log-probabilities';
    default:
      return kind;
  }
}

/** The `Analyze Tensor` report for the output channel: whole-tensor facts, then one line per row. */
export function tensorReportLines(a: TensorAnalysis, source: string): string[] {
  const lines = [
    `tensor ${shapeText(a.shape)} ${a.dtype} from ${source}: ${a.numel} values, looks like ${kindText(a.kind)}; min ${formatNumber(a.min)}, max ${formatNumber(a.max)}, mean ${formatNumber(a.mean)}; NaN ${a.nanCount}, Inf ${a.infCount}`,
  ];
  for (const f of a.findings) lines.push(`  ${f}`);
  for (const r of a.rows) {
    lines.push(`  row ${r.row}: argmax ${r.argmax}, min ${formatNumber(r.min)}, max ${formatNumber(r.max)}, mean ${formatNumber(r.mean)}, logsumexp ${formatNumber(r.logSumExp)}, entropy ${formatNumber(r.entropy)} nats${r.nan || r.inf ? `, NaN ${r.nan}, Inf ${r.inf}` : ''}`);
    lines.push(`    softmax     ${formatRow(r.softmax, 4, 12)}`);
    lines.push(`    log_softmax ${formatRow(r.logSoftmax, 4, 12)}`);
  }
  if (a.rowCount > a.rows.length) lines.push(`  … ${a.rowCount - a.rows.length} more rows`);
  return lines;
}

/** The one-line notification of `Analyze Tensor`. */
export function tensorSummary(a: TensorAnalysis, source: string): string {
  const argmax = a.rows.map((r) => r.argmax);
  const more = a.rowCount > a.rows.length ? ', …' : '';
  const bad = a.nanCount || a.infCount ? `; ${a.nanCount} NaN, ${a.infCount} Inf` : '';
  const ent = a.rows.length ? `; entropy ${formatRow(a.rows.map((r) => r.entropy), 4, 6)}` : '';
  return `Tensor ${shapeText(a.shape)} from ${source} looks like ${kindText(a.kind)}: argmax per row [${argmax.slice(0, 12).join(', ')}${argmax.length > 12 || more ? ', …' : ''}]${ent}${bad}.`;
}

/** Markdown for a hover over a tensor: shape, dtype, per row the top softmax entries, entropy and argmax; findings. */
export function tensorHoverMarkdown(a: TensorAnalysis, title = 'tensor'): string {
  const lines = [`**Loss Lens** · ${title} ${shapeText(a.shape)} · ${a.dtype} · looks like ${kindText(a.kind)}`, ''];
  if (a.rows.length && a.classes > 1) {
    lines.push('| row | top softmax entries | entropy | argmax |', '|---:|---|---:|---:|');
    for (const r of a.rows.slice(0, HOVER_ROWS)) {
      const top = topEntries(r.softmax, HOVER_TOP).map(([i, p]) => `${i}: ${formatNumber(p, 4)}`).join(', ');
      lines.push(`| ${r.row} | ${top} | ${formatNumber(r.entropy, 4)} | ${r.argmax} |`);
    }
    if (a.rowCount > HOVER_ROWS) lines.push('', `… ${a.rowCount - HOVER_ROWS} more rows`);
    lines.push('');
  } else if (a.numel > 0) {
    lines.push(`values: \`${formatRow(a.rows[0]?.values ?? [], 4, 8)}\``, '');
  }
  lines.push(`min ${formatNumber(a.min, 4)} · max ${formatNumber(a.max, 4)} · mean ${formatNumber(a.mean, 4)}${a.nanCount || a.infCount ? ` · NaN ${a.nanCount} · Inf ${a.infCount}` : ''}`);
  for (const f of a.findings) lines.push('', `- ${f}`);
  return lines.join('\n');
}

/** Markdown for a hover over a tensor too big to analyse in a hover. */
export function bigTensorHoverMarkdown(shape: readonly number[], numel: number, limit: number): string {
  return `**Loss Lens** · tensor ${shapeText(shape)} · ${numel} values\n\nMore than ${limit} values: run **Loss Lens: Analyze Tensor** for the per-row analysis.`;
}

/** A parse error with its position in `text`: `Line 1, column 7: Expected a number or '[' but found 'x'.` */
export function positionedError(text: string, offset: number, message: string): string {
  const { line, column } = lineColumn(text, offset);
  return line === 1 ? `Column ${column}: ${message}` : `Line ${line}, column ${column}: ${message}`;
}
