/**
 * Smoke suite against the installed VSIX (not the repository's development copy): the extension
 * is the packaged one, a JSON hover answers, Compute Loss… computes PyTorch's value, and the panel
 * opens and renders. It imports no product code: what it checks is what the package ships.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'loss-lens.loss-lens';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the launcher opens test/fixtures/workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function select(document: vscode.TextDocument, needle: string): Promise<void> {
  const editor = await vscode.window.showTextDocument(document);
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} is not in ${document.uri.path}`);
  editor.selection = new vscode.Selection(document.positionAt(at), document.positionAt(at + needle.length));
}

describe('the installed VSIX', () => {
  let ext: vscode.Extension<unknown> | undefined;

  before(async () => {
    ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('is the packaged copy in the extensions folder, in production mode', () => {
    assert.match(ext!.extensionUri.path, /\/extensions\/loss-lens\.loss-lens-\d+\.\d+\.\d+\/?$/);
    assert.equal((ext!.packageJSON as { icon?: string }).icon, 'media/icon.png');
  });

  it('answers a hover on a JSON tensor (softmax of [2, 1, 0.1] starts 0.659)', async () => {
    const document = await vscode.workspace.openTextDocument(fixture('logits.json'));
    await vscode.window.showTextDocument(document);
    const at = document.getText().indexOf('[[2.0, 1.0, 0.1]') + 2;
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(at))) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\[2, 3\]/, text);
    assert.match(text, /0\.659/, text); // torch.softmax(tensor([2., 1., 0.1]))[0] = 0.6590
  });

  it('computes a loss from a selection (F.cross_entropy = 0.31853976964918573)', async () => {
    const document = await vscode.workspace.openTextDocument(fixture('losses.json'));
    await select(document, '{ "logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "labels": [0, 1] }');
    const r = await vscode.commands.executeCommand<{ kind: string; value?: number }>('lossLens.computeLoss', { op: 'cross_entropy', options: 'defaults' });
    assert.equal(r?.kind, 'loss', JSON.stringify(r));
    assert.ok(Math.abs((r.value ?? NaN) - 0.31853976964918573) < 1e-12, String(r.value));
  });

  it('opens the panel, whose packaged webview loads and answers the handshake', async () => {
    const r = await vscode.commands.executeCommand<{ ready?: boolean; text?: string }>('lossLens.openPanel');
    assert.equal(r?.ready, true, JSON.stringify(r));
    assert.match(r.text ?? '', /Compute a loss/); // the empty state, drawn by the minified webview bundle
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lossLens.panel')), tabs.map((t) => t.label).join(', '));
  });
});
