/**
 * The debug feature's commands: `Loss Lens: Watch Loss While Debugging` and the Variables view's
 * "Open in Loss Lens". Both end in `DebugWatchController.watch`; arguments skip every prompt, so
 * tests (and keybindings) can run them without UI.
 */
import * as vscode from 'vscode';
import { registry } from '../../engine';
import { roleForKey } from '../../parsers';
import type { DebugWatchController, WatchResult } from './debugWatchController';
import type { ReadOutcome } from './tensorReader';
import { variableExpression, type VariableLike } from './tensorVariables';
import type { TensorVariableTracker } from './tensorVariableTracker';
import { rankOps } from '../opRanking';
import { guessTarget, pairOps } from './watchLoss';
import { prefillFromSelection } from './watchSelection';

/** What the watch commands resolve with (undefined when the user cancels a prompt). */
export type WatchCommandResult = (WatchResult & { readonly id: number }) | undefined;

/** Arguments that skip the prompts of `lossLens.watchLoss`. */
export interface WatchLossArgs {
  readonly input?: string;
  readonly target?: string;
  readonly op?: string;
}

/** What the Variables view passes to a `debug/variables/context` command. */
export interface VariablesViewContext {
  readonly sessionId?: string;
  readonly container?: { readonly variablesReference?: number };
  readonly variable: VariableLike;
}

/** `lossLens.watchLoss`: input and target expressions (prefilled from the selection) and an op. */
export async function watchLoss(controller: DebugWatchController, args: WatchLossArgs = {}): Promise<WatchCommandResult> {
  const ops = pairOps().map((o) => o.name);
  const editor = vscode.window.activeTextEditor;
  const prefill = editor && !editor.selection.isEmpty ? prefillFromSelection(editor.document.getText(editor.selection), ops) : {};
  const input =
    args.input ??
    (await askExpression(vscode.l10n.t('Watch loss: input'), vscode.l10n.t('The expression of the input (logits), read in the paused frame at each stop'), prefill.input, 'logits'));
  if (input === undefined) return undefined;
  const target =
    args.target ??
    (await askExpression(vscode.l10n.t('Watch loss: target'), vscode.l10n.t('The expression of the target (labels or probabilities)'), prefill.target, 'labels'));
  if (target === undefined) return undefined;
  const op = args.op ?? prefill.op ?? (await pickOp(controller, input.trim(), target.trim()));
  if (op === undefined) return undefined;
  return controller.watch({ inputExpression: input.trim(), targetExpression: target.trim(), op });
}

/** "Open in Loss Lens" on a tensor in the Variables view; `options` skip the prompts. */
export async function openVariable(
  controller: DebugWatchController,
  tracker: TensorVariableTracker,
  context: VariablesViewContext | undefined,
  options: { readonly target?: string; readonly op?: string } = {},
): Promise<WatchCommandResult> {
  if (!context?.variable) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Right-click a tensor in the Variables view to open it in Loss Lens.'));
    return undefined;
  }
  const input = variableExpression(context.variable);
  const siblings =
    context.sessionId !== undefined && context.container?.variablesReference !== undefined
      ? tracker.tensorsIn(context.sessionId, context.container.variablesReference)
      : [];
  let target = options.target;
  if (target === undefined) {
    const guessed = guessTarget(context.variable.name, siblings.map((s) => s.name), (n, exact) => roleForKey(n, exact));
    const guessedVar = siblings.find((s) => s.name === guessed);
    target = guessedVar ? variableExpression(guessedVar) : await pickTarget(input, siblings.filter((s) => s.name !== context.variable.name));
  }
  if (target === undefined) return undefined;
  const op = options.op ?? (await pickOp(controller, input, target));
  if (op === undefined) return undefined;
  return controller.watch({ inputExpression: input, targetExpression: target, op });
}

/** An input box for one expression; undefined when cancelled. */
function askExpression(title: string, prompt: string, value: string | undefined, example: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt,
    value: value ?? '',
    placeHolder: example,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type an expression, e.g. {0}', example)),
  });
}

async function pickTarget(input: string, candidates: readonly VariableLike[]): Promise<string | undefined> {
  const other = vscode.l10n.t('Type an expression…');
  const items: vscode.QuickPickItem[] = [...candidates.map((c) => ({ label: variableExpression(c), description: c.value?.slice(0, 60) })), { label: other }];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Target for {0}', input), placeHolder: vscode.l10n.t('The labels or probabilities to compare {0} with', input) });
  if (!pick) return undefined;
  if (pick.label !== other) return pick.label;
  return askExpression(vscode.l10n.t('Target for {0}', input), vscode.l10n.t('The expression of the target (labels or probabilities)'), undefined, 'labels');
}

/** The op picker: ops ranked for the tensors when the program is paused, registry order otherwise. */
async function pickOp(controller: DebugWatchController, input: string, target: string): Promise<string | undefined> {
  const [a, b]: Array<ReadOutcome | undefined> = [await controller.readNow(input), await controller.readNow(target)];
  const ranked =
    a?.kind === 'tensor' && b?.kind === 'tensor' ? rankOps(a.value.tensor, b.value.tensor, registry.list()) : pairOps().map((o) => ({ op: o.name, likely: false, reason: undefined }));
  const items = ranked.map((r) => ({ label: r.op, description: r.likely ? r.reason : undefined, detail: registry.get(r.op).doc }));
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Loss for {0} and {1}', input, target), matchOnDetail: true });
  return pick?.label;
}
