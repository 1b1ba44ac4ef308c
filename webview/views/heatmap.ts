/**
 * The `[N, C]` probabilities on a canvas: one line per heatmap row (every row, or evenly spaced rows
 * of a large batch), one pixel column per bin of classes (the bin's largest q, so a peak stays
 * visible at 50k classes). The margin shows each line's loss and entropy H(q). Clicking a line
 * selects its row.
 */
import type { LossReport } from '../../src/shared/report';
import type { Palette } from '../charts';
import { el, fmt } from '../dom';
import type { ViewSection } from './reportViews';

function parseColor(c: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})/i.exec(c.trim());
  if (m) return [parseInt(m[1].slice(0, 2), 16), parseInt(m[1].slice(2, 4), 16), parseInt(m[1].slice(4, 6), 16)];
  const r = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
  return r ? [Number(r[1]), Number(r[2]), Number(r[3])] : [55, 148, 255];
}

/** The heatmap section; `onSelect` gets the report row of a clicked line. */
export function heatmapView(report: LossReport, p: Palette, selected: number, onSelect: (row: number) => void): ViewSection | null {
  const h = report.heatmap;
  if (!h || !h.rows.length || !h.width) return null;
  const lines = h.rows.length;
  const lineHeight = Math.max(2, Math.min(18, Math.floor(360 / lines)));
  const margin = lineHeight >= 12 ? 150 : 0;
  const plotWidth = Math.min(720, Math.max(h.width, 240));
  const canvas = el('canvas', { id: 'heatmap-canvas', width: String(plotWidth + margin), height: String(lines * lineHeight), 'aria-label': 'probabilities heatmap' });
  const caption = `${report.rowCount} × ${report.classes} probabilities q${h.binSize > 1 ? `, ${h.binSize} classes per pixel column (the largest q of each bin)` : ''}${lines < report.rowCount ? `, ${lines} evenly spaced rows` : ''}. Click a row to select it.`;
  const s = el('section', { class: 'view', id: 'view-heatmap', 'data-view': 'heatmap' }, el('h2', {}, 'Probabilities heatmap'), el('p', { class: 'caption' }, caption), canvas);
  const summaries = report.summaries;
  const stat = new Map<number, { loss: number; h: number }>();
  if (summaries) summaries.rows.forEach((r, i) => stat.set(r, { loss: summaries.loss[i], h: summaries.predEntropy[i] }));
  const draw = (): void => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const [br, bg, bb] = parseColor(p.bg);
    const [fr, fg, fb] = parseColor(p.blue);
    const img = ctx.createImageData(plotWidth, lines * lineHeight);
    for (let line = 0; line < lines; line++) {
      for (let x = 0; x < plotWidth; x++) {
        const bin = Math.min(h.width - 1, Math.floor((x * h.width) / plotWidth));
        const v = h.data[line * h.width + bin];
        const t = Number.isNaN(v) ? 0 : Math.sqrt(Math.max(0, Math.min(1, v))); // sqrt: small q stay visible
        for (let dy = 0; dy < lineHeight; dy++) {
          const o = ((line * lineHeight + dy) * plotWidth + x) * 4;
          img.data[o] = br + (fr - br) * t;
          img.data[o + 1] = bg + (fg - bg) * t;
          img.data[o + 2] = bb + (fb - bb) * t;
          img.data[o + 3] = 255;
        }
      }
    }
    ctx.putImageData(img, 0, 0);
    const selLine = Array.from(h.rows).indexOf(selected);
    if (selLine >= 0) {
      ctx.strokeStyle = p.red;
      ctx.lineWidth = 2;
      ctx.strokeRect(1, selLine * lineHeight + 1, plotWidth - 2, lineHeight - 2);
    }
    if (margin) {
      ctx.fillStyle = p.fg;
      ctx.font = `${Math.min(11, lineHeight - 2)}px ${p.font}`;
      ctx.textBaseline = 'middle';
      for (let line = 0; line < lines; line++) {
        const r = h.rows[line];
        const st = stat.get(r);
        ctx.fillText(`row ${r}: loss ${fmt(st?.loss, 4)}, H ${fmt(st?.h, 3)}`, plotWidth + 6, line * lineHeight + lineHeight / 2);
      }
    }
  };
  canvas.addEventListener('click', (event) => {
    const rect = canvas.getBoundingClientRect();
    const y = ((event.clientY - rect.top) / rect.height) * canvas.height;
    const line = Math.max(0, Math.min(lines - 1, Math.floor(y / lineHeight)));
    onSelect(h.rows[line]);
  });
  return { name: 'heatmap', section: s, draw };
}
