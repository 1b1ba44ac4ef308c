/**
 * Notebook context: the names each cell sees, built from the assignments and imports of earlier
 * cells and earlier lines, and the values cells printed in their stored outputs.
 *
 * A name that cannot be computed statically (`torch.randn(...)`, `torch.empty(3).random_(5)`, a
 * file load) but that its cell echoed (the cell's last line is the bare name, or the cell prints
 * it with `print(name)`) takes the printed value, read by the parsers' repr reader, with a
 * provenance note. Analyses are cached: an unchanged prefix of cells is reused with every value
 * it already computed, so repeated hovers cost only what changed.
 */
import { PyLexer, Tok } from '../parsers/lexer';
import { parseReprs } from '../parsers/reprs';
import type { TensorVal } from '../parsers/pythonLiteral';
import { Binding, Choice, DEFAULT_MODULES, Echo, Env, Evaluator, RANDOM_METHODS, canonicalPath, lookup } from './evaluator';
import { lossByModule } from './lossTable';
import { RandomCalls, RandomStream, StreamKind } from './randomStreams';
import { Expr, ParsedCell, Span, Statement, parseCell } from './syntax';
import type { PyValue } from './values';

/** One code cell: its source and its stored `text/plain` (and stream) outputs, in order. A .py file is one cell without outputs. */
export interface CellInput {
  readonly source: string;
  readonly outputs: readonly string[];
}

/** One analysed cell. */
export interface CellAnalysis {
  readonly index: number;
  readonly parsed: ParsedCell;
  readonly outputs: readonly string[];
  /** The environment before each statement (same indices as `parsed.statements`). */
  readonly envBefore: readonly (Env | null)[];
  /** How each statement runs (same indices). */
  readonly contexts: readonly StatementContext[];
  /** The environment after the cell. */
  readonly envOut: Env | null;
  /** The seeded random calls of the cell, and the streams after it. */
  readonly random: RandomCalls;
  readonly streamsOut: Streams;
}

/** The seeded generators after a cell. */
export interface Streams {
  readonly torch?: RandomStream;
  readonly numpy?: RandomStream;
}

/** All cells analysed in order. */
export interface NotebookAnalysis {
  readonly cells: readonly CellAnalysis[];
}

let last: NotebookAnalysis | undefined;

/**
 * Analyses the cells in order. Reuses the cached analysis of any unchanged leading cells (same
 * source and outputs), with the values already computed there. Never throws.
 */
export function analyzeCells(cells: readonly CellInput[]): NotebookAnalysis {
  const out: CellAnalysis[] = [];
  const prev = last?.cells ?? [];
  let i = 0;
  for (; i < cells.length && i < prev.length; i++) {
    const p = prev[i];
    if (p.parsed.source !== cells[i].source || !sameOutputs(p.outputs, cells[i].outputs)) break;
    out.push(p);
  }
  let env = out.length > 0 ? out[out.length - 1].envOut : null;
  let streams: Streams = out.length > 0 ? out[out.length - 1].streamsOut : {};
  for (; i < cells.length; i++) {
    const a = analyzeCell(i, cells[i], env, streams);
    out.push(a);
    env = a.envOut;
    streams = a.streamsOut;
  }
  last = { cells: out };
  return last;
}

function sameOutputs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * A condition a statement runs under: the `if`/`elif`/`while` test must be `want` for the line to
 * run (`else` and `elif` arms also carry the earlier tests as false).
 */
export interface Guard {
  readonly test: Expr;
  /** The names the test sees. */
  readonly env: Env | null;
  readonly want: boolean;
  /** The header the test is in, and its 1-based line in the cell. */
  readonly header: Span;
  readonly line: number;
}

/** How a statement runs: under which conditions, or why it is not followed at all. */
export interface StatementContext {
  readonly guards: readonly Guard[];
  /** Set when Loss Lens does not follow the line (an `except` body, a block it cannot read): why. */
  readonly blocked?: string;
  /** A note for values computed there (inside a `def`: the names as at its definition). */
  readonly note?: string;
  /** True when the line runs exactly once, in order (module level, `with`, `try` bodies): its prints can be matched to the output. */
  readonly straight: boolean;
}

type BlockStatement = Statement & { kind: 'block' };

