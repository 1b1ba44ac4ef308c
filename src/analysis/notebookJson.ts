/**
 * Reads an .ipynb file (nbformat 4 JSON) into the cells {@link analyzeCells} takes: each code
 * cell's source and its text outputs (`text/plain` of results and displays, the text of streams).
 *
 * Notebooks copied around the web sometimes carry a raw control character (a literal newline)
 * inside a JSON string, which strict JSON rejects; those are escaped before a second attempt.
 */
import type { CellInput } from './notebook';

/** A code cell of a notebook, with its position among all cells. */
export interface NotebookCodeCell extends CellInput {
  /** Index among all cells of the notebook, markdown included. */
  readonly cellIndex: number;
}

/** Escapes raw control characters that appear inside JSON strings (outside strings they are left alone). */
export function escapeControlCharactersInStrings(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      else if (c < 32) {
        out += text.slice(from, i) + `\\u${c.toString(16).padStart(4, '0')}`;
        from = i + 1;
      }
    } else if (c === 34) inString = true;
  }
  return out + text.slice(from);
}

function joinText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').join('');
  return '';
}

/**
 * The code cells of an nbformat 4 notebook. Throws a `SyntaxError` when the text is not JSON even
 * after escaping control characters, or not a notebook.
 */
export function readNotebookJson(text: string): NotebookCodeCell[] {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch {
    nb = JSON.parse(escapeControlCharactersInStrings(text));
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) throw new SyntaxError('The JSON has no "cells" list: it is not an nbformat 4 notebook.');
  const out: NotebookCodeCell[] = [];
  cells.forEach((c: { cell_type?: unknown; source?: unknown; outputs?: unknown }, cellIndex) => {
    if (c.cell_type !== 'code') return;
    const outputs: string[] = [];
    for (const o of Array.isArray(c.outputs) ? (c.outputs as { output_type?: string; text?: unknown; data?: Record<string, unknown> }[]) : []) {
      if (o.output_type === 'stream') outputs.push(joinText(o.text));
      else if (o.data && 'text/plain' in o.data) outputs.push(joinText(o.data['text/plain']));
    }
    out.push({ cellIndex, source: joinText(c.source), outputs });
  });
  return out;
}
