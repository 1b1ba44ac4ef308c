/**
 * The single Loss Lens webview panel. Handshake and replay: the webview posts `ready` each time its
 * document loads (first open, or shown again after being hidden), and the host answers with `init`
 * carrying the last report; new reports while it is open go out as `update`.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { assertNever, type FromWebview, type ToWebview } from '../../shared/protocol';
import type { ReportStore } from '../reportStore';

/** What `lossLens.openPanel` resolves with. */
export interface OpenPanelResult {
  /** True once the webview answered the handshake and rendered the latest message. */
  readonly ready: boolean;
  /** The text the webview shows for the latest message. */
  readonly text?: string;
  /** How many bars it drew. */
  readonly bars?: number;
}

/** Owns the webview panel and its disposables; at most one exists. */
export class LossLensPanel implements vscode.Disposable {
  /** The panel's view type. */
  static readonly viewType = 'lossLens.panel';
  private static current: LossLensPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  private lastRendered: { seq: number; text: string; bars: number } | undefined;
  private waiters: Array<() => void> = [];

  /** Closes the open panel, if any (on deactivation). */
  static disposeCurrent(): void {
    LossLensPanel.current?.dispose();
  }

  /** Opens the panel, or reveals the one already open. */
  static createOrShow(extensionUri: vscode.Uri, version: string, store: ReportStore): LossLensPanel {
    if (LossLensPanel.current) {
      LossLensPanel.current.panel.reveal();
      return LossLensPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(LossLensPanel.viewType, vscode.l10n.t('Loss Lens'), vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    LossLensPanel.current = new LossLensPanel(panel, extensionUri, version, store);
    return LossLensPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly version: string,
    private readonly store: ReportStore,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m)),
      store.onDidChange((report) => this.post({ type: 'update', seq: ++this.seq, report })),
    );
  }

  /** Resolves when the webview has rendered the latest message, or after `timeoutMs` with `ready: false`. */
  whenRendered(timeoutMs: number): Promise<OpenPanelResult> {
    const result = (): OpenPanelResult | undefined =>
      this.lastRendered && this.lastRendered.seq === this.seq ? { ready: true, text: this.lastRendered.text, bars: this.lastRendered.bars } : undefined;
    const now = result();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve({ ready: false });
      }, timeoutMs);
      const check = (): void => {
        const r = result();
        if (!r) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(r);
      };
      this.waiters.push(check);
    });
  }

  private receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', seq: ++this.seq, version: this.version, report: this.store.last });
        return;
      case 'rendered':
        this.lastRendered = { seq: message.seq, text: message.text, bars: message.bars };
        for (const w of [...this.waiters]) w();
        return;
      default:
        assertNever(message);
    }
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('hex');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Loss Lens</title>
</head>
<body>
  <main id="app">
    <h1>Loss Lens</h1>
    <p id="status">${vscode.l10n.t('Loading…')}</p>
    <p id="result"></p>
    <svg id="bars" role="img" aria-label="softmax probabilities"></svg>
  </main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (LossLensPanel.current === this) LossLensPanel.current = undefined;
    for (const w of this.waiters) w();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
