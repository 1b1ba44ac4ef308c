/**
 * The Loss Lens webview app (editor-tab panel and bottom view). Posts `ready`, renders each
 * `init`/`report`/`rowDetail`/`watch`/`error`, and answers `rendered` once the frame is painted.
 * Small reports come with their tensors: moving a control or selecting a row recomputes here with
 * the same report code and engine as the host. Large ones ask the host (`recompute`, `selectRow`).
 * The selected row and the control values live in `setState`, so a reload comes back as it was.
 */
import { assertNever, type FromWebview, type RenderedValues, type RenderTiming, type BootTiming, type Surface, type ToWebview, type ViewState } from '../src/shared/protocol';
import { ReportBuilder, type LossReport, type ReportControls, type ReportInputs, type RowDetail } from '../src/shared/report';
import type { WatchState } from '../src/shared/watch';
import { decode, encode, fromJsonSafe, toJsonSafe } from '../src/shared/wire';
import { chartPng, chartSvg, palette, pruneCharts, resizeCharts } from './charts';
import { el, fmt, numberCell } from './dom';
import { heatmapView } from './views/heatmap';
import { callouts, curveView, distillationView, distributionView, gradientView, jsView, pipelineView, splitView, type ViewSection } from './views/reportViews';
import { watchChartNames, watchView } from './views/watchView';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): ViewState | undefined;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const send = (m: FromWebview): void => api.postMessage(encode(m));

let version = '';
let surface: Surface = (document.body.dataset.surface as Surface) ?? 'panel';
let report: LossReport | null = null;
let inputs: ReportInputs | null = null;
let detail: RowDetail | null = null;
let watch: WatchState | null = null;
let error: string | null = null;
let local: ReportBuilder | null = null;
let viewState: ViewState = api.getState() ?? { row: 0, controls: null };

function saveState(patch: Partial<ViewState>): void {
  viewState = { ...viewState, ...patch };
  api.setState(viewState);
}

