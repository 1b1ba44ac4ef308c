/** Registers the panel, the bottom view, the serializer and the panel's commands. */
import * as vscode from 'vscode';
import type { Tensor } from '../../engine/tensor';
import type { WatchState } from '../../shared/watch';
import { LossLensPanel } from './lossLensPanel';
import { LossLensViewProvider } from './lossLensView';
import { PanelCommandIds } from './panelCommandIds';
import { PanelController, type ShowReportArgs, type ShowReportResult } from './panelController';
import { syntheticClassification } from './synthetic';

/** Demo reports for screenshots and manual checks: every view of the panel on small, fixed tensors. */
function demoReports(): Array<{ label: string; request: ShowReportArgs }> {
  const t = (shape: number[], data: number[], dtype: 'float64' | 'int64' = 'float64'): Tensor => ({ shape, data: Float64Array.from(data), dtype });
  const student = t([4, 5], [2, 1, 0.1, -1, 0.5, 0.5, 2.5, 0.3, 0, -0.5, -2, 0, 3, 1, 0.2, 1, 1, 1, 1.2, 0.8]);
  const teacher = t([4, 5], [3, 0.5, -1, 0, 0.2, 0, 3, 0.2, -0.5, 0.1, -1, 0.5, 2.5, 1.5, 0, 0.3, 0.2, 0.1, 2, 0.4]);
  const labels = t([4], [0, 1, 2, 3], 'int64');
  // Seed notebook 002: three one-hot predictions of class 0 (AugMix splits), label 0.
  const oneHot = t([3, 10], Array.from({ length: 30 }, (_v, i) => (i % 10 === 0 ? 1 : 0)));
  return [
    { label: 'distillation_loss', request: { op: 'distillation_loss', args: { student, teacher, labels }, title: 'distillation_loss(student, teacher, labels)', source: 'demo' } },
    { label: 'jsd_cross_entropy', request: { op: 'jsd_cross_entropy', args: { input: oneHot, target: t([3], [0, 0, 0], 'int64'), smoothing: 0 }, title: 'JsdCrossEntropy(smoothing=0)(output, labels)', source: 'seed 002' } },
    { label: 'binary_cross_entropy_with_logits', request: { op: 'binary_cross_entropy_with_logits', args: { input: student, target: t([4, 5], [1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0]) }, title: 'binary_cross_entropy_with_logits(x, y)', source: 'demo' } },
    { label: 'cross_entropy (probabilities as logits)', request: { op: 'cross_entropy', args: { input: t([2, 3], [0.2, 0.3, 0.5, 0.1, 0.1, 0.8]), target: t([2], [2, 1], 'int64') }, title: 'cross_entropy(probs, labels)', source: 'demo' } },
  ];
}

/** A paused session with two watched pairs, one read and one failing. */
function demoWatch(): WatchState {
  const summary = (expression: string, shape: number[], dtype: string) => ({ expression, shape, dtype, device: 'cpu', requiresGrad: false, transport: 'text' as const });
  return {
    kind: 'paused',
    stop: 5,
    location: 'train.py:27, in train',
    watches: [
      {
        id: 1,
        inputExpression: 'logits',
        targetExpression: 'y',
        op: 'cross_entropy',
        history: [2.31, 1.92, 1.41, 1.12, 0.87].map((value, i) => ({ stop: i + 1, value })),
        latest: { kind: 'ok', value: 0.87, input: summary('logits', [8, 10], 'torch.float32'), target: summary('y', [8], 'torch.int64') },
      },
      {
        id: 2,
        inputExpression: 'probs',
        targetExpression: 'y',
        op: 'nll_loss',
        history: [],
        latest: { kind: 'error', problem: 'expression-failed', message: "The debugger could not evaluate 'probs': NameError: name 'probs' is not defined. Check the expression in the current frame." },
      },
    ],
  };
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
      const { input, target } = await syntheticClassification(rows, classes);
      const result = await controller.showReport({ op: 'cross_entropy', args: { input, target }, title: `cross_entropy on seeded logits [${rows}, ${classes}]`, source: 'synthetic' });
      const s = result.firstPaintSteps;
      const boot = s?.boot ? vscode.l10n.t(' (webview load: open {0} + document {1} + bundle {2} + evaluate {3} + ready {4} ms)', ...[s.boot.open, s.boot.document, s.boot.fetch, s.boot.evaluate, s.boot.readyTransit].map(Math.round)) : '';
      const steps = s ? vscode.l10n.t('posted at {0} ms{1}, webview decode {2} + render {3} + paint {4} ms, transit {5} ms', Math.round(s.posted), boot, ...[s.decode, s.render, s.paint, s.transit].map(Math.round)) : '';
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Loss Lens first paint of [{0}, {1}]: {2} ms (host build {3} ms, message {4} KB; {5}).', rows, classes, Math.round(result.firstPaintMs ?? NaN), Math.round(result.buildMs), Math.round(result.messageBytes / 1024), steps),
      );
      return result;
    }),
    vscode.commands.registerCommand(PanelCommandIds.demoReport, async (label?: string) => {
      const demos = demoReports();
      const watchLabel = 'debug watch (demo)';
      const pick = label ?? (await vscode.window.showQuickPick([...demos.map((d) => d.label), watchLabel], { placeHolder: vscode.l10n.t('A demo report to show') }));
      if (pick === watchLabel) {
        await vscode.commands.executeCommand(PanelCommandIds.showView);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return controller.postWatch(demoWatch());
      }
      const demo = demos.find((d) => d.label === pick);
      return demo ? controller.showReport(demo.request) : undefined;
    }),
    vscode.commands.registerCommand(PanelCommandIds.colorTheme, async (name?: string) => {
      const reset = '(the default theme)';
      const pick = name ?? (await vscode.window.showQuickPick(['Default Dark Modern', 'Default Light Modern', 'Default High Contrast', 'Default High Contrast Light', 'Default Dark+', 'Default Light+', reset]));
      if (pick) await vscode.workspace.getConfiguration('workbench').update('colorTheme', pick === reset ? undefined : pick, vscode.ConfigurationTarget.Global);
      return pick;
    }),
    vscode.commands.registerCommand(PanelCommandIds.panelState, () => ({
      surfaces: controller.surfaces.map((c) => ({ surface: c.surface, ready: c.ready, visible: c.visible, violations: [...c.violations], last: c.last ?? null })),
      report: controller.current
        ? { op: controller.current.op, title: controller.current.title, value: controller.current.value, mean: controller.current.mean, complete: controller.current.complete, controls: controller.current.controls, row: controller.current.selected?.row ?? null }
        : null,
      panelOpen: !!LossLensPanel.open,
    })),
  );
  return controller;
}

/** What the in-host tests reach through the extension's exports in development mode (not a command). */
export interface PanelTestHooks {
  /** The registered `WebviewPanelSerializer`, to revive a panel as VS Code does after a reload. */
  readonly serializer: vscode.WebviewPanelSerializer<unknown>;
  /** The panel's view type, for `createWebviewPanel`. */
  readonly viewType: string;
}

/** The panel's test hooks (after {@link registerPanel}). */
export function panelTestHooks(): PanelTestHooks | undefined {
  const serializer = LossLensPanel.serializer;
  return serializer ? { serializer, viewType: LossLensPanel.viewType } : undefined;
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
