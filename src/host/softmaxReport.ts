/**
 * Turns a list of logits into a `SoftmaxReport` and formats it for people. Pure: the host adapters
 * wrap the strings in notifications, hovers and webview messages.
 */
import { softmax } from '../engine/softmax';
import { tensor } from '../engine/tensor';
import type { SoftmaxReport } from '../shared/protocol';
import type { NumberList } from './numberList';

/** softmax(logits, dim=-1) of a list read from `source`. */
export function softmaxReport(list: Pick<NumberList, 'shape' | 'data'>, source: string): SoftmaxReport {
  const out = softmax(tensor(list.shape, list.data), -1);
  return { source, shape: [...list.shape], logits: [...list.data], probabilities: Array.from(out.data) };
}

/** Four significant digits, without trailing zeros: 0.659, 0.2447, 1e-10. */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** Nested brackets in the report's shape: `[[0.659, 0.2424, 0.09856]]`. */
export function formatNested(shape: readonly number[], data: readonly number[]): string {
  let pos = 0;
  const level = (depth: number): string => {
    if (depth === shape.length) return formatNumber(data[pos++]);
    const parts: string[] = [];
    for (let i = 0; i < shape[depth]; i++) parts.push(level(depth + 1));
    return `[${parts.join(', ')}]`;
  };
  return level(0);
}

/** The probabilities as a bracketed list. */
export function formatProbabilities(report: SoftmaxReport): string {
  return formatNested(report.shape, report.probabilities);
}

/** Markdown for a hover: a heading line, input and softmax. */
export function hoverMarkdown(report: SoftmaxReport): string {
  return [
    `**Loss Lens: softmax** (dim=-1, shape [${report.shape.join(', ')}])`,
    '',
    `logits: \`${formatNested(report.shape, report.logits)}\``,
    '',
    `softmax: \`${formatProbabilities(report)}\``,
  ].join('\n');
}
