/** The one "Loss Lens" output channel of the extension (a log channel: timestamps and levels for free). */
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The "Loss Lens" log channel, created on first use. */
export function output(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Loss Lens', { log: true });
  return channel;
}

/** Disposes the channel (on deactivation); a later `output()` makes a new one. */
export const outputDisposable: vscode.Disposable = {
  dispose() {
    channel?.dispose();
    channel = undefined;
  },
};
