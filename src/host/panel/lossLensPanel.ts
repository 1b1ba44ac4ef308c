/**
 * The Loss Lens panel in an editor tab: at most one, revived after a reload by a
 * `WebviewPanelSerializer` (activation event `onWebviewPanel:lossLens.panel`). Its document is
 * retained while the tab is hidden. The webview keeps its selected row and control values with
 * `setState`; the host replays the last report on `ready`.
 */
import * as vscode from 'vscode';
import type { Connection } from './connection';
import { webviewHtml, webviewOptions } from './html';
import type { PanelController } from './panelController';
import { requestFromSavedState } from './savedState';

/** Owns the editor-tab panel and its disposables. */
export class LossLensPanel implements vscode.Disposable {
  /** The panel's view type. */
  static readonly viewType = 'lossLens.panel';
  private static current: LossLensPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  /** The panel's connection to the controller. */
  readonly connection: Connection;

  /** Registers the serializer and tells the controller how to open the panel. */
  static register(extensionUri: vscode.Uri, controller: PanelController): vscode.Disposable {
    controller.setOpener({ openPanel: () => LossLensPanel.createOrShow(extensionUri, controller) });
    LossLensPanel.serializer = LossLensPanel.createSerializer(extensionUri, controller);
    return vscode.Disposable.from(vscode.window.registerWebviewPanelSerializer(LossLensPanel.viewType, LossLensPanel.serializer), { dispose: () => LossLensPanel.current?.dispose() });
  }

  /** The registered serializer (tests call it as VS Code does on a reload: the extension's exports in development mode). */
  static serializer: vscode.WebviewPanelSerializer<unknown> | undefined;

  /**
   * Revives a panel after a reload: attaches it and, when the webview's saved state holds a report,
   * has the host rebuild it with the saved row and controls, so the host holds it again and the
   * webview gets it in `init`. Resolves once the panel is attached; the report follows.
   */
  private static createSerializer(extensionUri: vscode.Uri, controller: PanelController): vscode.WebviewPanelSerializer<unknown> {
    return {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        LossLensPanel.current?.dispose();
        LossLensPanel.current = new LossLensPanel(panel, extensionUri, controller);
        const saved = requestFromSavedState(state);
        if (saved) void controller.showReport({ ...saved, reveal: false });
      },
    };
  }

  /** The open panel, if any. */
  static get open(): LossLensPanel | undefined {
    return LossLensPanel.current;
  }

  /** Opens the panel beside the active editor, or reveals the one already open. */
  static createOrShow(extensionUri: vscode.Uri, controller: PanelController): LossLensPanel {
    if (LossLensPanel.current) {
      LossLensPanel.current.panel.reveal(undefined, true);
      return LossLensPanel.current;
    }
    // The document is kept while the tab is hidden: a report sent to a panel in a background tab
    // paints as soon as the tab is shown, without reloading the app and redrawing every chart (a
    // reload cost about 1 s of a 1.4 s first paint in the real workbench; see docs/ARCHITECTURE.md).
    const panel = vscode.window.createWebviewPanel(LossLensPanel.viewType, vscode.l10n.t('Loss Lens'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { ...webviewOptions(extensionUri), retainContextWhenHidden: true });
    LossLensPanel.current = new LossLensPanel(panel, extensionUri, controller);
    return LossLensPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly controller: PanelController,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'lossLens.svg');
    this.connection = controller.attach(panel.webview, 'panel', () => panel.visible);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'panel');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        // A retained document lives on while hidden; otherwise VS Code discards it and it posts `ready` again.
        if (!panel.visible && !panel.options.retainContextWhenHidden) controller.hidden(this.connection);
      }),
    );
  }

  dispose(): void {
    if (LossLensPanel.current === this) LossLensPanel.current = undefined;
    this.controller.detach(this.connection);
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}