/** An open block while a cell is analysed. */
interface Frame {
  readonly kind: 'if' | 'loop' | 'with' | 'try' | 'def' | 'opaque';
  readonly indent: number;
  readonly header: BlockStatement;
  readonly line: number;
  /** The environment before the block. */
  readonly envStart: Env | null;
  /** How the header itself runs (and so its `elif`, `else`, `except`, `finally`). */
  readonly outer: StatementContext;
  /** Conditions and notes for the body. */
  guards: readonly Guard[];
  blocked?: string;
  note?: string;
  straight: boolean;
  /** `if` chains: each arm's test (null for `else`) and the environment at its end. */
  arms: { test: Expr | null; env: Env | null; header: Span; line: number }[];
  /** `try`: the environment after the body (and `else`), which handlers do not change. */
  tryEnv?: Env | null;
  inHandler?: boolean;
  /** Names bound in a blocked body, bound as unknown after the block. */
  blockedNames: Set<string>;
}

function bodyContext(f: Frame): StatementContext {
  return { guards: f.guards, straight: f.straight, ...(f.blocked ? { blocked: f.blocked } : {}), ...(f.note ? { note: f.note } : {}) };
}

/** Names bound between `from` and `to` (an ancestor of it) in the environment chain. */
function namesSince(from: Env | null, to: Env | null): string[] {
  const out = new Set<string>();
  for (let e = from; e && e !== to; e = e.parent) out.add(e.name);
  return [...out];
}

/** `x.random_(5)`, `x.add_(1)`: the name an in-place method call rebinds to the call's value. */
function inPlaceTarget(v: Expr): string | undefined {
  return v.k === 'call' && v.fn.k === 'attr' && v.fn.obj.k === 'name' && /[a-z0-9]_$/.test(v.fn.attr) ? v.fn.obj.id : undefined;
}

/** Names a statement binds, for the ones Loss Lens does not follow. */
function boundNames(st: Statement): string[] {
  switch (st.kind) {
    case 'assign':
      return st.targets.flatMap((t) => (t.k === 'name' ? [t.id] : t.names.filter((n): n is string => n !== null)));
    case 'import':
      return st.aliases.map((a) => a.alias);
    case 'setattr':
      return [st.obj];
    case 'skip':
      return [...st.assigned, ...st.mutated];
    case 'block':
      return [...st.header.names];
    case 'expr': {
      const name = inPlaceTarget(st.value);
      return name === undefined ? [] : [name];
    }
  }
}

