import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import type { OpenPanelResult } from '../../src/host/panel/lossLensPanel';
import { activateExtension, fixtureUri, rangeOf } from './helpers';

describe('Loss Lens panel', () => {
  before(activateExtension);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('answers the webview ready handshake with init and reports what it rendered', async () => {
    const result = await vscode.commands.executeCommand<OpenPanelResult>(CommandIds.openPanel);
    assert.equal(result?.ready, true, `no handshake: ${JSON.stringify(result)}`);
    assert.ok(result.text && result.text.length > 0);
  });

  it('sends a new report to the open panel as update', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri('logits.json'), { viewColumn: vscode.ViewColumn.One });
    const range = rangeOf(editor.document, '[0.5, 2.5, 0.3]');
    editor.selection = new vscode.Selection(range.start, range.end);
    await vscode.commands.executeCommand(CommandIds.softmaxSelection);
    const result = await vscode.commands.executeCommand<OpenPanelResult>(CommandIds.openPanel);
    assert.equal(result?.ready, true, `no render: ${JSON.stringify(result)}`);
    assert.match(result.text ?? '', /softmax of logits\.json: \[0\.1086, 0\.8025, 0\.08892\]/);
    assert.equal(result.bars, 3);
  });
});
