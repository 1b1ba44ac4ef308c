/**
 * `lossLens.computeLoss` ("Compute Loss…"): the loss of the selected tensors. Two tensors in the
 * selection (two literals, assignments, or a JSON object with input and target roles) are used as
 * they are; otherwise an input box asks for the target, validating as you type. The op is picked
 * from the registry with the likely ones first ({@link rankOps}), then its options (PyTorch's
 * defaults, or one pick per option). The value goes to a notification with "Open in Panel" and
 * "Copy as PyTorch Code", and to the Loss Lens output channel. Every prompt can be skipped with
 * {@link ComputeLossArgs}, which is how the tests drive it.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../engine/diagnostics';
import { isEngineError } from '../../engine/errors';
import type { ArgSpec, ArgValue, OpArgs, OpSpec } from '../../engine/op';
import { registry } from '../../engine/registry';
import type { Tensor } from '../../engine/tensor';
import { isParseError } from '../../parsers';
import { toPyTorchCode } from '../../shared/pytorchCode';
import { lossLogLines, lossNotification, optionsText, positionedError, pythonArg, shapeText } from '../editorFormat';
import { computeLoss, optionArgs, optionsFromFields } from '../lossComputation';
import { inputTargetArgs, rankOps, type RankedOp } from '../opRanking';
import { output } from '../output';
import { shortCall } from '../hover/evaluatorInput';
import { readOneTensor } from '../selectionTensors';
import { readEditorTensors } from './editorTensors';
import { offerLossActions } from './lossActions';

/** Arguments that skip the prompts (for tests and other commands). */
export interface ComputeLossArgs {
  /** The registry op; skips the op pick. A selected loss call of another op gives only its input and target. */
  readonly op?: string;
  /** The target as text (`[0, 2]`); skips the target prompt when the selection holds only the input. */
  readonly target?: string;
  /** Option values by PyTorch name, or `'defaults'`; skips the option prompts. */
  readonly options?: Readonly<Record<string, ArgValue>> | 'defaults';
  /** Read this text instead of the active editor's selection. */
  readonly text?: string;
  /** Read this range (document offsets) of this document (a notebook cell's URI too) instead of the active editor's selection. */
  readonly uri?: string;
  readonly range?: { readonly start: number; readonly end: number };
}

/** A computed loss, as the command returns it. */
export interface ComputedLoss {
  readonly kind: 'loss';
  readonly op: string;
  /** Complete arguments, defaults filled. */
  readonly args: OpArgs;
  /** The output tensor, and its value when it has one element. */
  readonly output: Tensor;
  readonly value?: number;
  readonly findings: readonly Finding[];
  /** Where the tensors came from. */
  readonly source: string;
  /** The panel title (the op); the panel shows it with `source`. */
  readonly title: string;
  /** The notification text and the output-channel lines. */
  readonly message: string;
  readonly log: readonly string[];
  /** PyTorch code that reproduces the value. */
  readonly code: string;
  /** The loss call's text when the selection was one (computed as written). */
  readonly call?: string;
  /** Where values came from when not computed from literals (printed outputs). */
  readonly provenance: readonly string[];
}

/** Nothing computed: why (also shown to the user). */
export interface CommandProblem {
  readonly kind: 'problem';
  readonly message: string;
}

/** The user dismissed a prompt. */
export interface CommandCancelled {
  readonly kind: 'cancelled';
}

/** What `lossLens.computeLoss` resolves with. */
export type ComputeLossResult = ComputedLoss | CommandProblem | CommandCancelled;

/** Shows `message` as a warning and returns it as a problem. */
export function problem(message: string, severity: 'warning' | 'information' = 'warning'): CommandProblem {
  if (severity === 'warning') void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
  output().warn(message);
  return { kind: 'problem', message };
}

