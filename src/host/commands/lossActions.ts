/** The buttons of a loss notification: "Open in Panel" and "Copy as PyTorch Code". */
import * as vscode from 'vscode';
import type { OpArgs } from '../../engine/op';
import { CommandIds } from '../commandIds';

/** What the panel is asked to show: `lossLens.showReport`'s argument. */
export interface ShowReportRequest {
  readonly op: string;
  readonly args: OpArgs;
  readonly title: string;
  /** Where the tensors came from: `losses.json`, `notebook.ipynb, cell 3`. */
  readonly source?: string;
}

/** Opens the panel on a computation: `lossLens.showReport` when it exists, else the plain panel. */
export async function openInPanel(request: ShowReportRequest): Promise<unknown> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes(CommandIds.showReport)) return vscode.commands.executeCommand(CommandIds.showReport, request);
  return vscode.commands.executeCommand(CommandIds.openPanel);
}

/** Shows `message` with the two buttons and acts on the one pressed; does not wait for the user. */
export function offerLossActions(message: string, request: ShowReportRequest, code: string): void {
  const open = vscode.l10n.t('Open in Panel');
  const copy = vscode.l10n.t('Copy as PyTorch Code');
  void vscode.window.showInformationMessage(message, open, copy).then(async (choice) => {
    if (choice === open) await openInPanel(request);
    else if (choice === copy) {
      await vscode.env.clipboard.writeText(code);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Loss Lens: PyTorch code copied'), 3000);
    }
  });
}
