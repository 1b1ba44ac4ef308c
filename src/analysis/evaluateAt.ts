/**
 * The query behind hovers: what is under the cursor in a cell, evaluated statically.
 *
 * The innermost expression at the offset is found in the cell's syntax tree. A variable or a
 * literal shows as itself (a tensor, a number, or the loss it holds). Otherwise (an operator, a
 * method, a callee such as `criterion` or `F.cross_entropy`) the expression grows outward through
 * arithmetic, attribute and method chains, subscripts and the callee of a call (never out of a
 * call's argument list, a tuple or a print), so a hover anywhere on `kl(a, b) * T * T` or
 * `kl_output.mean()` shows the whole value with the loss call it comes from.
 */
import type { Finding } from '../engine/diagnostics';
import { diagnose } from '../engine/diagnostics';
import { Breakdown, lossBreakdown } from '../engine/breakdown';
import { Float32Variant, float32Variants } from '../engine/float32';
import type { OpArgs } from '../engine/op';
import type { Tensor } from '../engine/tensor';
import type { SourceRange } from '../parsers/parseResult';
import { Env, Evaluator, EvalFailure, toFailure } from './evaluator';
import { CellAnalysis, CellInput, analyzeCells } from './notebook';
import type { RandomCalls } from './randomStreams';
import { Budget, HOVER_LIMITS, withBudget } from '../interpreter/budget';
import type { Expr, Span, Statement } from './syntax';
import { LossOrigin, PyValue, describeValue } from './values';

/** A loss call, or arithmetic around one, under the cursor. */
export interface LossResult {
  readonly kind: 'loss';
  /** The registry op of the loss call the value comes from. */
  readonly op: string;
  /** Its arguments, complete with PyTorch's defaults. */
  readonly args: OpArgs;
  /** The value of the whole expression: the loss tensor, or what arithmetic, `.mean()` or `.item()` made of it. */
  readonly value: Tensor | number;
  /** The loss op's own output (before any arithmetic around it). */
  readonly lossOutput: Tensor;
  /** The source text of the loss call (in the line that defined the name, when the value came through one). */
  readonly callText: string;
  /** The hovered expression, in the cell source. */
  readonly range: SourceRange;
  readonly expressionText: string;
  /** Where inputs came from when not computed from literals, e.g. "input: from the printed output, 4 decimals". */
  readonly provenance: readonly string[];
  /** CE = H(p) + KL(p‖q) per row, for the ops with a target distribution. */
  readonly breakdown?: Breakdown;
  /** What looks wrong about the call. */
  readonly findings?: readonly Finding[];
  /** What PyTorch itself prints in float32 where that differs from the exact value (engine/float32.ts). */
  readonly float32?: readonly Float32Variant[];
}

/** A tensor under the cursor (a name, a literal, an expression that is not a loss). */
export interface TensorResult {
  readonly kind: 'tensor';
  readonly tensor: Tensor;
  readonly range: SourceRange;
  readonly expressionText: string;
  /** The variable, when the cursor is on one. */
  readonly name?: string;
  readonly requiresGrad?: boolean;
  readonly provenance: readonly string[];
}

/** A plain Python number under the cursor (`1.3832 - 1.3443`). */
export interface NumberResult {
  readonly kind: 'number';
  readonly value: number;
  readonly range: SourceRange;
  readonly expressionText: string;
  readonly provenance: readonly string[];
}

/** A value Loss Lens cannot compute statically, with the name and the reason. */
export interface UnknownResult {
  readonly kind: 'unknown';
  readonly name: string;
  readonly reason: string;
  readonly range: SourceRange;
}

/** An expression torch would reject (shape mismatch, bad reduction...) or a refused call (`eval`, `open`). */
export interface ErrorResult {
  readonly kind: 'error';
  readonly message: string;
  /** The refused call or failing name, when there is one. */
  readonly name?: string;
  readonly range: SourceRange;
}

