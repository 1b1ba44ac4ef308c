/**
 * Printed tensors: what `print(t)`, a notebook's `Out[..]` or a debugger shows for torch tensors
 * (`tensor([[ 0.3286, -0.4628]], requires_grad=True)`, `tensor(1.7296, grad_fn=<NllLossBackward0>)`)
 * and numpy arrays (`array([1., nan], dtype=float32)`, and `print(a)`'s `[[1. 2.] [3. 4.]]`).
 *
 * A text may hold several prints with other output around them (`torch.Size([1, 3]) tensor([[...]])`,
 * `(tensor(1.4612), tensor(1.4612))`): every `tensor(`/`array(` call in it is read, in order.
 * Prints whose whitespace was collapsed, or whose `grad_fn=<...>` lost its `<...>` on the way
 * through HTML (`grad_fn=)`), read the same.
 */
import { ParseError, describeToken, tokenLength } from './errors';
import { skipSpace } from './lexer';
import { PyParser, TensorVal, valueToTensor } from './pythonLiteral';

/** Starts of repr calls: `tensor(`, `array(`, numpy 2's `np.float32(`, not preceded by a name character or `.`. */
const REPR_CALL = /(?<![\w.])(?:tensor|array|np\.(?:float16|float32|float64|int32|int64))\s*\(/g;

/**
 * Reads every printed tensor in `text[start, end)`. If there is no `tensor(` or `array(` call, the
 * text must be one numpy `print(a)` form or a bare printed list (`[[1. 2.] [3. 4.]]`), read as float64.
 * Throws {@link ParseError} when nothing can be read or a print is malformed or summarized.
 */
export function parseReprs(text: string, start = 0, end = text.length): TensorVal[] {
  const out: TensorVal[] = [];
  REPR_CALL.lastIndex = start;
  const region = end === text.length ? text : text.slice(0, end);
  let m: RegExpExecArray | null;
  let from = start;
  while ((m = REPR_CALL.exec(region)) !== null) {
    if (m.index < from) continue;
    // Parse only up to the call's closing parenthesis, so output after it never reaches the lexer.
    const close = closingParen(text, m.index + m[0].length - 1, end);
    const p = new PyParser(text, m.index, close < 0 ? end : close + 1, { repr: true });
    const v = p.callExpression();
    if (v.k !== 'tensor') throw new ParseError(`Expected a printed tensor at ${describeToken(text, m.index)}.`, m.index, tokenLength(text, m.index));
    out.push(v);
    from = v.end;
    REPR_CALL.lastIndex = v.end;
  }
  if (out.length > 0) return out;
  const i = skipSpace(text, start, end);
  const c = text[i];
  if (c === '[' || c === '(' || c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9') || text.startsWith('nan', i) || text.startsWith('inf', i) || /^(?:True|False)\b/.test(text.slice(i, i + 6))) {
    const p = new PyParser(text, i, end, { repr: true });
    return [valueToTensor(p, p.parseWhole(), 'float64')];
  }
  throw new ParseError(`Expected a printed tensor such as 'tensor([...])' or 'array([...])' but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
}

/** Offset of the `)` closing the `(` at `open`, skipping quoted strings, or -1 before `end`. */
function closingParen(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91) depth++;
    else if (c === 41 || c === 93) {
      if (--depth === 0) return c === 41 ? i : -1;
    } else if (c === 34 || c === 39) {
      const q = text.indexOf(text[i], i + 1);
      if (q < 0 || q >= end) return -1;
      i = q;
    }
  }
  return -1;
}