/** Rebuilds the report here from the tensors, with `controls` and `row`. */
function recomputeLocally(controls: ReportControls | null, row: number): void {
  if (!inputs) return;
  try {
    local = new ReportBuilder(inputs, { controls: controls ?? undefined, row });
    while (local.summarizeChunk(1 << 30)) {
      /* one chunk */
    }
    local.finish();
    report = local.report();
    detail = report.selected;
    error = null;
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
}

/** Reports up to this many tensor elements are kept in the webview state across reloads. */
const PERSIST_ELEMENTS = 20_000;

/** Identifies a report across messages and reloads. */
function reportKey(r: LossReport): string {
  return JSON.stringify([r.op, r.title, r.source, r.shapes]);
}

function sizeOf(i: ReportInputs): number {
  let n = 0;
  for (const v of Object.values(i.args)) if (v && typeof v === 'object' && 'data' in v) n += v.data.length;
  return n;
}

function sameControls(a: ReportControls | null, b: ReportControls): boolean {
  return !!a && a.temperature === b.temperature && a.labelSmoothing === b.labelSmoothing && a.alpha === b.alpha && a.reduction === b.reduction;
}

/** Takes a report from the host; re-applies the saved controls and row when they differ. */
function takeReport(next: LossReport | null, nextInputs: ReportInputs | null, restore: boolean): void {
  report = next;
  inputs = nextInputs;
  local = null;
  detail = next?.selected ?? null;
  error = null;
  if (!next) {
    // A panel revived after a reload: the host has no report yet, the saved state may hold one.
    const saved = restore && viewState.inputs ? fromJsonSafe<ReportInputs>(viewState.inputs) : null;
    if (saved) {
      inputs = saved;
      recomputeLocally(viewState.controls, viewState.row);
    }
    return;
  }
  const key = reportKey(next);
  const sameReport = viewState.key === key;
  saveState({ key, inputs: nextInputs && sizeOf(nextInputs) <= PERSIST_ELEMENTS ? toJsonSafe(nextInputs) : undefined });
  if (!restore || !sameReport) {
    saveState({ row: next.selected?.row ?? 0, controls: next.controls });
    return;
  }
  const wantRow = Math.min(viewState.row, Math.max(0, next.rowCount - 1));
  const wantControls = viewState.controls && viewState.controls.reduction !== undefined ? viewState.controls : null;
  const controlsDiffer = wantControls !== null && !sameControls(wantControls, next.controls);
  if (inputs && (controlsDiffer || wantRow !== (next.selected?.row ?? 0))) recomputeLocally(controlsDiffer ? wantControls : null, wantRow);
  else if (!inputs && controlsDiffer) send({ type: 'recompute', controls: wantControls!, row: wantRow });
  else if (!inputs && wantRow !== (next.selected?.row ?? 0)) send({ type: 'selectRow', row: wantRow });
  else saveState({ row: next.selected?.row ?? 0, controls: next.controls });
}

function selectRow(row: number): void {
  if (!report) return;
  const r = Math.max(0, Math.min(report.rowCount - 1, Math.floor(row)));
  saveState({ row: r });
  if (inputs) {
    if (!local) recomputeLocally(viewState.controls, r);
    else {
      local.select(r);
      detail = local.rowDetail(r);
      report = { ...report, selected: detail };
    }
    render(null);
  } else send({ type: 'selectRow', row: r });
}

let controlTimer: ReturnType<typeof setTimeout> | undefined;
function changeControls(patch: Partial<ReportControls>): void {
  if (!report) return;
  const controls = { ...report.controls, ...(viewState.controls ?? {}), ...patch };
  saveState({ controls });
  clearTimeout(controlTimer);
  controlTimer = setTimeout(() => {
    if (inputs) {
      recomputeLocally(controls, viewState.row);
      render(null);
    } else send({ type: 'recompute', controls, row: viewState.row });
  }, 60);
}

function slider(id: string, label: string, value: number, min: number, max: number, step: number, apply: (v: number) => void): HTMLElement {
  const input = el('input', { type: 'range', id, min: String(min), max: String(max), step: String(step), value: String(value), 'aria-label': label });
  const out = el('output', { for: id, id: `${id}-value` }, fmt(value, 4));
  input.addEventListener('input', () => {
    out.textContent = fmt(Number(input.value), 4);
    apply(Number(input.value));
  });
  return el('label', { class: 'control' }, el('span', { class: 'label' }, label), input, out);
}

function controlsBar(r: LossReport): HTMLElement {
  const c = r.controls;
  const spec = r.controlSpec;
  const bar = el('div', { class: 'controls', id: 'controls' });
  if (spec.temperature) bar.append(slider('temperature', spec.temperature === 'argument' ? 'temperature T' : 'temperature (logits / T)', c.temperature, 0.1, 10, 0.1, (v) => changeControls({ temperature: v })));
  if (spec.labelSmoothing) bar.append(slider('smoothing', 'label smoothing', c.labelSmoothing, 0, 0.5, 0.01, (v) => changeControls({ labelSmoothing: v })));
  if (spec.alpha) bar.append(slider('alpha', 'alpha', c.alpha, 0, r.op === 'jsd_cross_entropy' ? 24 : 1, r.op === 'jsd_cross_entropy' ? 0.5 : 0.01, (v) => changeControls({ alpha: v })));
  if (spec.reduction && spec.reductions.length) {
    const select = el('select', { id: 'reduction', 'aria-label': 'reduction' }, ...spec.reductions.map((v) => el('option', v === c.reduction ? { value: v, selected: '' } : { value: v }, v)));
    select.addEventListener('change', () => changeControls({ reduction: select.value }));
    bar.append(el('label', { class: 'control' }, el('span', { class: 'label' }, spec.reduction), select));
  }
  if (r.rowCount > 1) {
    const row = el('input', { type: 'number', id: 'row', min: '0', max: String(r.rowCount - 1), value: String(r.selected?.row ?? 0), 'aria-label': 'selected row' });
    row.addEventListener('change', () => selectRow(Number(row.value)));
    bar.append(el('label', { class: 'control' }, el('span', { class: 'label' }, 'row'), row));
  }
  return bar;
}

function exportBar(): HTMLElement {
  const md = el('button', { id: 'copy-markdown', type: 'button' }, 'Copy Markdown');
  md.addEventListener('click', () => send({ type: 'export', request: { kind: 'markdown' } }));
  const pt = el('button', { id: 'copy-pytorch', type: 'button' }, 'Copy PyTorch code');
  pt.addEventListener('click', () => send({ type: 'export', request: { kind: 'pytorch' } }));
  return el('div', { class: 'exports' }, md, pt);
}

function chartButtons(name: string): HTMLElement {
  const svg = el('button', { type: 'button', class: 'small', 'data-export': 'svg', 'data-chart': name, title: 'Save this chart as SVG' }, 'SVG');
  const png = el('button', { type: 'button', class: 'small', 'data-export': 'png', 'data-chart': name, title: 'Save this chart as PNG' }, 'PNG');
  svg.addEventListener('click', () => void exportChart(name, 'svg'));
  png.addEventListener('click', () => void exportChart(name, 'png'));
  return el('span', { class: 'chart-buttons' }, svg, png);
}

async function chartData(name: string, format: 'svg' | 'png'): Promise<string | undefined> {
  if (name === 'heatmap') {
    const canvas = document.getElementById('heatmap-canvas') as HTMLCanvasElement | null;
    if (!canvas) return undefined;
    if (format === 'png') return canvas.toDataURL('image/png');
    // An SVG wrapping the canvas pixels, so both formats exist for every view.
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}"><image width="${canvas.width}" height="${canvas.height}" href="${canvas.toDataURL('image/png')}"/></svg>`;
  }
  return format === 'svg' ? chartSvg(name) : chartPng(name, palette().bg);
}

