/**
 * The Loss Lens view in the bottom panel (a `WebviewView` in the `lossLens` panel container), so the
 * report and the debug watch sit beside the code while debugging. Same webview app as the panel.
 */
import * as vscode from 'vscode';
import type { Connection } from './connection';
import { webviewHtml, webviewOptions } from './html';
import type { PanelController } from './panelController';

/** Provides the bottom-panel view. */
export class LossLensViewProvider implements vscode.WebviewViewProvider {
  /** The view id in package.json. */
  static readonly viewId = 'lossLens.view';
  private connection: Connection | undefined;

  /** Registers the provider. */
  static register(extensionUri: vscode.Uri, controller: PanelController): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(LossLensViewProvider.viewId, new LossLensViewProvider(extensionUri, controller));
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: PanelController,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    if (this.connection) this.controller.detach(this.connection);
    view.webview.options = webviewOptions(this.extensionUri);
    const connection = this.controller.attach(view.webview, 'view', () => view.visible);
    this.connection = connection;
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'view');
    const subscriptions = [
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.controller.hidden(connection);
      }),
      view.onDidDispose(() => {
        this.controller.detach(connection);
        if (this.connection === connection) this.connection = undefined;
        for (const s of subscriptions) s.dispose();
      }),
    ];
  }
}
