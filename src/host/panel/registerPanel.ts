/** Registers the panel, the bottom view, the serializer and the panel's commands. */
import * as vscode from 'vscode';
import type { Tensor } from '../../engine/tensor';
import type { WatchState } from '../../shared/watch';
import { LossLensPanel } from './lossLensPanel';
import { LossLensViewProvider } from './lossLensView';
import { PanelCommandIds } from './panelCommandIds';
import { PanelController, type ShowReportArgs, type ShowReportResult } from './panelController';

/** A seeded logits/labels pair of the given size (mulberry32), for the first-paint measurement. */
function syntheticClassification(rows: number, classes: number, seed = 7): { input: Tensor; target: Tensor } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float64Array(rows * classes);
  for (let i = 0; i < x.length; i++) x[i] = next() * 8 - 4;
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) y[r] = Math.floor(next() * classes);
  return { input: { shape: [rows, classes], data: x, dtype: 'float32' }, target: { shape: [rows], data: y, dtype: 'int64' } };
}

/** Registers everything the panel needs and returns the controller (for `lossLens.openPanel`). */
export function registerPanel(context: vscode.ExtensionContext, version: string): PanelController {
  const controller = new PanelController(version);
  const uri = context.extensionUri;
  const dev = !!process.env.LOSS_LENS_LAYER || context.extensionMode !== vscode.ExtensionMode.Production;
  void vscode.commands.executeCommand('setContext', 'lossLens.dev', dev);
  context.subscriptions.push(
    controller,
    LossLensPanel.register(uri, controller),
    LossLensViewProvider.register(uri, controller),
    vscode.commands.registerCommand(PanelCommandIds.showReport, (request: ShowReportArgs): Promise<ShowReportResult> => controller.showReport(request)),
    vscode.commands.registerCommand(PanelCommandIds.postWatch, (state: WatchState) => controller.postWatch(state)),
    vscode.commands.registerCommand(PanelCommandIds.copyMarkdown, () => controller.copyMarkdown()),
    vscode.commands.registerCommand(PanelCommandIds.copyPyTorchCode, () => controller.copyPyTorchCode()),
    vscode.commands.registerCommand(PanelCommandIds.saveChart, (options?: { chart?: string; format?: 'svg' | 'png'; path?: string }) =>
      controller.saveChart(options?.chart ?? 'pipeline', options?.format ?? 'svg', options?.path),
    ),
    vscode.commands.registerCommand(PanelCommandIds.showView, () => vscode.commands.executeCommand(`${LossLensViewProvider.viewId}.focus`)),
    vscode.commands.registerCommand(PanelCommandIds.largeReport, async (options?: { rows?: number; classes?: number }) => {
      const rows = options?.rows ?? 4096;
      const classes = options?.classes ?? 50257;
      const { input, target } = syntheticClassification(rows, classes);
      const result = await controller.showReport({ op: 'cross_entropy', args: { input, target }, title: `cross_entropy on seeded logits [${rows}, ${classes}]`, source: 'synthetic' });
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Loss Lens first paint of [{0}, {1}]: {2} ms (host build {3} ms, message {4} KB).', rows, classes, Math.round(result.firstPaintMs ?? NaN), Math.round(result.buildMs), Math.round(result.messageBytes / 1024)),
      );
      return result;
    }),
    vscode.commands.registerCommand(PanelCommandIds.panelState, () => ({
      surfaces: controller.surfaces.map((c) => ({ surface: c.surface, ready: c.ready, visible: c.visible, violations: [...c.violations], last: c.last ?? null })),
      report: controller.current ? { op: controller.current.op, value: controller.current.value, mean: controller.current.mean, complete: controller.current.complete } : null,
      panelOpen: !!LossLensPanel.open,
    })),
  );
  return controller;
}

/** Opens (or reveals) the editor-tab panel and resolves once it rendered what it shows. */
export async function openPanel(context: vscode.ExtensionContext, controller: PanelController, timeoutMs: number): Promise<{ ready: boolean; text?: string; bars?: number }> {
  const panel = LossLensPanel.createOrShow(context.extensionUri, controller);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const c = panel.connection;
    if (c.ready) {
      const r = await c.whenRendered(c.latestSeq, Math.max(1, deadline - Date.now()));
      if (r && r.seq === c.latestSeq) return { ready: true, text: r.text, bars: r.bars };
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ready: false };
}