async function exportChart(name: string, format: 'svg' | 'png', requestId?: number): Promise<void> {
  const data = (await chartData(name, format)) ?? '';
  send({ type: 'export', request: { kind: format, chart: name, data, requestId } });
}

function headline(r: LossReport): string {
  if (r.kind === 'activation' && r.selected) {
    const rows = r.rowCount;
    const text = rows === 1 ? `[${Array.from(r.selected.q, (v) => fmt(v, 4)).join(', ')}]` : `[${rows} rows]`;
    return `${r.title} of ${r.source || 'input'}: ${text}`;
  }
  return `${r.title}${r.source ? ` (${r.source})` : ''} = ${r.value === null ? (r.complete ? `[${r.valueShape.join(', ')}] per element` : 'computing…') : fmt(r.value)}`;
}

function renderReport(app: HTMLElement, r: LossReport, p: ReturnType<typeof palette>): ViewSection[] {
  const views: ViewSection[] = [];
  app.append(el('h1', { id: 'title' }, headline(r)));
  app.append(el('p', { class: 'formula' }, r.formula));
  const metrics = el('div', { class: 'metrics', id: 'metrics' });
  metrics.append(numberCell('value', 'value', r.value, r.value === null ? '' : String(r.value)));
  if (r.kind === 'classification') {
    const m = r.mean;
    const s = r.summaries;
    const approx = (f: 'loss' | 'entropy' | 'kl'): number | null => {
      if (m || !s) return null;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < s.rows.length; i++) if (s.target[i] !== -1) ((sum += s[f][i]), n++);
      return n ? sum / n : null;
    };
    metrics.append(numberCell('ce', m ? 'CE (mean)' : 'CE (sample)', m ? m.crossEntropy : approx('loss')));
    metrics.append(el('span', { class: 'op' }, '='));
    metrics.append(numberCell('entropy', 'H(p)', m ? m.entropy : approx('entropy')));
    metrics.append(el('span', { class: 'op' }, '+'));
    metrics.append(numberCell('kl', 'KL(p‖q)', m ? m.kl : approx('kl')));
  }
  app.append(metrics);
  if (!r.complete) app.append(el('p', { class: 'status', id: 'progress' }, `Computing: ${r.rowsDone} of ${r.rowCount} rows summarized so far (a sample); the value follows.`));
  app.append(callouts(r.findings, ['input', 'target', 'student', 'teacher', 'labels', 'probs']) ?? el('span', {}));
  const general = callouts(r.findings.filter((f) => f.arg === undefined), null);
  if (general) app.append(general);
  for (const n of r.notes) app.append(el('p', { class: 'note' }, n));
  app.append(controlsBar(r), exportBar());
  const d = detail ?? r.selected;
  const grid = el('div', { class: 'views' });
  if (d) {
    views.push(distributionView(r, d, p));
    const curve = curveView(r, d, p);
    if (curve) views.push(curve);
    if (r.kind === 'classification' && r.summaries) views.push(splitView(r, p, d.row));
    const dist = distillationView(d, p);
    if (dist) views.push(dist);
    views.push(pipelineView(r, d, p));
    const grad = gradientView(r, d, p);
    if (grad) views.push(grad);
    views.push(...jsView(d, p));
  }
  const heat = heatmapView(r, p, d?.row ?? 0, selectRow);
  if (heat) views.push(heat);
  for (const v of views) {
    const h2 = v.section.querySelector('h2');
    h2?.append(chartButtons(v.name));
    grid.append(v.section);
  }
  app.append(grid);
  return views;
}

/** Charts drawn in the same frame as the numbers; the rest follow one per animation frame. */
const EAGER_CHARTS = 2;
/** Increments on every render, so a superseded render stops drawing its remaining charts. */
let renderGeneration = 0;

/** The report the page shows (its {@link reportKey}), to tell a redraw from a new report. */
let renderedKey = '';

/** When the message being rendered arrived and how long decoding it took. */
let arrival = { at: 0, decodeMs: 0 };

