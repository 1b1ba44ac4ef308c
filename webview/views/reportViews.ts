/**
 * The chart views of a report. Each returns a `<section>` with an ECharts chart (SVG renderer), a
 * short caption saying what is drawn, and the diagnostics that concern it as callouts. The
 * numbers are the report's; nothing here computes a loss.
 */
import type { Finding } from '../../src/engine/diagnostics';
import type { LossReport, RowDetail } from '../../src/shared/report';
import { axis, baseOption, renderChart, type Palette } from '../charts';
import { el, fmt } from '../dom';

/** A view section with a chart host; the chart is rendered after the section is in the document. */
export interface ViewSection {
  readonly name: string;
  readonly section: HTMLElement;
  /** Draws the chart once the section is attached (ECharts measures its container). */
  readonly draw?: () => void;
}

function section(name: string, heading: string, caption: string): { section: HTMLElement; chart: HTMLElement } {
  const chart = el('div', { class: 'chart', id: `chart-${name}`, 'data-chart': name });
  const s = el('section', { class: 'view', id: `view-${name}`, 'data-view': name }, el('h2', {}, heading), el('p', { class: 'caption' }, caption), chart);
  return { section: s, chart };
}

/** Callouts for the findings about `args` (or all when `args` is null). */
export function callouts(findings: readonly Finding[], args: readonly string[] | null): HTMLElement | null {
  const list = findings.filter((f) => (args === null ? true : f.arg !== undefined && args.includes(f.arg)));
  if (!list.length) return null;
  return el(
    'div',
    { class: 'callouts' },
    ...list.map((f) =>
      el('div', { class: `callout ${f.severity}`, 'data-finding': f.id, role: 'note' }, el('strong', {}, `${f.severity}: `), f.message, f.fix ? el('span', { class: 'fix' }, ` Fix: ${f.fix}`) : ''),
    ),
  );
}

function classLabel(d: RowDetail, i: number): string {
  return String(d.classes[i]);
}

/** Labels of the classes shown, plus "other (n)" when some are hidden. */
function labels(d: RowDetail): string[] {
  const out = Array.from(d.classes, (_c, i) => classLabel(d, i));
  if (d.hiddenClasses) out.push(`other (${d.hiddenClasses})`);
  return out;
}

function withOther(values: Float64Array, other: number, d: RowDetail): number[] {
  const out = Array.from(values);
  if (d.hiddenClasses) out.push(other);
  return out;
}

/** Target p against prediction q for the selected row, −log q_y marked on the target's bar. */
export function distributionView(report: LossReport, d: RowDetail, p: Palette): ViewSection {
  const hasTarget = report.kind === 'classification' || report.kind === 'binary';
  const { section: s, chart } = section(
    'distribution',
    report.kind === 'binary' ? `Row ${d.row}: target against sigmoid(input)` : hasTarget ? `Row ${d.row}: target p against prediction q = softmax(logits)` : `Row ${d.row}: softmax(input)`,
    d.hiddenClasses ? `The ${d.classes.length} classes with the largest q (and p), the other ${d.hiddenClasses} summed in one bar.` : 'Every class of the row.',
  );
  const y = d.targetClass;
  const yIndex = y === null ? -1 : Array.from(d.classes).indexOf(y);
  const qy = yIndex >= 0 ? d.q[yIndex] : NaN;
  const series: Record<string, unknown>[] = [];
  if (hasTarget) series.push({ name: 'target p', type: 'bar', data: withOther(d.p, d.other.p, d), itemStyle: { color: p.orange }, barGap: '10%' });
  series.push({
    name: report.kind === 'binary' ? 'sigmoid(x)' : 'prediction q',
    type: 'bar',
    data: withOther(d.q, d.other.q, d),
    itemStyle: { color: p.blue },
    markPoint:
      yIndex >= 0
        ? {
            // The pin marks q_y; its label sits outside it (inside, the text did not fit): above
            // when there is room under the legend, else on the side with room.
            symbol: 'pin',
            symbolSize: 28,
            label: { position: qy < 0.75 ? 'top' : 2 * yIndex >= labels(d).length ? 'left' : 'right', distance: 4, color: p.fg, fontSize: 10, formatter: `−log q_${y} = ${fmt(-Math.log(qy), 4)}` },
            itemStyle: { color: p.red },
            data: [{ coord: [yIndex, qy], value: qy }],
          }
        : undefined,
  });
  const note = yIndex >= 0 ? el('p', { class: 'result', id: 'neg-log-qy' }, `−log q_${y} = −log ${fmt(qy)} = ${fmt(-Math.log(qy))}`) : null;
  if (note) s.insertBefore(note, chart);
  return {
    name: 'distribution',
    section: s,
    draw: () =>
      renderChart('distribution', chart, {
        ...baseOption(p),
        xAxis: axis(p, { type: 'category', data: labels(d), name: 'class', nameLocation: 'middle', nameGap: 26 }),
        yAxis: axis(p, { type: 'value', min: 0, max: 1 }),
        series,
      }),
  };
}

