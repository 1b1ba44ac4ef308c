/**
 * From what the debuggee sent to a loss: engine tensors, the ops that fit an input/target pair
 * (likely ones first), and the loss value. Pure: no `vscode`, no Node built-ins.
 */
import { registry, type DType, type OpOutput, type OpSpec, type Tensor } from '../../engine';
import type { TensorSummary, TensorTransport } from '../../shared/watch';
import type { TensorHeader } from './tensorReadExpression';

/** A tensor read from the debuggee: the engine tensor and what the view shows about it. */
export interface DebugTensor {
  readonly tensor: Tensor;
  readonly summary: TensorSummary;
}

/**
 * The engine dtype for a debuggee dtype: integers become `int64` (class indices), float64 stays,
 * every other float (float16, bfloat16, float32) and bool become `float32`.
 */
export function engineDtype(dtype: string): DType {
  const name = dtype.replace(/^(torch|numpy)\./, '');
  if (name === 'float64' || name === 'double') return 'float64';
  if (/^u?int\d*$|^long$|^short$/.test(name)) return 'int64';
  return 'float32';
}

/** Builds the engine tensor and the summary the view shows. */
export function toDebugTensor(expression: string, header: TensorHeader, data: Float64Array, transport: TensorTransport): DebugTensor {
  return {
    tensor: { shape: [...header.shape], data, dtype: engineDtype(header.dtype) },
    summary: { expression, shape: [...header.shape], dtype: header.dtype, device: header.device, requiresGrad: header.requiresGrad, transport },
  };
}

/** The op's argument names for the input and the target, when it takes exactly those two tensors. */
export function pairArgs(op: OpSpec): { input: string; target: string } | undefined {
  const required = op.args.filter((a) => (a.kind === 'tensor' || a.kind === 'tensorOrNumber') && a.default === undefined);
  const input = required.find((a) => a.role === 'input');
  const target = required.find((a) => a.role === 'target');
  if (!input || !target || required.length !== 2) return undefined;
  return { input: input.name, target: target.name };
}

/** Every registered op that takes an input and a target tensor (and nothing else required). */
export function pairOps(): OpSpec[] {
  return registry.list().filter((op) => pairArgs(op) !== undefined);
}

function isProbabilityRows(t: Tensor, classDim: number): boolean {
  if (t.shape.length === 0 || t.data.length === 0) return false;
  const size = t.shape[classDim];
  const inner = t.shape.slice(classDim + 1).reduce((a, d) => a * d, 1);
  const outer = t.data.length / (size * inner);
  for (let o = 0; o < Math.min(outer, 64); o++) {
    for (let i = 0; i < Math.min(inner, 4); i++) {
      let s = 0;
      for (let c = 0; c < size; c++) {
        const v = t.data[(o * size + c) * inner + i];
        if (!(v >= 0 && v <= 1)) return false;
        s += v;
      }
      if (Math.abs(s - 1) > 1e-3) return false;
    }
  }
  return true;
}

function isBinary(t: Tensor): boolean {
  const n = Math.min(t.data.length, 4096);
  for (let i = 0; i < n; i++) if (t.data[i] !== 0 && t.data[i] !== 1) return false;
  return n > 0;
}

/**
 * The pair ops ordered by how likely they fit `input` and `target`:
 * - integer target with the input's shape minus the class dim (dim 1, or dim 0 for 1-d input):
 *   `cross_entropy` first, then `nll_loss`, `multi_margin_loss`, `label_smoothing_cross_entropy`;
 * - float target of the input's shape whose rows are distributions: `cross_entropy`,
 *   `soft_target_cross_entropy`, `kl_div`;
 * - float target of 0s and 1s: `binary_cross_entropy_with_logits`, `binary_cross_entropy`,
 *   `multilabel_soft_margin_loss`;
 * - other float target of the input's shape: `mse_loss`, `l1_loss`, `smooth_l1_loss`, `huber_loss`.
 * Every other pair op follows in registry order.
 */
export function rankOps(input: Tensor, target: Tensor): string[] {
  const all = pairOps().map((op) => op.name);
  const classDim = input.shape.length === 1 ? 0 : 1;
  const sameShape = input.shape.length === target.shape.length && input.shape.every((d, i) => d === target.shape[i]);
  const indexShape = input.shape.filter((_, i) => i !== classDim);
  const isIndexTarget =
    target.dtype === 'int64' && target.shape.length === indexShape.length && target.shape.every((d, i) => d === indexShape[i]);
  let first: string[] = [];
  if (isIndexTarget) first = ['cross_entropy', 'nll_loss', 'multi_margin_loss', 'label_smoothing_cross_entropy'];
  else if (sameShape && isProbabilityRows(target, classDim)) first = ['cross_entropy', 'soft_target_cross_entropy', 'kl_div'];
  else if (sameShape && isBinary(target)) first = ['binary_cross_entropy_with_logits', 'binary_cross_entropy', 'multilabel_soft_margin_loss'];
  else if (sameShape) first = ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss'];
  first = first.filter((n) => all.includes(n));
  return [...first, ...all.filter((n) => !first.includes(n))];
}

function isTensor(out: OpOutput): out is Tensor {
  return 'data' in out && out.data instanceof Float64Array;
}

/**
 * The loss of `op(input, target)` with the op's defaults, as one number. Throws the engine's
 * `EngineError` for a bad pair, and an Error when the op's output is not a single value.
 */
export function computeLoss(op: string, input: Tensor, target: Tensor): number {
  const spec = registry.get(op);
  const names = pairArgs(spec);
  if (!names) throw new Error(`${op} does not take an input and a target tensor.`);
  const out = registry.call(op, { [names.input]: input, [names.target]: target });
  const single = isTensor(out) && out.data.length === 1 ? out.data[0] : undefined;
  if (single === undefined) {
    const what = isTensor(out) ? `shape [${out.shape.join(', ')}]` : 'several tensors';
    throw new Error(`${op} returned ${what}, not a single value: pick an op that reduces to one number.`);
  }
  return single;
}

/** How a name reads as a loss argument: `exact` only for known spellings (`labels`), else also by its words (`big_labels`). */
export type RoleOf = (name: string, exact: boolean) => string | undefined;

/**
 * The target variable for an input variable: among the siblings whose name reads as a target, the
 * one sharing most words with the input (`big_logits` takes `big_labels`), then an exact spelling
 * (`logits` takes `labels` over `big_labels`), then the first listed.
 */
export function guessTarget(inputName: string, siblings: readonly string[], roleOf: RoleOf): string | undefined {
  const words = (n: string): string[] => n.toLowerCase().split(/[_\W]+/).filter((w) => w.length > 0);
  const inputWords = new Set(words(inputName));
  let best: string | undefined;
  let bestScore = -1;
  for (const name of siblings) {
    if (name === inputName || roleOf(name, false) !== 'target') continue;
    const shared = words(name).filter((w) => inputWords.has(w)).length;
    const score = shared * 2 + (roleOf(name, true) === 'target' ? 1 : 0);
    if (score > bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}