/** What {@link evaluateAt} returns. */
export type EvaluateResult = LossResult | TensorResult | NumberResult | UnknownResult | ErrorResult;

/** Direct children of a node, with whether the parent "continues" the child's value (see the file comment). */
function children(e: Expr): { child: Expr; continues: boolean }[] {
  switch (e.k) {
    case 'attr':
      return [{ child: e.obj, continues: true }];
    case 'call':
      return [{ child: e.fn, continues: true }, ...e.args.map((a) => ({ child: a, continues: false })), ...e.keywords.map((k) => ({ child: k.value, continues: false }))];
    case 'index':
      return [{ child: e.obj, continues: true }, ...e.items.map((i) => ({ child: i, continues: false }))];
    case 'slice':
      return [e.lo, e.hi, e.step].filter((x): x is Expr => x !== undefined).map((child) => ({ child, continues: false }));
    case 'bin':
      return [{ child: e.l, continues: true }, { child: e.r, continues: true }];
    case 'unary':
      return [{ child: e.operand, continues: true }];
    case 'tuple':
    case 'list':
      return e.items.map((child) => ({ child, continues: false }));
    case 'fstring':
      return e.parts.filter((p): p is Exclude<typeof p, string> => typeof p !== 'string').map((p) => ({ child: p.expr, continues: false }));
    default:
      return [];
  }
}

function contains(s: Span, offset: number): boolean {
  return s.start <= offset && offset <= s.end;
}

/** The path from `root` to the innermost node containing `offset`. */
function pathTo(root: Expr, offset: number): { node: Expr; continues: boolean }[] {
  const path: { node: Expr; continues: boolean }[] = [{ node: root, continues: false }];
  for (;;) {
    const cur = path[path.length - 1].node;
    // `offset` is the character under the cursor: a child owns [start, end).
    const next = children(cur).find((k) => k.child.start <= offset && offset < k.child.end);
    if (!next) return path;
    path.push({ node: next.child, continues: next.continues });
  }
}

function isPrintCall(e: Expr): boolean {
  return e.k === 'call' && e.fn.k === 'name' && (e.fn.id === 'print' || e.fn.id === 'display');
}

/**
 * What is under the cursor at `offset` in cell `cellIndex`, evaluated with the names of the
 * earlier cells and lines; `null` when the offset is not on an expression Loss Lens reads
 * (an import, a skipped line, whitespace). Never throws.
 */
