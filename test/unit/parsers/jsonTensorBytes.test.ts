import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseJsonTensor, ParseError } from '../../../src/parsers';
import { parseJsonTensorBytes } from '../../../src/parsers/jsonTensorBytes';
import { ParsedTensor, ParseResult } from '../../../src/parsers/parseResult';
import { assertSameData } from './support';

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The result, or the error's message, offset and length. */
function outcome(f: () => ParseResult): ParseResult | { message: string; offset: number; length: number } {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { message: e.message, offset: e.offset, length: e.length };
  }
}

/** Asserts that the bytes entry point gives exactly what the text parser gives on the decoded text. */
function assertSameAsText(text: string, start = 0): void {
  const bytes = encode(text);
  const byteStart = encode(text.slice(0, start)).length;
  const a = outcome(() => parseJsonTensorBytes(bytes, byteStart));
  const b = outcome(() => parseJsonTensor(text, start));
  if ('message' in b || 'message' in a) {
    assert.deepEqual(a, b, JSON.stringify(text.slice(0, 80)));
    return;
  }
  assert.equal(a.tensors.length, b.tensors.length);
  for (let k = 0; k < b.tensors.length; k++) {
    const x: ParsedTensor = a.tensors[k];
    const y: ParsedTensor = b.tensors[k];
    assert.deepEqual(x.tensor.shape, y.tensor.shape);
    assert.equal(x.tensor.dtype, y.tensor.dtype);
    assert.deepEqual(x.range, y.range);
    assertSameData(x.tensor.data, y.tensor.data);
  }
  assert.deepEqual(a.options, b.options);
}

describe('parsers/jsonTensorBytes', () => {
  it('reads a nested array of numbers from UTF-8 bytes', () => {
    const r = parseJsonTensorBytes(encode(' [[1.5, -2], [3e-5, 0.25]]\n'));
    assert.deepEqual(r.tensors[0].tensor.shape, [2, 2]);
    assert.equal(r.tensors[0].tensor.dtype, 'float64');
    assertSameData(r.tensors[0].tensor.data, [1.5, -2, 3e-5, 0.25]);
    assert.deepEqual(r.tensors[0].range, { offset: 1, length: 25 });
  });

  it('gives the text parser\'s result or error on every kind of input', () => {
    const texts = [
      '[1, 2, 3]', '[[1, 2], [3, 4]]', '[]', '[[], []]', '[[1, 2], [3]]', '[[1, 2], 3]', '[1, [2]]', '[1, 2,]', '[1 2]',
      '[NaN, Infinity, -Infinity, 1]', '["nan", "inf", 1.5]', '{"logits": [[1.5, 2]], "labels": [0]}', '{"data": [1, 2], "shape": [2]}',
      '[1, 01]', '[1, 1.]', '[1e400, -1e-400]', '[1.00000000000000011102230246251565404236316680908203125]', '\ufeff[1, 2]',
      '[1, 2] x', '[1, 2]\u00a0', '[[1, 2], [3, 4]', '7', '-0', '[-0, 0]', '[1,\f2]', '  ', '[ "é", 1 ]', '[1, 2] // é',
      '[[[1], [2]], [[3], [4]]]', '[[1, 2], [3, 4]] ', `[${'['.repeat(70)}1${']'.repeat(70)}]`,
    ];
    for (const t of texts) assertSameAsText(t);
  });

  it('counts offsets in UTF-16 code units of the decoded text when non-ASCII comes before the range', () => {
    const text = '# 日本 𝔵 note\n[[1, 2], [3, 4]]';
    const start = text.indexOf('[');
    assertSameAsText(text, start);
    const r = parseJsonTensorBytes(encode(text), encode(text.slice(0, start)).length);
    assert.equal(r.tensors[0].range.offset, start);
    const bad = '# é\n[[1, 2], [3]]';
    assertSameAsText(bad, bad.indexOf('['));
  });

  it('agrees with the text parser on random nested arrays with random damage', () => {
    const leaf = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => JSON.stringify(v)),
      fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => String(v)),
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.constantFrom('NaN', '-Infinity', '"inf"', '01', '1.', '-', '1e', '[]', 'true'),
    );
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(leaf, { minLength: 16, maxLength: 16 }), fc.nat(100), fc.constantFrom('', ',', ']', ' ', '\n', 'x'))
      .map(([rows, cols, leaves, cut, junk]) => {
        const body = Array.from({ length: rows }, (_, r) => `[${Array.from({ length: cols }, (_, c) => leaves[(r * cols + c) % 16]).join(', ')}]`).join(',\n ');
        const text = `[${body}]`;
        const at = Math.floor((cut / 100) * text.length);
        return cut % 3 === 0 ? text.slice(0, at) + junk + text.slice(at) : text;
      });
    fc.assert(
      fc.property(arb, (text) => {
        assertSameAsText(text);
      }),
      { numRuns: 3000 },
    );
  });
});