/** CE = H(p) + KL(p‖q) stacked, per row and for the reduction. */
export function splitView(report: LossReport, p: Palette, selected: number): ViewSection {
  const s = report.summaries!;
  const max = 48;
  const rows: number[] = [];
  for (let i = 0; i < s.rows.length && rows.length < max; i++) rows.push(i);
  const names = rows.map((i) => `row ${s.rows[i]}`);
  const h = rows.map((i) => s.entropy[i]);
  const kl = rows.map((i) => s.kl[i]);
  if (report.mean) {
    names.push('mean');
    h.push(report.mean.entropy);
    kl.push(report.mean.kl);
  }
  const { section: v, chart } = section(
    'split',
    'CE = H(p) + KL(p‖q), per row and for the reduction',
    `H(p) is what the target itself costs (0 for a one-hot target); KL(p‖q) is what the prediction adds.${s.rows.length > max ? ` First ${max} of ${s.rows.length} rows.` : ''}`,
  );
  return {
    name: 'split',
    section: v,
    draw: () =>
      renderChart('split', chart, {
        ...baseOption(p),
        xAxis: axis(p, { type: 'category', data: names, axisLabel: { color: p.fg, rotate: names.length > 12 ? 45 : 0 } }),
        yAxis: axis(p, { type: 'value', name: 'nats' }),
        series: [
          { name: 'H(p)', type: 'bar', stack: 'ce', data: h, itemStyle: { color: p.green } },
          {
            name: 'KL(p‖q)',
            type: 'bar',
            stack: 'ce',
            data: kl.map((v, i) => ({ value: v, itemStyle: { color: rows[i] !== undefined && s.rows[rows[i]] === selected ? p.purple : p.blue } })),
            itemStyle: { color: p.blue },
          },
        ],
      }),
  };
}

const PIPELINE_COLUMNS = ['logit', 'minus-max', 'exp', 'log-softmax', 'q', 'p', 'ce-term', 'kl-term'];

/** The pipeline of the selected row as a table: logits → minus max → exp → sum → logsumexp → log_softmax → softmax, then the per-class terms. */
export function pipelineView(report: LossReport, d: RowDetail, p: Palette): ViewSection {
  const head = el('tr', {}, ...['class', 'logit x', 'x − max', 'exp(x − max)', 'log_softmax', 'softmax q', 'p', '−p·log q', 'p·log(p/q)'].map((h) => el('th', {}, h)));
  const body = el('tbody', {});
  d.classes.forEach((c, i) => {
    const tr = el(
      'tr',
      { class: c === d.targetClass ? 'target' : '' },
      el('td', {}, String(c)),
      ...[d.logits[i], d.minusMax[i], d.exp[i], d.logSoftmax[i], d.q[i], d.p[i], d.ceTerm[i], d.klTerm[i]].map((v, j) =>
        el('td', { class: 'num', 'data-column': PIPELINE_COLUMNS[j], 'data-value': String(v) }, fmt(v)),
      ),
    );
    body.append(tr);
  });
  if (d.hiddenClasses) body.append(el('tr', { class: 'other' }, el('td', {}, `other (${d.hiddenClasses})`), el('td', {}, ''), el('td', {}, ''), el('td', {}, ''), el('td', {}, ''), el('td', { class: 'num' }, fmt(d.other.q)), el('td', { class: 'num' }, fmt(d.other.p)), el('td', { class: 'num' }, fmt(d.other.ceTerm)), el('td', { class: 'num' }, fmt(d.other.klTerm))));
  const sums = el(
    'p',
    { class: 'result', id: 'pipeline-sums' },
    `max = ${fmt(d.max)}; Σ exp(x − max) = ${fmt(d.sumExp)}; logsumexp = max + log Σ = ${fmt(d.logSumExp)}; log_softmax = x − logsumexp.`,
  );
  const { section: s, chart } = section('pipeline', `Row ${d.row}: the softmax pipeline`, 'The stable softmax: subtracting the max keeps exp from overflowing, logsumexp comes back by adding it.');
  s.insertBefore(el('div', { class: 'table-wrap' }, el('table', { class: 'pipeline' }, el('thead', {}, head), body)), chart);
  s.insertBefore(sums, chart);
  const terms = report.kind === 'classification';
  return {
    name: 'pipeline',
    section: s,
    draw: () =>
      renderChart('pipeline', chart, {
        ...baseOption(p),
        xAxis: axis(p, { type: 'category', data: labels(d) }),
        yAxis: axis(p, { type: 'value' }),
        series: [
          { name: 'logit x', type: 'bar', data: withOther(d.logits, NaN, d), itemStyle: { color: p.muted } },
          { name: 'log_softmax', type: 'bar', data: withOther(d.logSoftmax, NaN, d), itemStyle: { color: p.blue } },
          ...(terms
            ? [
                { name: '−p·log q', type: 'bar', data: withOther(d.ceTerm, d.other.ceTerm, d), itemStyle: { color: p.orange } },
                { name: 'p·log(p/q)', type: 'bar', data: withOther(d.klTerm, d.other.klTerm, d), itemStyle: { color: p.purple } },
              ]
            : []),
        ],
      }),
  };
}