function analyzeCell(index: number, cell: CellInput, envIn: Env | null, streamsIn: Streams): CellAnalysis {
  const parsed = parseCell(cell.source);
  const source = cell.source;
  const envBefore: (Env | null)[] = [];
  const contexts: StatementContext[] = [];
  const random = new Map<Expr, { stream: RandomStream; index: number }>();
  let env = envIn;
  let envAt: Env | null = env;
  const bind = (name: string, b: Omit<Binding, 'name' | 'cell' | 'source' | 'env'>, at: Env | null = envAt): void => {
    env = { name, binding: { name, cell: index, source, env: at, random, ...b }, parent: env };
  };
  const rng = new StreamTracker(streamsIn, random, source);
  // 1-based line of an offset: a binary search over the cell's newlines, found once.
  const newlines: number[] = [];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) newlines.push(i);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const headText = (h: Span): string => {
    const t = source.slice(h.start, h.end).replace(/\s+/g, ' ');
    return t.length > 60 ? `${t.slice(0, 57)}…` : t;
  };
  const stack: Frame[] = [];
  const top = (): Frame | undefined => stack[stack.length - 1];
  const sts = parsed.statements;

  const close = (f: Frame): void => {
    const span = { start: f.header.start, end: f.header.end };
    const where = `\`${headText(f.header)}\` (line ${f.line})`;
    switch (f.kind) {
      case 'if': {
        f.arms[f.arms.length - 1].env = env;
        const names = new Set<string>();
        for (const arm of f.arms) for (const n of namesSince(arm.env, f.envStart)) names.add(n);
        env = f.envStart;
        const choice: Choice = { arms: f.arms.map((a) => ({ test: a.test, env: a.env, line: a.line, header: a.header })), testEnv: f.envStart, fallback: f.envStart };
        for (const n of names) bind(n, { span, choice }, f.envStart);
        break;
      }
      case 'loop': {
        const names = new Set([...namesSince(env, f.envStart), ...f.header.header.names, ...f.blockedNames]);
        env = f.envStart;
        for (const n of names) bind(n, { span, skipReason: `it is assigned in the loop ${where}, which Loss Lens does not unroll: its value after the loop depends on the iterations.` }, f.envStart);
        break;
      }
      case 'try':
        if (f.inHandler) env = f.tryEnv ?? env;
        break;
      case 'def': {
        env = f.envStart;
        const h = f.header.header;
        if (h.name) bind(h.name, { span, skipReason: `it is a ${h.keyword === 'def' ? 'function' : 'class'} defined in the notebook (line ${f.line}), and Loss Lens does not call notebook functions yet.` }, f.envStart);
        break;
      }
      case 'opaque':
        for (const n of f.blockedNames) bind(n, { span, skipReason: `it is assigned inside ${where}, a block Loss Lens does not follow (${f.blocked ?? ''}).` });
        break;
      case 'with':
        break;
    }
  };

  for (let i = 0; i < sts.length; i++) {
    const st = sts[i];
    const indent = parsed.indents[i];
    const kw = st.kind === 'block' ? st.header.keyword : undefined;
    // Close the blocks this line is not inside; a continuation header (elif, else, except, finally) keeps its own.
    for (let f = top(); f && f.indent >= indent; f = top()) {
      const continues = f.indent === indent && ((f.kind === 'if' && (kw === 'elif' || kw === 'else')) || (f.kind === 'try' && (kw === 'except' || kw === 'else' || kw === 'finally')) || (f.kind === 'loop' && kw === 'else'));
      if (continues) break;
      stack.pop();
      close(f);
    }
    envAt = env;
    envBefore.push(env);
    const outer = top();
    const ctx: StatementContext = outer && outer.indent === indent ? outer.outer : outer ? bodyContext(outer) : { guards: [], straight: true };
    const guards = ctx.guards;
    contexts.push(ctx);
    if (!ctx.note && !ctx.blocked) rng.statement(st, env, ctx.straight, lineOf(st.start));
    if (ctx.blocked && outer) {
      // Inside a block that is not followed: only the names it binds matter.
      for (const n of boundNames(st)) outer.blockedNames.add(n);
      if (st.kind === 'block') stack.push({ kind: 'opaque', indent, header: st, line: lineOf(st.start), envStart: env, outer: ctx, arms: [], blockedNames: outer.blockedNames, guards, blocked: ctx.blocked, straight: false });
      continue;
    }
    const span = { start: st.start, end: st.end };
    if (st.kind === 'block') {
      const h = st.header;
      const line = lineOf(st.start);
      const where = `\`${headText(st)}\` (line ${line})`;
      const base = { indent, header: st, line, envStart: env, outer: ctx, arms: [], blockedNames: new Set<string>(), guards, straight: ctx.straight, ...(ctx.note ? { note: ctx.note } : {}) };
      if (h.unread !== undefined) {
        stack.push({ ...base, kind: 'opaque', blocked: `Loss Lens cannot read the header ${where}: ${h.unread}`, straight: false });
        for (const n of h.names) base.blockedNames.add(n);
        continue;
      }
      const cont = top();
      switch (h.keyword) {
        case 'if':
        case 'while':
        case 'for': {
          if (h.keyword === 'if') {
            const test = h.test as Expr;
            stack.push({ ...base, kind: 'if', guards: [...guards, { test, env, want: true, header: span, line }], straight: false, arms: [{ test, env: null, header: span, line }] });
            break;
          }
          // Loop variables and every name the body changes differ from one iteration to the next.
          const changed = new Set<string>(h.keyword === 'for' ? h.names : []);
          for (let j = i + 1; j < sts.length && parsed.indents[j] > indent; j++) for (const n of boundNames(sts[j])) changed.add(n);
          const reason = `it changes from one iteration to the next of the loop ${where}.`;
          for (const n of changed) bind(n, { span, skipReason: h.names.includes(n) ? `it is the loop variable of ${where}, which Loss Lens does not unroll.` : reason });
          const loopGuards = h.keyword === 'while' ? [...guards, { test: h.test as Expr, env, want: true, header: span, line }] : guards;
          stack.push({ ...base, kind: 'loop', envStart: env, guards: loopGuards, straight: false });
          break;
        }
        case 'elif':
        case 'else': {
          if (!cont || cont.indent !== indent || (cont.kind !== 'if' && cont.kind !== 'loop' && cont.kind !== 'try')) {
            stack.push({ ...base, kind: 'opaque', blocked: `the '${h.keyword}' at line ${line} has no matching block Loss Lens follows`, straight: false });
            break;
          }
          if (cont.kind === 'if') {
            cont.arms[cont.arms.length - 1].env = env;
            env = cont.envStart;
            envBefore[i] = env;
            const before = [...cont.outer.guards, ...cont.arms.map((a) => ({ test: a.test as Expr, env: cont.envStart, want: false, header: a.header, line: a.line }))];
            const test = h.keyword === 'elif' ? (h.test as Expr) : null;
            cont.guards = [...before, ...(test ? [{ test, env: cont.envStart, want: true, header: span, line }] : [])];
            cont.arms.push({ test, env: null, header: span, line });
            contexts[i] = { ...ctx, guards: before };
          } else if (cont.kind === 'loop') {
            // for/while-else runs when the loop ends without break: once, after it, when the body has no `break`.
            stack.pop();
            close(cont);
            envBefore[i] = env;
            const body = sts.slice(sts.indexOf(cont.header) + 1, i);
            const breaks = body.some((b) => b.kind === 'skip' && /^break\b/.test(source.slice(b.start, b.start + 6)));
            if (breaks) stack.push({ ...base, envStart: env, kind: 'opaque', blocked: `the loop's 'else' at line ${line} runs only when the loop ends without 'break', which Loss Lens cannot tell`, straight: false });
            else stack.push({ ...base, envStart: env, kind: 'with' });
          } else {
            // try-else: runs after the body succeeded, as the body's continuation.
            if (cont.inHandler) env = cont.tryEnv ?? env;
            cont.inHandler = false;
            cont.blocked = undefined;
            cont.straight = ctx.straight;
          }
          break;
        }
        case 'with': {
          for (const n of h.names) bind(n, { span, skipReason: `it is what the context manager of ${where} gives, which Loss Lens does not run.` });
          stack.push({ ...base, kind: 'with', envStart: env });
          break;
        }
        case 'try':
          stack.push({ ...base, kind: 'try' });
          break;
        case 'except':
        case 'finally': {
          if (!cont || cont.kind !== 'try' || cont.indent !== indent) {
            stack.push({ ...base, kind: 'opaque', blocked: `the '${h.keyword}' at line ${line} has no matching 'try'`, straight: false });
            break;
          }
          if (h.keyword === 'except') {
            if (!cont.inHandler) cont.tryEnv = env;
            cont.inHandler = true;
            cont.blocked = `it is in the handler ${where}, which runs only when the 'try' body (line ${cont.line}) raises; Loss Lens follows the body`;
            cont.straight = false;
          } else {
            if (cont.inHandler) env = cont.tryEnv ?? env;
            envBefore[i] = env;
            cont.inHandler = false;
            cont.blocked = undefined;
            cont.straight = ctx.straight;
          }
          break;
        }
        case 'def':
        case 'class': {
          const note = `inside ${h.keyword === 'def' ? `\`def ${h.name}\`` : `\`class ${h.name}\``}: the notebook's names as they are where it is defined (line ${line})`;
          stack.push({ ...base, kind: 'def', envStart: env, note, straight: false, guards: [] });
          for (const p of h.params ?? []) bind(p.name, { span, skipReason: `it is a parameter of \`${h.name}\` (line ${line}): its value depends on the call.` });
          break;
        }
      }
      continue;
    }
    switch (st.kind) {
      case 'import':
        for (const a of st.aliases) bind(a.alias, { span, fixed: { k: 'module', path: a.path } });
        break;
      case 'assign':
        for (const t of st.targets) {
          if (t.k === 'name') bind(t.id, { span, expr: st.value });
          else t.names.forEach((n, k) => n !== null && bind(n, { span, expr: st.value, element: k }));
        }
        break;
      case 'setattr': {
        if (st.attr === 'requires_grad') {
          // `x.requires_grad = v` is `x.requires_grad_(v)`.
          const obj: Expr = { k: 'name', id: st.obj, start: st.start, end: st.start + st.obj.length };
          const fn: Expr = { k: 'attr', obj, attr: 'requires_grad_', start: st.start, end: st.value.start };
          bind(st.obj, { span, expr: { k: 'call', fn, args: [st.value], keywords: [], start: st.start, end: st.end } });
        } else bind(st.obj, { span, skipReason: `its attribute \`.${st.attr}\` is set there, which Loss Lens does not follow.` });
        break;
      }
      case 'expr': {
        const name = inPlaceTarget(st.value);
        if (name !== undefined) bind(name, { span, expr: st.value });
        break;
      }
      case 'skip':
        for (const n of st.assigned) bind(n, { span, skipReason: st.reason });
        for (const n of st.mutated) if (!st.assigned.includes(n)) bind(n, { span, skipReason: `it is changed in place there (${st.reason.replace(/\.$/, '')}).` });
        break;
    }
  }
  for (let f = stack.pop(); f; f = stack.pop()) close(f);
  const analysis: CellAnalysis = { index, parsed, outputs: cell.outputs, envBefore, contexts, envOut: env, random, streamsOut: rng.out() };
  attachEchoes(analysis);
  return analysis;
}

