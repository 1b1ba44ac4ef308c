import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, hoverText, rangeOf } from './helpers';

/** Runs every hover provider at the middle of `needle` in `document`. */
async function hoverAt(document: vscode.TextDocument, needle: string, inner: string): Promise<string> {
  const range = rangeOf(document, needle);
  const offset = document.offsetAt(range.start) + needle.indexOf(inner) + 1;
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset));
  return hoverText(hovers ?? []);
}

describe('softmax hover', () => {
  before(activateExtension);

  it('shows the softmax of the list under the cursor in a JSON file', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('logits.json'));
    assert.equal(document.languageId, 'json');
    const text = await hoverAt(document, '"logits": [2.0, 1.0, 0.1]', '1.0');
    assert.match(text, /Loss Lens: softmax/);
    assert.match(text, /softmax: `\[0\.659, 0\.2424, 0\.09857\]`/);
  });

  it('shows the inner row of a 2-D list', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('logits.json'));
    const text = await hoverAt(document, '[0.5, 2.5, 0.3]', '2.5');
    assert.match(text, /logits: `\[0\.5, 2\.5, 0\.3\]`/);
  });

  it('shows nothing away from a list', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('logits.json'));
    const text = await hoverAt(document, '"labels"', 'labels');
    assert.doesNotMatch(text, /Loss Lens/);
  });

  it('shows the softmax in a Python cell of a Jupyter notebook', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(fixtureUri('notebook.ipynb'));
    assert.equal(notebook.notebookType, 'jupyter-notebook');
    const cell = notebook.cellAt(1);
    assert.equal(cell.kind, vscode.NotebookCellKind.Code);
    assert.equal(cell.document.languageId, 'python');
    assert.equal(cell.document.uri.scheme, 'vscode-notebook-cell');
    const text = await hoverAt(cell.document, 'torch.tensor([2.0, 1.0, 0.1])', '1.0');
    assert.match(text, /softmax: `\[0\.659, 0\.2424, 0\.09857\]`/);
  });
});
