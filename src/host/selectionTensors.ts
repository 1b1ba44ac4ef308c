/**
 * The tensors in a selection, for `Compute Loss…` and `Analyze Tensor`. JSON (and text with no
 * document) goes through the parsers: a JSON object with roles (`{"logits": …, "labels": …}`),
 * assignments, one literal, or two literals side by side (`torch.tensor([...]), torch.tensor([...])`
 * or one per line). Python (files and notebook cells) goes through the static evaluator
 * ({@link readPythonSelection}) with the earlier cells and their stored outputs as context, so
 * `torch.log(...)`, `F.softmax(x, dim=1)`, names of earlier cells and printed values read as PyTorch
 * computes them, and a selected loss call is that call. Pure: no `vscode`.
 */
import { Budget, HOVER_LIMITS, withBudget } from '../interpreter/budget';
import { analyzeCells, evaluateAt, Evaluator, parseCell, type CellInput, type Expr, type PyValue, type Statement } from '../analysis';
import { EvalFailure, type Env } from '../analysis/evaluator';
import type { OpArgs } from '../engine/op';
import { registry } from '../engine/registry';
import type { Tensor } from '../engine/tensor';
import { isParseError, ParseError, parseTensorText, roleForKey } from '../parsers';
import type { FormatOption, OptionValue, ParsedTensor } from '../parsers';
import { inputTargetArgs } from './opRanking';

/** What a selection holds. */
export interface SelectionTensors {
  /** Every tensor, in source order. */
  readonly tensors: readonly ParsedTensor[];
  /** The loss input: the tensor with the input (or probs) role, else the first one. */
  readonly input?: ParsedTensor;
  /** The target: the tensor with the target role, else the next one after the input. */
  readonly target?: ParsedTensor;
  /** Scalar fields of a JSON object (`"reduction": "sum"`). */
  readonly options: Readonly<Record<string, OptionValue>>;
  /** The loss call the selection is (`kl_loss(input, target)`, or a name bound to one), with complete arguments. */
  readonly call?: SelectedCall;
  /** Where values came from when not computed from literals ("input: from the printed output, 4 decimals"). */
  readonly provenance?: readonly string[];
}

/** A loss call read by the evaluator: the registry op, its arguments as the call (and its module) gave them, defaults filled. */
export interface SelectedCall {
  readonly op: string;
  readonly args: OpArgs;
  /** The call's source text (of the line that defined the name, when the selection is a name). */
  readonly text: string;
}

/** The parser format for a VS Code language id. */
export function formatForLanguage(languageId: string): FormatOption {
  return languageId === 'json' || languageId === 'jsonc' ? 'json' : 'auto';
}

/**
 * Offsets where `text` splits into top-level pieces: commas, semicolons and newlines outside
 * brackets and strings. Returns the pieces' `[start, end)` ranges, blank ones dropped.
 */
export function topLevelPieces(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  const push = (end: number): void => {
    if (text.slice(start, end).trim()) out.push([start, end]);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (c === ',' || c === ';' || c === '\n')) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return out;
}

/**
 * Reads the tensors of a selection. Throws the parsers' {@link ParseError} (offsets into `text`)
 * when nothing in it is a tensor.
 */
export function readSelectionTensors(text: string, format: FormatOption = 'auto'): SelectionTensors {
  let first: ParseError | undefined;
  try {
    const r = parseTensorText(text, format);
    if (r.tensors.length > 0) return pick(r.tensors, r.options);
  } catch (e) {
    if (!isParseError(e)) throw e;
    first = e;
  }
  // Two literals side by side: parse each top-level piece on its own.
  // A trailing comma (`{…},` selected to the end of a line) leaves one piece that is not the whole.
  const pieces = topLevelPieces(text);
  if (pieces.length >= 2 || (pieces.length === 1 && text.slice(pieces[0][0], pieces[0][1]).trim() !== text.trim())) {
    const tensors: ParsedTensor[] = [];
    const options: Record<string, OptionValue> = {};
    for (const [s, e] of pieces) {
      try {
        const r = parseTensorText(text, format, s, e);
        tensors.push(...r.tensors);
        // A JSON object's scalar fields (`"reduction": "sum"`) hold when it was selected with a trailing comma too.
        for (const [k, v] of Object.entries(r.options)) if (!(k in options)) options[k] = v;
      } catch (err) {
        if (!isParseError(err)) throw err;
        throw first && first.offset > err.offset ? first : err;
      }
    }
    if (tensors.length > 0) return pick(tensors, options);
  }
  throw first ?? new ParseError('No tensor here: select a list such as [[2.0, 1.0, 0.1]] or a JSON object with "input" and "target".', 0, text.length);
}

