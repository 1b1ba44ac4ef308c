/**
 * PyTorch code that reproduces a Loss Lens value: the tensors written out in float64 and the call,
 * printing the value with 12 significant digits. Pure; the panel's "Copy PyTorch Code" and the
 * editor's "Copy as PyTorch Code" both use it. Ops with no `torch.nn.functional` counterpart (timm's
 * losses, distillation, entropy, Jensen–Shannon) are written out in torch with the engine's formula.
 */
import type { ArgValue } from '../engine/op';
import { registry } from '../engine/registry';
import type { Tensor } from '../engine/tensor';

/** Tensors larger than this are written as a placeholder (the code says so). */
export const MAX_LITERAL_ELEMENTS = 100_000;

function isTensor(v: ArgValue | undefined): v is Tensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
}

/** A Python float literal that round-trips the float64. */
export function pyNumber(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function pyNested(t: Tensor): string {
  const ints = t.dtype === 'int64';
  const item = (v: number): string => (ints ? String(v) : pyNumber(v));
  if (t.shape.length === 0) return item(t.data[0]);
  let pos = 0;
  const level = (d: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < t.shape[d]; i++) parts.push(d === t.shape.length - 1 ? item(t.data[pos++]) : level(d + 1));
    return `[${parts.join(', ')}]`;
  };
  return level(0);
}

/** `torch.tensor(...)` for a tensor (float64, or int64 for class indices). */
export function pyTensor(t: Tensor): string {
  const dtype = t.dtype === 'int64' ? 'torch.int64' : 'torch.float64';
  if (t.data.length > MAX_LITERAL_ELEMENTS) return `torch.empty(${JSON.stringify(t.shape).replace(/^\[/, '(').replace(/\]$/, t.shape.length === 1 ? ',)' : ')')}, dtype=${dtype})  # ${t.data.length} values: load your tensor here`;
  return `torch.tensor(${pyNested(t)}, dtype=${dtype})`;
}

function pyValue(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyNumber(v);
  return pyTensor(v);
}

/** The expression computing the loss from the variables the code defines (one per argument, by name). */
function callExpression(op: string, a: Readonly<Record<string, ArgValue>>): string {
  const spec = registry.get(op);
  const kw = (name: string): string => `${name}=${name === 'var' ? 'var_' : name}`;
  const fnArgs = (): string => {
    const positional = spec.args.filter((s) => s.kind === 'tensor' && s.role !== 'weight' && s.default === undefined).map((s) => (s.name === 'var' ? 'var_' : s.name));
    const named = spec.args.filter((s) => !(s.kind === 'tensor' && s.role !== 'weight' && s.default === undefined)).map((s) => kw(s.name));
    return [...positional, ...named].join(', ');
  };
  switch (op) {
    case 'label_smoothing_cross_entropy':
      // timm LabelSmoothingCrossEntropy
      return '(lambda logp: ((1 - smoothing) * -logp.gather(-1, target.unsqueeze(-1)).squeeze(-1) + smoothing * -logp.mean(dim=-1)).mean())(F.log_softmax(input, dim=-1))';
    case 'soft_target_cross_entropy':
      return 'torch.sum(-target * F.log_softmax(input, dim=-1), dim=-1).mean()';
    case 'distillation_loss':
      return (
        'F.kl_div(F.log_softmax(student / temperature, dim=1), F.softmax(teacher / temperature, dim=1), reduction=kl_reduction) * (alpha * temperature * temperature)' +
        ' + F.cross_entropy(student, labels) * (1 - alpha)'
      );
    case 'jsd_cross_entropy':
      return [
        '(lambda splits: (F.cross_entropy(splits[0], target[: splits[0].shape[0]], label_smoothing=smoothing or 0.0)',
        ' + alpha * (lambda ps: (lambda logm: sum(F.kl_div(logm, p, reduction="batchmean") for p in ps) / len(ps))(',
        'torch.clamp(torch.stack(ps).mean(dim=0), 1e-7, 1).log()))([F.softmax(s, dim=1) for s in splits])))',
        '(torch.split(input, input.shape[0] // num_splits))',
      ].join('');
    case 'entropy':
      return '(lambda p: -(torch.special.xlogy(p, p)).sum(dim=-1) / (1.0 if base is None else torch.log(torch.tensor(float(base), dtype=torch.float64))))(probs / probs.sum(dim=-1, keepdim=True))';
    case 'js_divergence':
      return (
        '(lambda m: (lambda js: js.mean() if reduction == "mean" else js.sum() if reduction == "sum" else js)(' +
        'torch.stack([torch.where(p > 0, p * torch.log(p / m), torch.zeros_like(p)).sum(dim=-1) for p in probs]).mean(dim=0)))(probs.mean(dim=0))'
      );
    case 'softmax':
    case 'log_softmax':
      return `F.${op}(input, dim=dim)`;
    case 'mixup_target':
    case 'cross_entropy_decomposition':
      throw new Error(`${op} returns tensors rather than a loss value; there is no single number to reproduce.`);
    default:
      void a;
      return `F.${op}(${fnArgs()})`;
  }
}

/**
 * Python that reproduces `op(args)`: defines each argument (PyTorch's defaults filled in), computes
 * the loss and prints it (`.item()` for a scalar, the list otherwise) with `%.12g`. Throws the
 * engine's message for bad arguments.
 */
export function toPyTorchCode(op: string, args: Readonly<Record<string, ArgValue>>): string {
  const resolved = registry.resolveArgs(op, args);
  const spec = registry.get(op);
  const lines = ['import torch', 'import torch.nn.functional as F', '', `# ${op}: ${spec.formula}`];
  for (const s of spec.args) {
    const v = resolved[s.name];
    lines.push(`${s.name === 'var' ? 'var_' : s.name} = ${pyValue(v)}`);
  }
  const huge = spec.args.some((s) => isTensor(resolved[s.name]) && (resolved[s.name] as Tensor).data.length > MAX_LITERAL_ELEMENTS);
  if (huge) lines.push('# Some tensors were too large to write out: load them above before running.');
  lines.push('', `loss = ${callExpression(op, resolved)}`);
  lines.push("print('%.12g' % loss.item() if loss.dim() == 0 else [float('%.12g' % v) for v in loss.flatten().tolist()])");
  return lines.join('\n') + '\n';
}
