import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { lossBreakdown } from '../../src/engine/breakdown';
import { registry } from '../../src/engine/registry';
import { tensor, type Tensor } from '../../src/engine/tensor';
import type { ComputeLossResult, ComputedLoss } from '../../src/host/commands/computeLoss';
import { CommandIds } from '../../src/host/commandIds';
import type { ShowReportResult } from '../../src/host/panel/panelController';
import { PanelCommandIds } from '../../src/host/panel/panelCommandIds';
import type { WatchState } from '../../src/shared/watch';
import { activateExtension, fixtureUri, rangeOf } from './helpers';
import { panelState, until } from './panelHelpers';

const state = panelState;

const logits = tensor([3, 4], [2, 1, 0.1, -1, 0.5, 2.5, 0.3, 0, -2, 0, 3, 1]);
const labels = tensor([3], [0, 1, 2], 'int64');
const soft = tensor([3, 4], [0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25, 0, 0, 0.5, 0.5]);

function show(request: { op: string; args: Record<string, unknown>; title?: string; source?: string }): Thenable<ShowReportResult> {
  return vscode.commands.executeCommand<ShowReportResult>(PanelCommandIds.showReport, request);
}

describe('Loss Lens panel', () => {
  before(activateExtension);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a new panel says ready, gets init with the last report (a Compute Loss… result) and reports what it rendered', async () => {
    const editor = await vscode.window.showTextDocument(fixtureUri('losses.json'), { viewColumn: vscode.ViewColumn.One });
    const range = rangeOf(editor.document, '{ "logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "labels": [0, 1] }');
    editor.selection = new vscode.Selection(range.start, range.end);
    const computed = await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: 'defaults' });
    assert.equal(computed?.kind, 'loss', JSON.stringify(computed));
    const loss = computed as ComputedLoss;
    // What "Open in Panel" sends.
    const first = await show({ op: loss.op, args: loss.args, title: loss.title, source: loss.source });
    assert.equal(first.ready, true, JSON.stringify(first));
    assert.equal(first.value, loss.value);
    // Close the panel: a new one has no document until it says ready and the host answers init with the last report.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the panel closed', async () => !(await state()).panelOpen);
    const result = await vscode.commands.executeCommand<{ ready: boolean; text?: string; bars?: number }>(CommandIds.openPanel);
    assert.equal(result?.ready, true, `no handshake: ${JSON.stringify(result)}`);
    assert.equal(result.text, `cross_entropy (losses.json) = ${first.text?.split(' = ')[1]}`);
    assert.match(result.text ?? '', /^cross_entropy \(losses\.json\) = 0\.3185\d*$/); // F.cross_entropy = 0.31853976964918573
    assert.equal(result.bars, 3, 'one bar per class of the selected row');
    const s = await state();
    assert.equal(s.panelOpen, true);
    const panel = s.surfaces.find((c) => c.surface === 'panel' && c.ready);
    assert.ok(panel, JSON.stringify(s.surfaces));
    assert.ok(Math.abs(panel.last!.values.crossEntropy! - 0.31853976964918573) < 1e-12);
  });

  it('lossLens.showReport renders CE, H(p) and KL(p‖q) equal to the engine (class indices)', async () => {
    const result = await show({ op: 'cross_entropy', args: { input: logits, target: labels }, title: 'cross_entropy(logits, labels)', source: 'test' });
    assert.equal(result.ready, true, JSON.stringify(result));
    const value = (registry.call('cross_entropy', { input: logits, target: labels }) as Tensor).data[0];
    const b = lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', { input: logits, target: labels }))!;
    assert.equal(result.value, value);
    assert.ok(result.rendered);
    assert.ok(Math.abs(result.rendered.crossEntropy! - b.mean.crossEntropy) < 1e-12);
    assert.equal(result.rendered.entropy, 0);
    assert.ok(Math.abs(result.rendered.kl! - b.mean.kl) < 1e-12);
    assert.ok(Math.abs(result.rendered.crossEntropy! - value) < 1e-12, 'mean CE is the loss for a mean reduction');
    assert.match(result.text ?? '', /^cross_entropy\(logits, labels\) \(test\) = 0\.\d+$/);
    assert.deepEqual([result.rows, result.classes, result.complete], [3, 4, true]);
  });

  it('a probability target with label smoothing: H(p) > 0 and CE = H + KL per the engine', async () => {
    const args = { input: logits, target: soft, label_smoothing: 0.1 };
    const result = await show({ op: 'cross_entropy', args });
    assert.equal(result.ready, true);
    const b = lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', args))!;
    const value = (registry.call('cross_entropy', args) as Tensor).data[0];
    assert.ok(result.rendered!.entropy! > 0);
    assert.ok(Math.abs(result.rendered!.entropy! - b.mean.entropy) < 1e-12);
    assert.ok(Math.abs(result.rendered!.kl! - b.mean.kl) < 1e-12);
    assert.ok(Math.abs(result.rendered!.crossEntropy! - (b.mean.entropy + b.mean.kl)) < 1e-12);
    assert.ok(Math.abs(result.value! - value) < 1e-15);
  });

  it('rejected arguments resolve with the engine message and show it', async () => {
    const result = await show({ op: 'cross_entropy', args: { input: logits, target: tensor([2], [0, 1], 'int64') } });
    assert.equal(result.ready, false);
    assert.match(result.error ?? '', /target/);
    const s = await until('the error rendered', async () => {
      const st = await state();
      return st.surfaces.find((c) => c.last?.text.includes('target')) ? st : undefined;
    });
    assert.ok(s);
  });

  it('the bottom view gets the watch message, and the last report again when it becomes visible', async () => {
    await show({ op: 'cross_entropy', args: { input: logits, target: labels }, title: 'replayed' });
    await vscode.commands.executeCommand(PanelCommandIds.showView);
    const view = await until('the bottom view rendered', async () => (await state()).surfaces.find((c) => c.surface === 'view' && c.ready && c.last?.text.startsWith('replayed')));
    const watch: WatchState = {
      kind: 'paused',
      stop: 3,
      location: 'train.py:27, in train',
      watches: [
        {
          id: 1,
          inputExpression: 'logits',
          targetExpression: 'y',
          op: 'cross_entropy',
          history: [
            { stop: 1, value: 2.5 },
            { stop: 2, value: NaN },
            { stop: 3, value: 1.25 },
          ],
          latest: { kind: 'ok', value: 1.25, input: { expression: 'logits', shape: [3, 4], dtype: 'torch.float32', device: 'cpu', requiresGrad: false, transport: 'text' }, target: { expression: 'y', shape: [3], dtype: 'torch.int64', device: 'cpu', requiresGrad: false, transport: 'text' } },
        },
      ],
    };
    const posted = await vscode.commands.executeCommand<{ delivered: number }>(PanelCommandIds.postWatch, watch);
    assert.ok(posted.delivered >= 1);
    const after = await until('the watch rendered', async () => (await state()).surfaces.find((c) => c.surface === 'view' && c.last && c.last.seq > view.last!.seq));
    assert.ok(after);
    // Hide the bottom panel, show it again: the webview reloads, says ready and gets the report replayed.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await until('the view hidden', async () => !(await state()).surfaces.find((c) => c.surface === 'view' && c.visible));
    await vscode.commands.executeCommand(PanelCommandIds.showView);
    const back = await until('the view replayed', async () => (await state()).surfaces.find((c) => c.surface === 'view' && c.visible && c.ready && c.last?.text.startsWith('replayed')));
    assert.ok(Math.abs(back.last!.values.crossEntropy! - lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', { input: logits, target: labels }))!.mean.crossEntropy) < 1e-12);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('copies the report as Markdown and as PyTorch code, and saves a chart as SVG and PNG', async () => {
    await show({ op: 'cross_entropy', args: { input: logits, target: labels }, title: 'exported' });
    const md = await vscode.commands.executeCommand<string>(PanelCommandIds.copyMarkdown);
    assert.match(md, /## Loss Lens: exported/);
    assert.match(md, /\| mean over rows \|/);
    assert.equal(await vscode.env.clipboard.readText(), md);
    const code = await vscode.commands.executeCommand<string>(PanelCommandIds.copyPyTorchCode);
    assert.match(code, /F\.cross_entropy\(input, target/);
    const dir = mkdtempSync(join(tmpdir(), 'loss-lens-chart-'));
    const svg = await vscode.commands.executeCommand<{ path: string; bytes: number }>(PanelCommandIds.saveChart, { chart: 'distribution', format: 'svg', path: join(dir, 'd.svg') });
    assert.ok(svg && svg.bytes > 500, JSON.stringify(svg));
    assert.match(readFileSync(svg.path, 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
    const png = await vscode.commands.executeCommand<{ path: string; bytes: number }>(PanelCommandIds.saveChart, { chart: 'pipeline', format: 'png', path: join(dir, 'p.png') });
    assert.ok(png && png.bytes > 500, JSON.stringify(png));
    assert.deepEqual([...readFileSync(png.path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it('reports no content-security-policy violation', async () => {
    const s = await state();
    for (const c of s.surfaces) assert.deepEqual(c.violations, [], `${c.surface}: ${c.violations.join('; ')}`);
  });
});
