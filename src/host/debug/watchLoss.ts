/**
 * From what the debuggee sent to a loss: engine tensors, the ops that take an input/target pair
 * (ranked by ../opRanking), the loss value and the target guessed for a variable. Pure.
 */
import { registry, type DType, type OpOutput, type OpSpec, type Tensor } from '../../engine';
import type { TensorSummary, TensorTransport } from '../../shared/watch';
import { dtypeFromName } from '../../parsers';
import { inputTargetArgs } from '../opRanking';
import type { TensorHeader } from './tensorReadExpression';

/** A tensor read from the debuggee: the engine tensor and what the view shows about it. */
export interface DebugTensor {
  readonly tensor: Tensor;
  readonly summary: TensorSummary;
}

/** The engine dtype for a debuggee dtype (../../parsers' table: floats to float32/float64, integers and bool to int64). */
export function engineDtype(dtype: string): DType {
  return dtypeFromName(dtype) ?? 'float32';
}

/** Builds the engine tensor and the summary the view shows. */
export function toDebugTensor(expression: string, header: TensorHeader, data: Float64Array, transport: TensorTransport): DebugTensor {
  return {
    tensor: { shape: [...header.shape], data, dtype: engineDtype(header.dtype) },
    summary: { expression, shape: [...header.shape], dtype: header.dtype, device: header.device, requiresGrad: header.requiresGrad, transport },
  };
}

/** Every registered op that takes an input and a target tensor (and nothing else required), in registry order. */
export function pairOps(): OpSpec[] {
  return registry.list().filter((op) => inputTargetArgs(op) !== undefined);
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
  const names = inputTargetArgs(spec);
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
