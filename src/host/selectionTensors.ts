/**
 * The tensors in a selection, for `Compute Loss…` and `Analyze Tensor`: a JSON object with roles
 * (`{"logits": …, "labels": …}`), Python assignments, one literal, or two literals side by side
 * (`torch.tensor([...]), torch.tensor([...])` or one per line). Pure: parsers only.
 */
import type { Tensor } from '../engine/tensor';
import { isParseError, ParseError, parseTensorText } from '../parsers';
import type { FormatOption, OptionValue, ParsedTensor } from '../parsers';

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
    for (const [s, e] of pieces) {
      try {
        tensors.push(...parseTensorText(text, format, s, e).tensors);
      } catch (err) {
        if (!isParseError(err)) throw err;
        throw first && first.offset > err.offset ? first : err;
      }
    }
    if (tensors.length > 0) return pick(tensors, {});
  }
  throw first ?? new ParseError('No tensor here: select a list such as [[2.0, 1.0, 0.1]] or a JSON object with "input" and "target".', 0, text.length);
}

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