/** Seeded draws: `torch.*` ones from PyTorch's default CPU generator, `np.random.*` ones from NumPy's legacy global state. */
const TORCH_DRAWS = /^torch\.(rand|randn|randint|randperm|rand_like|randn_like)$/;
const NUMPY_DRAWS = /^np\.random\.(rand|randn|randint|normal|uniform|random|random_sample)$/;
/** Calls that draw from PyTorch's generator in a way Loss Lens does not reproduce. */
const TORCH_OTHER = /^(torch\.(normal|bernoulli|multinomial|poisson|randint_like|seed|random\.seed|nn\.init\..*|utils\.data\.random_split)|F\.(dropout\w*|alpha_dropout|feature_alpha_dropout|gumbel_softmax|rrelu))$/;
/** torch.nn classes that hold no random state when built. */
const PURE_NN = /^nn\.(Softmax|LogSoftmax|Sigmoid|ReLU|Tanh|GELU|Flatten|Identity|Dropout\d?d?|Softmax2d|LeakyReLU|ELU|SiLU|Softplus)$/;
/** Methods that never draw random numbers (tensor maths, autograd, optimisers, containers, strings). */
const PURE_METHODS = new Set(
  ('backward zero_grad step append extend insert pop items keys values get format join split strip replace lower upper startswith endswith eval train parameters named_parameters ' +
    'state_dict load_state_dict add_ sub_ mul_ div_ copy_ fill_ zero_ clamp_ squeeze_ unsqueeze_ requires_grad_ retain_grad numel dim size to cuda cpu max min argmax argmin topk sort ' +
    'any all eq ne gt lt ge le mm matmul mv dot exp log log1p log2 pow sqrt abs neg sum mean std var norm prod cumsum softmax log_softmax sigmoid relu tanh clamp clip clamp_min clamp_max ' +
    'gather scatter scatter_ index_select masked_fill masked_fill_ view reshape permute transpose t expand repeat flatten unsqueeze squeeze contiguous detach clone numpy tolist item ' +
    'float double long int bool half type type_as view_as expand_as reshape_as chunk narrow unbind new_zeros new_ones new_tensor new_full astype copy round floor ceil sign add sub mul div ' +
    'sub_ isnan isinf nonzero count_nonzero unique shape apply_ register_hook update add_scalar add_scalars flush close set_description set_postfix').split(' '),
);

