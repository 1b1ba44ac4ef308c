/**
 * Loss Lens entry point: activate/deactivate only. Construct, register, push disposables.
 */
import * as vscode from 'vscode';
import { registry } from './engine/registry';
import { CommandIds } from './host/commandIds';
import { registerEditorFeatures } from './host/commands/editorFeatures';
import { openPanel, panelTestHooks, registerPanel, type PanelTestHooks } from './host/panel/registerPanel';
import { registerDebugFeature } from './host/debug/debugFeature';

/** How long `lossLens.openPanel` waits for the webview's handshake before resolving `ready: false`. */
const PANEL_HANDSHAKE_MS = 20_000;

/** What `activate` exports outside production mode, for the in-host tests only. */
export interface LossLensTestApi {
  readonly panel: PanelTestHooks | undefined;
}

/** Activates Loss Lens. Features register their own disposables; in development mode the exports carry test hooks. */
export function activate(context: vscode.ExtensionContext): LossLensTestApi | undefined {
  const version = String(context.extension.packageJSON.version ?? '');
  const panel = registerPanel(context, version);
  context.subscriptions.push(
    registerDebugFeature(),
    vscode.commands.registerCommand(CommandIds.listOps, () => registry.list().map((op) => op.name)),
    vscode.commands.registerCommand(CommandIds.openPanel, () => openPanel(context, panel, PANEL_HANDSHAKE_MS)),
    ...registerEditorFeatures(),
  );
  return context.extensionMode === vscode.ExtensionMode.Production ? undefined : { panel: panelTestHooks() };
}

/** Nothing to release beyond the subscriptions. */
export function deactivate(): void {}
