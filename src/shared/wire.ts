/**
 * The wire codec for host ↔ webview messages. `postMessage` structured-clones its argument (VS Code
 * ≥ 1.57 carries ArrayBuffers as binary), but on the way through VS Code's IPC plain numbers go
 * through JSON, where NaN and ±Infinity become `null` — and a KL of +∞ is a real result. So:
 *
 * - a non-finite number becomes `{ $num: 'NaN' | 'Infinity' | '-Infinity' }`, and `-0` becomes
 *   `{ $num: '-0' }` (JSON drops the sign);
 * - a `Float64Array` becomes `{ $f64: ArrayBuffer }` (a copy of exactly its bytes), so the 8 bytes a
 *   value are sent as they are, NaN payloads included, never as decimal text;
 * - objects and arrays are walked; everything else passes through.
 *
 * `decode(encode(x))` deep-equals `x` (test/unit/shared/wire.test.ts). Objects whose only key is
 * `$num` or `$f64` are reserved.
 */

/** A tagged non-finite (or negative-zero) number. */
interface WireNumber {
  readonly $num: 'NaN' | 'Infinity' | '-Infinity' | '-0';
}

/** A Float64Array as its bytes. */
interface WireFloat64 {
  readonly $f64: ArrayBuffer | ArrayBufferView;
}

function encodeNumber(v: number): number | WireNumber {
  if (Number.isNaN(v)) return { $num: 'NaN' };
  if (v === Infinity) return { $num: 'Infinity' };
  if (v === -Infinity) return { $num: '-Infinity' };
  if (v === 0 && Object.is(v, -0)) return { $num: '-0' };
  return v;
}

/** Encodes a message for `postMessage`. Pure; never mutates `value`. */
export function encode(value: unknown): unknown {
  if (typeof value === 'number') return encodeNumber(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Float64Array) {
    const bytes = new Uint8Array(value.byteLength);
    bytes.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $f64: bytes.buffer } satisfies WireFloat64;
  }
  if (Array.isArray(value)) return value.map(encode);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v);
  return out;
}

function isTagged<K extends string>(v: object, key: K): v is Record<K, unknown> {
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === key;
}

function decodeFloat64(bytes: unknown): Float64Array {
  if (bytes instanceof ArrayBuffer) return new Float64Array(bytes.slice(0));
  if (ArrayBuffer.isView(bytes)) {
    // VS Code may hand a binary back as a view (Uint8Array) on a larger buffer.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return new Float64Array(copy.buffer);
  }
  throw new TypeError(`wire: $f64 must carry an ArrayBuffer, got ${Object.prototype.toString.call(bytes)}`);
}

/** Decodes what {@link encode} produced (after structured cloning). */
export function decode<T = unknown>(value: unknown): T {
  return decodeValue(value) as T;
}

function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isTagged(value, '$num')) {
    const tag = value.$num;
    if (tag === 'NaN') return NaN;
    if (tag === 'Infinity') return Infinity;
    if (tag === '-Infinity') return -Infinity;
    if (tag === '-0') return -0;
    throw new TypeError(`wire: unknown $num tag ${JSON.stringify(tag)}`);
  }
  if (isTagged(value, '$f64')) return decodeFloat64(value.$f64);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v);
  return out;
}

/**
 * Bytes a message takes on the wire: binary payloads at their size plus the JSON of the rest
 * (what the bench reports as "message size").
 */
export function wireSize(encoded: unknown): number {
  let binary = 0;
  const json = JSON.stringify(encoded, (_k, v: unknown) => {
    if (v instanceof ArrayBuffer) {
      binary += v.byteLength;
      return 0;
    }
    if (ArrayBuffer.isView(v)) {
      binary += v.byteLength;
      return 0;
    }
    return v;
  });
  return binary + (json ? json.length : 0);
}

/**
 * JSON-safe form for state VS Code stores as JSON (`setState`): like {@link encode}, but a
 * Float64Array becomes `{ $arr: [...] }` with non-finite values tagged, instead of binary.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Float64Array) return { $arr: Array.from(value, (v) => encode(v)) };
  if (value === null || typeof value !== 'object') return encode(value);
  if (Array.isArray(value)) return value.map(toJsonSafe);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
  return out;
}

/** Reverses {@link toJsonSafe}. */
export function fromJsonSafe<T = unknown>(value: unknown): T {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    if (isTagged(v, '$arr') && Array.isArray(v.$arr)) return Float64Array.from(v.$arr as unknown[], (x) => decode<number>(x));
    if (isTagged(v, '$num')) return decode(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  };
  return walk(value) as T;
}
