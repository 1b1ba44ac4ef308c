/**
 * Which loss a pair of tensors most likely feeds, for the `Compute Loss…` picker: cross-entropy for
 * logits and class indices, KL for two distributions, BCE for [0,1] values and 0/1 targets, and so
 * on. Pure; the ops come from the registry so nothing lists them twice, and only ops whose required
 * tensors are exactly an input and a target are offered.
 */
import type { OpSpec } from '../engine/op';
import type { Tensor } from '../engine/tensor';
import { analyzeTensor, type TensorKind } from './tensorAnalysis';

/** One entry of the picker. */
export interface RankedOp {
  /** The registry op name. */
  readonly op: string;
  /** True for the ops the tensors suggest (shown first, with `reason`). */
  readonly likely: boolean;
  /** Why it is suggested: "logits and class indices". */
  readonly reason?: string;
}

/** The argument names of an op's input and target, when an (input, target) pair fills every required tensor. */
export function inputTargetArgs(spec: OpSpec): { input: string; target: string } | undefined {
  const required = spec.args.filter((a) => a.kind === 'tensor' && a.default === undefined);
  if (required.length !== 2) return undefined;
  const input = required.find((a) => a.role === 'input');
  const target = required.find((a) => a.role === 'target');
  return input && target ? { input: input.name, target: target.name } : undefined;
}

/** The shape with dim 1 removed (a 1-D input's class dim is dim 0, giving a 0-d target). */
function withoutClassDim(shape: readonly number[]): number[] {
  return shape.length <= 1 ? [] : shape.filter((_, i) => i !== 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The ops of `ops` that take `(input, target)`, likely ones first in order of likelihood, then the
 * rest in registry order. `input` and `target` are only looked at (sampled facts: kinds, shapes).
 */
export function rankOps(input: Tensor, target: Tensor, ops: readonly OpSpec[]): RankedOp[] {
  const inKind = analyzeTensor(input, { maxRows: 0 }).kind;
  const tKind = analyzeTensor(target, { maxRows: 0 }).kind;
  const usable = ops.filter((op) => inputTargetArgs(op) !== undefined);
  const names = new Set(usable.map((o) => o.name));
  const likely: Array<[string, string]> = [];
  const add = (op: string, reason: string): void => {
    if (names.has(op) && !likely.some(([o]) => o === op)) likely.push([op, reason]);
  };
  const indexTarget = (tKind === 'class-indices' || (tKind === 'binary' && target.dtype === 'int64')) && sameShape(withoutClassDim(input.shape), target.shape);
  const same = sameShape(input.shape, target.shape);
  const distTarget = same && (tKind === 'probabilities' || (tKind === 'binary' && isOneHot(target)));
  const logInput: TensorKind = 'log-probabilities';

  if (indexTarget) {
    if (inKind === logInput) add('nll_loss', 'log-probabilities and class indices');
    add('cross_entropy', 'logits and class indices');
    add('nll_loss', 'log-probabilities and class indices');
    add('label_smoothing_cross_entropy', 'timm: class indices with label smoothing');
    add('multi_margin_loss', 'scores and class indices');
  }
  const binary = (): void => {
    if (!(same && isZeroOne(target))) return;
    if (inKind === 'probabilities' || inRange01(input)) add('binary_cross_entropy', 'values in [0, 1] and 0/1 targets');
    add('binary_cross_entropy_with_logits', 'logits and 0/1 targets');
    add('multilabel_soft_margin_loss', 'multi-label logits and 0/1 targets');
  };
  // 0/1 targets: BCE first unless they are one-hot rows against logits or probabilities.
  const bceFirst = !distTarget || (inRange01(input) && inKind !== 'probabilities');
  if (bceFirst) binary();
  if (distTarget) {
    if (inKind === 'probabilities' || inKind === logInput) add('kl_div', 'two distributions (kl_div takes the input as log-probabilities)');
    add('cross_entropy', 'logits and a probability target');
    add('soft_target_cross_entropy', 'timm: logits and soft targets');
    add('kl_div', 'a distribution target (kl_div takes the input as log-probabilities)');
    add('cross_entropy_decomposition', 'CE = H(p) + KL(p‖q) of logits against a distribution');
  }
  binary();
  if (same && isPlusMinusOne(target)) {
    add('soft_margin_loss', 'scores and ±1 targets');
    add('hinge_embedding_loss', 'distances and ±1 targets');
  }
  if (same) {
    add('mse_loss', 'two tensors of the same shape');
    add('l1_loss', 'two tensors of the same shape');
    add('smooth_l1_loss', 'two tensors of the same shape');
    add('huber_loss', 'two tensors of the same shape');
  }
  const out: RankedOp[] = likely.map(([op, reason]) => ({ op, likely: true, reason }));
  for (const op of usable) if (!likely.some(([o]) => o === op.name)) out.push({ op: op.name, likely: false });
  return out;
}

function every(t: Tensor, f: (v: number) => boolean): boolean {
  for (let i = 0; i < t.data.length; i++) if (!f(t.data[i])) return false;
  return t.data.length > 0;
}

function inRange01(t: Tensor): boolean {
  return every(t, (v) => v >= 0 && v <= 1);
}

function isZeroOne(t: Tensor): boolean {
  return every(t, (v) => v === 0 || v === 1);
}

function isPlusMinusOne(t: Tensor): boolean {
  return every(t, (v) => v === 1 || v === -1) && t.data.some((v) => v === -1);
}

/** Every row (last dim) is one-hot. */
function isOneHot(t: Tensor): boolean {
  const c = t.shape.length ? t.shape[t.shape.length - 1] : 1;
  if (c < 2 || !isZeroOne(t)) return false;
  for (let r = 0; r < t.data.length / c; r++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += t.data[r * c + j];
    if (s !== 1) return false;
  }
  return true;
}