/** Python built-ins that draw nothing. */
const PURE_BUILTINS = new Set('print display len float int str bool repr abs round min max sum range enumerate zip list tuple dict set sorted reversed isinstance type map filter any all format'.split(' '));

/** The call path of a callee rooted at a module name (`torch.randn`, `np.random.seed`), canonical, or undefined. */
function calleePath(fn: Expr, env: Env | null): string | undefined {
  const parts: string[] = [];
  let e = fn;
  while (e.k === 'attr') {
    parts.unshift(e.attr);
    e = e.obj;
  }
  if (e.k !== 'name') return undefined;
  const b = lookup(env, e.id);
  const root = b ? (b.fixed?.k === 'module' ? b.fixed.path : undefined) : DEFAULT_MODULES[e.id] ?? (PURE_BUILTINS.has(e.id) ? `builtins.${e.id}` : undefined);
  return root === undefined ? undefined : canonicalPath([root, ...parts].join('.'));
}

/** Calls of a statement in execution order (arguments before the call). */
function callsOf(e: Expr, out: (Expr & { k: 'call' })[]): void {
  switch (e.k) {
    case 'call':
      callsOf(e.fn, out);
      for (const x of e.args) callsOf(x, out);
      for (const k of e.keywords) callsOf(k.value, out);
      out.push(e);
      return;
    case 'attr':
      return callsOf(e.obj, out);
    case 'index':
      callsOf(e.obj, out);
      for (const x of e.items) callsOf(x, out);
      return;
    case 'slice':
      for (const x of [e.lo, e.hi, e.step]) if (x) callsOf(x, out);
      return;
    case 'bin':
      callsOf(e.l, out);
      return callsOf(e.r, out);
    case 'unary':
    case 'not':
      return callsOf(e.operand, out);
    case 'cmp':
      for (const x of e.operands) callsOf(x, out);
      return;
    case 'boolop':
      for (const x of e.values) callsOf(x, out);
      return;
    case 'ifexp':
      callsOf(e.test, out);
      callsOf(e.body, out);
      return callsOf(e.orelse, out);
    case 'tuple':
    case 'list':
      for (const x of e.items) callsOf(x, out);
      return;
    case 'fstring':
      for (const p of e.parts) if (typeof p !== 'string') callsOf(p.expr, out);
      return;
    default:
      return;
  }
}

