/**
 * Evaluation of the safe subset over known names, without running anything. Names resolve lazily
 * through an environment chain (each assignment adds a frame holding the right-hand side and the
 * environment before it), so a hover computes only what the expression under the cursor needs and
 * each binding is computed at most once per analysis.
 *
 * Loss calls (`nn.CrossEntropyLoss(...)` objects, `F.cross_entropy`, timm's classes) go through
 * `registry.call`, so values, defaults and error messages are the engine's. Calls that would need
 * the code to run (`torch.randn`, a file load, a model) make the value *unknown* with a reason;
 * calls that could do harm (`eval`, `open`, `__import__`, `os.system`) are refused by name.
 */
import { EngineError } from '../engine/errors';
import type { ArgValue } from '../engine/op';
import { registry } from '../engine/registry';
import { DType, Tensor, broadcastShapes, broadcastTo, formatShape } from '../engine/tensor';
import { ParseError } from '../parsers/errors';
import { dtypeFromPythonName } from '../parsers/dtypes';
import { LossEntry, legacyReduction, lossByFunctional, lossByModule, parameterNames } from './lossTable';
import type { BinaryOp, CompareOp, Expr, Span } from './syntax';
import {
  ArithOp, IndexItem, TensorOpError, arange, castTensor, cat, elementwise, filled, indexTensor, matmul, oneHot, promote, pyMod, reduce, reshape, roundTo, sigmoid, transpose, unaryFloat, unarySame,
} from './tensorMath';
import { LossOrigin, PyValue, describeValue, pyFormat, pyRepr, pyStr } from './values';
import type { RandomCalls, RandomStream } from './randomStreams';
import { BudgetExceeded, chargeElements } from '../interpreter/budget';
import { NumpyRandomState } from '../interpreter/random/numpyRandom';
import { TorchGenerator } from '../interpreter/random/torchRandom';

/** Why a value could not be computed: `unknown` (needs the code to run) or `error` (torch would raise). */
export interface Failure {
  readonly kind: 'unknown' | 'error';
  /** The name (or call) that could not be computed. */
  readonly name?: string;
  /** One sentence for the hover. */
  readonly reason: string;
  /** Where, in `source`. */
  readonly span: Span;
  /** The cell source `span` is in. */
  readonly source: string;
}

/** Thrown inside the evaluator; callers catch it and report the {@link Failure}. */
export class EvalFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.reason);
    this.name = 'EvalFailure';
  }
}

/** A value printed in a stored output, standing in for a name that cannot be computed. */
export interface Echo {
  readonly value: PyValue;
  /** Decimals of the print (4 for torch's default), or null when the print was exact. */
  readonly decimals: number | null;
}

/** What an assignment (or import) bound a name to. */
export interface Binding {
  readonly name: string;
  /** The cell index and source the binding was made in. */
  readonly cell: number;
  readonly source: string;
  /** The statement. */
  readonly span: Span;
  /** The right-hand side, evaluated on demand in `env`. */
  readonly expr?: Expr;
  /** For `a, b = ...`: which element. */
  readonly element?: number;
  /** A value known without evaluation (imports). */
  readonly fixed?: PyValue;
  /** Set when a skipped line assigned the name: why it was skipped. */
  readonly skipReason?: string;
  /** Set after an `if` chain that assigned the name in some arm: the arm is picked when the value is needed. */
  readonly choice?: Choice;
  /** The environment before the statement. */
  readonly env: Env | null;
  /** The seeded random calls of the binding's cell. */
  readonly random?: RandomCalls;
  /** The value the cell printed for this binding, if any. */
  echo?: Echo;
  /** The outcome, once computed. */
  memo?: Outcome;
}

/**
 * The arms of an `if`/`elif`/`else` chain: each test (null for `else`), evaluated in `testEnv`, and
 * the environment at the end of the arm; `fallback` when no arm runs.
 */
export interface Choice {
  readonly arms: readonly { readonly test: Expr | null; readonly env: Env | null; readonly header: Span; readonly line: number }[];
  readonly testEnv: Env | null;
  readonly fallback: Env | null;
}

/** A frame of the environment chain. */
export interface Env {
  readonly name: string;
  readonly binding: Binding;
  readonly parent: Env | null;
}

/** A computed binding: its value or failure, with the provenance notes it depends on. */
export interface Outcome {
  readonly value?: PyValue;
  readonly failure?: Failure;
  readonly notes: readonly string[];
}

/** The binding of `name` in `env`, or undefined. */
export function lookup(env: Env | null, name: string): Binding | undefined {
  for (let e = env; e; e = e.parent) if (e.name === name) return e.binding;
  return undefined;
}

/** Names every notebook has without an import, for snippets pasted without their imports. */
export const DEFAULT_MODULES: Readonly<Record<string, string>> = {
  torch: 'torch',
  np: 'numpy',
  numpy: 'numpy',
  F: 'torch.nn.functional',
  nn: 'torch.nn',
  math: 'math',
};

const BUILTINS = new Set(['__name__', 'print', 'float', 'int', 'len', 'abs', 'round', 'min', 'max', 'str', 'bool', 'display', 'repr']);

/** Calls refused because they could read files, run code or reach the system. */
const UNSAFE_BUILTINS = new Set(['eval', 'exec', '__import__', 'open', 'compile', 'getattr', 'setattr', 'delattr', 'globals', 'locals', 'vars', 'input', 'breakpoint', 'exit', 'quit', 'help']);
const UNSAFE_MODULES = /^(os|sys|subprocess|shutil|pickle|builtins|importlib|socket|requests|urllib|pathlib|ctypes|multiprocessing|threading|signal|io|glob|tempfile)(\.|$)/;

const RANDOM = /^(torch\.(randn|rand|randint|randn_like|rand_like|randint_like|normal|randperm|bernoulli|multinomial|poisson)|np\.random\..+|random\..+)$/;
const UNINITIALISED = /^torch\.(empty|empty_like|Tensor|FloatTensor|LongTensor|DoubleTensor|IntTensor)$/;
const FILE_LOADS = /^(torch\.load|np\.(load|loadtxt|genfromtxt|fromfile)|pd\.read_\w+|pandas\.read_\w+|json\.loads?|pickle\.loads?)$/;
export const RANDOM_METHODS = new Set(['random_', 'uniform_', 'normal_', 'bernoulli_', 'exponential_', 'geometric_', 'cauchy_', 'log_normal_']);

/** Dtype attributes (`torch.float32`, `torch.long`). */
const TORCH_DTYPES = /^(float|float16|float32|float64|double|half|bfloat16|long|int|int8|int16|int32|int64|uint8|bool)$/;

/** Constants by canonical path. */
const CONSTANTS: Readonly<Record<string, number>> = {
  'math.pi': Math.PI, 'math.e': Math.E, 'math.inf': Infinity, 'math.nan': NaN, 'math.tau': 2 * Math.PI,
  'np.pi': Math.PI, 'np.e': Math.E, 'np.inf': Infinity, 'np.nan': NaN, 'torch.pi': Math.PI, 'torch.e': Math.E, 'torch.inf': Infinity, 'torch.nan': NaN,
};

/**
 * The spelling the dispatch tables use for a dotted path: `F.x` for `torch.nn.functional.x`,
 * `nn.X` for `torch.nn.X` (and `torch.nn.modules.loss.X`), `np.x` for `numpy.x`, `timm.X` for any
 * class under `timm.loss`.
 */
export function canonicalPath(path: string): string {
  const p = path.replace(/^torch\.nn\.modules(\.\w+)?\./, 'torch.nn.');
  if (p.startsWith('torch.nn.functional.')) return `F.${p.slice(20)}`;
  if (p.startsWith('torch.nn.')) return `nn.${p.slice(9)}`;
  if (p.startsWith('numpy.')) return `np.${p.slice(6)}`;
  const timm = /^timm\.loss\.(?:\w+\.)*(\w+)$/.exec(p);
  if (timm) return `timm.${timm[1]}`;
  return p;
}

const MAX_BINDING_DEPTH = 400;
let bindingDepth = 0;

/**
 * The outcome of a binding, computed once. A failure of the right-hand side falls back to the
 * value the cell printed for it, with a provenance note.
 */
export function resolveBinding(b: Binding): Outcome {
  if (b.memo) return b.memo;
  let outcome: Outcome;
  if (b.fixed) outcome = { value: b.fixed, notes: [] };
  else if (b.choice) outcome = resolveChoice(b, b.choice);
  else if (b.skipReason !== undefined) {
    outcome = { failure: { kind: 'unknown', name: b.name, reason: `\`${b.name}\` is assigned by a line Loss Lens skips: ${b.skipReason}`, span: b.span, source: b.source }, notes: [] };
  } else if (!b.expr) outcome = { failure: { kind: 'unknown', name: b.name, reason: `\`${b.name}\` has no value Loss Lens can read.`, span: b.span, source: b.source }, notes: [] };
  else if (bindingDepth > MAX_BINDING_DEPTH) {
    outcome = { failure: { kind: 'unknown', name: b.name, reason: `\`${b.name}\` depends on too long a chain of assignments to follow.`, span: b.span, source: b.source }, notes: [] };
  } else {
    bindingDepth++;
    const ev = new Evaluator(b.source, b.env, b.random);
    try {
      let v = ev.eval(b.expr);
      if (b.element !== undefined) v = unpack(v, b.element, b);
      outcome = { value: v, notes: ev.notes };
    } catch (e) {
      outcome = { failure: nameFailure(toFailure(e, b.expr, b.source), b), notes: ev.notes };
    } finally {
      bindingDepth--;
    }
  }
  if (outcome.failure && b.echo) {
    const d = b.echo.decimals;
    outcome = { value: b.echo.value, notes: [`${b.name}: from the printed output${d === null ? '' : `, ${d} decimal${d === 1 ? '' : 's'}`}`] };
  }
  b.memo = outcome;
  return outcome;
}

