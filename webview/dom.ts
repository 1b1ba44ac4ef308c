/** Small DOM helpers: elements built with `textContent` only (never HTML strings), and number formatting. */
import { formatNumber } from '../src/shared/format';

/** Creates `<tag class=...>` with children or text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** Six significant digits, PyTorch's spellings for non-finite values. */
export function fmt(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined) return '—';
  return formatNumber(v, digits);
}

/** A labelled number whose full value sits in `data-value` (tests read both). */
export function numberCell(id: string, label: string, value: number | null | undefined, title = ''): HTMLElement {
  const span = el('span', { id, class: 'num', 'data-value': value === null || value === undefined ? '' : String(value) }, fmt(value));
  if (title) span.title = title;
  return el('div', { class: 'metric' }, el('span', { class: 'label' }, label), span);
}
