/** The webview document of the panel and the bottom view: a strict CSP, one nonce'd bundle, the stylesheet. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Surface } from '../../shared/protocol';

/** `localResourceRoots` of every Loss Lens webview: the bundle and the media folder, nothing else. */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The options both surfaces use. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
}

/**
 * The HTML: `default-src 'none'`; scripts only by nonce (no eval, no inline handlers); styles and
 * images only from the extension (charts are SVG elements and a canvas; `blob:` images let the
 * webview rasterise an SVG chart to PNG). Nothing is loaded from the network.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: Surface): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    `default-src 'none'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} blob: data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Loss Lens</title>
</head>
<body data-surface="${surface}">
  <main id="app">
    <p id="status">${vscode.l10n.t('Loading…')}</p>
  </main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
