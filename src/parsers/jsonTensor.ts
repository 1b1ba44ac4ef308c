/**
 * JSON to tensors: nested arrays of any depth, tensor objects (`{"shape", "data"}` and the oracle's
 * `{"dtype", "shape", "data"}`), and objects whose keys name loss arguments.
 *
 * Arrays go through a hand-written, iterative scanner straight into a growable Float64Array: no
 * `JSON.parse`, no JS array per row, no recursion (so 10^6-deep nesting ends in a clean error).
 *
 * Dtype inference: a tensor object's `"dtype"` wins. Otherwise an array whose every element is
 * an integer literal (no `.`, no exponent, not NaN/Infinity) is `int64`, and anything else is
 * `float64` (JSON numbers are doubles). `-0` keeps its sign bit in both.
 *
 * Non-finite values: Python's `json` writes `NaN`, `Infinity` and `-Infinity`; the oracle format
 * writes the strings `"nan"`, `"inf"` and `"-inf"`. Both are read.
 */
import { DType, formatShape, numel } from '../engine/tensor';
import { castInPlace, dtypeFromName } from './dtypes';
import { describeToken, ParseError, tokenLength } from './errors';
import { Ch, decimalValue, lastDecimal, readDecimal, scanDecimal, scanJsonNumber, skipSpace } from './lexer';
import { numberRun, scanNumberRun } from './numberRun';
import { makeResult, OptionValue, ParsedTensor, ParseResult } from './parseResult';
import { roleForKey } from './roles';

/** Most dims a tensor may have (PyTorch and NumPy 2 allow 64). */
export const MAX_DIMS = 64;
/** Deepest nesting of JSON objects read; deeper objects are rejected rather than recursed into. */
const MAX_OBJECT_DEPTH = 32;

/** A Float64Array that grows by half when full. */
export class Float64Builder {
  private buf: Float64Array;
  /** Values pushed so far. */
  length = 0;

  /** @param capacity initial capacity (an estimate of the final length avoids regrowth). */
  constructor(capacity = 64) {
    this.buf = new Float64Array(Math.max(16, Math.floor(capacity)));
  }

  /** Appends a value. */
  push(v: number): void {
    if (this.length === this.buf.length) this.buf = grow(this.buf);
    this.buf[this.length++] = v;
  }

  /**
   * Appends the run of plain numbers at `text[i]` through {@link scanNumberRun}, growing as needed;
   * returns where it stopped. {@link numberRun} says whether every number was an integer and
   * whether it stopped after a value.
   */
  pushRun(text: string, i: number, end: number): number {
    let integer = true;
    for (;;) {
      if (this.length === this.buf.length) this.buf = grow(this.buf);
      i = scanNumberRun(text, i, end, this.buf, this.length);
      this.length = numberRun.length;
      if (!numberRun.integer) integer = false;
      if (numberRun.afterValue || this.length < this.buf.length) break;
    }
    numberRun.integer = integer;
    return i;
  }

  /** The values pushed from `from` to `to`: a view of the buffer when that wastes at most an eighth of it, else a copy. */
  finish(from = 0, to = this.length): Float64Array {
    return from === 0 ? trim(this.buf, to) : this.buf.slice(from, to);
  }
}

/** `buf` grown by half. */
export function grow(buf: Float64Array): Float64Array {
  const next = new Float64Array(Math.ceil(buf.length * 1.5) + 16);
  next.set(buf);
  return next;
}

/** The first `len` values of `buf`: a view when that wastes at most an eighth of it, else a copy. */
export function trim(buf: Float64Array, len: number): Float64Array {
  return len >= buf.length - (buf.length >>> 3) ? buf.subarray(0, len) : buf.slice(0, len);
}

/** The shape, values and integer-ness of one scanned array. */
interface ScannedArray {
  shape: number[];
  data: Float64Array;
  integer: boolean;
  end: number;
}

/**
 * Estimates how many numbers `text[start, end)` holds from the comma density of its first 4 KB,
 * so the builder is allocated once at about the right size.
 */
export function estimateCount(text: string, start: number, end: number): number {
  const probeEnd = Math.min(end, start + 4096);
  let commas = 1;
  for (let i = start; i < probeEnd; i++) if (text.charCodeAt(i) === Ch.Comma) commas++;
  return Math.ceil((commas * (end - start)) / Math.max(1, probeEnd - start) * 1.02) + 16;
}