/** The expressions a statement evaluates when it runs. */
function expressionsOf(st: Statement): Expr[] {
  switch (st.kind) {
    case 'assign':
    case 'expr':
    case 'setattr':
      return [st.value];
    case 'block':
      return [st.header.test, ...(st.header.items ?? [])].filter((x): x is Expr => x !== undefined);
    default:
      return [];
  }
}

/** Follows the seeded generators through a cell's statements; see randomStreams.ts. */
class StreamTracker {
  private torch: RandomStream | undefined;
  private numpy: RandomStream | undefined;
  private readonly forked = new Set<StreamKind>();
  private readonly idle: boolean;

  constructor(
    streams: Streams,
    private readonly random: Map<Expr, { stream: RandomStream; index: number }>,
    private readonly source: string,
  ) {
    this.torch = streams.torch;
    this.numpy = streams.numpy;
    // Nothing seeded before the cell and no seed in it: the cell cannot change a stream.
    this.idle = !this.torch && !this.numpy && !/manual_seed|random\.seed/.test(source);
  }

  out(): Streams {
    return { ...(this.torch ? { torch: this.torch } : {}), ...(this.numpy ? { numpy: this.numpy } : {}) };
  }

  /** The stream of `kind`, forked the first time this cell changes it. */
  private mine(kind: StreamKind): RandomStream | undefined {
    const s = kind === 'torch' ? this.torch : this.numpy;
    if (!s || this.forked.has(kind)) return s;
    const f = s.fork();
    this.forked.add(kind);
    if (kind === 'torch') this.torch = f;
    else this.numpy = f;
    return f;
  }

  private breakBoth(reason: string): void {
    this.mine('torch')?.breakHere(reason);
    this.mine('numpy')?.breakHere(reason);
  }

  /** Reads one statement: seeds start streams, draws join them, anything that may draw unseen breaks them. */
  statement(st: Statement, env: Env | null, straight: boolean, line: number): void {
    if (this.idle) return;
    const where = `line ${line}`;
    if (st.kind === 'block' && st.header.keyword === 'for') {
      const it = st.header.test;
      const simple = it && it.k === 'call' && it.fn.k === 'name' && /^(range|enumerate|zip|reversed)$/.test(it.fn.id);
      if (!simple) this.breakBoth(`the loop over \`${it ? this.source.slice(it.start, Math.min(it.end, it.start + 40)) : '?'}\` (${where}), which may shuffle`);
    }
    for (const x of expressionsOf(st)) {
      const calls: (Expr & { k: 'call' })[] = [];
      callsOf(x, calls);
      for (const c of calls) this.call(c, env, straight, line);
    }
  }