export function evaluateAt(cells: readonly CellInput[], cellIndex: number, offset: number): EvaluateResult | null {
  try {
    // One hover, one budget (interpreter/budget.ts): what it draws or allocates is charged to it.
    const r = withBudget(new Budget(HOVER_LIMITS), () => evaluateAtInner(cells, cellIndex, offset));
    if (r !== null || cellIndex < 0 || cellIndex >= cells.length) return r;
    // No silent miss: a loss call under the cursor always answers, if only with what stopped it.
    const source = cells[cellIndex].source;
    const word = wordAt(source, offset);
    if (!LOSS_LIKE.test(word) || !/^\w*\s*\(/.test(source.slice(offset))) return null;
    return { kind: 'unknown', name: word, reason: `Loss Lens reads no value for \`${word}(...)\` here.`, range: { offset, length: 0 } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'error', message: `Loss Lens could not evaluate this: ${message}`, range: { offset, length: 0 } };
  }
}

function evaluateAtInner(cells: readonly CellInput[], cellIndex: number, offset: number): EvaluateResult | null {
  if (cellIndex < 0 || cellIndex >= cells.length) return null;
  const analysis = analyzeCells(cells.slice(0, cellIndex + 1));
  const cell = analysis.cells[cellIndex];
  const sts = cell.parsed.statements;
  const at = sts.findIndex((s) => s.start <= offset && offset <= s.end);
  if (at < 0) return null;
  const st = sts[at];
  const source = cell.parsed.source;
  const ctx = cell.contexts[at];
  // The expression a line offers to a hover: an expression's, an assignment's, a header's test.
  let value: Expr | undefined;
  if (st.kind === 'assign' || st.kind === 'expr' || st.kind === 'setattr') value = st.value;
  else if (st.kind === 'block') value = [st.header.test, ...(st.header.items ?? [])].find((x): x is Expr => x !== undefined && x.start <= offset && offset < x.end);
  if (st.kind === 'skip' || (st.kind === 'block' && st.header.unread !== undefined)) {
    // No silent miss: a loss under the cursor on a line Loss Lens cannot read says why.
    if (!LOSS_LIKE.test(wordAt(source, offset))) return null;
    const reason = st.kind === 'skip' ? st.reason : (st.header.unread as string);
    return { kind: 'unknown', name: wordAt(source, offset), reason: `Loss Lens cannot read this line: ${reason}`, range: { offset: st.start, length: st.end - st.start } };
  }
  if (!value || (st.kind !== 'assign' && (offset < value.start || offset > value.end))) return null;
  if (ctx.blocked) {
    return { kind: 'unknown', name: wordAt(source, offset), reason: `This line is not followed: ${ctx.blocked}.`, range: { offset: st.start, length: st.end - st.start } };
  }
  const guardNotes: string[] = [];
  for (const g of ctx.guards) {
    const ev = new Evaluator(source, g.env, cell.random);
    const cond = source.slice(g.test.start, g.test.end);
    let truth: boolean | undefined;
    try {
      truth = ev.truth(ev.eval(g.test), g.test);
    } catch {
      truth = undefined;
    }
    if (truth === undefined) guardNotes.push(`this line runs only when \`${cond}\` (line ${g.line}) is ${g.want ? 'true' : 'false'}, which Loss Lens cannot decide`);
    else if (truth !== g.want) {
      return { kind: 'error', message: `This line does not run: the condition \`${cond}\` (line ${g.line}) is ${truth ? 'true' : 'false'}.`, range: { offset: st.start, length: st.end - st.start } };
    }
  }
  if (ctx.note) guardNotes.push(ctx.note);
  const out = evaluateStatement(cell, at, st, value as Expr, offset, source);
  if (!out || guardNotes.length === 0) return out;
  if (out.kind === 'loss' || out.kind === 'tensor' || out.kind === 'number') return { ...out, provenance: [...out.provenance, ...guardNotes] };
  return out;
}

/** Words that name a loss: a hover on one never goes unanswered. */
const LOSS_LIKE = /loss|criterion|cross_?entropy|nll|kl_?div|bce|mse|l1|hinge|margin|focal|distill|jsd|triplet|cosine_embedding|huber|poisson|ctc/i;

/** The identifier at `offset` (or ''). */
function wordAt(source: string, offset: number): string {
  let a = offset;
  let b = offset;
  while (a > 0 && /\w/.test(source[a - 1])) a--;
  while (b < source.length && /\w/.test(source[b])) b++;
  return source.slice(a, b);
}

function evaluateStatement(cell: CellAnalysis, at: number, st: Statement, value: Expr, offset: number, source: string): EvaluateResult | null {
  const sts = cell.parsed.statements;
  let target: Expr;
  let name: string | undefined;
  if (st.kind === 'assign' && offset < st.value.start) {
    // On an assigned name: its binding after this line (so a printed value stands in when needed).
    const t = st.targets.find((x) => contains(x, offset));
    const envAfter = at + 1 < sts.length ? cell.envBefore[at + 1] : cell.envOut;
    if (t && t.k === 'name') return describe(source, { k: 'name', id: t.id, start: t.start, end: t.end }, envAfter, t.id, cell.random);
    target = st.value;
  } else {
    if (offset < value.start || offset > value.end) return null;
    const path = pathTo(value, offset);
    let i = path.length - 1;
    const ev = new Evaluator(source, cell.envBefore[at], cell.random);
    const inner = path[i].node;
    if (inner.k === 'name' || inner.k === 'literal') {
      // A variable or literal shows as itself; a module, loss object or method grows into its call.
      let v: PyValue | undefined;
      try {
        v = ev.eval(inner);
      } catch {
        v = undefined;
      }
      const callable = v !== undefined && (v.k === 'module' || v.k === 'lossModule' || v.k === 'activation' || v.k === 'method');
      if (!callable || !path[i].continues) return describe(source, inner, cell.envBefore[at], inner.k === 'name' ? inner.id : undefined, cell.random);
    }
    while (i > 0 && path[i].continues && !isPrintCall(path[i - 1].node)) i--;
    target = path[i].node;
    if (target.k === 'name') name = target.id;
    if (isPrintCall(target) || target.k === 'tuple' || target.k === 'list' || target.k === 'fstring' || target.k === 'str') return null;
  }
  return describe(source, target, cell.envBefore[at], name, cell.random);
}

/** Breakdown and findings per loss call, computed once: both walk every element of a large input. */
interface Explanation {
  breakdown?: Breakdown;
  findings?: readonly Finding[];
  float32?: readonly Float32Variant[];
}

const EXPLAINED = new WeakMap<LossOrigin, Explanation>();

function explain(loss: LossOrigin): Explanation {
  const hit = EXPLAINED.get(loss);
  if (hit) return hit;
  const out: Explanation = {};
  if (loss.output.shape.length === 0) {
    const variants = float32Variants(loss.op, loss.args, loss.output.data[0]);
    if (variants.length > 0) out.float32 = variants;
  }
  try {
    out.breakdown = lossBreakdown(loss.op, loss.args) ?? undefined;
  } catch {
    out.breakdown = undefined;
  }
  try {
    out.findings = diagnose(loss.op, loss.args);
  } catch {
    out.findings = undefined;
  }
  EXPLAINED.set(loss, out);
  return out;
}

function describe(source: string, e: Expr, env: Env | null, name: string | undefined, random?: RandomCalls): EvaluateResult | null {
  const range: SourceRange = { offset: e.start, length: e.end - e.start };
  const expressionText = source.slice(e.start, e.end);
  const ev = new Evaluator(source, env, random);
  let v: PyValue;
  try {
    v = ev.eval(e);
  } catch (err) {
    const f = err instanceof EvalFailure ? err.failure : toFailure(err, e, source);
    if (f.kind === 'unknown') return { kind: 'unknown', name: f.name ?? name ?? expressionText, reason: f.reason, range };
    return { kind: 'error', message: f.reason, ...(f.name !== undefined ? { name: f.name } : {}), range };
  }
  const provenance = ev.notes;
  const loss = v.k === 'tensor' || v.k === 'num' ? v.loss : undefined;
  if (loss) {
    const { breakdown, findings, float32 } = explain(loss);
    return {
      kind: 'loss',
      op: loss.op,
      args: loss.args,
      value: v.k === 'tensor' ? v.t : (v as PyValue & { k: 'num' }).v,
      lossOutput: loss.output,
      callText: loss.text,
      range,
      expressionText,
      provenance,
      ...(breakdown ? { breakdown } : {}),
      ...(findings ? { findings } : {}),
      ...(float32 ? { float32 } : {}),
    };
  }
  if (v.k === 'tensor') return { kind: 'tensor', tensor: v.t, range, expressionText, provenance, ...(name !== undefined ? { name } : {}), ...(v.requiresGrad ? { requiresGrad: true } : {}) };
  if (v.k === 'list' && v.t) return { kind: 'tensor', tensor: v.t, range, expressionText, provenance, ...(name !== undefined ? { name } : {}) };
  if (v.k === 'num') return { kind: 'number', value: v.v, range, expressionText, provenance };
  // A loss name that holds no loss (`criterion = None` in an exercise) says what it holds.
  if (name !== undefined && LOSS_LIKE.test(name)) return { kind: 'unknown', name, reason: `\`${name}\` is ${describeValue(v)} here, not a loss Loss Lens can compute.`, range };
  return null;
}