/** `[1, 0]`: the index path of the open arrays, `counts[d] - 1` at each depth below `depth`. */
function rowPath(counts: readonly number[], depth: number): string {
  const parts: number[] = [];
  for (let d = 0; d < depth; d++) parts.push(counts[d] - 1);
  return `[${parts.join(', ')}]`;
}

/** The index path of the element about to be read in the array open at `depth`. */
function elementPath(counts: readonly number[], depth: number): string {
  const parts: number[] = [];
  for (let d = 0; d < depth - 1; d++) parts.push(counts[d] - 1);
  parts.push(counts[depth - 1]);
  return `[${parts.join(', ')}]`;
}

/** `[0, 0]`: the first path of a given length, the row every other row is compared with. */
function firstPath(length: number): string {
  return `[${new Array<number>(length).fill(0).join(', ')}]`;
}

/** A mixed-nesting error: the element at the cursor is a list (or number) where the first one is not. */
function mixedNesting(text: string, at: number, counts: readonly number[], depth: number, isList: boolean): ParseError {
  const kinds = isList ? ['a list', 'a number'] : ['a number', 'a list'];
  return new ParseError(
    `Ragged array: element ${elementPath(counts, depth)} is ${kinds[0]} but element ${firstPath(depth)} is ${kinds[1]}: give every row the same nesting.`,
    at,
    isList ? 1 : tokenLength(text, at),
  );
}

