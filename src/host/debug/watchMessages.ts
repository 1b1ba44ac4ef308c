/**
 * The sentences the debug view shows, each saying what is wrong and what to do. Pure: the host
 * passes `vscode.l10n.t` as `t`, the unit tests a plain formatter, so the wording is tested.
 */
import { formatShape } from '../../engine';
import type { ReadLimits, TensorHeader } from './tensorReadExpression';

/** `vscode.l10n.t`'s shape: a message with `{0}`, `{1}` placeholders and its arguments. */
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`, … like `vscode.l10n.t` does without a bundle. */
export const plainLocalize: Localize = (message, ...args) => message.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

/**
 * The useful part of a debugger's error: debugpy answers a failed `repl` evaluate with the whole
 * traceback, whose last non-empty line is the exception (`NameError: name 'x' is not defined`).
 */
export function debuggerMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.length ? lines[lines.length - 1] : text;
}

/** A slice that brings an expression under `max` elements, for the "too large" hint. */
export function sliceHint(expression: string, shape: readonly number[], max: number): string {
  const e = /^[\w.]+$/.test(expression) ? expression : `(${expression})`;
  if (shape.length === 0) return e;
  const rowSize = shape.slice(1).reduce((a, d) => a * d, 1);
  const rows = Math.max(1, Math.min(shape[0], Math.floor(max / Math.max(rowSize, 1))));
  const pow2 = 2 ** Math.floor(Math.log2(rows));
  return rowSize <= max ? `${e}[:${pow2}]` : `${e}[:1].flatten()[:${max}]`;
}

/** The reasons a reading fails, as sentences. */
export function messages(t: Localize) {
  return {
    noSession: (): string => t('No debug session is running: start one and stop at a breakpoint, and Loss Lens reads the watched tensors at each stop.'),
    notPaused: (): string => t('The program is running: pause it or let it reach a breakpoint to read the values.'),
    noFrame: (): string => t('No stack frame is selected: select a frame in the Call Stack view.'),
    expressionFailed: (expression: string, detail: string): string =>
      t('`{0}` failed in the debugger: {1} Check the name in the Variables view or try the expression in the Debug Console.', expression, /[.!?]$/.test(detail) ? detail : `${detail}.`),
    notATensor: (expression: string, type: string, preview: string): string =>
      t('`{0}` is a {1} ({2}), not a torch tensor or numpy array: watch a tensor, e.g. `torch.as_tensor({0})`.', expression, type, preview.length > 40 ? `${preview.slice(0, 40)}…` : preview),
    tooLarge: (expression: string, header: TensorHeader, limits: ReadLimits): string =>
      t('`{0}` has {1} elements ({2}), more than the {3} Loss Lens reads: watch a slice, e.g. `{4}`.', expression, header.numel.toLocaleString('en-US'), formatShape(header.shape), limits.maxElements.toLocaleString('en-US'), sliceHint(expression, header.shape, limits.maxElements)),
    unsupportedDtype: (expression: string, dtype: string): string =>
      t('`{0}` is {1}: Loss Lens reads float, integer and bool tensors; convert it, e.g. `{0}.real` or `{0}.float()`.', expression, dtype),
    readFailed: (expression: string, detail: string, limits: ReadLimits): string =>
      t('Could not read `{0}`: {1} If the program runs on another machine, watch a slice of at most {2} elements, which comes back as text.', expression, /[.!?]$/.test(detail) ? detail : `${detail}.`, limits.maxTextElements.toLocaleString('en-US')),
    lossFailed: (op: string, input: string, target: string, detail: string): string => t('{0}({1}, {2}) failed: {3}', op, input, target, detail),
  };
}

/** The message set for one `Localize`. */
export type WatchMessages = ReturnType<typeof messages>;