/** The value of a name after an `if` chain: the first arm whose test is true (evaluated now), or the name before the chain. */
function resolveChoice(b: Binding, c: Choice): Outcome {
  const notes: string[] = [];
  let env = c.fallback;
  for (const arm of c.arms) {
    if (arm.test) {
      const ev = new Evaluator(b.source, c.testEnv, b.random);
      let truth: boolean;
      try {
        truth = ev.truth(ev.eval(arm.test), arm.test);
      } catch (e) {
        const f = toFailure(e, arm.test, b.source);
        const cond = b.source.slice(arm.test.start, arm.test.end);
        return { failure: { kind: 'unknown', name: b.name, reason: `\`${b.name}\` depends on the condition \`${cond.length > 60 ? `${cond.slice(0, 57)}…` : cond}\` (line ${arm.line}), which Loss Lens cannot decide: ${f.reason}`, span: arm.header, source: b.source }, notes: ev.notes };
      }
      for (const n of ev.notes) if (!notes.includes(n)) notes.push(n);
      if (!truth) continue;
    }
    env = arm.env;
    break;
  }
  const chosen = lookup(env, b.name);
  if (!chosen) return { failure: { kind: 'unknown', name: b.name, reason: `\`${b.name}\` is not defined on the branch of the \`if\` that runs.`, span: b.span, source: b.source }, notes };
  const o = resolveBinding(chosen);
  return { ...o, notes: [...notes, ...o.notes.filter((n) => !notes.includes(n))] };
}

function unpack(v: PyValue, i: number, b: Binding): PyValue {
  if (v.k === 'tuple' || (v.k === 'list' && v.items)) {
    const items = v.k === 'tuple' ? v.items : (v.items as readonly PyValue[]);
    return items[i] ?? fail('error', `Cannot unpack ${items.length} values into the target of \`${b.name}\`.`, b.span, b.source);
  }
  return fail('unknown', `\`${b.name}\` is unpacked from ${describeValue(v)}, which Loss Lens does not split.`, b.span, b.source, b.name);
}

/** A failure of a binding's right-hand side, restated in terms of the name. */
function nameFailure(f: Failure, b: Binding): Failure {
  if (f.name !== undefined && f.name !== b.name && !f.name.includes('(')) return f;
  if (f.kind === 'unknown') {
    const what = f.name ?? 'an expression';
    const because = f.reason.replace(/^`[^`]*` /, '');
    return { ...f, name: b.name, reason: `\`${b.name}\` comes from ${what}, which Loss Lens cannot compute statically (${because.replace(/\.$/, '')}). Print it in its cell, or end the cell with \`${b.name}\`, and run it so the printed value can be used.` };
  }
  return { ...f, name: b.name, reason: `\`${b.name}\` could not be computed: ${f.reason}` };
}

function fail(kind: 'unknown' | 'error', reason: string, span: Span, source: string, name?: string): never {
  throw new EvalFailure({ kind, reason, span, source, ...(name !== undefined ? { name } : {}) });
}

/** Any exception from evaluating `e` as a {@link Failure}. */
export function toFailure(err: unknown, e: Span, source: string): Failure {
  if (err instanceof EvalFailure) return err.failure;
  if (err instanceof BudgetExceeded) return { kind: 'unknown', reason: err.message, span: e, source };
  if (err instanceof EngineError || err instanceof TensorOpError || err instanceof ParseError) return { kind: 'error', reason: err.message, span: e, source };
  if (err instanceof RangeError) return { kind: 'error', reason: `The value is too large to evaluate statically (${err.message}).`, span: e, source };
  return { kind: 'error', reason: `Loss Lens could not evaluate this (${err instanceof Error ? err.message : String(err)}).`, span: e, source };
}

type Args = { readonly pos: readonly PyValue[]; readonly kw: ReadonlyMap<string, PyValue>; readonly node: Expr & { k: 'call' } };

/** Evaluates expressions of one cell in an environment. */
export class Evaluator {
  /** Provenance notes of everything evaluated so far (`input: from the printed output, 4 decimals`). */
  readonly notes: string[] = [];

  /** @param source the cell the expressions are in. @param env the names visible there. @param random the cell's seeded random calls. */
  constructor(
    readonly source: string,
    readonly env: Env | null,
    readonly random?: RandomCalls,
  ) {}

  /** Draws the seeded random call `node` as call `index` of `stream` (the stream replays its earlier calls this way). */
  drawAt(node: Expr & { k: 'call' }, stream: RandomStream, index: number): PyValue {
    const fn = this.eval(node.fn);
    if (fn.k !== 'module') return fail('unknown', 'The random call is not a module function.', node, this.source);
    return this.seeded(canonicalPath(fn.path), node, stream, index);
  }

  private seeded(c: string, e: Expr & { k: 'call' }, stream: RandomStream, index: number): PyValue {
    const refusal = stream.refusal(index);
    const shown = `${c}(...)`;
    if (refusal !== undefined) return fail('unknown', `\`${c}(...)\` draws random numbers after ${refusal}, so the generator's state there is not known.`, e, this.source, shown);
    const pos = e.args.map((a) => this.eval(a));
    const kw = new Map<string, PyValue>();
    for (const k of e.keywords) kw.set(k.name, this.eval(k.value));
    const a: Args = { pos, kw, node: e };
    for (const k of ['generator', 'out', 'layout', 'pin_memory']) if (kw.has(k)) return fail('unknown', `\`${c}(..., ${k}=...)\` is not reproduced.`, e, this.source, shown);
    let v: PyValue;
    try {
      v = stream.valueAt(index, (gen) => this.generate(c, a, gen));
    } catch (err) {
      if (err instanceof RangeError) return fail('unknown', `\`${c}(...)\` could not be drawn: ${err.message}.`, e, this.source, shown);
      throw err;
    }
    this.note(`${c}: drawn from the seed set at line ${stream.seed.line}, as ${stream.kind === 'torch' ? "PyTorch's CPU generator" : "NumPy's legacy RandomState"} gives it`);
    return v;
  }

  private generate(c: string, a: Args, gen: TorchGenerator | NumpyRandomState): PyValue {
    const e = a.node;
    const count = (shape: readonly number[]): number => {
      const n = shape.reduce((x, y) => x * y, 1);
      if (shape.some((d) => d < 0)) throw new TensorOpError(`${c}: negative dimension in size ${formatShape(shape)}.`);
      chargeElements(n, `${c}(...)`);
      return n;
    };
    if (gen instanceof TorchGenerator) {
      const fnName = c.slice(6);
      const floatDtype = (d: DType | undefined): 'float32' | 'float64' => {
        if (d === 'int64') throw new TensorOpError(`${c}: an integer dtype is not valid here.`);
        return d ?? 'float32';
      };
      switch (fnName) {
        case 'rand':
        case 'randn':
        case 'rand_like':
        case 'randn_like': {
          const like = fnName.endsWith('_like') ? this.tensorOf(a.pos[0] ?? { k: 'none' }, `${c}()'s input`) : undefined;
          const sizeKw = a.kw.get('size');
          const shape = like ? like.shape : sizeKw ? this.sizeArgs({ ...a, pos: [sizeKw] }) : this.sizeArgs(a);
          const dtype = floatDtype(this.dtypeArg(a.kw.get('dtype')) ?? (like && like.dtype !== 'int64' ? like.dtype : undefined));
          const n = count(shape);
          const data = fnName.startsWith('randn') ? gen.randn(n, dtype) : gen.rand(n, dtype);
          const rg = a.kw.get('requires_grad');
          return { k: 'tensor', t: { shape: [...shape], data, dtype }, ...(rg && this.truth(rg, e) ? { requiresGrad: true } : {}) };
        }
        case 'randint': {
          const nums = a.pos.filter((v) => v.k === 'num' || v.k === 'bool');
          const sizeV = a.kw.get('size') ?? a.pos.find((v) => v.k === 'tuple' || v.k === 'list');
          const lowV = a.kw.get('low');
          const highV = a.kw.get('high');
          let low = 0;
          let high: number;
          if (highV) {
            high = this.intOf(highV, 'high');
            low = lowV ? this.intOf(lowV, 'low') : nums.length > 0 ? this.intOf(nums[0], 'low') : 0;
          } else if (nums.length >= 2) {
            low = this.intOf(nums[0], 'low');
            high = this.intOf(nums[1], 'high');
          } else if (nums.length === 1) high = this.intOf(nums[0], 'high');
          else throw new TensorOpError('randint() needs high and size: torch.randint(low, high, (n,)).');
          if (!sizeV) throw new TensorOpError('randint() is missing the size: torch.randint(low, high, (n,)).');
          const dt = this.dtypeArg(a.kw.get('dtype'));
          if (dt && dt !== 'int64') throw new TensorOpError(`${c}(dtype=${dt}) is not reproduced: use the default torch.int64.`);
          const shape = this.sizeArgs({ ...a, pos: [sizeV] });
          return { k: 'tensor', t: { shape, data: gen.randint(low, high, count(shape)), dtype: 'int64' } };
        }
        case 'randperm': {
          const n = this.intOf(a.pos[0] ?? a.kw.get('n') ?? { k: 'none' }, 'n');
          const dt = this.dtypeArg(a.kw.get('dtype'));
          if (dt && dt !== 'int64') throw new TensorOpError(`${c}(dtype=${dt}) is not reproduced: use the default torch.int64.`);
          return { k: 'tensor', t: { shape: [n], data: gen.randperm(count([n])), dtype: 'int64' } };
        }
        default:
          return fail('unknown', `\`${c}(...)\` is not one of the seeded draws Loss Lens reproduces.`, e, this.source, `${c}(...)`);
      }
    }
    const fnName = c.slice('np.random.'.length);
    const sizeOr = (v: PyValue | undefined): number[] | null => (v === undefined || v.k === 'none' ? null : v.k === 'num' ? [this.intOf(v, 'size')] : this.sizeArgs({ ...a, pos: [v] }));
    const arr = (shape: number[] | null, data: Float64Array, int: boolean): PyValue =>
      shape === null ? { k: 'num', v: data[0], int } : { k: 'tensor', t: { shape, data, dtype: int ? 'int64' : 'float64' } };
    const numArg = (name: string, i: number, dflt: number): number => {
      const v = this.kwOrPos(a, name, i);
      return v === undefined || v.k === 'none' ? dflt : this.numberOf(v.k === 'tensor' && v.t.data.length !== 1 ? fail('unknown', `np.random.${fnName} with an array ${name} is not reproduced.`, e, this.source) : v, name);
    };
    switch (fnName) {
      case 'rand':
      case 'randn': {
        const shape = a.pos.length === 0 ? null : a.pos.map((v) => this.intOf(v, 'a dimension'));
        const n = shape === null ? 1 : count(shape);
        return arr(shape, fnName === 'rand' ? gen.rand(n) : gen.randn(n), false);
      }
      case 'random':
      case 'random_sample': {
        const shape = sizeOr(this.kwOrPos(a, 'size', 0));
        return arr(shape, gen.rand(shape === null ? 1 : count(shape)), false);
      }
      case 'normal':
      case 'uniform': {
        const shape = sizeOr(this.kwOrPos(a, 'size', 2));
        const n = shape === null ? 1 : count(shape);
        const data = fnName === 'normal' ? gen.normal(numArg('loc', 0, 0), numArg('scale', 1, 1), n) : gen.uniform(numArg('low', 0, 0), numArg('high', 1, 1), n);
        return arr(shape, data, false);
      }
      case 'randint': {
        const lowV = this.kwOrPos(a, 'low', 0);
        const highV = this.kwOrPos(a, 'high', 1);
        if (!lowV) throw new TensorOpError('np.random.randint() needs low (and high).');
        const [low, high] = highV === undefined || highV.k === 'none' ? [0, this.intOf(lowV, 'high')] : [this.intOf(lowV, 'low'), this.intOf(highV, 'high')];
        const dt = a.kw.get('dtype');
        if (dt && !(dt.k === 'dtype' && dt.dtype === 'int64') && !(dt.k === 'module' && dt.path === 'builtins.int')) return fail('unknown', 'np.random.randint with a dtype other than int64 is not reproduced.', e, this.source);
        const shape = sizeOr(this.kwOrPos(a, 'size', 2));
        return arr(shape, gen.randint(low, high, shape === null ? 1 : count(shape)), true);
      }
      default:
        return fail('unknown', `\`${c}(...)\` is not one of the seeded draws Loss Lens reproduces.`, e, this.source, `${c}(...)`);
    }
  }

