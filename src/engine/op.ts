/**
 * The types of an op's description, shared by the registry and the family modules that define
 * ops. Kept apart from `registry.ts` so family modules never import the registry (no cycles).
 */
import type { Tensor } from './tensor';

/** A value an op argument can take: a tensor, a number, a boolean, a string, or `null` (None). */
export type ArgValue = Tensor | number | boolean | string | null;

/** Arguments by PyTorch name. */
export type OpArgs = Readonly<Record<string, ArgValue>>;

/** An op's result: a tensor, or named tensors (only `cross_entropy_decomposition`). */
export type OpOutput = Tensor | Readonly<Record<string, Tensor>>;

/** What an argument holds. `tensorOrNumber` accepts either (e.g. `lam` in `mixup_target`). */
export type ArgKind = 'tensor' | 'number' | 'integer' | 'boolean' | 'choice' | 'tensorOrNumber';

/** The role an argument plays, so editors can map "logits" and "labels" to it. */
export type ArgRole = 'input' | 'target' | 'second_input' | 'weight' | 'option';

/** One argument of an op, in PyTorch's positional order. */
export interface ArgSpec {
  /** PyTorch's argument name. */
  readonly name: string;
  readonly kind: ArgKind;
  readonly role: ArgRole;
  /** One line for help text. */
  readonly doc: string;
  /** PyTorch's default; `undefined` means the argument is required. */
  readonly default?: ArgValue;
  /** Accepts `null` (None). */
  readonly nullable?: boolean;
  /** For `choice`: the allowed strings. */
  readonly choices?: readonly string[];
  /** For tensors: the dtype family required (`float`, `int`) or `any`. */
  readonly dtype?: 'float' | 'int' | 'any';
  /** The corpus gives gradients for it. */
  readonly differentiable?: boolean;
}

/** The op families, for grouping in pickers and docs. */
export type OpFamily =
  | 'activation'
  | 'classification'
  | 'divergence'
  | 'binary'
  | 'information'
  | 'timm'
  | 'distillation'
  | 'regression'
  | 'margin'
  | 'sequence';

/** Everything the engine knows about one op. */
export interface OpSpec {
  /** The op name as in the oracle corpus (`cross_entropy`). */
  readonly name: string;
  readonly family: OpFamily;
  /** One line: what it computes. */
  readonly doc: string;
  /** The formula, plain text. */
  readonly formula: string;
  /** Arguments in PyTorch's positional order. */
  readonly args: readonly ArgSpec[];
  /** Computes the output from complete, validated arguments. */
  forward(args: OpArgs): OpOutput;
  /**
   * Closed-form gradients of the differentiable arguments. For a 0-d output `gradOutput` is
   * `null` (read as 1); otherwise it has the output's shape and the result is the vector-Jacobian
   * product d(sum(output * gradOutput))/d(arg).
   */
  backward?(args: OpArgs, gradOutput: Tensor | null): Readonly<Record<string, Tensor>>;
}

/** The `reduction` argument most losses share. */
export function reductionArg(choices: readonly string[] = ['none', 'mean', 'sum'], dflt = 'mean'): ArgSpec {
  return { name: 'reduction', kind: 'choice', role: 'option', choices, default: dflt, doc: `How to reduce the per-element losses: ${choices.map((c) => `'${c}'`).join(', ')}.` };
}

