/**
 * Loss Lens entry point: activate/deactivate only. Construct, register, push disposables.
 */
import * as vscode from 'vscode';
import { registry } from './engine/registry';

/** Activates Loss Lens. Returns nothing; features register their own disposables. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('lossLens.listOps', () => registry.list().map((op) => op.name)),
  );
}

/** Nothing to release beyond the subscriptions. */
export function deactivate(): void {}
