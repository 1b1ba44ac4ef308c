import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import type { SoftmaxReport } from '../../src/shared/protocol';
import { activateExtension, assertClose, fixtureUri, rangeOf, softmaxOf210 } from './helpers';

describe('lossLens.softmaxSelection', () => {
  before(activateExtension);
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('returns the softmax of the selected list in a JSON file', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri('logits.json'));
    const range = rangeOf(editor.document, '[2.0, 1.0, 0.1]');
    editor.selection = new vscode.Selection(range.start, range.end);
    const report = await vscode.commands.executeCommand<SoftmaxReport>(CommandIds.softmaxSelection);
    assert.ok(report, 'the command returned nothing');
    assert.equal(report.source, 'logits.json');
    assert.deepEqual(report.shape, [3]);
    assertClose(report.probabilities, softmaxOf210);
  });

  it('uses the list around the cursor when nothing is selected, row-wise for 2-D', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri('logits.json'));
    const range = rangeOf(editor.document, '[[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]');
    editor.selection = new vscode.Selection(range.start, range.start);
    const report = await vscode.commands.executeCommand<SoftmaxReport>(CommandIds.softmaxSelection);
    assert.ok(report);
    assert.deepEqual(report.shape, [2, 3]);
    assertClose(report.probabilities.slice(0, 3), softmaxOf210);
    const row2 = report.probabilities.slice(3);
    assertClose([row2.reduce((a, b) => a + b, 0)], [1]);
    assert.ok(row2[1] > row2[0] && row2[1] > row2[2], `row 2 should peak at class 1: ${row2.join(', ')}`);
  });

  it('returns undefined (an information message, not an error) when the selection has no list', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri('logits.json'));
    const range = rangeOf(editor.document, '"labels"');
    editor.selection = new vscode.Selection(range.start, range.end);
    assert.equal(await vscode.commands.executeCommand(CommandIds.softmaxSelection), undefined);
  });

  it('reads a selection inside a notebook cell', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(fixtureUri('notebook.ipynb'));
    const cell = notebook.cellAt(1);
    const editor = await vscode.window.showTextDocument(cell.document);
    assert.equal(editor.document.uri.scheme, 'vscode-notebook-cell');
    const range = rangeOf(editor.document, '[2.0, 1.0, 0.1]');
    editor.selection = new vscode.Selection(range.start, range.end);
    const report = await vscode.commands.executeCommand<SoftmaxReport>(CommandIds.softmaxSelection);
    assert.ok(report);
    assert.equal(report.source, 'notebook.ipynb, cell 2');
    assertClose(report.probabilities, softmaxOf210);
  });
});
