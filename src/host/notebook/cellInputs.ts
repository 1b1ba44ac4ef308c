/**
 * Notebook cells as the static evaluator reads them: each code cell's source and its stored
 * `text/plain` and stdout outputs (printed tensors), in order.
 */
import * as vscode from 'vscode';
import type { CellInput } from '../../analysis';

/** Output mimes whose text is what the cell printed or echoed. */
const TEXT_MIMES = ['text/plain', 'application/vnd.code.notebook.stdout'];

const decoder = new TextDecoder();

/** The printed texts of one cell's outputs (`text/plain` results and stdout streams), in order. */
export function cellOutputTexts(cell: vscode.NotebookCell): string[] {
  const texts: string[] = [];
  for (const out of cell.outputs) {
    for (const item of out.items) if (TEXT_MIMES.includes(item.mime)) texts.push(decoder.decode(item.data));
  }
  return texts;
}

/** The notebook cell whose document is `document`, if it is a cell. */
export function notebookCellOf(document: vscode.TextDocument): vscode.NotebookCell | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document === document || c.document.uri.toString() === document.uri.toString());
    if (cell) return cell;
  }
  return undefined;
}

/**
 * The code cells up to and including `cell`, as evaluator inputs, and the index of `cell` among
 * them. Markdown cells are skipped: they bind no names.
 */
export function cellInputsUpTo(cell: vscode.NotebookCell): { cells: CellInput[]; index: number } {
  const cells: CellInput[] = [];
  let index = -1;
  for (const c of cell.notebook.getCells(new vscode.NotebookRange(0, cell.index + 1))) {
    if (c.kind !== vscode.NotebookCellKind.Code) continue;
    if (c === cell || c.index === cell.index) index = cells.length;
    cells.push({ source: c.document.getText(), outputs: cellOutputTexts(c) });
  }
  return { cells, index };
}