  private note(n: string): void {
    if (!this.notes.includes(n)) this.notes.push(n);
  }

  private text(s: Span): string {
    return this.source.slice(s.start, s.end);
  }

  /** The value of `e`, or throws {@link EvalFailure}. */
  eval(e: Expr): PyValue {
    try {
      return this.evalInner(e);
    } catch (err) {
      if (err instanceof EvalFailure) throw err;
      throw new EvalFailure(toFailure(err, e, this.source));
    }
  }

  private evalInner(e: Expr): PyValue {
    switch (e.k) {
      case 'num':
        return { k: 'num', v: e.v, int: e.int };
      case 'str':
        return { k: 'str', s: e.s };
      case 'fstring':
        return { k: 'str', s: e.parts.map((p) => (typeof p === 'string' ? p : this.field(p.expr, p.conversion, p.spec))).join('') };
      case 'const':
        return e.v === null ? { k: 'none' } : { k: 'bool', v: e.v };
      case 'name':
        return this.name(e);
      case 'attr':
        return this.attr(this.eval(e.obj), e.attr, e);
      case 'call':
        return this.call(e);
      case 'index':
        return this.index(e);
      case 'literal':
        return e.list ? { k: 'list', t: e.tensor } : { k: 'tensor', t: e.tensor, ...(e.tensor.requiresGrad ? { requiresGrad: true } : {}) };
      case 'bin':
        return this.binary(e.op, this.eval(e.l), this.eval(e.r), e);
      case 'cmp': {
        let left = this.eval(e.operands[0]);
        let out: PyValue = { k: 'bool', v: true };
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.operands[i + 1]);
          out = this.compare(e.ops[i], left, right, e);
          // A chain `a < b < c` stops at the first false link; a tensor comparison ends the chain.
          if (e.ops.length > 1 && (out.k !== 'bool' || !out.v)) {
            if (out.k !== 'bool') return fail('unknown', 'A chained comparison of tensors is not evaluated: compare two at a time.', e, this.source);
            return out;
          }
          left = right;
        }
        return out;
      }
      case 'boolop': {
        let v: PyValue = { k: 'none' };
        for (const x of e.values) {
          v = this.eval(x);
          const t = this.truth(v, x);
          if (e.op === 'and' ? !t : t) return v;
        }
        return v;
      }
      case 'not':
        return { k: 'bool', v: !this.truth(this.eval(e.operand), e.operand) };
      case 'ifexp':
        return this.truth(this.eval(e.test), e.test) ? this.eval(e.body) : this.eval(e.orelse);
      case 'unary': {
        const v = this.eval(e.operand);
        if (e.op === '~') {
          if (v.k === 'num' && v.int) return { k: 'num', v: -v.v - 1, int: true };
          if (v.k === 'bool') return { k: 'num', v: v.v ? -2 : -1, int: true };
          if (v.k === 'tensor' && v.bool) return { ...v, t: unarySame(v.t, (x) => (x ? 0 : 1)) };
          if (v.k === 'tensor' && v.t.dtype === 'int64') return { ...v, t: unarySame(v.t, (x) => -x - 1) };
          return fail('error', `Bad operand for unary ~: ${describeValue(v)}.`, e, this.source);
        }
        if (e.op === '+') return v;
        if (v.k === 'num') return { ...v, v: -v.v };
        if (v.k === 'bool') return { k: 'num', v: v.v ? -1 : 0, int: true };
        if (v.k === 'tensor') return { ...v, t: unarySame(v.t, (x) => -x) };
        return fail('error', `Bad operand for unary -: ${describeValue(v)}.`, e, this.source);
      }
      case 'tuple':
        return { k: 'tuple', items: e.items.map((i) => this.eval(i)) };
      case 'list':
        return { k: 'list', items: e.items.map((i) => this.eval(i)) };
      case 'slice':
      case 'ellipsis':
        return fail('error', 'A slice or ... only makes sense inside [ ].', e, this.source);
    }
  }

  private field(e: Expr, conversion: string, spec: string): string {
    const v = this.eval(e);
    if (conversion === 'r') return pyRepr(v);
    return spec ? pyFormat(v, spec) : pyStr(v);
  }

  private name(e: Expr & { k: 'name' }): PyValue {
    const b = lookup(this.env, e.id);
    if (b) {
      const o = resolveBinding(b);
      for (const n of o.notes) this.note(n);
      if (o.failure) throw new EvalFailure(o.failure);
      return o.value as PyValue;
    }
    if (e.id === '__name__') return { k: 'str', s: '__main__' };
    const mod = DEFAULT_MODULES[e.id];
    if (mod) return { k: 'module', path: mod };
    if (BUILTINS.has(e.id) || UNSAFE_BUILTINS.has(e.id) || e.id.startsWith('__')) return { k: 'module', path: `builtins.${e.id}` };
    return fail('unknown', `\`${e.id}\` is not defined in this cell or an earlier one.`, e, this.source, e.id);
  }

  private attr(obj: PyValue, attr: string, e: Span): PyValue {
    if (attr.startsWith('__')) return fail('error', `Attribute '${attr}' is refused: Loss Lens never runs code.`, e, this.source, attr);
    switch (obj.k) {
      case 'module': {
        const path = `${obj.path}.${attr}`;
        const c = canonicalPath(path);
        if (c in CONSTANTS) return { k: 'num', v: CONSTANTS[c], int: false };
        if ((obj.path === 'torch' || obj.path === 'numpy') && TORCH_DTYPES.test(attr)) {
          const dtype = dtypeFromPythonName(`${obj.path === 'torch' ? 'torch' : 'np'}.${attr}`, obj.path === 'numpy');
          if (dtype) return { k: 'dtype', dtype, name: `${obj.path === 'torch' ? 'torch' : 'np'}.${attr}` };
        }
        return { k: 'module', path };
      }
      case 'tensor':
        return this.tensorAttr(obj, attr, e);
      case 'tuple':
      case 'list':
      case 'num':
      case 'str':
        return { k: 'method', self: obj, name: attr };
      case 'lossModule': {
        const opt = obj.options[attr];
        if (opt) return opt;
        return fail('unknown', `\`${obj.className}.${attr}\` is not evaluated.`, e, this.source);
      }
      default:
        return fail('unknown', `Attribute '.${attr}' of ${describeValue(obj)} is not evaluated.`, e, this.source);
    }
  }

  private tensorAttr(obj: PyValue & { k: 'tensor' }, attr: string, e: Span): PyValue {
    const t = obj.t;
    switch (attr) {
      case 'shape':
        return sizeOf(t);
      case 'ndim':
        return { k: 'num', v: t.shape.length, int: true };
      case 'dtype':
        return { k: 'dtype', dtype: t.dtype, name: `torch.${t.dtype}` };
      case 'T':
        return { ...obj, t: t.shape.length === 2 ? transpose(t, 0, 1) : t };
      case 'data':
        return obj;
      case 'requires_grad':
        return { k: 'bool', v: obj.requiresGrad === true };
      case 'grad':
        return fail('unknown', '`.grad` exists only after backward() runs.', e, this.source, '.grad');
      default:
        return { k: 'method', self: obj, name: attr };
    }
  }

  private index(e: Expr & { k: 'index' }): PyValue {
    const obj = this.eval(e.obj);
    if (obj.k === 'tensor' || (obj.k === 'list' && obj.t)) {
      const t = obj.k === 'tensor' ? obj.t : (obj.t as Tensor);
      const items = e.items.map((i) => this.indexItem(i));
      const out = indexTensor(t, items);
      return obj.k === 'tensor' ? { ...obj, t: out } : out.shape.length === 0 ? { k: 'num', v: out.data[0], int: out.dtype === 'int64' } : { k: 'list', t: out };
    }
    if (obj.k === 'tuple' || (obj.k === 'list' && obj.items)) {
      const items = obj.k === 'tuple' ? obj.items : (obj.items as readonly PyValue[]);
      if (e.items.length !== 1) return fail('error', 'Tuples and lists take one index.', e, this.source);
      const i = this.intOf(this.eval(e.items[0]), 'the index');
      const v = items[i < 0 ? i + items.length : i];
      return v ?? fail('error', `Index ${i} is out of range for ${items.length} items.`, e, this.source);
    }
    return fail('unknown', `Indexing ${describeValue(obj)} is not evaluated.`, e, this.source);
  }

  private indexItem(i: Expr): IndexItem {
    if (i.k === 'ellipsis') return { k: 'ellipsis' };
    if (i.k === 'slice') {
      const b = (x: Expr | undefined): number | null => (x ? this.intOrNone(this.eval(x), 'a slice bound') : null);
      return { k: 'slice', lo: b(i.lo), hi: b(i.hi), step: b(i.step) };
    }
    const v = this.eval(i);
    if (v.k === 'none') return { k: 'none' };
    if (v.k === 'num' || v.k === 'bool') return { k: 'int', i: this.intOf(v, 'an index') };
    if (v.k === 'tensor') {
      if (v.bool) return fail('unknown', 'Indexing with a boolean mask is not evaluated yet: index with the positions (torch.nonzero) instead.', i, this.source);
      if (v.t.shape.length === 0 && v.t.dtype === 'int64') return { k: 'int', i: v.t.data[0] };
      return { k: 'indices', t: v.t };
    }
    if (v.k === 'list' && v.t) return { k: 'indices', t: v.t };
    return fail('error', `${describeValue(v)} cannot index a tensor.`, i, this.source);
  }

  private intOf(v: PyValue, what: string): number {
    if (v.k === 'num' && v.int) return v.v;
    if (v.k === 'bool') return v.v ? 1 : 0;
    if (v.k === 'tensor' && v.t.data.length === 1 && v.t.dtype === 'int64') return v.t.data[0];
    throw new TensorOpError(`Expected an integer for ${what} but found ${describeValue(v)}.`);
  }

  private intOrNone(v: PyValue, what: string): number | null {
    return v.k === 'none' ? null : this.intOf(v, what);
  }

  private numberOf(v: PyValue, what: string): number {
    if (v.k === 'num') return v.v;
    if (v.k === 'bool') return v.v ? 1 : 0;
    if (v.k === 'tensor' && v.t.data.length === 1) return v.t.data[0];
    throw new TensorOpError(`Expected a number for ${what} but found ${describeValue(v)}.`);
  }

  private tensorOf(v: PyValue, what: string): Tensor {
    if (v.k === 'tensor') return v.t;
    throw new TensorOpError(`${what} must be a Tensor, not ${describeValue(v)}.`);
  }

  /** Python's truth of a value; a tensor of more than one element raises, as in PyTorch. */
  truth(v: PyValue, e: Span): boolean {
    switch (v.k) {
      case 'bool':
        return v.v;
      case 'num':
        return v.v !== 0;
      case 'none':
        return false;
      case 'str':
        return v.s.length > 0;
      case 'tuple':
        return v.items.length > 0;
      case 'list':
        return (v.items ? v.items.length : v.t?.shape[0] ?? 0) > 0;
      case 'tensor':
        if (v.t.data.length !== 1) return fail('error', `Boolean value of Tensor with more than one value is ambiguous (the tensor has shape ${formatShape(v.t.shape)}).`, e, this.source);
        return v.t.data[0] !== 0;
      default:
        return true;
    }
  }

  /** `a op b` for a comparison operator: a bool for Python values, a bool tensor for tensors. */
  private compare(op: CompareOp, a: PyValue, b: PyValue, e: Span): PyValue {
    if (op === 'is' || op === 'is not') {
      if (a.k === 'none' || b.k === 'none' || (a.k === 'bool' && b.k === 'bool')) {
        const same = a.k === b.k && (a.k === 'none' || (a.k === 'bool' && b.k === 'bool' && a.v === b.v));
        return { k: 'bool', v: op === 'is' ? same : !same };
      }
      return fail('unknown', `\`${op}\` between ${describeValue(a)} and ${describeValue(b)} (object identity) is not evaluated.`, e, this.source);
    }
    if (op === 'in' || op === 'not in') {
      let found: boolean | undefined;
      if (b.k === 'str' && a.k === 'str') found = b.s.includes(a.s);
      else if (b.k === 'tuple' || (b.k === 'list' && b.items)) {
        const items = b.k === 'tuple' ? b.items : (b.items as readonly PyValue[]);
        found = items.some((x) => {
          const r = this.compare('==', a, x, e);
          return r.k === 'bool' && r.v;
        });
      }
      if (found === undefined) return fail('unknown', `\`in\` on ${describeValue(b)} is not evaluated.`, e, this.source);
      return { k: 'bool', v: op === 'in' ? found : !found };
    }
    const num = (v: PyValue): number | undefined => (v.k === 'num' ? v.v : v.k === 'bool' ? (v.v ? 1 : 0) : undefined);
    const cmp = (x: number, y: number): boolean => {
      switch (op) {
        case '<': return x < y;
        case '>': return x > y;
        case '<=': return x <= y;
        case '>=': return x >= y;
        case '==': return x === y;
        case '!=': return x !== y;
      }
    };
    const x = num(a);
    const y = num(b);
    if (x !== undefined && y !== undefined) return { k: 'bool', v: cmp(x, y) };
    if (a.k === 'str' && b.k === 'str') {
      const c = a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
      return { k: 'bool', v: cmp(c, 0) };
    }
    if (a.k === 'tensor' || b.k === 'tensor') {
      const asTensor = (v: PyValue, n: number | undefined): Tensor | undefined =>
        v.k === 'tensor' ? v.t : n !== undefined ? { shape: [], data: Float64Array.of(n), dtype: v.k === 'num' && !v.int ? 'float64' : 'int64' } : undefined;
      const ta = asTensor(a, x);
      const tb = asTensor(b, y);
      if (ta && tb) {
        // Both sides in the promoted dtype, a Python number taking the tensor's (`torch.tensor([0.1]) == 0.1` is True).
        const dtype = a.k === 'tensor' && b.k === 'tensor' ? promote(ta.dtype, tb.dtype) : a.k === 'tensor' ? promote(ta.dtype, tb.dtype, true) : promote(tb.dtype, ta.dtype, true);
        const shape = broadcastShapes('comparison', ta.shape, tb.shape, ['the left operand', 'the right operand']);
        const xa = broadcastTo(castTensor(ta, dtype), shape);
        const xb = broadcastTo(castTensor(tb, dtype), shape);
        const data = new Float64Array(xa.length);
        for (let i = 0; i < data.length; i++) data[i] = cmp(xa[i], xb[i]) ? 1 : 0;
        return { k: 'tensor', t: { shape, data, dtype: 'int64' }, bool: true };
      }
    }
    if (op === '==' || op === '!=') {
      if (a.k !== b.k) return { k: 'bool', v: op === '!=' };
    }
    return fail('unknown', `'${op}' between ${describeValue(a)} and ${describeValue(b)} is not evaluated.`, e, this.source);
  }

  /** A binary operator: arithmetic, `@`, and the bitwise `& | ^` on integers, bools and bool tensors. */
  private binary(op: BinaryOp, a: PyValue, b: PyValue, e: Span): PyValue {
    if (op === '@') {
      if (a.k !== 'tensor' || b.k !== 'tensor') return fail('error', `'@' needs two tensors, not ${describeValue(a)} and ${describeValue(b)}.`, e, this.source);
      const loss = a.loss ?? b.loss;
      const grad = a.requiresGrad === true || b.requiresGrad === true;
      return { k: 'tensor', t: matmul(a.t, b.t), ...(loss ? { loss } : {}), ...(grad ? { requiresGrad: true } : {}) };
    }
    if (op === '&' || op === '|' || op === '^') {
      const f = (x: number, y: number): number => (op === '&' ? x & y : op === '|' ? x | y : x ^ y);
      if (a.k === 'bool' && b.k === 'bool') return { k: 'bool', v: f(+a.v, +b.v) !== 0 };
      const int = (v: PyValue): number | undefined => (v.k === 'num' && v.int && Math.abs(v.v) < 2 ** 31 ? v.v : v.k === 'bool' ? +v.v : undefined);
      const x = int(a);
      const y = int(b);
      if (x !== undefined && y !== undefined) return { k: 'num', v: f(x, y), int: true };
      if (a.k === 'tensor' && b.k === 'tensor' && a.bool && b.bool) {
        const shape = broadcastShapes(`'${op}'`, a.t.shape, b.t.shape, ['the left operand', 'the right operand']);
        const xa = broadcastTo(a.t, shape);
        const xb = broadcastTo(b.t, shape);
        return { k: 'tensor', t: { shape, data: xa.map((v, i) => f(v, xb[i])), dtype: 'int64' }, bool: true };
      }
      return fail('unknown', `'${op}' between ${describeValue(a)} and ${describeValue(b)} is not evaluated.`, e, this.source);
    }
    if ((a.k === 'tensor' && a.bool) || (b.k === 'tensor' && b.bool)) {
      if ((a.k === 'tensor' && a.bool) && (b.k === 'tensor' && b.bool)) return fail('unknown', `'${op}' between two bool tensors is not evaluated: convert one with .float() or .long().`, e, this.source);
      if (op === '-') return fail('error', 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.', e, this.source);
    }
    const out = this.arith(op, a, b, e);
    return out.k === 'tensor' && out.bool ? { ...out, bool: false } : out;
  }

  private arith(op: ArithOp, a: PyValue, b: PyValue, e: Span): PyValue {
    const loss = (a.k === 'tensor' || a.k === 'num' ? a.loss : undefined) ?? (b.k === 'tensor' || b.k === 'num' ? b.loss : undefined);
    const withLoss = <T extends PyValue>(v: T): PyValue => (loss ? ({ ...v, loss } as PyValue) : v);
    const num = (v: PyValue): { v: number; int: boolean } | undefined => (v.k === 'num' ? v : v.k === 'bool' ? { v: v.v ? 1 : 0, int: true } : undefined);
    const x = num(a);
    const y = num(b);
    if (x && y) {
      const int = x.int && y.int;
      if ((op === '/' || op === '//' || op === '%') && y.v === 0) return fail('error', `ZeroDivisionError: ${op === '%' ? 'modulo' : 'division'} by zero.`, e, this.source);
      if (op === '**' && x.v === 0 && y.v < 0) return fail('error', 'ZeroDivisionError: 0.0 cannot be raised to a negative power.', e, this.source);
      let v: number;
      switch (op) {
        case '+': v = x.v + y.v; break;
        case '-': v = x.v - y.v; break;
        case '*': v = x.v * y.v; break;
        case '/': v = x.v / y.v; break;
        case '//': v = Math.floor(x.v / y.v); break;
        case '**': v = Math.pow(x.v, y.v); break;
        case '%': v = pyMod(x.v, y.v); break;
      }
      return withLoss({ k: 'num', v, int: int && op !== '/' && !(op === '**' && y.v < 0) });
    }
    const grad = (a.k === 'tensor' && a.requiresGrad) || (b.k === 'tensor' && b.requiresGrad);
    const scalarTensor = (n: { v: number; int: boolean }): Tensor => ({ shape: [], data: Float64Array.of(n.v), dtype: n.int ? 'int64' : 'float64' });
    let t: Tensor | undefined;
    if (a.k === 'tensor' && b.k === 'tensor') t = elementwise(op, a.t, b.t);
    else if (a.k === 'tensor' && y) t = elementwise(op, a.t, scalarTensor(y), 'b');
    else if (x && b.k === 'tensor') t = elementwise(op, scalarTensor(x), b.t, 'a');
    if (t) return withLoss({ k: 'tensor', t, ...(grad ? { requiresGrad: true } : {}) });
    if (op === '+' && a.k === 'str' && b.k === 'str') return { k: 'str', s: a.s + b.s };
    if ((a.k === 'list' || b.k === 'list') && (a.k === 'tensor' || b.k === 'tensor')) {
      return fail('error', `Operator '${op}' between a tensor and a Python list: wrap the list in torch.tensor(...).`, e, this.source);
    }
    return fail('unknown', `'${op}' between ${describeValue(a)} and ${describeValue(b)} is not evaluated.`, e, this.source);
  }

  private call(e: Expr & { k: 'call' }): PyValue {
    const fn = this.eval(e.fn);
    // Refuse before evaluating arguments: nothing about an unsafe call is computed.
    if (fn.k === 'module') {
      const path = fn.path;
      const bare = path.replace(/^builtins\./, '');
      if (UNSAFE_BUILTINS.has(bare) || bare.startsWith('__') || UNSAFE_MODULES.test(path)) {
        return fail('error', `\`${bare}(...)\` is refused: Loss Lens never runs code, opens files or imports modules; paste the values instead.`, e, this.source, bare);
      }
      const c = canonicalPath(path);
      const reg = this.random?.get(e);
      if (reg) return this.seeded(c, e, reg.stream, reg.index);
      if (RANDOM.test(c)) return fail('unknown', `\`${c}(...)\` draws random numbers.`, e, this.source, `${c}(...)`);
      if (FILE_LOADS.test(c)) return fail('unknown', `\`${c}(...)\` reads a file.`, e, this.source, `${c}(...)`);
    }
    const pos = e.args.map((a) => this.eval(a));
    const kw = new Map<string, PyValue>();
    for (const k of e.keywords) kw.set(k.name, this.eval(k.value));
    const args: Args = { pos, kw, node: e };
    switch (fn.k) {
      case 'module':
        return this.callPath(fn.path, args);
      case 'lossModule':
        return this.lossCall(fn.entry, fn.entry.call, args, fn.options, fn.className);
      case 'activation': {
        const x = this.tensorOf(pos[0] ?? { k: 'none' }, `${fn.op}'s input`);
        return this.activation(fn.op, x, fn.dim ?? implicitDim(x), pos[0]);
      }
      case 'method':
        return this.method(fn.self, fn.name, args);
      default:
        return fail('error', `${describeValue(fn)} is not callable.`, e, this.source);
    }
  }

  private kwOrPos(a: Args, name: string, i: number): PyValue | undefined {
    return a.kw.get(name) ?? a.pos[i];
  }

  private dtypeArg(v: PyValue | undefined): DType | undefined {
    if (!v || v.k === 'none') return undefined;
    if (v.k === 'dtype') return v.dtype;
    if (v.k === 'module' && /^builtins\.(float|int|bool)$/.test(v.path)) return v.path.endsWith('float') ? 'float64' : 'int64';
    // `x.type(torch.LongTensor)`, `x.type('torch.cuda.FloatTensor')`: a tensor type names its dtype.
    const typeName = v.k === 'module' ? v.path : v.k === 'str' ? v.s : '';
    const legacy = /^torch\.(?:cuda\.)?(Float|Double|Half|BFloat16|Long|Int|Short|Byte|Char|Bool)Tensor$/.exec(typeName);
    if (legacy) {
      const kind = legacy[1];
      if (kind === 'Double') return 'float64';
      if (kind === 'Float') return 'float32';
      if (kind === 'Long' || kind === 'Int' || kind === 'Short') return 'int64';
      throw new TensorOpError(`${typeName} (${kind.toLowerCase()}) tensors are not evaluated: use torch.long or torch.float32.`);
    }
    throw new TensorOpError(`Unknown dtype ${describeValue(v)}: use torch.float32, torch.float64 or torch.long.`);
  }

  private sizeArgs(a: Args): number[] {
    const first = a.pos[0];
    const vals = a.pos.length === 1 && first && (first.k === 'tuple' || first.k === 'list') ? (first.k === 'tuple' ? first.items : first.items ?? Array.from(first.t?.data ?? [], (v) => ({ k: 'num', v, int: true }) as PyValue)) : a.pos;
    return vals.map((v) => this.intOf(v, 'a size'));
  }

  private callPath(path: string, a: Args): PyValue {
    const c = canonicalPath(path);
    const e = a.node;
    const first = a.pos[0];
    const tensorArg = (name = 'input'): Tensor => this.tensorOf(this.kwOrPos(a, name, 0) ?? { k: 'none' }, `${c}()'s ${name}`);
    const dimArg = (i: number): number | null => {
      const v = this.kwOrPos(a, 'dim', i);
      return v === undefined ? null : this.intOrNone(v, 'dim');
    };
    const fnName = c.slice(c.lastIndexOf('.') + 1);
    // Losses: torch.nn and timm classes, torch.nn.functional functions.
    if (c.startsWith('nn.') || c.startsWith('timm.')) {
      const entry = lossByModule(c.startsWith('nn.') ? 'torch' : 'timm', fnName);
      if (entry) return this.lossModule(entry, a, fnName);
      if (c === 'nn.Softmax' || c === 'nn.LogSoftmax' || c === 'nn.Sigmoid') {
        const d = this.kwOrPos(a, 'dim', 0);
        return { k: 'activation', op: c === 'nn.Softmax' ? 'softmax' : c === 'nn.LogSoftmax' ? 'log_softmax' : 'sigmoid', dim: d ? this.intOrNone(d, 'dim') : null };
      }
    }
    if (c.startsWith('F.')) {
      const entry = lossByFunctional(fnName);
      if (entry) return this.lossCall(entry, parameterNames(entry), a, {}, `F.${fnName}`);
    }
    switch (c) {
      case 'builtins.print':
      case 'builtins.display':
        return { k: 'none' };
      case 'builtins.float':
        return { k: 'num', v: first ? (first.k === 'str' ? Number(first.s) : this.numberOf(first, 'float()')) : 0, int: false };
      case 'builtins.int':
        return { k: 'num', v: first ? Math.trunc(this.numberOf(first, 'int()')) : 0, int: true };
      case 'builtins.bool':
        return { k: 'bool', v: first ? this.numberOf(first, 'bool()') !== 0 : false };
      case 'builtins.str':
        return { k: 'str', s: first ? pyStr(first) : '' };
      case 'builtins.repr':
        return { k: 'str', s: first ? pyRepr(first) : '' };
      case 'builtins.len':
        if (first?.k === 'tensor') return { k: 'num', v: first.t.shape[0] ?? fail('error', 'len() of a 0-d tensor.', e, this.source), int: true };
        if (first?.k === 'tuple') return { k: 'num', v: first.items.length, int: true };
        if (first?.k === 'str') return { k: 'num', v: first.s.length, int: true };
        if (first?.k === 'list') return { k: 'num', v: first.items ? first.items.length : first.t?.shape[0] ?? 0, int: true };
        break;
      case 'builtins.abs':
        if (first?.k === 'num') return { ...first, v: Math.abs(first.v) };
        if (first?.k === 'tensor') return { ...first, t: unarySame(first.t, Math.abs) };
        break;
      case 'builtins.round': {
        if (!first) break;
        const nd = a.pos[1] ? this.intOf(a.pos[1], 'ndigits') : null;
        const x = this.numberOf(first, 'round()');
        const v = nd === null ? roundHalfEven(x) : Number(x.toFixed(Math.max(0, Math.min(100, nd))));
        return { k: 'num', v, int: nd === null, ...(first.k === 'num' || first.k === 'tensor' ? (first.loss ? { loss: first.loss } : {}) : {}) };
      }
      case 'builtins.min':
      case 'builtins.max': {
        const xs = a.pos.map((v) => this.numberOf(v, c));
        if (xs.length === 0) break;
        return { k: 'num', v: c.endsWith('min') ? Math.min(...xs) : Math.max(...xs), int: a.pos.every((v) => v.k === 'num' && v.int) };
      }
      case 'math.log':
      case 'math.exp':
      case 'math.sqrt':
      case 'math.log2':
      case 'math.log10':
      case 'math.log1p': {
        const x = this.numberOf(first ?? { k: 'none' }, `${c}()`);
        if ((c === 'math.log' || c === 'math.log2' || c === 'math.log10') && x <= 0) return fail('error', `${c}(${x}) raises "math domain error".`, e, this.source);
        if (c === 'math.sqrt' && x < 0) return fail('error', `${c}(${x}) raises "math domain error".`, e, this.source);
        const f = MATH[fnName];
        const v = c === 'math.log' && a.pos[1] ? Math.log(x) / Math.log(this.numberOf(a.pos[1], 'the base')) : f(x);
        return { k: 'num', v, int: false };
      }
      case 'math.pow':
        return { k: 'num', v: Math.pow(this.numberOf(first ?? { k: 'none' }, 'math.pow()'), this.numberOf(a.pos[1] ?? { k: 'none' }, 'math.pow()')), int: false };
      case 'torch.log':
      case 'torch.exp':
      case 'torch.sqrt':
      case 'torch.abs':
      case 'torch.neg':
      case 'torch.log1p':
      case 'torch.tanh':
      case 'torch.log2':
      case 'np.log':
      case 'np.exp':
      case 'np.sqrt':
      case 'np.abs':
      case 'np.log1p': {
        if (first?.k === 'num' && c.startsWith('np.')) return { k: 'num', v: MATH[fnName](first.v), int: false };
        const x = this.tensorOf(first ?? { k: 'none' }, `${c}()'s input`);
        const t = fnName === 'abs' || fnName === 'neg' ? unarySame(x, MATH[fnName]) : unaryFloat(x, MATH[fnName]);
        return this.sameKind(first, t);
      }
      case 'torch.sigmoid':
      case 'F.sigmoid':
      case 'torch.special.expit':
        return this.activation('sigmoid', tensorArg(), 0, first);
      case 'F.relu':
      case 'torch.relu':
        return this.sameKind(first, unarySame(tensorArg(), (v) => (v > 0 ? v : 0)));
      case 'torch.softmax':
      case 'torch.log_softmax':
      case 'torch.special.softmax':
      case 'torch.special.log_softmax':
      case 'F.softmax':
      case 'F.log_softmax': {
        const x = tensorArg();
        const op = fnName === 'softmax' ? 'softmax' : 'log_softmax';
        let dim = dimArg(1);
        if (dim === null) {
          if (!c.startsWith('F.')) return fail('error', `${c}() needs dim: write ${c}(x, dim=1).`, e, this.source);
          dim = implicitDim(x);
          this.note(`${c}: no dim given, so PyTorch's implicit choice dim=${dim} applies (deprecated; pass dim explicitly)`);
        }
        const dt = this.dtypeArg(a.kw.get('dtype'));
        return this.activation(op, dt ? castTensor(x, dt) : x, dim, first);
      }
      case 'F.one_hot': {
        const n = this.kwOrPos(a, 'num_classes', 1);
        return { k: 'tensor', t: oneHot(tensorArg('tensor'), n ? this.intOf(n, 'num_classes') : -1) };
      }
      case 'torch.sum':
      case 'torch.mean':
      case 'torch.max':
      case 'torch.min':
      case 'torch.argmax':
      case 'torch.argmin':
        return this.method(first ?? { k: 'none' }, fnName, { ...a, pos: a.pos.slice(1) });
      case 'torch.autograd.Variable':
      case 'torch.autograd.variable.Variable': {
        // A Variable is the tensor itself since PyTorch 0.4; requires_grad is kept.
        const x = this.tensorOf(first ?? { k: 'none' }, 'Variable()\'s data');
        const rg = this.kwOrPos(a, 'requires_grad', 1);
        const src = first as PyValue & { k: 'tensor' };
        return { ...src, t: x, ...(rg && this.truth(rg, e) ? { requiresGrad: true } : {}) };
      }
      case 'torch.from_numpy':
        if (first?.k === 'tensor') return { k: 'tensor', t: first.t };
        if (first?.k === 'list' && first.t) return fail('error', `torch.from_numpy() expects an np.ndarray, not a Python list: wrap it in np.array(...).`, e, this.source);
        break;
      case 'torch.eye':
      case 'np.eye':
      case 'np.identity': {
        const n = this.intOf(first ?? { k: 'none' }, 'n');
        const mv = this.kwOrPos(a, c === 'np.eye' ? 'M' : 'm', 1);
        const m = mv && mv.k !== 'none' ? this.intOf(mv, 'm') : n;
        if (n < 0 || m < 0) throw new TensorOpError(`${c}: n and m must be non-negative, got ${n} and ${m}.`);
        const dtype = this.dtypeArg(a.kw.get('dtype')) ?? (c.startsWith('np.') ? 'float64' : 'float32');
        const out = filled([n, m], 0, dtype);
        for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
        return { k: 'tensor', t: out };
      }
      case 'torch.matmul':
      case 'torch.mm':
      case 'torch.mv':
      case 'torch.dot':
      case 'np.matmul':
      case 'np.dot':
        if (c.startsWith('torch.')) checkRanks(fnName, first, a.pos[1]);
        return this.binary('@', first ?? { k: 'none' }, a.pos[1] ?? { k: 'none' }, e);
      case 'torch.clamp':
      case 'torch.clip':
        return this.method(first ?? { k: 'none' }, 'clamp', { ...a, pos: a.pos.slice(1) });
      case 'torch.zeros':
      case 'torch.ones':
      case 'np.zeros':
      case 'np.ones':
        return { k: 'tensor', t: filled(this.sizeArgs(a), fnName === 'ones' ? 1 : 0, this.dtypeArg(a.kw.get('dtype')) ?? (c.startsWith('np.') ? 'float64' : 'float32')) };
      case 'torch.full': {
        const fill = this.kwOrPos(a, 'fill_value', 1) ?? { k: 'none' };
        const sz = a.pos[0] ? this.sizeArgs({ ...a, pos: [a.pos[0]] }) : [];
        const int = fill.k === 'num' && fill.int;
        return { k: 'tensor', t: filled(sz, this.numberOf(fill, 'fill_value'), this.dtypeArg(a.kw.get('dtype')) ?? (int ? 'int64' : 'float32')) };
      }
      case 'torch.zeros_like':
      case 'torch.ones_like': {
        const x = tensorArg();
        return { k: 'tensor', t: filled(x.shape, fnName === 'ones_like' ? 1 : 0, this.dtypeArg(a.kw.get('dtype')) ?? x.dtype) };
      }
      case 'torch.arange':
      case 'np.arange': {
        const nums = a.pos.map((v) => ({ v: this.numberOf(v, 'arange'), int: v.k === 'num' ? v.int : v.k === 'tensor' ? v.t.dtype === 'int64' : true }));
        const [s, en, st] = nums.length === 1 ? [{ v: 0, int: true }, nums[0], { v: 1, int: true }] : [nums[0], nums[1], nums[2] ?? { v: 1, int: true }];
        if (!s || !en) break;
        const t = arange(s.v, en.v, st.v, s.int && en.int && st.int);
        const dt = this.dtypeArg(a.kw.get('dtype'));
        return { k: 'tensor', t: dt ? castTensor(t, dt) : c.startsWith('np.') && t.dtype === 'float32' ? castTensor(t, 'float64') : t };
      }
      case 'torch.cat':
      case 'torch.concat':
      case 'torch.concatenate':
      case 'torch.stack': {
        const seq = first && (first.k === 'tuple' ? first.items : first.k === 'list' ? first.items : undefined);
        if (!seq) return fail('error', `${c}() takes a tuple or list of tensors.`, e, this.source);
        const ts = seq.map((v) => this.tensorOf(v, `an element of ${c}()`));
        const dim = dimArg(1) ?? 0;
        if (fnName === 'stack') {
          const d = dim < 0 ? dim + ts[0].shape.length + 1 : dim;
          return { k: 'tensor', t: cat(ts.map((t) => reshape(t, [...t.shape.slice(0, d), 1, ...t.shape.slice(d)])), d) };
        }
        return { k: 'tensor', t: cat(ts, dim) };
      }
      case 'torch.tensor':
      case 'torch.as_tensor':
      case 'torch.asarray':
      case 'torch.Tensor':
      case 'torch.FloatTensor':
      case 'torch.DoubleTensor':
      case 'torch.LongTensor':
      case 'torch.IntTensor':
      case 'np.array':
      case 'np.asarray':
        return this.construct(c, a);
      default:
        break;
    }
    if (UNINITIALISED.test(c)) return fail('unknown', `\`${c}(...)\` makes an uninitialised tensor.`, e, this.source, `${c}(...)`);
    const shown = this.text(e.fn);
    return fail('unknown', `\`${shown}(...)\` is not one of the calls Loss Lens evaluates.`, e, this.source, `${shown}(...)`);
  }

  /** A result tensor that keeps the operand's loss origin and grad flag. */
  private sameKind(src: PyValue | undefined, t: Tensor): PyValue {
    if (src && src.k === 'tensor') return { ...src, t };
    return { k: 'tensor', t };
  }

  private activation(op: 'softmax' | 'log_softmax' | 'sigmoid', x: Tensor, dim: number, src: PyValue | undefined): PyValue {
    if (op === 'sigmoid') return this.sameKind(src, unaryFloat(x, sigmoid));
    if (x.dtype === 'int64') throw new TensorOpError(`"${op}" is not implemented for 'Long' tensors: call .float() first.`);
    const out = registry.call(op, { input: x, dim }) as Tensor;
    return this.sameKind(src, { shape: out.shape, data: roundTo(out.data, x.dtype), dtype: x.dtype });
  }

  /** `torch.tensor(x)` and friends when the parsers could not read the call as a literal (its data is a variable). */
  private construct(c: string, a: Args): PyValue {
    const e = a.node;
    const fixed: DType | undefined = c === 'torch.Tensor' || c === 'torch.FloatTensor' ? 'float32' : c === 'torch.DoubleTensor' ? 'float64' : c === 'torch.LongTensor' || c === 'torch.IntTensor' ? 'int64' : undefined;
    const numpy = c.startsWith('np.');
    if (a.pos.length !== 1) {
      if (fixed && a.pos.length > 0 && a.pos.every((v) => v.k === 'num')) return fail('unknown', `\`${c}(${a.pos.map(pyStr).join(', ')})\` makes an uninitialised tensor of that size.`, e, this.source, `${c}(...)`);
      return fail('error', `${c}() takes the values as one argument here.`, e, this.source);
    }
    const v = a.pos[0];
    // `torch.FloatTensor(5)` is five uninitialised floats, not the number 5.
    if (fixed && v.k === 'num') return fail('unknown', `\`${c}(${pyStr(v)})\` makes an uninitialised tensor of that size.`, e, this.source, `${c}(...)`);
    let t: Tensor;
    if (v.k === 'tensor') t = v.t;
    else if (v.k === 'list' && v.t) t = v.t.dtype === 'float64' && !numpy ? castTensor(v.t, 'float32') : v.t;
    else if (v.k === 'num' || v.k === 'bool') {
      const int = v.k === 'bool' || v.int;
      t = { shape: [], data: Float64Array.of(v.k === 'bool' ? (v.v ? 1 : 0) : v.v), dtype: int ? 'int64' : numpy ? 'float64' : 'float32' };
    } else if ((v.k === 'list' && v.items) || v.k === 'tuple') {
      const items = v.k === 'tuple' ? v.items : (v.items as readonly PyValue[]);
      t = stackValues(items, numpy, (x, w) => this.tensorOf(x, w));
    } else return fail('error', `${c}() cannot make a tensor from ${describeValue(v)}.`, e, this.source);
    const dt = this.dtypeArg(a.kw.get('dtype')) ?? fixed;
    const out = dt ? castTensor(t, dt) : t;
    const rg = a.kw.get('requires_grad');
    return { k: 'tensor', t: v.k === 'tensor' && out === v.t ? { ...out } : out, ...(rg && rg.k === 'bool' && rg.v ? { requiresGrad: true } : {}) };
  }

  private method(self: PyValue, name: string, a: Args): PyValue {
    const e = a.node;
    if (self.k === 'tuple' && self.size && name === 'numel') return { k: 'num', v: self.items.reduce((n, v) => n * (v.k === 'num' ? v.v : 1), 1), int: true };
    if (self.k !== 'tensor') return fail('unknown', `\`.${name}()\` on ${describeValue(self)} is not evaluated.`, e, this.source);
    const t = self.t;
    // Shape ops keep a bool tensor a mask; casts, math and reductions make numbers of it.
    const keep = (out: Tensor): PyValue => (self.bool && !MASK_METHODS.has(name) ? { ...self, t: out, bool: false } : { ...self, t: out });
    const dimOf = (i: number): number | null => {
      const v = this.kwOrPos(a, 'dim', i);
      return v === undefined ? null : this.intOrNone(v, 'dim');
    };
    switch (name) {
      case 'float':
        return keep(castTensor(t, 'float32'));
      case 'half':
      case 'bfloat16':
        return fail('unknown', `\`.${name}()\` rounds to a 16-bit float, which Loss Lens does not evaluate (it computes in float32 and float64).`, e, this.source, `.${name}()`);
      case 'double':
        return keep(castTensor(t, 'float64'));
      case 'long':
      case 'int':
      case 'short':
        return keep(castTensor(t, 'int64'));
      case 'bool':
        return { ...self, t: { shape: t.shape, data: t.data.map((v) => (v !== 0 ? 1 : 0)), dtype: 'int64' }, bool: true };
      case 'to':
      case 'type': {
        let out = t;
        for (const v of [...a.pos, a.kw.get('dtype')]) {
          if (v?.k === 'str' && /^torch\.(cuda\.)?\w+Tensor$/.test(v.s)) {
            out = castTensor(out, this.dtypeArg(v) ?? out.dtype);
            continue;
          }
          if (!v || v.k === 'str' || (v.k === 'module' && v.path.startsWith('torch.device'))) continue;
          if (v.k === 'tensor') out = castTensor(out, v.t.dtype);
          else out = castTensor(out, this.dtypeArg(v) ?? out.dtype);
        }
        return keep(out);
      }
      case 'astype':
        return keep(castTensor(t, this.dtypeArg(a.pos[0]) ?? t.dtype));
      case 'cpu':
      case 'cuda':
      case 'detach':
      case 'clone':
      case 'contiguous':
      case 'numpy':
      case 'copy':
        return name === 'detach' ? { k: 'tensor', t, ...(self.loss ? { loss: self.loss } : {}) } : self;
      case 'requires_grad_':
        return { ...self, requiresGrad: !(a.pos[0]?.k === 'bool' && !a.pos[0].v) };
      case 'tolist':
        return t.shape.length === 0 ? { k: 'num', v: t.data[0], int: t.dtype === 'int64', ...(self.loss ? { loss: self.loss } : {}) } : { k: 'list', t };
      case 'item':
        if (t.data.length !== 1) throw new TensorOpError(`A tensor with ${t.data.length} elements cannot be converted to a Python scalar: .item() needs exactly one element.`);
        return { k: 'num', v: t.data[0], int: t.dtype === 'int64', ...(self.loss ? { loss: self.loss } : {}) };
      case 'sum':
      case 'mean':
      case 'argmax':
      case 'argmin': {
        const kd = a.kw.get('keepdim');
        const out = reduce(t, name, dimOf(0), kd?.k === 'bool' && kd.v);
        return keep(name === 'sum' && t.dtype === 'int64' ? out : out);
      }
      case 'max':
      case 'min': {
        const d = dimOf(0);
        if (d === null) return keep(reduce(t, name, null));
        const kd = a.kw.get('keepdim');
        const keepdim = kd?.k === 'bool' && kd.v;
        return { k: 'tuple', items: [keep(reduce(t, name, d, keepdim)), { k: 'tensor', t: reduce(t, name === 'max' ? 'argmax' : 'argmin', d, keepdim) }] };
      }
      case 'softmax':
      case 'log_softmax': {
        const d = dimOf(0);
        if (d === null) return fail('error', `.${name}() needs dim: write x.${name}(dim=1).`, e, this.source);
        return this.activation(name, t, d, self);
      }
      case 'sigmoid':
        return this.activation('sigmoid', t, 0, self);
      case 'log':
      case 'exp':
      case 'sqrt':
      case 'log1p':
      case 'tanh':
      case 'log2':
        return keep(unaryFloat(t, MATH[name]));
      case 'abs':
      case 'neg':
        return keep(unarySame(t, MATH[name]));
      case 'relu':
        return keep(unarySame(t, (v) => (v > 0 ? v : 0)));
      case 'matmul':
      case 'mm':
      case 'mv':
      case 'dot':
        checkRanks(name, self, a.pos[0]);
        return this.binary('@', self, a.pos[0] ?? { k: 'none' }, e);
      case 'pow': {
        const p = a.pos[0] ?? { k: 'none' };
        return this.arith('**', self, p, e);
      }
      case 'clamp':
      case 'clip':
      case 'clamp_min':
      case 'clamp_max': {
        const lo = name === 'clamp_max' ? undefined : this.kwOrPos(a, 'min', 0);
        const hi = name === 'clamp_min' ? undefined : name === 'clamp_max' ? this.kwOrPos(a, 'max', 0) : this.kwOrPos(a, 'max', 1);
        const l = lo && lo.k !== 'none' ? this.numberOf(lo, 'min') : -Infinity;
        const h = hi && hi.k !== 'none' ? this.numberOf(hi, 'max') : Infinity;
        return keep(unarySame(t, (v) => (Number.isNaN(v) ? v : Math.min(h, Math.max(l, v)))));
      }
      case 'view':
      case 'reshape':
        return keep(reshape(t, this.sizeArgs(a)));
      case 'flatten':
        return keep(reshape(t, [t.data.length]));
      case 'unsqueeze': {
        const d0 = dimOf(0) ?? 0;
        const d = d0 < 0 ? d0 + t.shape.length + 1 : d0;
        if (d < 0 || d > t.shape.length) throw new TensorOpError(`unsqueeze: dim ${d0} is out of range for a ${t.shape.length}-d tensor.`);
        return keep(reshape(t, [...t.shape.slice(0, d), 1, ...t.shape.slice(d)]));
      }
      case 'squeeze': {
        const d = dimOf(0);
        const nd = t.shape.length;
        const dd = d === null ? null : d < 0 ? d + nd : d;
        return keep(reshape(t, t.shape.filter((s, i) => !(s === 1 && (dd === null || dd === i)))));
      }
      case 't':
        return keep(t.shape.length === 2 ? transpose(t, 0, 1) : t);
      case 'transpose':
        return keep(transpose(t, this.intOf(a.pos[0] ?? { k: 'none' }, 'dim0'), this.intOf(a.pos[1] ?? { k: 'none' }, 'dim1')));
      case 'size': {
        const d = dimOf(0);
        if (d === null) return sizeOf(t);
        const dd = d < 0 ? d + t.shape.length : d;
        return { k: 'num', v: t.shape[dd] ?? fail('error', `size(): dim ${d} is out of range for ${formatShape(t.shape)}.`, e, this.source), int: true };
      }
      case 'dim':
        return { k: 'num', v: t.shape.length, int: true };
      case 'numel':
        return { k: 'num', v: t.data.length, int: true };
      default:
        break;
    }
    if (RANDOM_METHODS.has(name)) return fail('unknown', `\`.${name}()\` fills the tensor with random numbers.`, e, this.source, `.${name}(...)`);
    return fail('unknown', `\`.${name}()\` is not one of the tensor methods Loss Lens evaluates.`, e, this.source, `.${name}(...)`);
  }

  /** `nn.CrossEntropyLoss(...)`: checks the constructor arguments against the table and keeps them. */
  private lossModule(entry: LossEntry, a: Args, className: string): PyValue {
    if (entry.keywordOnly && a.pos.length > 0) {
      return fail('error', `${className}() takes its options by keyword only (${entry.options.join(', ')}) but ${a.pos.length} positional argument${a.pos.length === 1 ? ' was' : 's were'} given.`, a.node, this.source);
    }
    if (a.pos.length > entry.options.length) {
      return fail('error', `${className}() takes at most ${entry.options.length} positional arguments (${entry.options.join(', ')}) but ${a.pos.length} were given.`, a.node, this.source);
    }
    const options: Record<string, PyValue> = {};
    a.pos.forEach((v, i) => (options[entry.options[i]] = v));
    for (const [k, v] of a.kw) {
      if (!entry.options.includes(k)) {
        return fail('error', `${className}() got an unexpected keyword argument '${k}'; its options are ${entry.options.join(', ') || 'none'}.`, a.node, this.source);
      }
      options[k] = v;
    }
    // Validate now, so `nn.KLDivLoss(reduction='avg')` is flagged on its own line, as torch does on the first call.
    const probe: Record<string, ArgValue> = {};
    for (const [k, v] of Object.entries(options)) if (k !== 'size_average' && k !== 'reduce' && v.k !== 'tensor') probe[k] = this.argValue(v, k, className);
    const spec = registry.get(entry.op);
    for (const s of spec.args) {
      const v = probe[s.name];
      if (v !== undefined && s.kind === 'choice' && !(s.choices ?? []).includes(v as string)) {
        return fail('error', `${className}: ${s.name}=${pyRepr(options[s.name])} is not valid; use one of ${(s.choices ?? []).map((c) => `'${c}'`).join(', ')}.`, a.node, this.source);
      }
    }
    return { k: 'lossModule', entry, options, className };
  }

  private argValue(v: PyValue, name: string, where: string): ArgValue {
    switch (v.k) {
      case 'tensor':
        return v.t;
      case 'num':
        return v.v;
      case 'bool':
        return v.v;
      case 'str':
        return v.s;
      case 'none':
        return null;
      default:
        throw new TensorOpError(`${where}: argument '${name}' must be a Tensor, a number, a bool, a string or None, not ${describeValue(v)}.`);
    }
  }

  /**
   * A loss call: positional values fill `params` in order, keywords by name, over the module's
   * constructor `base` options; legacy `size_average`/`reduce` become `reduction`; the registry
   * fills defaults, validates and computes. The output takes torch's float dtype of the inputs.
   */
  private lossCall(entry: LossEntry, params: readonly string[], a: Args, base: Readonly<Record<string, PyValue>>, shown: string): PyValue {
    const e = a.node;
    if (a.pos.length > params.length) {
      return fail('error', `${shown}() takes at most ${params.length} positional arguments (${params.join(', ')}) but ${a.pos.length} were given.`, e, this.source);
    }
    if (entry.keywordOnly && a.pos.length > entry.call.length) {
      return fail('error', `${shown}() takes ${entry.call.length} positional arguments (${entry.call.join(', ')}) but ${a.pos.length} were given; give ${entry.options.join(', ')} by keyword.`, e, this.source);
    }
    const given: Record<string, PyValue> = { ...base };
    a.pos.forEach((v, i) => (given[params[i]] = v));
    const allowed = new Set(params);
    for (const [k0, v] of a.kw) {
      // timm's forward(x, target) and torch's F.* spellings name the input differently.
      const k = k0 === 'x' && entry.library === 'timm' ? 'input' : k0;
      if (!allowed.has(k)) return fail('error', `${shown}() got an unexpected keyword argument '${k0}'; its arguments are ${params.join(', ')}.`, e, this.source);
      given[k] = v;
    }
    for (const name of entry.call) {
      if (given[name] === undefined) return fail('error', `${shown}() is missing the argument '${name}': it takes ${entry.call.join(', ')}.`, e, this.source);
    }
    const flag = (v: PyValue | undefined): boolean | null | undefined => (v === undefined ? undefined : v.k === 'none' ? null : v.k === 'bool' ? v.v : v.k === 'num' ? v.v !== 0 : undefined);
    const legacy = legacyReduction(flag(given.size_average), flag(given.reduce));
    delete given.size_average;
    delete given.reduce;
    const args: Record<string, ArgValue> = {};
    for (const [k, v] of Object.entries(given)) args[k] = this.argValue(v, k, shown);
    if (legacy) {
      args.reduction = legacy;
      this.note(`${shown}: size_average/reduce are deprecated; they mean reduction='${legacy}' here`);
    }
    const resolved = registry.resolveArgs(entry.op, args);
    const out = registry.call(entry.op, resolved);
    if (!isTensorOutput(out)) return fail('unknown', `${entry.op} returns several tensors; Loss Lens shows single-tensor losses.`, e, this.source);
    const floats = entry.call.map((n) => resolved[n]).filter((v): v is Tensor => typeof v === 'object' && v !== null && v.dtype !== 'int64');
    const dtype: DType = floats.some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
    const output: Tensor = { shape: out.shape, data: roundTo(Float64Array.from(out.data), dtype), dtype };
    const loss: LossOrigin = { op: entry.op, args: resolved, output, span: { start: e.start, end: e.end }, text: this.text(e) };
    const grad = entry.call.some((n) => {
      const v = given[n];
      return v?.k === 'tensor' && v.requiresGrad === true;
    });
    return { k: 'tensor', t: output, loss, ...(grad ? { requiresGrad: true } : {}) };
  }
}

