/**
 * The panel's `WebviewPanelSerializer`, exercised as VS Code does on a window reload: a webview
 * panel of the panel's view type and options, handed to `deserializeWebviewPanel` with the state the
 * webview saved (after a JSON round trip, as VS Code stores it). The revived panel must answer the
 * ready → init handshake and render the saved report with its selected row and slider values.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { lossBreakdown } from '../../src/engine/breakdown';
import { registry } from '../../src/engine/registry';
import { tensor } from '../../src/engine/tensor';
import type { LossLensTestApi } from '../../src/extension';
import { webviewOptions } from '../../src/host/panel/html';
import type { ViewState } from '../../src/shared/protocol';
import { toJsonSafe } from '../../src/shared/wire';
import { activateExtension } from './helpers';
import { panelState, until } from './panelHelpers';

const state = panelState;

const logits = tensor([3, 4], [2, 1, 0.1, -1, 0.5, 2.5, 0.3, 0, -2, 0, 3, 1]);
const labels = tensor([3], [0, 1, 2], 'int64');

describe('Loss Lens panel serializer (a reload, in-host)', () => {
  let api: LossLensTestApi;
  let extensionUri: vscode.Uri;
  before(async () => {
    const ext = await activateExtension();
    api = ext.exports as LossLensTestApi;
    extensionUri = ext.extensionUri;
    assert.ok(api?.panel, 'the extension exports its panel test hooks in development mode');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the panel closed', async () => !(await state()).panelOpen);
  });

  it('revives a panel from the saved state: ready → init, the saved report at the saved row, temperature and label smoothing', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no panel open', async () => !(await state()).panelOpen);
    const saved: ViewState = {
      row: 2,
      controls: { temperature: 2, labelSmoothing: 0.1, alpha: 0.5, reduction: 'mean' },
      key: 'saved before the reload',
      inputs: toJsonSafe({ op: 'cross_entropy', args: { input: logits, target: labels }, title: 'revived(logits, labels)', source: 'saved state' }),
    };
    const panel = vscode.window.createWebviewPanel(api.panel!.viewType, 'Loss Lens', vscode.ViewColumn.One, webviewOptions(extensionUri));
    await api.panel!.serializer.deserializeWebviewPanel(panel, JSON.parse(JSON.stringify(saved)));
    const shown = await until('the revived panel rendered the saved report', async () => (await state()).surfaces.find((c) => c.surface === 'panel' && c.ready && c.last?.text.startsWith('revived(logits, labels) (saved state)')), 20_000);
    // What PyTorch computes for the saved sliders: logits / T with T = 2, label_smoothing = 0.1.
    const halved = tensor([3, 4], Array.from(logits.data, (x) => x / 2));
    const args = registry.resolveArgs('cross_entropy', { input: halved, target: labels, label_smoothing: 0.1 });
    const b = lossBreakdown('cross_entropy', args)!;
    assert.ok(Math.abs(shown.last!.values.crossEntropy! - b.mean.crossEntropy) < 1e-12, `CE ${shown.last!.values.crossEntropy} vs ${b.mean.crossEntropy}`);
    assert.ok(Math.abs(shown.last!.values.entropy! - b.mean.entropy) < 1e-12);
    assert.ok(b.mean.entropy > 0, 'label smoothing gives the target entropy');
    assert.ok(Math.abs(shown.last!.values.kl! - b.mean.kl) < 1e-12);
    assert.equal(shown.last!.values.row, 2, 'the saved selected row');
    const s = await state();
    assert.equal(s.panelOpen, true);
    assert.equal(s.report?.title, 'revived(logits, labels)');
    assert.deepEqual([s.report?.controls.temperature, s.report?.controls.labelSmoothing, s.report?.row], [2, 0.1, 2], 'the host holds the revived report with the saved controls');
  });

  it('a saved state without a report revives an empty panel that still completes the handshake', async () => {
    const panel = vscode.window.createWebviewPanel(api.panel!.viewType, 'Loss Lens', vscode.ViewColumn.One, webviewOptions(extensionUri));
    const before = (await state()).report;
    await api.panel!.serializer.deserializeWebviewPanel(panel, { row: 0, controls: null });
    const shown = await until('the revived panel said ready', async () => (await state()).surfaces.find((c) => c.surface === 'panel' && c.ready && c.last));
    assert.equal((await state()).report?.title, before?.title, 'the host keeps the report it had');
    assert.ok(shown.last!.text.length > 0);
  });
});
