/**
 * JSON tensors straight from UTF-8 bytes, what `vscode.workspace.fs.readFile` and `fs.readFile`
 * give, without first decoding the file to a string.
 *
 * The fast path reads the common large file, one nested array of plain numbers, byte by byte
 * through {@link scanNumberRunBytes}. Anything else (an object, `NaN`, a string element, an empty
 * or ragged array, a byte-order mark, any error) falls back to decoding the bytes and
 * {@link parseJsonTensor}, so values, messages and offsets are the text parser's in every case.
 */
import { grow, MAX_DIMS, parseJsonTensor, trim } from './jsonTensor';
import { numberRun, scanNumberRunBytes } from './numberRun';
import { makeResult, ParseResult } from './parseResult';

/** True for JSON whitespace. */
function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** First offset at or after `i` (and before `end`) that is not JSON whitespace. */
function skipJsonSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end && isJsonSpace(bytes[i])) i++;
  return i;
}

/** `estimateCount` over bytes: the comma density of the first 4 KB scaled to the range. */
function estimateCountBytes(bytes: Uint8Array, start: number, end: number): number {
  const probeEnd = Math.min(end, start + 4096);
  let commas = 1;
  for (let i = start; i < probeEnd; i++) if (bytes[i] === 44) commas++;
  return Math.ceil((commas * (end - start)) / Math.max(1, probeEnd - start) * 1.02) + 16;
}

/** Number of UTF-16 code units that `bytes[start, end)` decodes to (a 4-byte sequence is two). */
function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/** The array at `bytes[start] === '['` if it is a non-empty rectangular array of plain numbers, else undefined. */
function scanPlainArrayBytes(bytes: Uint8Array, start: number, end: number): { shape: number[]; data: Float64Array; integer: boolean; end: number } | undefined {
  let buf: Float64Array = new Float64Array(estimateCountBytes(bytes, start, end));
  let len = 0;
  /** Elements seen so far in the open array at each depth, and each depth's length once one closed. */
  const counts: number[] = [0];
  const shape: number[] = [];
  let depth = 1;
  let maxDepth = 1;
  let leafDepth = -1;
  let integer = true;
  let i = skipJsonSpace(bytes, start + 1, end);
  for (;;) {
    // A value must come: an array or a run of numbers.
    if (i >= end) return undefined;
    if (bytes[i] === 91) {
      if ((leafDepth !== -1 && depth >= leafDepth) || depth >= MAX_DIMS) return undefined;
      counts[depth - 1]++;
      if (counts.length > depth) counts[depth] = 0;
      else counts.push(0);
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      i = skipJsonSpace(bytes, i + 1, end);
      continue;
    }
    if (leafDepth !== depth) {
      if (leafDepth !== -1 || depth !== maxDepth) return undefined;
      leafDepth = depth;
    }
    if (len === buf.length) buf = grow(buf);
    i = scanNumberRunBytes(bytes, i, end, buf, len);
    if (numberRun.length === len) return undefined;
    counts[depth - 1] += numberRun.length - len;
    len = numberRun.length;
    if (!numberRun.integer) integer = false;
    if (!numberRun.afterValue) {
      if (len === buf.length) continue;
      return undefined;
    }
    // After a value: close arrays until a comma.
    for (;;) {
      if (i >= end || bytes[i] !== 93) return undefined;
      const d = depth - 1;
      while (shape.length <= d) shape.push(-1);
      if (shape[d] === -1) shape[d] = counts[d];
      else if (shape[d] !== counts[d]) return undefined;
      depth--;
      i++;
      if (depth === 0) return { shape: shape.slice(0, leafDepth), data: trim(buf, len), integer, end: i };
      i = skipJsonSpace(bytes, i, end);
      if (i < end && bytes[i] === 44) {
        i = skipJsonSpace(bytes, i + 1, end);
        break;
      }
    }
  }
}

/**
 * Parses the JSON in the UTF-8 `bytes[start, end)`, like {@link parseJsonTensor} on the decoded
 * text. Offsets in the result and in errors are UTF-16 offsets into the text `bytes` decodes to
 * (a byte-order mark counts as one), which equal byte offsets while the bytes are ASCII.
 * Throws `ParseError`.
 */
export function parseJsonTensorBytes(bytes: Uint8Array, start = 0, end = bytes.length): ParseResult {
  const i = skipJsonSpace(bytes, start, end);
  if (i < end && bytes[i] === 91) {
    const a = scanPlainArrayBytes(bytes, i, end);
    if (a && skipJsonSpace(bytes, a.end, end) === end) {
      // Everything from `start` on was ASCII, so only the bytes before it can shift offsets.
      const offset = utf16Length(bytes, 0, start) + (i - start);
      return makeResult('json', [{ tensor: { shape: a.shape, data: a.data, dtype: a.integer ? 'int64' : 'float64' }, range: { offset, length: a.end - i } }], false);
    }
  }
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, end));
  const from = utf16Length(bytes, 0, start);
  return parseJsonTensor(text, from, text.length);
}