/** The gradient of the loss with respect to the selected row's logits, from the engine's backward. */
export function gradientView(report: LossReport, d: RowDetail, p: Palette): ViewSection | null {
  if (!d.grad.length) return null;
  const caption =
    report.kind === 'classification'
      ? 'From the engine\'s backward: (q − p) scaled by the reduction (1/N for a mean), with class weights and label smoothing applied.'
      : 'From the engine\'s backward.';
  const { section: s, chart } = section('gradient', `Row ${d.row}: ∂loss/∂logits`, caption);
  return {
    name: 'gradient',
    section: s,
    draw: () =>
      renderChart('gradient', chart, {
        ...baseOption(p),
        xAxis: axis(p, { type: 'category', data: labels(d) }),
        yAxis: axis(p, { type: 'value' }),
        series: [{ name: '∂loss/∂x', type: 'bar', data: withOther(d.grad, d.other.grad, d).map((v) => ({ value: v, itemStyle: { color: v < 0 ? p.green : p.red } })) }],
      }),
  };
}

/** The −log(x) curve with the current q_y on it; for binary ops both −log(x) and −log(1 − x). */
export function curveView(report: LossReport, d: RowDetail, p: Palette): ViewSection | null {
  const xs: number[] = [];
  for (let i = 1; i <= 200; i++) xs.push(i / 200);
  const series: Record<string, unknown>[] = [{ name: '−log(x)', type: 'line', showSymbol: false, data: xs.map((x) => [x, -Math.log(x)]), lineStyle: { color: p.blue }, itemStyle: { color: p.blue } }];
  const points: number[][] = [];
  const points0: number[][] = [];
  if (report.kind === 'binary') {
    series.push({ name: '−log(1 − x)', type: 'line', showSymbol: false, data: xs.slice(0, -1).map((x) => [x, -Math.log(1 - x)]), lineStyle: { color: p.orange }, itemStyle: { color: p.orange } });
    d.q.forEach((q, i) => (d.binaryTarget[i] >= 0.5 ? points.push([q, -Math.log(q)]) : points0.push([q, -Math.log(1 - q)])));
  } else if (report.kind === 'classification' && d.targetClass !== null) {
    const i = Array.from(d.classes).indexOf(d.targetClass);
    if (i >= 0) points.push([d.q[i], -Math.log(d.q[i])]);
  } else return null;
  series.push({ name: report.kind === 'binary' ? 'target 1' : 'q_y', type: 'scatter', symbolSize: 10, data: points, itemStyle: { color: p.red } });
  if (points0.length) series.push({ name: 'target 0', type: 'scatter', symbolSize: 10, data: points0, itemStyle: { color: p.purple } });
  const { section: s, chart } = section(
    'curve',
    report.kind === 'binary' ? 'Binary cross-entropy: −log(x) for target 1, −log(1 − x) for target 0' : 'The loss of a row is −log q_y',
    report.kind === 'binary' ? `The elements of row ${d.row} on their curve.` : `Row ${d.row}: q_y on the curve; the loss explodes as q_y → 0.`,
  );
  return {
    name: 'curve',
    section: s,
    draw: () =>
      renderChart('curve', chart, {
        ...baseOption(p),
        tooltip: { ...(baseOption(p).tooltip as object), trigger: 'item' },
        xAxis: axis(p, { type: 'value', min: 0, max: 1, name: 'x', nameLocation: 'middle', nameGap: 26 }),
        yAxis: axis(p, { type: 'value', min: 0, max: 8 }),
        series,
      }),
  };
}

