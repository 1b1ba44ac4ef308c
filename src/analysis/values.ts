/**
 * The values the static evaluator computes with, and how Python prints them (`str()`, `repr()`),
 * so f-strings and `print` read as they would in the notebook.
 */
import type { OpArgs } from '../engine/op';
import type { DType, Tensor } from '../engine/tensor';
import type { LossEntry } from './lossTable';
import type { Span } from './syntax';

/** Where a loss value came from: the op call, its resolved arguments and its raw output. */
export interface LossOrigin {
  /** The registry op (`cross_entropy`). */
  readonly op: string;
  /** The arguments as `registry.resolveArgs` completed them. */
  readonly args: OpArgs;
  /** The op's output, in the dtype torch gives it. */
  readonly output: Tensor;
  /** The call in the source it was evaluated from (the defining line for a name). */
  readonly span: Span;
  /** That call's source text. */
  readonly text: string;
}

/** A value of the evaluated subset. `loss` marks values computed from a loss call. */
export type PyValue =
  /** `bool` marks a torch.bool tensor (held as int64 0/1): a mask, not indices. */
  | { readonly k: 'tensor'; readonly t: Tensor; readonly loss?: LossOrigin; readonly requiresGrad?: boolean; readonly bool?: boolean }
  | { readonly k: 'num'; readonly v: number; readonly int: boolean; readonly loss?: LossOrigin }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'str'; readonly s: string }
  | { readonly k: 'none' }
  /** A module, class or function by dotted path as imported (`torch.nn.functional`). */
  | { readonly k: 'module'; readonly path: string }
  /** A loss object such as `nn.CrossEntropyLoss(reduction='none')`: its table entry and constructor options. */
  | { readonly k: 'lossModule'; readonly entry: LossEntry; readonly options: Readonly<Record<string, PyValue>>; readonly className: string }
  /** `nn.Softmax(dim=1)` and friends: an activation op with its dim. */
  | { readonly k: 'activation'; readonly op: 'softmax' | 'log_softmax' | 'sigmoid'; readonly dim: number | null }
  /** A tuple; `size` for a `torch.Size`. */
  | { readonly k: 'tuple'; readonly items: readonly PyValue[]; readonly size?: boolean }
  /** A Python list: the values of a literal as a tensor (int64 or float64), or evaluated items. */
  | { readonly k: 'list'; readonly t?: Tensor; readonly items?: readonly PyValue[] }
  /** A bound method not yet called (`x.softmax`). */
  | { readonly k: 'method'; readonly self: PyValue; readonly name: string }
  /** A dtype such as `torch.float32`. */
  | { readonly k: 'dtype'; readonly dtype: DType; readonly name: string };

/** Python's `repr(float)`: the shortest round-trip digits, exponent below 1e-4 and from 1e16 (`1e-05`, `50.0`). */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e16) {
    const s = String(v);
    if (!s.includes('e')) return s.includes('.') ? s : `${s}.0`;
  }
  const [m, e] = v.toExponential().split('e');
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `%.{digits}f` of a float, as Python formats it. */
function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return pyFloatRepr(v);
  return v.toFixed(Math.min(100, digits));
}

