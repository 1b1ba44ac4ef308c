/**
 * The debug watch state: idle, no session, not paused, or paused with each watched pair's latest
 * reading (its value, or the problem in one sentence) and its history as a small line chart.
 */
import type { WatchState, WatchSummary } from '../../src/shared/watch';
import { axis, baseOption, renderChart, type Palette } from '../charts';
import { el, fmt } from '../dom';
import type { ViewSection } from './reportViews';

function watchBlock(w: WatchSummary, p: Palette, charts: Array<() => void>): HTMLElement {
  const head = `${w.op}(${w.inputExpression}, ${w.targetExpression})`;
  const block = el('div', { class: 'watch-item', 'data-watch': String(w.id) });
  const latest = w.latest;
  if (latest?.kind === 'ok') {
    block.append(
      el('p', { class: 'result' }, `${head} = `, el('span', { class: 'num watch-value', 'data-value': String(latest.value) }, fmt(latest.value)), ` (input ${latest.input.expression} [${latest.input.shape.join(', ')}] ${latest.input.dtype}, target [${latest.target.shape.join(', ')}] ${latest.target.dtype})`),
    );
  } else if (latest?.kind === 'error') {
    block.append(el('p', { class: 'result' }, head), el('p', { class: 'callout error watch-error', role: 'alert', 'data-problem': latest.problem }, latest.message));
  } else block.append(el('p', { class: 'result' }, `${head}: no reading yet.`));
  if (w.history.length) {
    const chart = el('div', { class: 'chart small', 'data-chart': `watch-${w.id}` });
    block.append(chart);
    charts.push(() =>
      renderChart(`watch-${w.id}`, chart, {
        ...baseOption(p),
        grid: { left: 48, right: 12, top: 12, bottom: 24 },
        legend: { show: false },
        xAxis: axis(p, { type: 'category', data: w.history.map((h) => String(h.stop)), name: 'stop' }),
        yAxis: axis(p, { type: 'value', scale: true }),
        series: [{ name: 'loss', type: 'line', data: w.history.map((h) => (Number.isFinite(h.value) ? h.value : null)), lineStyle: { color: p.blue }, itemStyle: { color: p.blue } }],
      }),
    );
  }
  return block;
}

/** The watch section for `state`; its charts are named `watch-<id>`. */
export function watchView(state: WatchState, p: Palette): ViewSection {
  const s = el('section', { class: 'view watch', id: 'view-watch', 'data-view': 'watch', 'data-kind': state.kind }, el('h2', {}, 'Debug watch'));
  const charts: Array<() => void> = [];
  switch (state.kind) {
    case 'idle':
      s.append(el('p', { class: 'status', id: 'watch-status' }, 'Nothing is watched yet: use "Open in Loss Lens" in the Variables view, or Loss Lens: Watch Loss While Debugging.'));
      break;
    case 'no-session':
      s.append(el('p', { class: 'status', id: 'watch-status' }, 'No debug session is running: start debugging to follow the watched losses.'));
      for (const w of state.watches) s.append(watchBlock(w, p, charts));
      break;
    case 'not-paused':
      s.append(el('p', { class: 'status', id: 'watch-status' }, 'The program is running: values are read when it pauses.'));
      for (const w of state.watches) s.append(watchBlock(w, p, charts));
      break;
    case 'paused':
      s.append(el('p', { class: 'status', id: 'watch-status' }, `Paused at ${state.location} (stop ${state.stop}).`));
      for (const w of state.watches) s.append(watchBlock(w, p, charts));
      break;
  }
  return { name: 'watch', section: s, draw: () => charts.forEach((c) => c()) };
}

/** The chart names a watch state draws. */
export function watchChartNames(state: WatchState): string[] {
  return state.kind === 'idle' ? [] : state.watches.filter((w) => w.history.length).map((w) => `watch-${w.id}`);
}