/** Renders everything and, for a host message, answers `rendered` after the next paint. */
function render(seq: number | null): void {
  const { at: arrivedAt, decodeMs } = arrival;
  const app = document.getElementById('app')!;
  // Keep the reader where they were on the same report (a row clicked in the heatmap, a control, a
  // theme switch): emptying the app would otherwise scroll to the top. Chart boxes have fixed
  // heights, so the page is as tall again once the sections are back. A new report starts at the top.
  const key = report ? reportKey(report) : '';
  const scrollY = key === renderedKey ? window.scrollY : 0;
  renderedKey = key;
  app.replaceChildren();
  const p = palette();
  const views: ViewSection[] = [];
  app.append(el('p', { id: 'status' }, `Loss Lens ${version}`));
  if (watch && surface === 'view') views.push(watchView(watch, p));
  if (error) app.append(el('div', { class: 'callout error', id: 'error', role: 'alert' }, error));
  if (report) views.push(...renderReport(app, report, p));
  else if (!error) app.append(el('p', { id: 'empty', class: 'status' }, 'Compute a loss (Loss Lens: Compute Loss…, a hover\'s "Open in Panel", or a debug watch) to see why it is what it is.'));
  if (watch && surface !== 'view') views.push(watchView(watch, p));
  for (const v of views) if (v.name === 'watch') (surface === 'view' ? app.insertBefore(v.section, app.children[1] ?? null) : app.append(v.section));
  // Progressive drawing: the numbers and the first charts paint at once; each further chart gets
  // its own animation frame, so a large report's first paint does not wait for every chart.
  const generation = ++renderGeneration;
  views.slice(0, EAGER_CHARTS).forEach((v) => v.draw?.());
  const later = views.slice(EAGER_CHARTS);
  const drawNext = (): void => {
    if (generation !== renderGeneration) return;
    later.shift()?.draw?.();
    if (later.length > 0) requestAnimationFrame(drawNext);
  };
  if (later.length > 0) requestAnimationFrame(drawNext);
  pruneCharts(new Set([...views.map((v) => v.name), ...(watch ? watchChartNames(watch) : [])]));
  window.scrollTo(0, scrollY);
  if (seq === null) return;
  const values: RenderedValues = {
    value: report?.value ?? null,
    crossEntropy: report?.mean?.crossEntropy ?? null,
    entropy: report?.mean?.entropy ?? null,
    kl: report?.mean?.kl ?? null,
    row: detail?.row ?? report?.selected?.row ?? 0,
  };
  const text = error ?? (report ? headline(report) : (document.getElementById('empty')?.textContent ?? ''));
  const bars = detail ? detail.classes.length + (detail.hiddenClasses ? 1 : 0) : 0;
  const renderedAt = performance.now();
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const timing: RenderTiming = { decodeMs, renderMs: renderedAt - arrivedAt - decodeMs, paintMs: performance.now() - renderedAt };
      send({ type: 'rendered', seq, text, bars, values, timing });
    }),
  );
}

window.addEventListener('message', (event: MessageEvent) => {
  const at = performance.now();
  const message = decode<ToWebview>(event.data);
  arrival = { at, decodeMs: performance.now() - at };
  switch (message.type) {
    case 'init':
      version = message.version;
      surface = message.surface;
      watch = message.watch;
      takeReport(message.report, message.inputs, true);
      render(message.seq);
      return;
    case 'report':
      takeReport(message.report, message.inputs, false);
      render(message.seq);
      return;
    case 'rowDetail':
      detail = message.detail;
      if (report) report = { ...report, selected: message.detail };
      saveState({ row: message.detail.row });
      render(message.seq);
      return;
    case 'watch':
      watch = message.state;
      render(message.seq);
      return;
    case 'error':
      error = message.message;
      render(message.seq);
      return;
    case 'exportChart':
      void exportChart(message.chart, message.format, message.requestId);
      return;
    default:
      assertNever(message);
  }
});

// A theme switch restyles the document (VS Code sets the body's theme class and attributes and the
// --vscode-* variables on <html>), but chart and heatmap colours are taken when drawn: draw again.
let themeTimer: ReturnType<typeof setTimeout> | undefined;
const redrawForTheme = (): void => {
  clearTimeout(themeTimer);
  themeTimer = setTimeout(() => {
    if (report || watch || error) render(null);
  }, 50);
};
new MutationObserver(redrawForTheme).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id', 'data-vscode-theme-kind'] });
new MutationObserver(redrawForTheme).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });

document.addEventListener('securitypolicyviolation', (e) => send({ type: 'cspViolation', directive: e.violatedDirective, blocked: e.blockedURI || e.sample || '' }));
window.addEventListener('resize', () => resizeCharts());

/** When the document started, the bundle arrived and the app got here (wall clock, for the host's first-paint breakdown). */
function bootTiming(): BootTiming {
  const origin = performance.timeOrigin;
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const script = performance.getEntriesByType('resource').find((e) => e.name.includes('webview.js')) as PerformanceResourceTiming | undefined;
  return { origin, documentFetched: origin + (navigation?.responseEnd ?? 0), scriptFetched: origin + (script?.responseEnd ?? 0), ready: origin + performance.now() };
}

send({ type: 'ready', boot: bootTiming() });