/** `mm` takes two matrices, `mv` a matrix and a vector, `dot` two vectors, as in torch. */
function checkRanks(name: string, a: PyValue | undefined, b: PyValue | undefined): void {
  const want: Readonly<Record<string, readonly [number, number]>> = { mm: [2, 2], mv: [2, 1], dot: [1, 1] };
  const w = want[name];
  if (!w || a?.k !== 'tensor' || b?.k !== 'tensor') return;
  if (a.t.shape.length !== w[0] || b.t.shape.length !== w[1]) {
    throw new TensorOpError(`${name}: expected ${w[0]}-D and ${w[1]}-D tensors, but got ${a.t.shape.length}-D and ${b.t.shape.length}-D.`);
  }
}

/** Methods after which a bool tensor is still a mask. */
const MASK_METHODS = new Set(['view', 'reshape', 'flatten', 'unsqueeze', 'squeeze', 't', 'transpose', 'clone', 'detach', 'cpu', 'cuda', 'contiguous', 'numpy', 'copy', 'requires_grad_', 'max', 'min']);

function isTensorOutput(o: unknown): o is Tensor {
  return typeof o === 'object' && o !== null && 'shape' in o && 'data' in o;
}

const MATH: Readonly<Record<string, (x: number) => number>> = {
  log: Math.log, exp: Math.exp, sqrt: Math.sqrt, abs: Math.abs, neg: (x) => -x, log1p: Math.log1p, tanh: Math.tanh, log2: Math.log2, log10: Math.log10,
};