/** torch's default print of a float element (4 decimals, or scientific for very small or large values). */
function torchElement(v: number, sci: boolean, int: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (int) return String(v);
  if (sci) {
    const [m, e] = v.toExponential(4).split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return v.toFixed(4);
}

/** A tensor printed roughly as torch prints it (`tensor([[0.1000, 0.9000]])`), for `print` and f-strings. */
export function torchRepr(t: Tensor, requiresGrad = false): string {
  const int = t.dtype === 'int64';
  const finite = Array.from(t.data).filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  const sci = !int && finite.length > 0 && (Math.max(...finite) >= 1e8 || Math.min(...finite) < 1e-4);
  const cells = Array.from(t.data, (v) => torchElement(v, sci, int));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  let k = 0;
  const render = (d: number, indent: string): string => {
    if (d === t.shape.length) return cells[k++].padStart(width);
    const parts: string[] = [];
    for (let i = 0; i < t.shape[d]; i++) parts.push(render(d + 1, indent + ' '));
    const sep = d === t.shape.length - 1 ? ', ' : `,${'\n'.repeat(t.shape.length - d - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = t.shape.length === 0 ? cells[0] ?? '' : render(0, '      ');
  const extras: string[] = [];
  if (t.dtype === 'float64') extras.push('dtype=torch.float64');
  if (requiresGrad) extras.push('requires_grad=True');
  return `tensor(${body}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}

/** Python's `str()` of a value. */
export function pyStr(v: PyValue): string {
  switch (v.k) {
    case 'num':
      return v.int ? String(v.v) : pyFloatRepr(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'str':
      return v.s;
    case 'none':
      return 'None';
    case 'tensor':
      return torchRepr(v.t, v.requiresGrad);
    case 'tuple':
      if (v.size) return `torch.Size([${v.items.map(pyStr).join(', ')}])`;
      return `(${v.items.map(pyRepr).join(', ')}${v.items.length === 1 ? ',' : ''})`;
    case 'list':
      if (v.items) return `[${v.items.map(pyRepr).join(', ')}]`;
      return v.t ? JSON.stringify(Array.from(v.t.data)) : '[]';
    case 'module':
      return `<module '${v.path}'>`;
    case 'lossModule':
      return `${v.className}()`;
    case 'activation':
      return `${v.op}(dim=${v.dim ?? 'None'})`;
    case 'method':
      return `<built-in method ${v.name}>`;
    case 'dtype':
      return v.name;
  }
}

/** Python's `repr()` of a value (strings quoted). */
export function pyRepr(v: PyValue): string {
  return v.k === 'str' ? `'${v.s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : pyStr(v);
}

/** `format(value, spec)` for the specs people put in f-strings: `.4f`, `.3e`, `.5g`, `%`, `d`; others fall back to `str()`. */
export function pyFormat(v: PyValue, spec: string): string {
  const m = /^([<>^=]?)(\d*)(?:\.(\d+))?([fFeEgG%d]?)$/.exec(spec);
  const x = v.k === 'num' ? v.v : v.k === 'tensor' && v.t.data.length === 1 ? v.t.data[0] : undefined;
  if (!m || x === undefined || spec === '') return pyStr(v);
  const digits = m[3] === undefined ? 6 : Number(m[3]);
  let s: string;
  switch (m[4]) {
    case 'f':
    case 'F':
      s = fixed(x, digits);
      break;
    case 'e':
    case 'E': {
      const [mant, e] = x.toExponential(digits).split('e');
      const exp = Number(e);
      s = `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
      break;
    }
    case 'g':
    case 'G':
      s = String(Number(x.toPrecision(Math.max(1, digits))));
      break;
    case '%':
      s = `${fixed(x * 100, digits)}%`;
      break;
    case 'd':
      s = String(Math.trunc(x));
      break;
    default:
      s = m[3] === undefined ? pyStr(v) : String(Number(x.toPrecision(Math.max(1, digits))));
  }
  const width = Number(m[2] || 0);
  return m[1] === '<' ? s.padEnd(width) : s.padStart(width);
}

/** A short description of a value's kind for messages: "a float32 tensor [2,3]", "the string 'mean'". */
export function describeValue(v: PyValue): string {
  switch (v.k) {
    case 'tensor':
      return `${v.t.dtype === 'int64' ? 'an' : 'a'} ${v.t.dtype} tensor [${v.t.shape.join(',')}]`;
    case 'num':
      return v.int ? `the int ${v.v}` : `the float ${pyFloatRepr(v.v)}`;
    case 'str':
      return `the string '${v.s.slice(0, 24)}'`;
    case 'list':
      return 'a list';
    case 'tuple':
      return v.size ? 'a torch.Size' : 'a tuple';
    default:
      return pyStr(v);
  }
}