  private call(node: Expr & { k: 'call' }, env: Env | null, straight: boolean, line: number): void {
    const where = `line ${line}`;
    const shown = this.source.slice(node.fn.start, node.fn.end);
    const path = calleePath(node.fn, env);
    if (path !== undefined) {
      if (path === 'torch.manual_seed' || path === 'torch.random.manual_seed' || path === 'np.random.seed') {
        const kind: StreamKind = path === 'np.random.seed' ? 'numpy' : 'torch';
        let stream: RandomStream;
        const source = this.source;
        const seedExpr = node.args[0] ?? node.keywords[0]?.value;
        const seed = { line, value: (): number => {
          if (!seedExpr) throw new RangeError('the seed call has no seed');
          const v = new Evaluator(source, env, this.random).eval(seedExpr);
          if (v.k !== 'num' || !v.int) throw new RangeError(`the seed is not an integer (${v.k})`);
          return v.v;
        } };
        stream = new RandomStream(kind, seed);
        if (!straight) stream.breakHere(`the seed set in a loop, a branch or a function (${where})`);
        if (kind === 'torch') this.torch = stream;
        else this.numpy = stream;
        this.forked.add(kind);
        return;
      }
      const torchDraw = TORCH_DRAWS.test(path);
      const npDraw = NUMPY_DRAWS.test(path);
      if (torchDraw || npDraw) {
        const kind: StreamKind = torchDraw ? 'torch' : 'numpy';
        const stream = this.mine(kind);
        if (!stream) return;
        if (!straight) {
          stream.breakHere(`\`${shown}(...)\` in a loop or a branch (${where})`);
          return;
        }
        const index = stream.calls.length;
        const source = this.source;
        const random = this.random;
        stream.calls.push({ node, text: source.slice(node.start, Math.min(node.end, node.start + 60)), draw: (s, i) => new Evaluator(source, env, random).drawAt(node, s, i) });
        this.random.set(node, { stream, index });
        return;
      }
      if (path.startsWith('np.random.')) {
        this.mine('numpy')?.breakHere(`\`${shown}(...)\` (${where}), a draw Loss Lens does not reproduce`);
        return;
      }
      if (TORCH_OTHER.test(path)) {
        this.mine('torch')?.breakHere(`\`${shown}(...)\` (${where}), a draw Loss Lens does not reproduce`);
        return;
      }
      if (path.startsWith('nn.')) {
        const cls = path.slice(3);
        if (!lossByModule('torch', cls) && !PURE_NN.test(path)) this.mine('torch')?.breakHere(`\`${shown}(...)\` (${where}), which may initialise weights at random`);
        return;
      }
      if (path.startsWith('timm.')) {
        if (!lossByModule('timm', path.slice(5))) this.mine('torch')?.breakHere(`\`${shown}(...)\` (${where}), which may initialise weights at random`);
        return;
      }
      if (/^(torch|F|np|math|builtins|random|time|json|collections|itertools|functools)\./.test(path)) return;
      this.breakBoth(`\`${shown}(...)\` (${where}), which Loss Lens does not follow`);
      return;
    }
    if (node.fn.k === 'attr') {
      if (RANDOM_METHODS.has(node.fn.attr)) this.mine('torch')?.breakHere(`\`.${node.fn.attr}()\` (${where}), a draw Loss Lens does not reproduce`);
      else if (!PURE_METHODS.has(node.fn.attr)) this.breakBoth(`\`${shown}(...)\` (${where}), which Loss Lens does not follow`);
      return;
    }
    if (node.fn.k === 'name') {
      // A loss object (`criterion = nn.CrossEntropyLoss()`) draws nothing; a model or a function may.
      const b = lookup(env, node.fn.id);
      const made = b?.expr?.k === 'call' ? calleePath(b.expr.fn, b.env) : undefined;
      if (made && ((made.startsWith('nn.') && lossByModule('torch', made.slice(3))) || (made.startsWith('timm.') && lossByModule('timm', made.slice(5))) || PURE_NN.test(made))) return;
      this.breakBoth(`\`${shown}(...)\` (${where}), which may draw random numbers Loss Lens does not follow`);
      return;
    }
    this.breakBoth(`a call at ${where} Loss Lens does not follow`);
  }
}

/** A printed tensor and the decimals it was printed with. */
function echoOf(text: string, v: TensorVal): Echo {
  const t = { shape: v.shape, data: v.data, dtype: v.dtype };
  const value: PyValue = { k: 'tensor', t, ...(v.requiresGrad ? { requiresGrad: true } : {}) };
  return { value, decimals: v.dtype === 'int64' ? null : printedDecimals(text, v.start, v.end) };
}

