/**
 * The acceptance table of the seed notebooks: every loss call whose value the notebooks stored,
 * with the printed value read from the stored output (never typed in by hand).
 *
 * Derivation, independent of the evaluator's own echo logic:
 * - notebooks (.ipynb and the raw .txt exports, which are the same JSON with collapsed whitespace
 *   and, in 002, a raw newline inside a string): a cell's last line that is an expression gets the
 *   last output; a bare name stands for the right-hand side that assigned it in the same cell, and
 *   a tuple pairs its items with the printed tensors in order. `print(a, b)` lines pair their
 *   tensor arguments with the tensors of the stream text in order.
 * - the exported text notebook 004: each `print(f"prefix{expr}")` pairs `expr` with the output line
 *   that starts with the same prefix.
 * - the issue thread 000: its worked values `-log(p) = v` and the 20:80 entropy are restated as the
 *   binary cross-entropy calls that compute them.
 * A row is a loss row when its expression calls a loss: a name the notebook assigned a
 * `nn.*Loss(...)`, `torch.nn.*Loss(...)` or timm `*CrossEntropy(...)` object, or `F.<loss>(`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CellInput } from '../../../src/analysis/notebook';
import { readNotebookJson } from '../../../src/analysis/notebookJson';
import { parseReprs } from '../../../src/parsers/reprs';

/** Where the seed copies live. */
export const SEEDS = path.resolve(__dirname, '../../../../test/fixtures/seeds');

/** One stored value. */
export interface SeedRow {
  readonly file: string;
  /** Index among the cells handed to the evaluator (code cells only). */
  readonly cell: number;
  readonly cells: readonly CellInput[];
  /** The expression whose value was printed, as written. */
  readonly text: string;
  /** An offset inside it to hover at (its last character). */
  readonly offset: number;
  /** The printed value: all elements, and the decimals they were printed with (null: full precision). */
  readonly printed: readonly number[];
  readonly printedText: string;
  readonly decimals: number | null;
  /** True when the expression calls a loss. */
  readonly isLoss: boolean;
  /** True when a person wrote the value by hand, cutting digits rather than rounding (000's `-log(0.6) = 0.51082`). */
  readonly truncated?: boolean;
}

/** Where in an expression to hover: its closing bracket, else its first top-level operator, else its start. */
function hoverOffset(text: string): number {
  if (/[)\]]$/.test(text)) return text.length - 1;
  let depth = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && '+-*/'.includes(c) && text[i - 1] === ' ') return i;
  }
  return 0;
}

function decimalsOf(text: string): number | null {
  let best: number | null = null;
  for (const m of text.matchAll(/-?\d+\.(\d*)(?:e[-+]?\d+)?|-?\d+e[-+]?\d+/g)) {
    if (m[1] === undefined) continue;
    if (/e/.test(m[0])) return null;
    best = Math.max(best ?? 0, m[1].length);
  }
  return best;
}

