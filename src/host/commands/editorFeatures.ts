/** Registers the editor features: Compute Loss…, Analyze Tensor, Analyze Cell Output, the hover and its panel link. */
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { hoverResult } from '../hover/hoverResults';
import { LossLensHoverProvider } from '../hover/lossLensHover';
import { outputDisposable } from '../output';
import { analyzeCellOutputCommand, type AnalyzeCellOutputArgs } from './analyzeCellOutput';
import { analyzeTensorCommand, type AnalyzeTensorArgs } from './analyzeTensor';
import { computeLossCommand, problem, type ComputeLossArgs } from './computeLoss';
import { openInPanel } from './lossActions';

/** Every disposable of the editor features. */
export function registerEditorFeatures(): vscode.Disposable[] {
  return [
    outputDisposable,
    vscode.commands.registerCommand(CommandIds.computeLoss, (args?: ComputeLossArgs) => computeLossCommand(isArgs(args) ? args : {})),
    vscode.commands.registerCommand(CommandIds.analyzeTensor, (args?: AnalyzeTensorArgs) => analyzeTensorCommand(isArgs(args) ? args : {})),
    vscode.commands.registerCommand(CommandIds.analyzeCellOutput, (arg?: AnalyzeCellOutputArgs) => analyzeCellOutputCommand(arg)),
    vscode.commands.registerCommand(CommandIds.showHoverResult, (id: string) => {
      const request = hoverResult(String(id));
      if (!request) return problem(vscode.l10n.t('That hover is too old to open: hover the loss call again.'), 'information');
      return openInPanel(request);
    }),
    LossLensHoverProvider.register(),
  ];
}

/**
 * Editor context menus pass the document URI as the first argument; only a plain options object
 * is an argument bag.
 */
function isArgs<T>(a: T | undefined): a is T {
  return typeof a === 'object' && a !== null && !(a instanceof vscode.Uri);
}
