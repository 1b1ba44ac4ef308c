/**
 * ECharts with its SVG renderer, set up once: only the chart types and components the panel uses
 * are registered (tree-shaken by esbuild). Tooltips use `richText` so nothing is written as HTML with
 * inline styles (the CSP allows no inline styles). Colours come from the theme's `--vscode-*`
 * variables, read again on every render so a theme switch restyles the charts.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, SVGRenderer, CanvasRenderer]);

/** The theme colours the charts use. */
export interface Palette {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly bg: string;
  readonly blue: string;
  readonly orange: string;
  readonly green: string;
  readonly red: string;
  readonly purple: string;
  readonly yellow: string;
  readonly font: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** The current theme's colours. */
export function palette(): Palette {
  return {
    fg: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#999999'),
    grid: cssVar('--vscode-panel-border', cssVar('--vscode-widget-border', '#80808059')),
    bg: cssVar('--vscode-editor-background', '#1e1e1e'),
    blue: cssVar('--vscode-charts-blue', '#3794ff'),
    orange: cssVar('--vscode-charts-orange', '#d18616'),
    green: cssVar('--vscode-charts-green', '#89d185'),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    purple: cssVar('--vscode-charts-purple', '#b180d7'),
    yellow: cssVar('--vscode-charts-yellow', '#cca700'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

const charts = new Map<string, echarts.ECharts>();
const options = new Map<string, Record<string, unknown>>();

/** Options every chart shares: transparent background, theme text, no animation (tests read the DOM right away). */
export function baseOption(p: Palette): Record<string, unknown> {
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { color: p.fg, fontFamily: p.font, fontSize: 11 },
    tooltip: { trigger: 'axis', renderMode: 'richText', backgroundColor: p.bg, borderColor: p.grid, textStyle: { color: p.fg } },
    legend: { textStyle: { color: p.fg }, top: 0, inactiveColor: p.muted },
    grid: { left: 56, right: 16, top: 28, bottom: 40, containLabel: false },
  };
}

/** An axis in the theme's colours. */
export function axis(p: Palette, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    axisLine: { lineStyle: { color: p.muted } },
    axisTick: { lineStyle: { color: p.muted } },
    axisLabel: { color: p.fg },
    splitLine: { lineStyle: { color: p.grid, opacity: 0.5 } },
    nameTextStyle: { color: p.muted },
    ...extra,
  };
}

/** Renders `option` into `host` as the chart `name` (re-using its instance). */
export function renderChart(name: string, host: HTMLElement, option: Record<string, unknown>): echarts.ECharts {
  let chart = charts.get(name);
  if (chart && chart.getDom() !== host) {
    chart.dispose();
    chart = undefined;
  }
  if (!chart) {
    chart = echarts.init(host, undefined, { renderer: 'svg' });
    charts.set(name, chart);
  }
  chart.setOption(option, { notMerge: true, lazyUpdate: false });
  options.set(name, option);
  return chart;
}

/** Disposes the charts whose names are not in `keep`. */
export function pruneCharts(keep: ReadonlySet<string>): void {
  for (const [name, chart] of charts) {
    if (keep.has(name)) continue;
    chart.dispose();
    charts.delete(name);
    options.delete(name);
  }
}

/** Resizes every chart to its container. */
export function resizeCharts(): void {
  for (const chart of charts.values()) chart.resize();
}

/** The names of the charts shown. */
export function chartNames(): string[] {
  return [...charts.keys()];
}

/** The chart `name` as SVG text (SVG renderer), or undefined. */
export function chartSvg(name: string): string | undefined {
  const chart = charts.get(name);
  return chart ? chart.renderToSVGString() : undefined;
}

/**
 * The chart `name` as a PNG data URL: the same option drawn once more by ECharts' canvas renderer
 * in an off-screen element at twice the resolution (no SVG-to-image round trip).
 */
export function chartPng(name: string, background: string): string | undefined {
  const chart = charts.get(name);
  const option = options.get(name);
  if (!chart || !option) return undefined;
  const host = document.createElement('div');
  host.style.position = 'absolute';
  host.style.left = '-10000px';
  host.style.width = `${chart.getWidth()}px`;
  host.style.height = `${chart.getHeight()}px`;
  document.body.append(host);
  const offscreen = echarts.init(host, undefined, { renderer: 'canvas', width: chart.getWidth(), height: chart.getHeight() });
  try {
    offscreen.setOption(option);
    return offscreen.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background });
  } finally {
    offscreen.dispose();
    host.remove();
  }
}