/** Runs the command. */
export async function computeLossCommand(args: ComputeLossArgs = {}): Promise<ComputeLossResult> {
  const read = await readEditorTensors(args);
  if ('problem' in read) return problem(read.problem, read.severity);
  const { selection, source } = read;
  const call = selection.call && (args.op === undefined || args.op === selection.call.op) ? selection.call : undefined;
  const input = selection.input?.tensor;
  if (!input) return problem(vscode.l10n.t('No tensor in the selection: select a list such as [[2.0, 1.0, 0.1]].'));
  let target = selection.target?.tensor;
  if (!target && args.target !== undefined) {
    try {
      target = readOneTensor(args.target);
    } catch (e) {
      if (!isParseError(e)) throw e;
      return problem(vscode.l10n.t('Cannot read the target: {0}', positionedError(args.target, e.offset, e.message)));
    }
  }
  target ??= await promptTarget(input);
  if (!target) return { kind: 'cancelled' };

  // A selected loss call is computed as written (its module's options); otherwise pick the op and its options.
  const op = call?.op ?? args.op ?? (await pickOp(rankOps(input, target, registry.list()), input, target));
  if (!op) return { kind: 'cancelled' };
  if (!registry.has(op)) return problem(vscode.l10n.t('Unknown loss {0}: run "Loss Lens: List Supported Losses" for the names.', op));
  const spec = registry.get(op);
  const names = inputTargetArgs(spec);
  if (!names) return problem(vscode.l10n.t('{0} takes more than an input and a target; Compute Loss… handles the losses of two tensors.', op));
  const fromFields = call ? callOptions(spec, call.args) : optionsFromFields(spec, selection.options);
  const options = call || args.options === 'defaults' ? { ...fromFields, ...(typeof args.options === 'object' ? args.options : {}) } : args.options ? { ...fromFields, ...args.options } : await pickOptions(spec, fromFields);
  if (!options) return { kind: 'cancelled' };

  let computed;
  try {
    computed = computeLoss(op, { ...options, [names.input]: input, [names.target]: target });
  } catch (e) {
    if (!isEngineError(e)) throw e;
    return problem(vscode.l10n.t('Cannot compute {0}: {1}', op, e.message));
  }
  const provenance = selection.provenance ?? [];
  const message = lossNotification(computed, spec, source);
  const log = [...lossLogLines(computed, spec, source), ...(call ? [`  call: ${call.text}`] : []), ...provenance.map((p) => `  ${p}`)];
  for (const line of log) output().info(line);
  const title = call ? shortCall(call.text) : op;
  const code = toPyTorchCode(op, computed.args);
  offerLossActions(message, { op, args: computed.args, title, source }, code);
  return { kind: 'loss', op, args: computed.args, output: computed.output, ...(computed.value !== undefined ? { value: computed.value } : {}), findings: computed.findings, source, title, message, log, code, ...(call ? { call: call.text } : {}), provenance };
}

/** The option arguments a loss call gave (its own and its module's), by PyTorch name. */
function callOptions(spec: OpSpec, args: OpArgs): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const a of optionArgs(spec)) if (args[a.name] !== undefined) out[a.name] = args[a.name] as ArgValue;
  return out;
}

/** Validates a target as it is typed: undefined when it parses, else the message with its position. */
export function validateTarget(text: string): string | undefined {
  if (!text.trim()) return vscode.l10n.t('Type the target, e.g. class indices [0, 2] or probabilities [[0.1, 0.9]].');
  try {
    readOneTensor(text);
    return undefined;
  } catch (e) {
    if (!isParseError(e)) return String(e);
    return positionedError(text, e.offset, e.message);
  }
}

async function promptTarget(input: Tensor): Promise<Tensor | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Loss Lens: target for the input {0}', shapeText(input.shape)),
    prompt: vscode.l10n.t('Class indices such as [0, 2], or a tensor of the input shape {0} (probabilities, 0/1 targets).', shapeText(input.shape)),
    placeHolder: '[0, 2]',
    ignoreFocusOut: true,
    validateInput: validateTarget,
  });
  return text === undefined ? undefined : readOneTensor(text);
}