/** Picks the input and the target among `tensors`: by role, else in source order. */
function pick(tensors: readonly ParsedTensor[], options: Readonly<Record<string, OptionValue>>): SelectionTensors {
  const byRole = (role: string): ParsedTensor | undefined => tensors.find((t) => t.role === role);
  const input = byRole('input') ?? byRole('probs') ?? tensors.find((t) => t.role !== 'target') ?? tensors[0];
  const target = byRole('target') ?? tensors.find((t) => t !== input && t.role === undefined) ?? tensors.find((t) => t !== input);
  return { tensors, input, ...(target ? { target } : {}), options };
}

/** Reads the one tensor a target prompt holds. Throws {@link ParseError} with an offset into `text`. */
export function readOneTensor(text: string, format: FormatOption = 'auto'): Tensor {
  const r = parseTensorText(text, format);
  if (r.tensors.length === 0) throw new ParseError('No tensor here: type a list such as [0, 2] or [[0.1, 0.9]].', 0, text.length);
  if (r.tensors.length > 1) throw new ParseError(`Found ${r.tensors.length} tensors: type just the target.`, r.tensors[1].range.offset, r.tensors[1].range.length);
  return r.tensors[0].tensor;
}

/** Why the evaluator could not read a Python selection (an unknown name, a call torch would reject). */
export interface SelectionProblem {
  readonly problem: string;
}

const PRINTS = new Set(['print', 'display']);

function isPrint(e: Expr): boolean {
  return e.k === 'call' && e.fn.k === 'name' && PRINTS.has(e.fn.id);
}

/** Collects the tensors (and the first loss call) of evaluated values, one entry per name (the latest wins). */
class Collector {
  readonly tensors: ParsedTensor[] = [];
  readonly notes: string[] = [];
  call?: SelectedCall;

  add(v: PyValue, name: string | undefined, span: { start: number; end: number }): void {
    const range = { offset: span.start, length: span.end - span.start };
    if ((v.k === 'tensor' || v.k === 'num') && v.loss) {
      this.call ??= { op: v.loss.op, args: v.loss.args, text: v.loss.text };
      return;
    }
    const t = v.k === 'tensor' ? v.t : v.k === 'list' && v.t ? v.t : undefined;
    if (t) {
      const role = name !== undefined ? roleForKey(name) : undefined;
      const entry: ParsedTensor = { tensor: t, range, ...(name !== undefined ? { name } : {}), ...(role ? { role } : {}), ...(v.k === 'tensor' && v.requiresGrad ? { requiresGrad: true } : {}) };
      const same = name !== undefined ? this.tensors.findIndex((x) => x.name === name) : -1;
      if (same >= 0) this.tensors[same] = entry;
      else this.tensors.push(entry);
    } else if (v.k === 'tuple' || (v.k === 'list' && v.items)) {
      for (const item of v.k === 'tuple' ? v.items : (v.items as readonly PyValue[])) this.add(item, undefined, span);
    }
  }

  eval(ev: Evaluator, e: Expr, name?: string, span: { start: number; end: number } = e): void {
    const v = ev.eval(e);
    for (const n of ev.notes) if (!this.notes.includes(n)) this.notes.push(n);
    this.add(v, name, span);
  }

  /** The selection, or undefined when it held no tensor and no loss call. */
  result(): SelectionTensors | undefined {
    const provenance = this.notes.length ? { provenance: [...this.notes] } : {};
    if (this.call) {
      const names = registry.has(this.call.op) ? inputTargetArgs(registry.get(this.call.op)) : undefined;
      const input = names ? asParsed(this.call.args[names.input], names.input) : undefined;
      const target = names ? asParsed(this.call.args[names.target], names.target) : undefined;
      const tensors = [input, target].filter((t): t is ParsedTensor => t !== undefined);
      return { tensors, ...(input ? { input } : {}), ...(target ? { target } : {}), options: {}, call: this.call, ...provenance };
    }
    if (this.tensors.length === 0) return undefined;
    return { ...pick(this.tensors, {}), ...provenance };
  }
}

function asParsed(v: unknown, name: string): ParsedTensor | undefined {
  if (typeof v !== 'object' || v === null || !('shape' in v)) return undefined;
  return { tensor: v as Tensor, range: { offset: 0, length: 0 }, name };
}

function nameExpr(id: string, span: { start: number; end: number }): Expr {
  return { k: 'name', id, start: span.start, end: span.end };
}

/** The names a statement's targets bind, with their spans. */
function targetNames(st: Statement & { kind: 'assign' }): { id: string; span: { start: number; end: number }; element?: number }[] {
  const out: { id: string; span: { start: number; end: number }; element?: number }[] = [];
  for (const t of st.targets) {
    if (t.k === 'name') out.push({ id: t.id, span: t });
    else t.names.forEach((id, element) => id !== null && out.push({ id, span: t, element }));
  }
  return out;
}

