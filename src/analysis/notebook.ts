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
import { Binding, Echo, Env, lookup } from './evaluator';
import { Expr, ParsedCell, Statement, parseCell } from './syntax';
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
  /** The environment after the cell. */
  readonly envOut: Env | null;
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
  for (; i < cells.length; i++) {
    const a = analyzeCell(i, cells[i], env);
    out.push(a);
    env = a.envOut;
  }
  last = { cells: out };
  return last;
}

function sameOutputs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function analyzeCell(index: number, cell: CellInput, envIn: Env | null): CellAnalysis {
  const parsed = parseCell(cell.source);
  const envBefore: (Env | null)[] = [];
  let env = envIn;
  const bind = (name: string, b: Omit<Binding, 'name' | 'cell' | 'source' | 'env'>): void => {
    env = { name, binding: { name, cell: index, source: cell.source, env: envAt, ...b }, parent: env };
  };
  let envAt: Env | null = env;
  for (const st of parsed.statements) {
    envBefore.push(env);
    envAt = env;
    const span = { start: st.start, end: st.end };
    switch (st.kind) {
      case 'import':
        for (const a of st.aliases) bind(a.alias, { span, fixed: { k: 'module', path: a.path } });
        break;
      case 'assign':
        for (const t of st.targets) {
          if (t.k === 'name') bind(t.id, { span, expr: st.value });
          else t.names.forEach((n, i) => n !== null && bind(n, { span, expr: st.value, element: i }));
        }
        break;
      case 'expr': {
        // `x.random_(5)`, `x.add_(1)`: an in-place method rebinds x to the call's value.
        const v = st.value;
        if (v.k === 'call' && v.fn.k === 'attr' && v.fn.obj.k === 'name' && /[a-z0-9]_$/.test(v.fn.attr)) bind(v.fn.obj.id, { span, expr: v });
        break;
      }
      case 'skip': {
        if (st.scope === 'def') break;
        const header = /^(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)/.exec(cell.source.slice(st.start, st.start + 200));
        if (header) {
          bind(header[2], { span, skipReason: `it is a ${header[1] === 'def' ? 'function' : 'class'} defined in the notebook, and Loss Lens does not run notebook code.` });
          break;
        }
        for (const n of st.assigned) bind(n, { span, skipReason: st.reason });
        for (const n of st.mutated) if (!st.assigned.includes(n)) bind(n, { span, skipReason: `it is changed in place there (${st.reason.replace(/\.$/, '')}).` });
        break;
      }
    }
  }
  const analysis: CellAnalysis = { index, parsed, outputs: cell.outputs, envBefore, envOut: env };
  attachEchoes(analysis);
  return analysis;
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
