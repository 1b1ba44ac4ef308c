import * as assert from 'node:assert/strict';
import { decode, encode, wireSize } from '../../../src/shared/wire';

/** What postMessage does to the encoded message: a structured clone. */
const clone = <T>(v: T): T => structuredClone(v);

describe('wire codec', () => {
  it('round-trips NaN, ±Infinity and −0 through structured clone and through JSON', () => {
    const message = { type: 'report', values: [NaN, Infinity, -Infinity, -0, 0, 1.5], nested: { kl: Infinity, ok: 2 } };
    for (const transport of [clone, (v: unknown) => JSON.parse(JSON.stringify(v))]) {
      const back = decode<typeof message>(transport(encode(message)));
      assert.ok(Number.isNaN(back.values[0]));
      assert.equal(back.values[1], Infinity);
      assert.equal(back.values[2], -Infinity);
      assert.ok(Object.is(back.values[3], -0));
      assert.ok(Object.is(back.values[4], 0));
      assert.equal(back.values[5], 1.5);
      assert.deepEqual(back.nested, { kl: Infinity, ok: 2 });
    }
  });

  it('sends a Float64Array as an ArrayBuffer of its bytes and gets the same values back, NaN included', () => {
    const big = new Float64Array([1, NaN, -Infinity, 1e-300, -0, Math.PI]);
    const view = new Float64Array(new Float64Array([9, 8, ...big, 7]).buffer, 16, big.length); // a view into a larger buffer
    const encoded = encode({ data: view }) as { data: { $f64: ArrayBuffer } };
    assert.ok(encoded.data.$f64 instanceof ArrayBuffer);
    assert.equal(encoded.data.$f64.byteLength, big.length * 8);
    const back = decode<{ data: Float64Array }>(clone(encoded));
    assert.ok(back.data instanceof Float64Array);
    assert.equal(back.data.length, big.length);
    big.forEach((v, i) => assert.ok(Object.is(back.data[i], v), `[${i}] ${back.data[i]} != ${v}`));
  });

  it('accepts the binary back as a Uint8Array view (how VS Code may hand it over)', () => {
    const bytes = new Uint8Array(new Float64Array([2, 3]).buffer);
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 8);
    const back = decode<Float64Array>({ $f64: padded.subarray(8) });
    assert.deepEqual([...back], [2, 3]);
  });

  it('leaves strings, booleans, null and ordinary objects alone and drops undefined fields', () => {
    const m = { a: 'x', b: true, c: null, d: [1, 'two', { e: 3 }], u: undefined };
    assert.deepEqual(decode(clone(encode(m))), { a: 'x', b: true, c: null, d: [1, 'two', { e: 3 }] });
  });

  it('rejects an unknown tag with a message naming it', () => {
    assert.throws(() => decode({ $num: 'huge' }), /unknown \$num tag "huge"/);
    assert.throws(() => decode({ $f64: 'text' }), /\$f64 must carry an ArrayBuffer/);
  });

  it('counts binary payloads at their byte size', () => {
    const n = wireSize(encode({ data: new Float64Array(1000) }));
    assert.ok(n >= 8000 && n < 8100, String(n));
  });
});