/**
 * Reads the tensors of the selection `[start, end)` of cell `index` (offsets into its source) with
 * the static evaluator, the cells before it (and their stored outputs) as context:
 *
 * - an empty selection reads what is under the cursor, as the hover does (`evaluateAt`);
 * - whole statements read as the cell ran them: each assigned name's value after its line (a value
 *   Loss Lens cannot compute but the cell printed is taken from the output), and each bare
 *   expression that is not a `print`;
 * - part of a statement (`torch.log(...)`, `input, target`, `F.softmax(x, dim=1)`) is parsed on
 *   its own and evaluated with the names visible at that statement.
 *
 * A loss call (`kl_loss(input, target)`, or a name bound to one) becomes {@link SelectionTensors.call}
 * with its input and target. Returns a {@link SelectionProblem} when the evaluator reads the
 * selection but cannot compute it, and undefined when it reads no tensor there (the caller then
 * tries the parsers, which also read printed reprs). Never throws.
 */
export function readPythonSelection(cells: readonly CellInput[], index: number, start: number, end: number): SelectionTensors | SelectionProblem | undefined {
  try {
    return withBudget(new Budget(HOVER_LIMITS), () => readPython(cells, index, start, end));
  } catch (e) {
    if (e instanceof EvalFailure) return { problem: e.failure.reason };
    return { problem: `Loss Lens could not evaluate the selection (${e instanceof Error ? e.message : String(e)}).` };
  }
}

function readPython(cells: readonly CellInput[], index: number, start: number, end: number): SelectionTensors | SelectionProblem | undefined {
  if (index < 0 || index >= cells.length) return undefined;
  const cell = analyzeCells(cells.slice(0, index + 1)).cells[index];
  const source = cell.parsed.source;
  let s = Math.max(0, start);
  let e = Math.min(source.length, end);
  while (s < e && /\s/.test(source[s])) s++;
  while (e > s && /[\s,;]/.test(source[e - 1])) e--;
  if (s === e) return atCursor(cells, index, start);

  const sts = cell.parsed.statements;
  const touched = sts.map((st, i) => ({ st, i })).filter(({ st }) => st.start < e && st.end > s);
  if (touched.length === 0) return undefined;
  const out = new Collector();
  if (touched.every(({ st }) => st.start >= s && st.end <= e)) {
    // Whole statements: as the cell ran them.
    for (const { st, i } of touched) {
      if (st.kind === 'assign') {
        const after = i + 1 < sts.length ? cell.envBefore[i + 1] : cell.envOut;
        for (const t of targetNames(st)) out.eval(new Evaluator(source, after, cell.random), nameExpr(t.id, t.span), t.id, st);
      } else if (st.kind === 'expr' && !isPrint(st.value)) {
        out.eval(new Evaluator(source, cell.envBefore[i], cell.random), st.value, st.value.k === 'name' ? st.value.id : undefined);
      }
    }
    return out.result();
  }
  // Part of a statement (or a span across statements): the text on its own, names as at its first statement.
  const text = source.slice(s, e);
  let env: Env | null = cell.envBefore[touched[0].i];
  for (const st of parseCell(text).statements) {
    if (st.kind === 'skip' || st.kind === 'block' || st.kind === 'setattr') return undefined;
    if (st.kind === 'import') continue;
    const ev = new Evaluator(text, env);
    if (st.kind === 'expr') {
      if (!isPrint(st.value)) out.eval(ev, st.value, st.value.k === 'name' ? st.value.id : undefined);
      continue;
    }
    const before = env;
    for (const t of targetNames(st)) {
      env = { name: t.id, binding: { name: t.id, cell: index, source: text, span: st, expr: st.value, env: before, ...(t.element !== undefined ? { element: t.element } : {}) }, parent: env };
      out.eval(new Evaluator(text, env), nameExpr(t.id, t.span), t.id, st);
    }
  }
  return out.result();
}

/** What is under the cursor, as the hover reads it. */
function atCursor(cells: readonly CellInput[], index: number, offset: number): SelectionTensors | SelectionProblem | undefined {
  const r = evaluateAt(cells, index, offset);
  if (!r) return undefined;
  const out = new Collector();
  const span = { start: r.range.offset, end: r.range.offset + r.range.length };
  switch (r.kind) {
    case 'loss':
      out.call = { op: r.op, args: r.args, text: r.callText };
      for (const n of r.provenance) out.notes.push(n);
      return out.result();
    case 'tensor':
      for (const n of r.provenance) out.notes.push(n);
      out.add({ k: 'tensor', t: r.tensor, ...(r.requiresGrad ? { requiresGrad: true } : {}) }, r.name, span);
      return out.result();
    case 'unknown':
      return { problem: r.reason };
    case 'error':
      return { problem: r.message };
    case 'number':
      return undefined;
  }
}
