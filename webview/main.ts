/**
 * The Loss Lens panel's script. Posts `ready`, renders each `init`/`update` as a line of text and a
 * bar per probability, and reports back what it rendered with `rendered`.
 */
import { assertNever, type FromWebview, type SoftmaxReport, type ToWebview } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

/** Four significant digits, as the host formats them. */
function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/** Draws the report and returns the text shown and the number of bars. */
function render(version: string | undefined, report: SoftmaxReport | null): { text: string; bars: number } {
  const status = document.getElementById('status')!;
  const result = document.getElementById('result')!;
  const svg = document.getElementById('bars')!;
  if (version) status.textContent = `Loss Lens ${version}`;
  svg.replaceChildren();
  if (!report) {
    result.textContent = 'Run “Loss Lens: Softmax of Selection” on a list of logits to see it here.';
    return { text: result.textContent, bars: 0 };
  }
  // One row of bars per row of the input (the last dim is the class dim).
  const classes = report.shape.length ? report.shape[report.shape.length - 1] : 1;
  const rows = Math.max(1, Math.round(report.probabilities.length / Math.max(classes, 1)));
  const barWidth = 28;
  const rowHeight = 90;
  svg.setAttribute('width', String(classes * (barWidth + 8) + 8));
  svg.setAttribute('height', String(rows * rowHeight));
  report.probabilities.forEach((p, i) => {
    const row = Math.floor(i / classes);
    const col = i % classes;
    const h = Math.max(1, p * (rowHeight - 20));
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'bar');
    rect.setAttribute('x', String(8 + col * (barWidth + 8)));
    rect.setAttribute('y', String(row * rowHeight + (rowHeight - 16) - h));
    rect.setAttribute('width', String(barWidth));
    rect.setAttribute('height', String(h));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `class ${col}: ${fmt(p)}`;
    rect.appendChild(title);
    svg.appendChild(rect);
  });
  const rowsText: string[] = [];
  for (let r = 0; r < rows; r++) rowsText.push(`[${report.probabilities.slice(r * classes, (r + 1) * classes).map(fmt).join(', ')}]`);
  result.textContent = `softmax of ${report.source}: ${rows > 1 ? `[${rowsText.join(', ')}]` : rowsText[0]}`;
  return { text: result.textContent, bars: report.probabilities.length };
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      const shown = render(message.version, message.report);
      vscode.postMessage({ type: 'rendered', seq: message.seq, ...shown });
      return;
    }
    case 'update': {
      const shown = render(undefined, message.report);
      vscode.postMessage({ type: 'rendered', seq: message.seq, ...shown });
      return;
    }
    default:
      assertNever(message);
  }
});

vscode.postMessage({ type: 'ready' });