/** PyTorch's implicit softmax dim (`_get_softmax_dim`): 0 for 0-, 1- and 3-d inputs, else 1. */
export function implicitDim(x: Tensor): number {
  const nd = x.shape.length;
  return nd === 0 || nd === 1 || nd === 3 ? 0 : 1;
}

/** Python's round(): halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sizeOf(t: Tensor): PyValue {
  return { k: 'tuple', items: t.shape.map((d) => ({ k: 'num', v: d, int: true }) as PyValue), size: true };
}

/** A tensor from evaluated list items: numbers make a 1-D tensor, equal-shape tensors stack. */
function stackValues(items: readonly PyValue[], numpy: boolean, tensorOf: (v: PyValue, what: string) => Tensor): Tensor {
  if (items.every((v) => v.k === 'num' || v.k === 'bool')) {
    const int = items.every((v) => v.k === 'bool' || (v.k === 'num' && v.int));
    const data = Float64Array.from(items, (v) => (v.k === 'num' ? v.v : v.k === 'bool' && v.v ? 1 : 0));
    const dtype: DType = int ? 'int64' : numpy ? 'float64' : 'float32';
    return { shape: [items.length], data: roundTo(data, dtype), dtype };
  }
  const ts = items.map((v) => (v.k === 'list' && v.t ? v.t : tensorOf(v, 'a list element')));
  if (ts.length === 0) return { shape: [0], data: new Float64Array(0), dtype: 'float32' };
  const shape = ts[0].shape;
  if (ts.some((t) => formatShape(t.shape) !== formatShape(shape))) throw new TensorOpError('The list elements have different shapes, so they do not make one tensor.');
  return cat(ts.map((t) => ({ ...t, shape: [1, ...t.shape] })), 0);
}