/** The most digits after the decimal point among the numbers printed in `text[start, end)`, via the parsers' lexer. */
export function printedDecimals(text: string, start: number, end: number): number | null {
  let best: number | null = null;
  try {
    const lex = new PyLexer(text, start, end);
    // Skip the call name and keywords: only numbers count.
    for (; lex.kind !== Tok.End; lex.next()) {
      if (lex.kind !== Tok.Number) continue;
      const lit = text.slice(lex.start, lex.stop);
      const m = /\.(\d*)/.exec(lit);
      const d = m ? m[1].length : 0;
      if (!lex.integer && (best === null || d > best)) best = d;
    }
  } catch {
    return best;
  }
  return best;
}

function parseAll(text: string): TensorVal[] {
  try {
    return parseReprs(text);
  } catch {
    return [];
  }
}

/** How many printed tensors a `print` argument contributes: strings, shapes and `.item()` print none. */
function printedTensorCount(e: Expr): number {
  if (e.k === 'str' || e.k === 'fstring' || e.k === 'num') return 0;
  if (e.k === 'attr' && (e.attr === 'shape' || e.attr === 'dtype' || e.attr === 'ndim')) return 0;
  if (e.k === 'call' && e.fn.k === 'attr' && /^(size|item|tolist|dim|numel)$/.test(e.fn.attr)) return 0;
  if (e.k === 'call' && e.fn.k === 'name' && /^(len|float|int|str|round|type)$/.test(e.fn.id)) return 0;
  return 1;
}

function isPrint(st: Statement): st is Statement & { kind: 'expr'; value: Expr & { k: 'call' } } {
  return st.kind === 'expr' && st.value.k === 'call' && st.value.fn.k === 'name' && st.value.fn.id === 'print';
}

/**
 * Attaches the cell's printed values to the bindings they show: the execute result of a last line
 * that is a bare name (or a tuple of names), and the tensors `print(...)` wrote, matched to the
 * print arguments in order when the counts agree.
 */
function attachEchoes(a: CellAnalysis): void {
  const sts = a.parsed.statements;
  if (a.outputs.length === 0 || sts.length === 0) return;
  const lastIndex = sts.length - 1;
  const lastSt = sts[lastIndex];
  // Prints in loops, branches or functions run any number of times: their output cannot be matched to them.
  if (sts.some((st, i) => isPrint(st) && !a.contexts[i].straight)) return;
  if (a.parsed.indents[lastIndex] !== 0) return;
  let streams = a.outputs;
  const bareNames = (e: Expr): string[] | undefined =>
    e.k === 'name' ? [e.id] : e.k === 'tuple' && e.items.every((i) => i.k === 'name') ? e.items.map((i) => (i as Expr & { k: 'name' }).id) : undefined;
  const names = lastSt.kind === 'expr' && !isPrint(lastSt) ? bareNames(lastSt.value) : undefined;
  if (names) {
    const text = a.outputs[a.outputs.length - 1];
    streams = a.outputs.slice(0, -1);
    const found = parseAll(text);
    if (found.length === names.length) names.forEach((n, i) => setEcho(lookup(a.envBefore[lastIndex], n), echoOf(text, found[i])));
  }
  const prints = sts.map((s, i) => ({ s, i })).filter((p) => isPrint(p.s));
  if (prints.length === 0 || streams.length === 0) return;
  const text = streams.join('');
  const found = parseAll(text);
  const expected = prints.reduce((n, p) => n + (p.s as Statement & { kind: 'expr'; value: Expr & { k: 'call' } }).value.args.reduce((m, e) => m + printedTensorCount(e), 0), 0);
  if (expected !== found.length) return;
  let k = 0;
  for (const p of prints) {
    for (const arg of (p.s as Statement & { kind: 'expr'; value: Expr & { k: 'call' } }).value.args) {
      if (printedTensorCount(arg) === 0) continue;
      const v = found[k++];
      if (arg.k === 'name') setEcho(lookup(a.envBefore[p.i], arg.id), echoOf(text, v));
    }
  }
}

function setEcho(b: Binding | undefined, echo: Echo): void {
  if (b && !b.echo && !b.memo) b.echo = echo;
}