/** Distillation: the teacher's and the student's softmax at T, and the two weighted terms. */
export function distillationView(d: RowDetail, p: Palette): ViewSection | null {
  const k = d.distillation;
  if (!k) return null;
  const { section: s, chart } = section(
    'distillation',
    `Row ${d.row}: teacher and student at T = ${fmt(k.temperature)}`,
    `α·T²·KL = ${fmt(k.klPart)} and (1 − α)·CE = ${fmt(k.cePart)} with α = ${fmt(k.alpha)}; the loss is their sum, ${fmt(k.klPart + k.cePart)}.`,
  );
  s.insertBefore(el('p', { class: 'result', id: 'distillation-terms', 'data-kl': String(k.klPart), 'data-ce': String(k.cePart) }, `soft term ${fmt(k.klPart)} + hard term ${fmt(k.cePart)}`), chart);
  const names = Array.from(d.classes, (c) => String(c));
  return {
    name: 'distillation',
    section: s,
    draw: () =>
      renderChart('distillation', chart, {
        ...baseOption(p),
        xAxis: axis(p, { type: 'category', data: names }),
        yAxis: axis(p, { type: 'value', min: 0, max: 1 }),
        series: [
          { name: 'teacher softmax(t/T)', type: 'bar', data: Array.from(k.teacher), itemStyle: { color: p.orange } },
          { name: 'student softmax(s/T)', type: 'bar', data: Array.from(k.student), itemStyle: { color: p.blue } },
        ],
      }),
  };
}

/** Jensen–Shannon: k distributions, their mixture, each KL to it, and the JS term against a perturbation. */
export function jsView(d: RowDetail, p: Palette): ViewSection[] {
  const js = d.js;
  if (!js) return [];
  const k = js.names.length;
  const n = d.classes.length;
  const colors = [p.orange, p.blue, p.green, p.purple, p.yellow];
  const { section: s, chart } = section(
    'js',
    `Row ${d.row}: Jensen–Shannon of ${k} distributions`,
    `M is their mixture; JS = (1/k) Σ KL(P_i‖M) = ${fmt(js.divergence)}${js.scale !== 1 ? `, times alpha = ${fmt(js.scale)} in the loss: ${fmt(js.js)}` : ''}. ` +
      js.names.map((name, i) => `KL(${name}‖M) = ${fmt(js.klToMixture[i])}`).join('; ') + '.',
  );
  const names = Array.from(d.classes, (c) => String(c));
  const { section: s2, chart: chart2 } = section(
    'js-curve',
    'JS as one prediction moves',
    `JS when the logits of "${js.names[js.perturbed]}" shift by t from class ${js.perturbFrom} to class ${js.perturbTo} (t from −1 to 1)${js.scale !== 1 ? `; the loss adds alpha = ${fmt(js.scale)} times this` : ''}.`,
  );
  return [
    {
      name: 'js',
      section: s,
      draw: () =>
        renderChart('js', chart, {
          ...baseOption(p),
          xAxis: axis(p, { type: 'category', data: names }),
          yAxis: axis(p, { type: 'value', min: 0, max: 1 }),
          series: [
            ...js.names.map((name, i) => ({ name, type: 'bar', data: Array.from(js.distributions.subarray(i * n, (i + 1) * n)), itemStyle: { color: colors[i % colors.length] } })),
            { name: 'mixture M', type: 'line', data: Array.from(js.mixture), lineStyle: { color: p.fg, type: 'dashed' }, itemStyle: { color: p.fg } },
          ],
        }),
    },
    {
      name: 'js-curve',
      section: s2,
      draw: () =>
        renderChart('js-curve', chart2, {
          ...baseOption(p),
          xAxis: axis(p, { type: 'value', name: 'change in output', nameLocation: 'middle', nameGap: 26, min: -1, max: 1 }),
          // The x range crosses 0, where ECharts would draw the y axis (and put its name under the
          // legend): keep the axis at the left edge and its name along it.
          yAxis: axis(p, { type: 'value', name: 'JS', nameLocation: 'middle', nameRotate: 90, nameGap: 38, axisLine: { onZero: false, lineStyle: { color: p.muted } } }),
          series: [{ name: 'JS', type: 'line', data: Array.from(js.curveX, (x, i) => [x, js.curveY[i]]), lineStyle: { color: p.purple }, itemStyle: { color: p.purple } }],
        }),
    },
  ];
}