function lossNames(cells: readonly CellInput[]): Set<string> {
  const names = new Set<string>();
  for (const c of cells) {
    for (const m of c.source.matchAll(/^\s*(\w+)\s*=\s*(?:torch\.)?(?:nn\.)?(\w+)\(/gm)) if (/Loss$|CrossEntropy$/.test(m[2])) names.add(m[1]);
  }
  return names;
}

function callsLoss(text: string, losses: Set<string>): boolean {
  for (const m of text.matchAll(/(?:^|[^\w.])(\w+)\s*\(/g)) if (losses.has(m[1])) return true;
  return /\bF\.(cross_entropy|kl_div|nll_loss|binary_cross_entropy\w*|mse_loss|l1_loss|smooth_l1_loss|huber_loss)\(/.test(text);
}

/** Top-level comma-separated parts of `text` (for tuples and print arguments), with their offsets. */
function topLevelParts(text: string, base: number): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (i === text.length || (c === ',' && depth === 0)) {
      const raw = text.slice(from, i);
      const lead = raw.length - raw.trimStart().length;
      if (raw.trim()) out.push({ text: raw.trim(), offset: base + from + lead });
      from = i + 1;
    }
  }
  return out;
}

function tensorsOf(text: string): { values: number[]; text: string }[] {
  return parseReprs(text).map((v) => ({ values: Array.from(v.data), text: text.slice(v.start, v.end) }));
}

function notebookRows(file: string): SeedRow[] {
  const cells = readNotebookJson(fs.readFileSync(path.join(SEEDS, file), 'utf8'));
  const losses = lossNames(cells);
  const rows: SeedRow[] = [];
  cells.forEach((cell, ci) => {
    if (cell.outputs.length === 0) return;
    const lines = cell.source.split('\n');
    const lineStart = (i: number): number => lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
    const lastIdx = lines.map((l, i) => ({ l, i })).filter((x) => x.l.trim() && !x.l.trim().startsWith('#')).pop()?.i ?? -1;
    const last = lastIdx >= 0 ? lines[lastIdx] : '';
    // A bare name that a loss call assigned in this cell stands for that call.
    const definition = (name: string): RegExpExecArray | null => {
      if (!/^\w+$/.test(name)) return null;
      const def = new RegExp(`^(\\s*${name}\\s*=\\s*)(.+)$`, 'm').exec(cell.source);
      return def && callsLoss(def[2], losses) ? def : null;
    };
    const add = (text: string, offset: number, printedText: string, values: number[]): void => {
      // `kl_output.mean()`: a method of a name a loss call assigned.
      const isLoss = callsLoss(text, losses) || definition(/^(\w+)\./.exec(text)?.[1] ?? '') !== null;
      rows.push({ file, cell: ci, cells, text, offset: offset + hoverOffset(text), printed: values, printedText, decimals: decimalsOf(printedText), isLoss });
    };
    let streams = cell.outputs;
    if (last && !/^\s*print\(/.test(last) && !/^\s*\w+\s*=/.test(last)) {
      const out = cell.outputs[cell.outputs.length - 1];
      streams = cell.outputs.slice(0, -1);
      let printed: { values: number[]; text: string }[] = [];
      try {
        printed = tensorsOf(out);
      } catch {
        // A plain number (`0.0389...`), no tensor.
        if (/^\s*-?\d+(\.\d+)?(e[-+]?\d+)?\s*$/.test(out)) printed = [{ values: [Number(out)], text: out.trim() }];
      }
      const parts = topLevelParts(last, lineStart(lastIdx));
      if (printed.length === parts.length) {
        parts.forEach((p, k) => {
          const def = definition(p.text);
          if (def) add(def[2].trim(), def.index + def[1].length, printed[k].text, printed[k].values);
          else add(p.text, p.offset, printed[k].text, printed[k].values);
        });
      }
    }
    const streamText = streams.join('');
    if (!streamText) return;
    let printed: { values: number[]; text: string }[];
    try {
      printed = tensorsOf(streamText);
    } catch {
      return;
    }
    let k = 0;
    lines.forEach((l, li) => {
      const m = /^(\s*print\()(.*)\)\s*$/.exec(l);
      if (!m) return;
      for (const p of topLevelParts(m[2], lineStart(li) + m[1].length)) {
        if (/\.shape$|\.size\(\)$|^['"f]/.test(p.text)) continue;
        const v = printed[k++];
        if (!v) return;
        const def = definition(p.text);
        if (def) add(def[2].trim(), def.index + def[1].length, v.text, v.values);
        else add(p.text, p.offset, v.text, v.values);
      }
    });
  });
  return rows;
}

/** Rows of the text export 004: `In [n]:` blocks, each read as one cell with no stored outputs. */
function textNotebookRows(file: string): SeedRow[] {
  const text = fs.readFileSync(path.join(SEEDS, file), 'utf8');
  const blocks = text.split(/^In \[\d+\]:\s*$/m).slice(1);
  const cells: CellInput[] = blocks.map((b) => ({ source: b, outputs: [] }));
  const rows: SeedRow[] = [];
  blocks.forEach((b, ci) => {
    const losses = lossNames(cells.slice(0, ci + 1));
    for (const m of b.matchAll(/print\(f"([^"{]*)\{([^}]*)\}"\)/g)) {
      const prefix = m[1];
      const line = b.split('\n').find((l) => l.startsWith(prefix) && !l.includes('{') && !l.includes('print('));
      if (!line) continue;
      const printedText = line.slice(prefix.length).trim();
      const offset = (m.index ?? 0) + m[0].indexOf('{') + 1;
      // `incorrect_loss.item()`: a loss when the name was assigned a call of a loss object.
      const name = /^(\w+)/.exec(m[2])?.[1] ?? '';
      const defs = [...b.matchAll(new RegExp(`^${name}\\s*=\\s*(.+)$`, 'gm'))];
      const isLoss = defs.some((d) => callsLoss(d[1], losses));
      rows.push({ file, cell: ci, cells, text: m[2], offset: offset + hoverOffset(m[2]), printed: [Number(printedText)], printedText, decimals: null, isLoss });
    }
  });
  return rows;
}

/** Rows of the issue thread 000: `-log(p) = v` and the 20:80 entropy, as BCE calls on the stated probabilities. */
function threadRows(file: string): SeedRow[] {
  const text = fs.readFileSync(path.join(SEEDS, file), 'utf8');
  const rows: SeedRow[] = [];
  const calls: { source: string; printedText: string }[] = [];
  for (const m of text.matchAll(/-log\((\d+(?:\.\d+)?)\) = (\d+(?:\.\d+)?)/g)) {
    calls.push({ source: `F.binary_cross_entropy(torch.tensor([${m[1]}]), torch.tensor([1.0]))`, printedText: m[2] });
  }
  const h = /H\(q\)=-\((\d\.\d+)log\(\1\)\+(\d\.\d+)log\(\2\)\)=(\d+(?:\.\d+)?)/.exec(text);
  if (h) calls.push({ source: `F.binary_cross_entropy(torch.tensor([${h[1]}]), torch.tensor([${h[1]}]))`, printedText: h[3] });
  for (const c of calls) {
    const src = `import torch\nimport torch.nn.functional as F\n${c.source}\n`;
    const at = src.indexOf(c.source);
    rows.push({
      file, cell: 0, cells: [{ source: src, outputs: [] }], text: c.source, offset: at + hoverOffset(c.source),
      printed: [Number(c.printedText)], printedText: c.printedText, decimals: decimalsOf(c.printedText) ?? 0, isLoss: true, truncated: true,
    });
  }
  return rows;
}

/** Every row of every seed, in file order. */
export function seedRows(): SeedRow[] {
  const files = fs.readdirSync(SEEDS).sort();
  const rows: SeedRow[] = [];
  for (const f of files) {
    if (f.endsWith('.ipynb') || (f.endsWith('.txt') && fs.readFileSync(path.join(SEEDS, f), 'utf8').trimStart().startsWith('{'))) rows.push(...notebookRows(f));
    else if (/^In \[\d+\]:/m.test(fs.readFileSync(path.join(SEEDS, f), 'utf8'))) rows.push(...textNotebookRows(f));
    else if (f.startsWith('000_')) rows.push(...threadRows(f));
  }
  return rows;
}
