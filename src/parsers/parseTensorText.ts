/**
 * The auto-detecting entry point: JSON, Python source or a printed repr, to tensors with ranges.
 */
import { ParseError } from './errors';
import { parseJsonTensor } from './jsonTensor';
import { skipSpace } from './lexer';
import { FormatOption, makeResult, ParsedTensor, ParseResult, TensorFormat } from './parseResult';
import { parsePythonTensors, PythonTensor, TensorVal } from './pythonLiteral';
import { parseReprs } from './reprs';
import { roleForKey } from './roles';

/** A repr call not preceded by `.` or a name character: `tensor(`, `array(`. */
const BARE_REPR = /(?:^|[^\w.])(?:tensor|array)\s*\(/;

/** Turns a parsed Python value into a result entry, with a role from the variable name. */
function fromPython(v: TensorVal, name?: string): ParsedTensor {
  const role = name === undefined ? undefined : roleForKey(name);
  return {
    tensor: { shape: v.shape, data: v.data, dtype: v.dtype },
    range: { offset: v.start, length: v.end - v.start },
    ...(name !== undefined ? { name } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(v.requiresGrad ? { requiresGrad: true } : {}),
    ...(v.device !== undefined ? { device: v.device } : {}),
  };
}

/** Parses `text[start, end)` in one format. Offsets are into `text`. */
export function parseAs(text: string, format: TensorFormat, start = 0, end = text.length): ParseResult {
  switch (format) {
    case 'json':
      return parseJsonTensor(text, start, end);
    case 'python': {
      const found: PythonTensor[] = parsePythonTensors(text, start, end);
      return makeResult('python', found.map((f) => fromPython(f.tensor, f.name)), found.some((f) => f.name !== undefined));
    }
    case 'repr':
      return makeResult('repr', parseReprs(text, start, end).map((v) => fromPython(v)), false);
  }
}

/** The formats `'auto'` tries for a text, most likely first. */
function candidates(text: string, start: number, end: number): TensorFormat[] {
  const i = skipSpace(text, start, end);
  const c = text[i];
  if (c === '{') return ['json', 'python'];
  const head = text.slice(i, Math.min(end, i + 4096));
  if (BARE_REPR.test(head)) return ['repr', 'python'];
  if (c === '[' || c === '-' || (c >= '0' && c <= '9') || head.startsWith('NaN') || head.startsWith('Infinity')) return ['json', 'python', 'repr'];
  return ['python', 'repr'];
}

/**
 * Reads the tensor(s) in a text: a JSON array, number or object (with roles by key); a Python
 * literal, `torch.tensor(...)`/`np.array(...)` call or cell of assignments (roles by variable name);
 * or printed torch/numpy reprs. With `'auto'` the likely formats are tried in turn and, if all fail,
 * the error that got furthest into the text is thrown. Offsets in the result and in errors are into
 * `text`. Throws only {@link ParseError}.
 */
export function parseTensorText(text: string, format: FormatOption = 'auto', start = 0, end = text.length): ParseResult {
  if (format !== 'auto') return guard(() => parseAs(text, format, start, end));
  let best: ParseError | undefined;
  for (const f of candidates(text, start, end)) {
    try {
      return parseAs(text, f, start, end);
    } catch (e) {
      const err = toParseError(e, start);
      if (!best || err.offset > best.offset) best = err;
    }
  }
  throw best as ParseError;
}

/** Runs `f`, turning anything but a ParseError (a RangeError from a huge allocation, say) into one. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toParseError(e, 0);
  }
}

function toParseError(e: unknown, offset: number): ParseError {
  if (e instanceof ParseError) return e;
  const what = e instanceof Error ? e.message : String(e);
  return new ParseError(`The text could not be read (${what}): try a smaller selection.`, offset, 0);
}