async function pickOp(ranked: readonly RankedOp[], input: Tensor, target: Tensor): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { op?: string };
  const items: Item[] = [];
  const likely = ranked.filter((r) => r.likely);
  if (likely.length) items.push({ label: vscode.l10n.t('Likely for these tensors'), kind: vscode.QuickPickItemKind.Separator });
  for (const r of likely) items.push({ label: r.op, description: r.reason, detail: registry.get(r.op).doc, op: r.op });
  items.push({ label: vscode.l10n.t('Other losses'), kind: vscode.QuickPickItemKind.Separator });
  for (const r of ranked.filter((x) => !x.likely)) items.push({ label: r.op, description: registry.get(r.op).doc, op: r.op });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Loss Lens: loss for input {0} and target {1}', shapeText(input.shape), shapeText(target.shape)),
    placeHolder: vscode.l10n.t('Pick the loss'),
    matchOnDescription: true,
  });
  return picked?.op;
}

/** PyTorch's defaults (with any options the JSON carried), or one pick per option. */
async function pickOptions(spec: OpSpec, preset: Readonly<Record<string, ArgValue>>): Promise<Record<string, ArgValue> | undefined> {
  const opts = optionArgs(spec).filter((a) => a.kind !== 'tensorOrNumber');
  if (opts.length === 0) return { ...preset };
  const defaults = Object.fromEntries(opts.map((a) => [a.name, preset[a.name] ?? (a.default as ArgValue)]));
  const useDefaults = { label: vscode.l10n.t("$(check) PyTorch's defaults"), description: optionsText(spec, defaults) };
  const choose = { label: vscode.l10n.t('$(settings-gear) Choose options…'), description: opts.map((a) => a.name).join(', ') };
  const first = await vscode.window.showQuickPick([useDefaults, choose], { title: vscode.l10n.t('Loss Lens: options of {0}', spec.name) });
  if (!first) return undefined;
  if (first === useDefaults) return { ...preset };
  const out: Record<string, ArgValue> = { ...preset };
  for (const a of opts) {
    const v = await pickOption(spec, a, (preset[a.name] ?? a.default) as ArgValue);
    if (v === undefined) return undefined;
    out[a.name] = v;
  }
  return out;
}

async function pickOption(spec: OpSpec, a: ArgSpec, current: ArgValue): Promise<ArgValue | undefined> {
  const title = vscode.l10n.t('Loss Lens: {0}({1}=…)', spec.name, a.name);
  if (a.kind === 'choice' || a.kind === 'boolean') {
    const values: ArgValue[] = a.kind === 'choice' ? [...(a.choices ?? [])] : [false, true];
    const items = values.map((v) => ({ label: pythonArg(v), description: v === a.default ? vscode.l10n.t('default') : undefined, value: v, picked: v === current }));
    items.sort((x, y) => Number(y.value === current) - Number(x.value === current));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: a.doc });
    return picked?.value;
  }
  const text = await vscode.window.showInputBox({
    title,
    prompt: a.doc,
    value: current === null ? '' : pythonArg(current),
    validateInput: (v) => validateNumber(v, a),
  });
  if (text === undefined) return undefined;
  return text.trim() === '' || text.trim() === 'None' ? null : Number(text);
}

/** Validates a number option as it is typed: `None` (or empty) only where PyTorch allows it. */
export function validateNumber(text: string, a: Pick<ArgSpec, 'kind' | 'nullable' | 'default' | 'name'>): string | undefined {
  const t = text.trim();
  if (t === '' || t === 'None') return a.nullable || a.default === null ? undefined : vscode.l10n.t('{0} needs a number.', a.name);
  const v = Number(t);
  if (!Number.isFinite(v)) return vscode.l10n.t('"{0}" is not a number: type something like 0.1.', t);
  if (a.kind === 'integer' && !Number.isInteger(v)) return vscode.l10n.t('{0} must be an integer, got {1}.', a.name, t);
  return undefined;
}
