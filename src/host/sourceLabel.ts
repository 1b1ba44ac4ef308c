/** Human names for where numbers came from: a file name, or a notebook and cell number. */
import * as vscode from 'vscode';

/** `logits.json`, or `notebook.ipynb, cell 2` for a notebook cell document. */
export function sourceLabel(document: vscode.TextDocument): string {
  const base = (uri: vscode.Uri): string => uri.path.slice(uri.path.lastIndexOf('/') + 1);
  if (document.uri.scheme === 'vscode-notebook-cell') {
    for (const notebook of vscode.workspace.notebookDocuments) {
      const cell = notebook.getCells().find((c) => c.document === document);
      if (cell) return vscode.l10n.t('{0}, cell {1}', base(notebook.uri), cell.index + 1);
    }
  }
  return base(document.uri);
}
