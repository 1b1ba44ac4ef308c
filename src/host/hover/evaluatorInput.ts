/**
 * What the static evaluator reads for a Python document, shared by the hover and the commands: a
 * notebook cell with the code cells before it (sources and stored outputs), or a `.py` file as one
 * cell. Offsets in the document are offsets in its cell.
 */
import type * as vscode from 'vscode';
import type { CellInput } from '../../analysis';
import { MAX_EVALUATED_CHARS } from '../editorFormat';
import { cellInputsUpTo, notebookCellOf } from '../notebook/cellInputs';

/** The evaluator's cells for `document` and the index of its own cell; undefined past {@link MAX_EVALUATED_CHARS}. */
export function evaluatorInput(document: vscode.TextDocument): { cells: CellInput[]; index: number } | undefined {
  const cell = notebookCellOf(document);
  const { cells, index } = cell ? cellInputsUpTo(cell) : { cells: [{ source: document.getText(), outputs: [] }], index: 0 };
  if (index < 0 || cells.reduce((n, c) => n + c.source.length + c.outputs.reduce((m, o) => m + o.length, 0), 0) > MAX_EVALUATED_CHARS) return undefined;
  return { cells, index };
}

/** A loss call's text on one line, at most 60 characters, as the panel's title. */
export function shortCall(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}
