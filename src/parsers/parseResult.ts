/**
 * What the parsers return: tensors with the source range each came from, and for named fields
 * (JSON object keys, Python assignments) the loss argument each one feeds.
 */
import type { Tensor } from '../engine/tensor';
import type { TensorRole } from './roles';

/** The text syntaxes the parsers read. */
export type TensorFormat = 'json' | 'python' | 'repr';

/** A format, or `'auto'` to let {@link parseTensorText} choose. */
export type FormatOption = 'auto' | TensorFormat;

/** A span of the parsed text, in UTF-16 code units. */
export interface SourceRange {
  readonly offset: number;
  readonly length: number;
}

/** One tensor found in the text. */
export interface ParsedTensor {
  readonly tensor: Tensor;
  /** The literal, call or repr the tensor was read from (the whole `torch.tensor(...)` call, not just its list). */
  readonly range: SourceRange;
  /** The JSON key (`args.input` when nested) or Python variable it was bound to. */
  readonly name?: string;
  /** The loss argument the name stands for, when recognised. */
  readonly role?: TensorRole;
  /** True for `requires_grad=True` and for reprs that carry a `grad_fn`. */
  readonly requiresGrad?: boolean;
  /** The `device` of a call or repr, such as `'cuda:0'`. */
  readonly device?: string;
}

/** A scalar field of a JSON object (`"reduction": "mean"`, `"dim": 1`), kept for the engine's options. */
export type OptionValue = number | string | boolean | null;

/** The result of a parse. */
export interface ParseResult {
  /** The syntax the text was read as. */
  readonly format: TensorFormat;
  /** Every tensor, in source order. */
  readonly tensors: readonly ParsedTensor[];
  /** Tensors by recognised role; the first tensor with a role wins it. */
  readonly roles: Partial<Record<TensorRole, ParsedTensor>>;
  /** Scalar fields of a JSON object, by key. */
  readonly options: Readonly<Record<string, OptionValue>>;
  /** True when the text bound names to its tensors (a JSON object, Python assignments). */
  readonly named: boolean;
}

/** Builds a result, giving each role to the first tensor that has it. */
export function makeResult(format: TensorFormat, tensors: readonly ParsedTensor[], named: boolean, options: Record<string, OptionValue> = {}): ParseResult {
  const roles: Partial<Record<TensorRole, ParsedTensor>> = {};
  for (const t of tensors) if (t.role !== undefined && roles[t.role] === undefined) roles[t.role] = t;
  return { format, tensors, roles, options, named };
}
