/**
 * Registers the debug feature: the adapter tracker, the watch controller and its commands.
 * `src/extension.ts` calls `registerDebugFeature` once and disposes what it returns.
 */
import * as vscode from 'vscode';
import { DebugCommandIds } from './debugCommandIds';
import { CommandWatchSink, DebugWatchController, type WatchSink } from './debugWatchController';
import { TensorVariableTracker } from './tensorVariableTracker';
import { openVariable, watchLoss, type VariablesViewContext, type WatchLossArgs } from './watchCommands';

/** Registers everything; `sink` defaults to the panel's `lossLens.internal.postWatch`. */
export function registerDebugFeature(sink: WatchSink = new CommandWatchSink()): vscode.Disposable {
  const tracker = TensorVariableTracker.register();
  const controller = new DebugWatchController(tracker, sink, vscode.l10n.t);
  const disposables: vscode.Disposable[] = [
    tracker,
    controller,
    vscode.commands.registerCommand(DebugCommandIds.watchLoss, (args?: WatchLossArgs) => watchLoss(controller, args)),
    vscode.commands.registerCommand(DebugCommandIds.openVariable, (context?: VariablesViewContext, options?: { target?: string; op?: string }) =>
      openVariable(controller, tracker, context, options),
    ),
    vscode.commands.registerCommand(DebugCommandIds.unwatch, (id?: number) => controller.unwatch(typeof id === 'number' ? id : undefined)),
    vscode.commands.registerCommand(DebugCommandIds.openWatchReport, (id: number) => controller.openReport(id)),
    vscode.commands.registerCommand(DebugCommandIds.watchState, (options?: { refresh?: boolean }) => (options?.refresh ? controller.refresh() : controller.last)),
  ];
  return vscode.Disposable.from(...disposables);
}
