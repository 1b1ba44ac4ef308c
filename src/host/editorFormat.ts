/**
 * What the editor features say, as plain strings: the `Compute Loss…` notification and log lines,
 * the `Analyze Tensor` report and summary, the hover markdown around src/analysis's formatters, and
 * parse errors with their position. Pure (no `vscode`): the host adapters only wrap these in notifications, output-channel
 * lines and `MarkdownString`s, so every word is unit-tested.
 */
import type { EvaluateResult } from '../analysis/evaluateAt';
import { formatLossHover, formatNumberHover, formatProblemHover, formatTensorHover } from '../analysis/hoverText';
import type { Finding } from '../engine/diagnostics';
import type { ArgValue, OpSpec } from '../engine/op';
import type { Tensor } from '../engine/tensor';
import { lineColumn } from '../parsers/errors';
import type { LocatedTensor } from '../parsers/locate';
import { formatNumber, formatRow } from '../shared/format';
import type { LossComputation } from './lossComputation';
import type { TensorAnalysis, TensorKind } from './tensorAnalysis';

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

/** Literals with more numbers than this get a short hover (shape and a link to Analyze Tensor). */
export const MAX_HOVER_NUMBERS = 100_000;
/** Python files and notebooks larger than this (cells plus outputs, in characters) skip the evaluator in hovers. */
export const MAX_EVALUATED_CHARS = 2_000_000;

/** The closing line of every Loss Lens hover, with the links it offers. */
export function hoverTrailer(links: ReadonlyArray<readonly [string, string]>): string {
  return ['---', '', [...links.map(([label, uri]) => `[${label}](${uri})`), '_Loss Lens_'].join(' · ')].join('\n');
}

/** The hover for what the evaluator found: loss, tensor, number, or why it cannot be computed. */
export function hoverMarkdown(r: EvaluateResult, panelLink?: string): string {
  let body: string;
  switch (r.kind) {
    case 'loss':
      body = formatLossHover(r);
      break;
    case 'tensor':
      body = formatTensorHover(r);
      break;
    case 'number':
      body = formatNumberHover(r);
      break;
    case 'unknown':
    case 'error':
      body = formatProblemHover(r);
      break;
  }
  return `${body}\n\n${hoverTrailer(panelLink ? [['Open in Loss Lens panel', panelLink]] : [])}`;
}

/**
 * The hover for a tensor literal or repr found around the cursor, or undefined when the span is
 * not a tensor. Past {@link MAX_HOVER_NUMBERS} values it shows the shape and a link to Analyze Tensor.
 */
export function tensorLiteralMarkdown(located: LocatedTensor, analyzeLink: string): string | undefined {
  const parsed = located.result?.tensors[0];
  if (!parsed) return undefined;
  const t = parsed.tensor;
  const analyze: [string, string] = ['Analyze Tensor', analyzeLink];
  if (t.data.length > MAX_HOVER_NUMBERS) {
    return `**Loss Lens** · tensor ${shapeText(t.shape)} · ${t.dtype} · ${t.data.length} values\n\nMore than ${MAX_HOVER_NUMBERS} values: too many for a hover. Analyze Tensor gives the per-row analysis.\n\n${hoverTrailer([analyze])}`;
  }
  const body = formatTensorHover({ tensor: t, provenance: [], ...(parsed.name !== undefined ? { name: parsed.name } : {}), ...(parsed.requiresGrad ? { requiresGrad: true } : {}) });
  const partial = located.truncated ? '\n\n_Only part of a larger literal was read around the cursor: Analyze Tensor reads the whole of it._' : '';
  return `${body}${partial}\n\n${hoverTrailer([analyze])}`;
}

/** A parse error with its position in `text`: `Line 1, column 7: Expected a number or '[' but found 'x'.` */
export function positionedError(text: string, offset: number, message: string): string {
  const { line, column } = lineColumn(text, offset);
  return line === 1 ? `Column ${column}: ${message}` : `Line ${line}, column ${column}: ${message}`;
}
