/**
 * One loss call for the editor commands: complete the arguments with PyTorch's defaults through the
 * registry, run the op, and collect the findings and the CE = H + KL split. Pure.
 */
import { lossBreakdown, type Breakdown } from '../engine/breakdown';
import { diagnose, type Finding } from '../engine/diagnostics';
import type { ArgValue, OpArgs, OpSpec } from '../engine/op';
import { registry } from '../engine/registry';
import type { Tensor } from '../engine/tensor';

/** A computed loss call. */
export interface LossComputation {
  readonly op: string;
  /** Complete arguments (defaults filled). */
  readonly args: OpArgs;
  /** The op's output tensor (0-d for a reduced loss). */
  readonly output: Tensor;
  /** The value when the output has one element. */
  readonly value?: number;
  readonly findings: readonly Finding[];
  readonly breakdown?: Breakdown;
}

/** Computes `op` on `given` (tensor and option arguments by PyTorch name). Throws the engine's `EngineError`. */
export function computeLoss(op: string, given: Readonly<Record<string, ArgValue | undefined>>): LossComputation {
  const args = registry.resolveArgs(op, given);
  const out = registry.get(op).forward(args);
  const output = isTensor(out) ? out : (Object.values(out)[0] as Tensor);
  let findings: Finding[] = [];
  let breakdown: Breakdown | null = null;
  try {
    findings = diagnose(op, args);
  } catch {
    findings = [];
  }
  try {
    breakdown = lossBreakdown(op, args);
  } catch {
    breakdown = null;
  }
  return { op, args, output, ...(output.data.length === 1 ? { value: output.data[0] } : {}), findings, ...(breakdown ? { breakdown } : {}) };
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

/** The option arguments of an op (everything but tensors), in PyTorch's order. */
export function optionArgs(spec: OpSpec): OpSpec['args'] {
  return spec.args.filter((a) => a.kind !== 'tensor' && a.default !== undefined);
}

/**
 * Options a JSON object carried (`"reduction": "sum"`) that the op takes, by PyTorch name; other
 * keys are ignored. Values of the wrong kind are left for `resolveArgs` to reject with its message.
 */
export function optionsFromFields(spec: OpSpec, fields: Readonly<Record<string, number | string | boolean | null>>): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const a of optionArgs(spec)) if (Object.prototype.hasOwnProperty.call(fields, a.name)) out[a.name] = fields[a.name];
  return out;
}