/** The non-finite value a string element stands for, or undefined. */
function nonFiniteString(s: string): number | undefined {
  switch (s.toLowerCase()) {
    case 'nan':
    case '-nan':
    case '+nan':
      return NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/**
 * Scans the array starting at `text[start] === '['` into a flat row-major buffer, checking that it
 * is rectangular. Iterative: `counts[d]` is the number of elements seen so far in the open array
 * at depth d, `shape[d]` the length every array at depth d must have (set by the first one to close).
 */
export function scanJsonArray(text: string, start: number, end: number): ScannedArray {
  // The builder's buffer, held in locals so the hot loop stores straight into it.
  let buf: Float64Array = new Float64Array(estimateCount(text, start, end));
  let len = 0;
  /** True when the array may run to the end of the text, so the unbounded number scan is safe. */
  const toEnd = end === text.length;
  const counts: number[] = [];
  const shape: number[] = [];
  /** Offset of the `[` of the open array at each depth, for errors that underline a whole row. */
  const opened: number[] = [start];
  let depth = 0;
  /** Depth of the arrays that hold numbers (the number of dims), once a number was seen. */
  let leafDepth = -1;
  /** Deepest array opened so far. */
  let maxDepth = 0;
  let integer = true;
  let i = start;
  /** True right after `[` or `,`: a value must come next (or `]` right after `[`). */
  let wantValue = true;
  let justOpened = false;

  // Open the outermost array.
  counts.push(0);
  depth = 1;
  maxDepth = 1;
  i++;
  justOpened = true;
  for (;;) {
    let c = i < end ? text.charCodeAt(i) : -1;
    while (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) {
      i++;
      c = i < end ? text.charCodeAt(i) : -1;
    }
    if (wantValue) {
      if (c === Ch.LBracket) {
        if (leafDepth !== -1 && depth >= leafDepth) throw mixedNesting(text, i, counts, depth, true);
        if (depth >= MAX_DIMS) {
          throw new ParseError(`Array nesting is deeper than ${MAX_DIMS} levels: a tensor has at most ${MAX_DIMS} dims.`, i, 1);
        }
        counts[depth - 1]++;
        if (counts.length > depth) {
          counts[depth] = 0;
          opened[depth] = i;
        } else {
          counts.push(0);
          opened.push(i);
        }
        depth++;
        if (depth > maxDepth) maxDepth = depth;
        i++;
        justOpened = true;
        continue;
      }
      if (c === Ch.RBracket && justOpened) {
        wantValue = false;
        // fall through to the close below
      } else {
        if (leafDepth === depth && ((c >= Ch.Zero && c <= Ch.Nine) || c === Ch.Minus)) {
          // The rest of the row, or as much of it as is plain numbers, in one tight loop.
          const stop = scanNumberRun(text, i, end, buf, len);
          if (numberRun.length > len) {
            counts[depth - 1] += numberRun.length - len;
            len = numberRun.length;
            if (!numberRun.integer) integer = false;
            i = stop;
            wantValue = !numberRun.afterValue;
            justOpened = false;
            continue;
          }
        }
        // A number, NaN, Infinity or a non-finite string.
        if (leafDepth !== depth) {
          if (leafDepth === -1 && maxDepth === depth) leafDepth = depth;
          else throw mixedNesting(text, i, counts, depth, false);
        }
        let v: number;
        if (c >= Ch.Zero && c <= Ch.Nine) {
          i = toEnd ? scanJsonNumber(text, i) : scanDecimal(text, i, end, false);
          v = decimalValue[0];
          if (!lastDecimal.integer) integer = false;
        } else if (c === Ch.Minus) {
          const c1 = i + 1 < end ? text.charCodeAt(i + 1) : -1;
          if (c1 >= Ch.Zero && c1 <= Ch.Nine) {
            i = toEnd ? scanJsonNumber(text, i + 1) : scanDecimal(text, i + 1, end, false);
            v = -decimalValue[0];
            if (!lastDecimal.integer) integer = false;
          } else if (text.startsWith('Infinity', i + 1)) {
            v = -Infinity;
            integer = false;
            i += 9;
          } else {
            throw new ParseError(`Malformed number: expected a digit after '-' but found ${describeToken(text, i + 1)}.`, i + 1, tokenLength(text, i + 1));
          }
        } else if (c === 78 && text.startsWith('NaN', i)) {
          v = NaN;
          integer = false;
          i += 3;
        } else if (c === 73 && text.startsWith('Infinity', i)) {
          v = Infinity;
          integer = false;
          i += 8;
        } else if (c === Ch.Quote) {
          const close = text.indexOf('"', i + 1);
          const s = close < 0 || close >= end ? undefined : text.slice(i + 1, close);
          const nf = s === undefined ? undefined : nonFiniteString(s);
          if (nf === undefined) {
            throw new ParseError(`Expected a number but found ${s === undefined ? 'an unclosed string' : `the string "${s.slice(0, 24)}"`}: only "nan", "inf" and "-inf" may be written as strings.`, i, close < 0 ? 1 : close + 1 - i);
          }
          v = nf;
          integer = false;
          i = close + 1;
        } else {
          throw new ParseError(`Expected a number or '[' but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
        }
        counts[depth - 1]++;
        if (len === buf.length) buf = grow(buf);
        buf[len++] = v;
        wantValue = false;
        justOpened = false;
        continue;
      }
    }
    // After a value: ',' or ']'.
    if (c === Ch.Comma) {
      i++;
      wantValue = true;
      justOpened = false;
      continue;
    }
    if (c === Ch.RBracket) {
      const d = depth - 1;
      const len = counts[d];
      while (shape.length <= d) shape.push(-1);
      if (shape[d] === -1) shape[d] = len;
      else if (shape[d] !== len) {
        throw new ParseError(
          `Ragged array: row ${rowPath(counts, d)} has ${len} ${leafDepth !== -1 && d < leafDepth - 1 ? 'rows' : 'values'} but row ${firstPath(d)} has ${shape[d]}: make every row the same length.`,
          opened[d],
          i + 1 - opened[d],
        );
      }
      depth--;
      i++;
      justOpened = false;
      wantValue = false;
      if (depth === 0) break;
      continue;
    }
    throw new ParseError(`Expected ',' or ']' but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
  }
  const ndim = leafDepth === -1 ? maxDepth : leafDepth;
  const finalShape = shape.slice(0, ndim);
  return { shape: finalShape, data: trim(buf, len), integer: integer && len > 0, end: i };
}

/** One field of a JSON object: a tensor, a scalar, or a nested object's fields. */
type FieldValue =
  | { kind: 'tensor'; tensor: ParsedTensorDraft }
  | { kind: 'scalar'; value: OptionValue; offset: number; length: number; integer: boolean }
  | { kind: 'object'; fields: Field[]; offset: number; length: number };

interface Field {
  key: string;
  keyOffset: number;
  value: FieldValue;
}

/** A tensor before names and roles are given. */
interface ParsedTensorDraft {
  shape: number[];
  data: Float64Array;
  dtype: DType;
  offset: number;
  length: number;
  requiresGrad?: boolean;
  device?: string;
}

/** Reads a JSON string at `text[i] === '"'`; returns its value and the offset after it. */
function scanString(text: string, i: number, end: number): { value: string; end: number } {
  let j = i + 1;
  let escaped = false;
  for (;;) {
    if (j >= end) throw new ParseError(`String starting at ${describeToken(text, i)} is never closed: add the closing '"'.`, i, end - i);
    const c = text.charCodeAt(j);
    if (c === Ch.Quote) break;
    if (c === Ch.Backslash) {
      escaped = true;
      j += 2;
      continue;
    }
    j++;
  }
  const raw = text.slice(i + 1, j);
  if (!escaped) return { value: raw, end: j + 1 };
  let value = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = raw[++k];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (e in simple) value += simple[e];
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(k + 1, k + 5))) {
      value += String.fromCharCode(parseInt(raw.slice(k + 1, k + 5), 16));
      k += 4;
    } else {
      const at = i + 1 + k - 1;
      throw new ParseError(`Invalid escape '\\${e ?? ''}' in a string: use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX.`, at, 2);
    }
  }
  return { value, end: j + 1 };
}

/** Reads a JSON scalar (number, string, true, false, null, NaN, ±Infinity) at `i`. */
function scanScalar(text: string, i: number, end: number): { value: OptionValue; end: number; integer: boolean } {
  const c = text.charCodeAt(i);
  if (c === Ch.Quote) {
    const s = scanString(text, i, end);
    return { value: s.value, end: s.end, integer: false };
  }
  if (c >= Ch.Zero && c <= Ch.Nine) {
    const v = readDecimal(text, i, end, false);
    return { value: v, end: lastDecimal.end, integer: lastDecimal.integer };
  }
  if (c === Ch.Minus && isDigitAt(text, i + 1, end)) {
    const v = -readDecimal(text, i + 1, end, false);
    return { value: v, end: lastDecimal.end, integer: lastDecimal.integer };
  }
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ] as const) {
    if (text.startsWith(word, i) && !isWordCharAt(text, i + word.length, end)) return { value, end: i + word.length, integer: false };
  }
  throw new ParseError(`Expected a JSON value but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
}

function isDigitAt(text: string, i: number, end: number): boolean {
  if (i >= end) return false;
  const c = text.charCodeAt(i);
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isWordCharAt(text: string, i: number, end: number): boolean {
  if (i >= end) return false;
  const c = text.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Reads the value at `i` (after whitespace): an array, an object or a scalar. */
function parseValue(text: string, i: number, end: number, depth: number): { value: FieldValue; end: number } {
  const c = text.charCodeAt(i);
  if (c === Ch.LBracket) {
    const a = scanJsonArray(text, i, end);
    return {
      value: { kind: 'tensor', tensor: { shape: a.shape, data: a.data, dtype: a.integer ? 'int64' : 'float64', offset: i, length: a.end - i } },
      end: a.end,
    };
  }
  if (c === Ch.LBrace) {
    if (depth >= MAX_OBJECT_DEPTH) throw new ParseError(`Objects are nested deeper than ${MAX_OBJECT_DEPTH} levels: put the tensors nearer the top.`, i, 1);
    const o = parseObjectFields(text, i, end, depth + 1);
    const tensor = asTensorObject(text, o.fields, i, o.end - i);
    return { value: tensor ? { kind: 'tensor', tensor } : { kind: 'object', fields: o.fields, offset: i, length: o.end - i }, end: o.end };
  }
  const s = scanScalar(text, i, end);
  return { value: { kind: 'scalar', value: s.value, offset: i, length: s.end - i, integer: s.integer }, end: s.end };
}

/** Reads the fields of the object at `text[start] === '{'`. */
function parseObjectFields(text: string, start: number, end: number, depth: number): { fields: Field[]; end: number } {
  const fields: Field[] = [];
  let i = skipSpace(text, start + 1, end);
  if (text.charCodeAt(i) === Ch.RBrace) return { fields, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== Ch.Quote || i >= end) {
      throw new ParseError(`Expected a key in double quotes but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
    }
    const key = scanString(text, i, end);
    const keyOffset = i;
    i = skipSpace(text, key.end, end);
    if (text.charCodeAt(i) !== Ch.Colon || i >= end) throw new ParseError(`Expected ':' after the key "${key.value}" but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
    i = skipSpace(text, i + 1, end);
    if (i >= end) throw new ParseError(`Expected a value for the key "${key.value}" but found the end of the input.`, i, 0);
    const v = parseValue(text, i, end, depth);
    fields.push({ key: key.value, keyOffset, value: v.value });
    i = skipSpace(text, v.end, end);
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c === Ch.Comma) {
      i = skipSpace(text, i + 1, end);
      continue;
    }
    if (c === Ch.RBrace) return { fields, end: i + 1 };
    throw new ParseError(`Expected ',' or '}' but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
  }
}

/** Keys a tensor object may have besides `data`. */
const TENSOR_OBJECT_KEYS = new Set(['data', 'shape', 'dtype', 'requires_grad', 'device', 'name']);

/**
 * The tensor an object describes, if it is a tensor object: it has `data` and no keys other than
 * `shape`, `dtype`, `requires_grad`, `device` and `name`. `data` may be flat (then `shape` gives the
 * shape) or nested (then `shape`, if present, must agree).
 */
function asTensorObject(text: string, fields: Field[], offset: number, length: number): ParsedTensorDraft | undefined {
  const data = fields.find((f) => f.key === 'data');
  if (!data || !fields.every((f) => TENSOR_OBJECT_KEYS.has(f.key))) return undefined;
  const shapeField = fields.find((f) => f.key === 'shape');
  const dtypeField = fields.find((f) => f.key === 'dtype');
  let values: ParsedTensorDraft;
  if (data.value.kind === 'tensor') values = data.value.tensor;
  else if (data.value.kind === 'scalar' && typeof data.value.value === 'number') {
    values = { shape: [], data: Float64Array.of(data.value.value), dtype: data.value.integer ? 'int64' : 'float64', offset: data.value.offset, length: data.value.length };
  } else {
    const at = data.value.offset;
    throw new ParseError(`Expected an array for "data" but found ${describeToken(text, at)}.`, at, tokenLength(text, at));
  }
  let shape = values.shape;
  if (shapeField) {
    const sv = shapeField.value;
    const declared = sv.kind === 'tensor' && sv.tensor.shape.length === 1 ? Array.from(sv.tensor.data) : undefined;
    if (!declared || declared.some((d) => !Number.isInteger(d) || d < 0)) {
      const at = sv.kind === 'tensor' ? sv.tensor.offset : sv.offset;
      throw new ParseError(`Expected "shape" to be a list of non-negative integers such as [2, 3] but found ${describeToken(text, at)}.`, at, tokenLength(text, at));
    }
    const flat = values.shape.length === 1;
    const same = declared.length === values.shape.length && declared.every((d, k) => d === values.shape[k]);
    if (!same && !(flat && numel(declared) === values.data.length)) {
      throw new ParseError(
        `"shape" is ${formatShape(declared)} (${numel(declared)} values) but "data" ${flat ? `has ${values.data.length} values` : `is ${formatShape(values.shape)}`}: make them agree.`,
        values.offset,
        values.length,
      );
    }
    shape = declared;
  }
  let dtype = values.dtype;
  if (dtypeField) {
    const dv = dtypeField.value;
    const named = dv.kind === 'scalar' && typeof dv.value === 'string' ? dtypeFromName(dv.value) : undefined;
    if (!named) {
      const at = dv.kind === 'tensor' ? dv.tensor.offset : dv.offset;
      throw new ParseError(`Unknown dtype ${describeToken(text, at + 1)}: use "float32", "float64" or "int64".`, at, dv.kind === 'tensor' ? 1 : dv.length);
    }
    dtype = named;
    if (dtype === 'int64') {
      for (let k = 0; k < values.data.length; k++) {
        if (!Number.isInteger(values.data[k])) {
          throw new ParseError(`"dtype" is "${(dv as { value: string }).value}" but "data" holds the non-integer ${String(values.data[k])} at flat index ${k}: use a float dtype.`, values.offset, values.length);
        }
      }
    } else if (dtype === 'float32') castInPlace(values.data, 'float32');
  }
  const rg = fields.find((f) => f.key === 'requires_grad');
  const dev = fields.find((f) => f.key === 'device');
  return {
    shape,
    data: values.data,
    dtype,
    offset,
    length,
    requiresGrad: rg && rg.value.kind === 'scalar' && rg.value.value === true ? true : undefined,
    device: dev && dev.value.kind === 'scalar' && typeof dev.value.value === 'string' ? dev.value.value : undefined,
  };
}

/** Turns a draft into a ParsedTensor with a name and role. */
function finishTensor(d: ParsedTensorDraft, name?: string, roleKey?: string): ParsedTensor {
  const role = roleKey === undefined ? undefined : roleForKey(roleKey);
  const t: ParsedTensor = {
    tensor: { shape: d.shape, data: d.data, dtype: d.dtype },
    range: { offset: d.offset, length: d.length },
    ...(name !== undefined ? { name } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(d.requiresGrad ? { requiresGrad: true } : {}),
    ...(d.device !== undefined ? { device: d.device } : {}),
  };
  return t;
}

/** True for the exact spellings of input and target. */
function isScalarTensorKey(key: string): boolean {
  const role = roleForKey(key, true);
  return role === 'input' || role === 'target';
}

/** Keys whose object value holds the call's arguments (the oracle's `"args"`), read as if at the top. */
const ARGUMENT_KEYS = new Set(['args', 'inputs', 'kwargs', 'arguments']);

/**
 * Collects the tensors of an object's fields. Roles come from top-level keys and from the keys of
 * an `"args"` object; tensors deeper down keep a dotted name but get no role.
 */
function collect(fields: Field[], prefix: string, roleLevel: boolean, tensors: ParsedTensor[], options: Record<string, OptionValue>): void {
  for (const f of fields) {
    const name = prefix + f.key;
    const v = f.value;
    if (v.kind === 'tensor') tensors.push(finishTensor(v.tensor, name, roleLevel ? f.key : undefined));
    else if (v.kind === 'object') collect(v.fields, name + '.', roleLevel && ARGUMENT_KEYS.has(f.key), tensors, options);
    else if (roleLevel && typeof v.value === 'number' && isScalarTensorKey(f.key)) {
      // A bare number for the input or target ("target": 3) is a 0-d tensor; for other keys
      // ("p": 2 of multi_margin_loss, "weight": 0.5) it stays an option.
      tensors.push(finishTensor({ shape: [], data: Float64Array.of(v.value), dtype: v.integer ? 'int64' : 'float64', offset: v.offset, length: v.length }, name, f.key));
    } else if (roleLevel) options[name] = v.value;
  }
}

/**
 * Parses JSON text holding one tensor: a nested array, a number (0-d), a tensor object, or an
 * object whose keys name loss arguments (`{"logits": [[...]], "labels": [...], "reduction": "sum"}`).
 * Offsets in the result and in errors are into `text`. Throws {@link ParseError}.
 */
export function parseJsonTensor(text: string, start = 0, end = text.length): ParseResult {
  let i = skipSpace(text, start, end);
  if (i < end && text.charCodeAt(i) === 0xfeff) i = skipSpace(text, i + 1, end);
  if (i >= end) throw new ParseError('Expected a JSON array, object or number but the input is empty.', i, 0);
  const c = text.charCodeAt(i);
  let result: ParseResult;
  let stop: number;
  if (c === Ch.LBrace) {
    const o = parseObjectFields(text, i, end, 1);
    stop = o.end;
    const asTensor = asTensorObject(text, o.fields, i, o.end - i);
    if (asTensor) result = makeResult('json', [finishTensor(asTensor)], false);
    else {
      const tensors: ParsedTensor[] = [];
      const options: Record<string, OptionValue> = {};
      collect(o.fields, '', true, tensors, options);
      if (tensors.length === 0) throw new ParseError('The object has no tensor fields: add one such as "input": [[...]].', i, 1);
      result = makeResult('json', tensors, true, options);
    }
  } else if (c === Ch.LBracket) {
    const a = scanJsonArray(text, i, end);
    stop = a.end;
    result = makeResult('json', [finishTensor({ shape: a.shape, data: a.data, dtype: a.integer ? 'int64' : 'float64', offset: i, length: a.end - i })], false);
  } else {
    const s = scanScalar(text, i, end);
    if (typeof s.value !== 'number') throw new ParseError(`Expected a JSON array, object or number but found ${describeToken(text, i)}.`, i, tokenLength(text, i));
    stop = s.end;
    result = makeResult('json', [finishTensor({ shape: [], data: Float64Array.of(s.value), dtype: s.integer ? 'int64' : 'float64', offset: i, length: s.end - i })], false);
  }
  const rest = skipSpace(text, stop, end);
  if (rest < end) throw new ParseError(`Unexpected ${describeToken(text, rest)} after the JSON value: the input should hold one value.`, rest, tokenLength(text, rest));
  return result;
}
