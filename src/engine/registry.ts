/**
 * The op registry: one table of every op with its arguments (kind, default, allowed values), a
 * one-line doc and the formula. The CLI, commands, hover and panel all read it; nothing lists ops
 * twice. Each family module exports its `OpSpec`s; this file only gathers them.
 */
import { EngineError } from './errors';
import type { ArgSpec, ArgValue, OpArgs, OpOutput, OpSpec } from './op';
import { Tensor, formatShape, isFloating } from './tensor';
export type { ArgKind, ArgRole, ArgSpec, ArgValue, OpArgs, OpFamily, OpOutput, OpSpec } from './op';
export { reductionArg } from './op';
import { activationOps } from './softmax';
import { classificationOps } from './losses/crossEntropy';
import { divergenceOps } from './losses/kl';
import { binaryOps } from './losses/binary';
import { informationOps } from './losses/information';
import { timmOps } from './losses/timm';
import { distillationOps } from './losses/distillation';
import { regressionOps } from './losses/regression';
import { marginOps } from './losses/margin';
import { multilabelMarginOps } from './losses/multilabelMargin';
import { tripletOps } from './losses/triplet';
import { sequenceOps } from './losses/ctc';

function describe(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'object') return `${v.dtype === 'int64' ? 'an' : 'a'} ${v.dtype} tensor ${formatShape(v.shape)}`;
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function isTensor(v: ArgValue | undefined): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

/** The registry of ops. */
export class OpRegistry {
  private readonly byName = new Map<string, OpSpec>();

  /** @param ops every op, each name once. */
  constructor(ops: readonly OpSpec[]) {
    for (const op of ops) {
      if (this.byName.has(op.name)) throw new Error(`OpRegistry: op '${op.name}' is registered twice`);
      this.byName.set(op.name, op);
    }
  }

  /** All ops, in registration order. */
  list(): OpSpec[] {
    return [...this.byName.values()];
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The op named `name`, or an `invalid_argument` error listing the known ones. */
  get(name: string): OpSpec {
    const op = this.byName.get(name);
    if (!op) throw new EngineError('invalid_argument', name, `unknown op; known ops are ${[...this.byName.keys()].join(', ')}.`);
    return op;
  }

  /**
   * Fills PyTorch's defaults and checks each argument's kind and allowed values. Unknown argument
   * names are rejected. A bad `reduction` is `invalid_reduction`; other bad values `invalid_argument`.
   */
  resolveArgs(name: string, given: Readonly<Record<string, ArgValue | undefined>>): OpArgs {
    const op = this.get(name);
    const known = new Set(op.args.map((a) => a.name));
    for (const key of Object.keys(given)) {
      if (!known.has(key)) throw new EngineError('invalid_argument', name, `unknown argument '${key}'; the arguments are ${op.args.map((a) => a.name).join(', ')}.`);
    }
    const out: Record<string, ArgValue> = {};
    for (const spec of op.args) {
      let v = given[spec.name];
      if (v === undefined) {
        if (spec.default === undefined) throw new EngineError('invalid_argument', name, `argument '${spec.name}' is required (${spec.doc})`);
        v = spec.default;
      }
      out[spec.name] = checkArg(name, spec, v);
    }
    return out;
  }

  /** Validates the arguments and runs the forward pass. */
  call(name: string, given: Readonly<Record<string, ArgValue | undefined>>): OpOutput {
    return this.get(name).forward(this.resolveArgs(name, given));
  }

  /** Validates the arguments and computes the gradients (an `invalid_argument` error if the op has none). */
  grad(name: string, given: Readonly<Record<string, ArgValue | undefined>>, gradOutput: Tensor | null = null): Readonly<Record<string, Tensor>> {
    const op = this.get(name);
    if (!op.backward) throw new EngineError('invalid_argument', name, 'this op has no gradient.');
    return op.backward(this.resolveArgs(name, given), gradOutput);
  }
}

function checkArg(op: string, spec: ArgSpec, v: ArgValue): ArgValue {
  if (v === null) {
    if (spec.nullable || spec.default === null) return v;
    throw new EngineError('invalid_argument', op, `argument '${spec.name}' cannot be None (${spec.doc})`);
  }
  const bad = (what: string): never => {
    throw new EngineError(/(^|_)reduction$/.test(spec.name) ? 'invalid_reduction' : 'invalid_argument', op, `argument '${spec.name}' must be ${what}, got ${describe(v)}.`);
  };
  switch (spec.kind) {
    case 'tensor':
      if (!isTensor(v)) bad('a tensor');
      if (spec.dtype === 'float' && !isFloating(v as Tensor)) bad('a float tensor');
      return v;
    case 'tensorOrNumber':
      if (!isTensor(v) && typeof v !== 'number') bad('a tensor or a number');
      return v;
    case 'number':
      if (typeof v !== 'number') bad('a number');
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) bad('an integer');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') bad('True or False');
      return v;
    case 'choice':
      if (typeof v !== 'string' || !(spec.choices ?? []).includes(v)) bad(`one of ${(spec.choices ?? []).map((c) => `'${c}'`).join(', ')}`);
      return v;
  }
}

/** Every op Loss Lens knows, in one table. */
export const registry = new OpRegistry([
  ...activationOps,
  ...classificationOps,
  ...divergenceOps,
  ...binaryOps,
  ...informationOps,
  ...timmOps,
  ...distillationOps,
  ...regressionOps,
  ...marginOps,
  ...multilabelMarginOps,
  ...tripletOps,
  ...sequenceOps,
]);
