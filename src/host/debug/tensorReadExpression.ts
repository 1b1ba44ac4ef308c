/**
 * The fixed Python serialiser Loss Lens wraps around a user's expression to read a tensor from a
 * paused program, and the parser of its reply. Pure: no `vscode`, no Node built-ins.
 *
 * One `evaluate` per expression. The serialiser is compiled into a fresh dict (`exec(SRC, {})`), so
 * nothing is added to the debuggee's namespace; the user's expression is passed as a thunk
 * `lambda: (EXPR)` and evaluated once, in the paused frame (debugpy merges the frame's locals into
 * the globals it evaluates with, so the lambda sees them).
 *
 * The reply is one string, `LOSSLENS1 <json header>|<data>`:
 * - `status: "text"`: data is the flattened values, each `repr(float)` of the value as a float64,
 *   joined by `,` (`nan`, `inf`, `-inf` included). A float32 value widened to float64 is exact and
 *   Python's `repr` is the shortest string that reads back to the same double, so float32 values
 *   round-trip exactly. Text is used up to `maxTextElements` values and while the text fits
 *   `maxTextChars`: debugpy truncates a string reply beyond 2^16 characters in the `repl` context.
 * - `status: "file"`: larger tensors are written with `tofile` as little-endian float32 (`f4`, for
 *   float16/bfloat16/float32) or float64 (`f8`, for float64 and integers, exact below 2^53) to
 *   `<tempfile.mkdtemp(prefix="loss-lens-")>/tensor.<raw>`; the host reads and deletes it.
 * - `status: "too-large"` / `"unsupported-dtype"`: only the header (shape, dtype, numel).
 * - `kind: "other"`: not a torch tensor or numpy array; `type` and a short `preview` of its repr.
 */

/** The reply's magic prefix, with the format version. */
export const REPLY_PREFIX = 'LOSSLENS1 ';

/** Limits the serialiser applies in the debuggee. */
export interface ReadLimits {
  /** At most this many values travel as text (the rest through a file). */
  readonly maxTextElements: number;
  /** At most this many characters of text (debugpy truncates replies beyond 65,536 in the repl). */
  readonly maxTextChars: number;
  /** Tensors with more elements are not read at all (`too-large`). */
  readonly maxElements: number;
}

/** The defaults: text up to 100k values or 60,000 characters, nothing above 2^24 elements. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxTextElements: 100_000, maxTextChars: 60_000, maxElements: 16_777_216 };

/**
 * The serialiser, in Python. `read(thunk, max_text_chars, max_text_elements, max_elements)` returns
 * the reply string described above. torch is imported only when the value is a torch tensor.
 */
export const SERIALISER_SOURCE = `
def read(thunk, max_text_chars, max_text_elements, max_elements):
    import json
    v = thunk()
    cls = type(v)
    mod = getattr(cls, '__module__', '') or ''
    head = {'format': 1}
    if mod.startswith('torch') and hasattr(v, 'detach') and hasattr(v, 'numel') and hasattr(v, 'dtype'):
        import torch
        dt = v.dtype
        head.update(kind='torch', dtype=str(dt), shape=[int(d) for d in v.shape], device=str(v.device),
                    requires_grad=bool(v.requires_grad), numel=int(v.numel()))
        if dt.is_complex:
            return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='unsupported-dtype')) + '|'
        if head['numel'] > max_elements:
            return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='too-large')) + '|'
        wide = dt.is_floating_point and dt != torch.float64
        raw = 'f4' if wide or dt == torch.float32 else 'f8'
        t = v.detach().to(dtype=torch.float32 if raw == 'f4' else torch.float64)
        a = t.cpu().contiguous().reshape(-1).numpy()
    elif mod == 'numpy' and cls.__name__ == 'ndarray':
        import numpy as np
        k = v.dtype.kind
        head.update(kind='numpy', dtype='numpy.' + str(v.dtype), shape=[int(d) for d in v.shape], device='cpu',
                    requires_grad=False, numel=int(v.size))
        if k not in 'fiub':
            return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='unsupported-dtype')) + '|'
        if head['numel'] > max_elements:
            return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='too-large')) + '|'
        raw = 'f4' if k == 'f' and v.dtype.itemsize <= 4 else 'f8'
        a = np.ascontiguousarray(v, dtype=np.float32 if raw == 'f4' else np.float64).reshape(-1)
    else:
        try:
            preview = repr(v)
        except Exception as e:
            preview = '<repr failed: %s>' % type(e).__name__
        head.update(kind='other', type=(mod + '.' if mod and mod != 'builtins' else '') + cls.__qualname__, preview=preview[:120])
        return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(head) + '|'
    head['raw'] = raw
    if head['numel'] <= max_text_elements:
        text = ','.join(map(repr, a.tolist()))
        if len(text) <= max_text_chars:
            return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='text')) + '|' + text
    import os, tempfile
    folder = tempfile.mkdtemp(prefix='loss-lens-')
    path = os.path.join(folder, 'tensor.' + raw)
    a.astype('<' + raw).tofile(path)
    return ${JSON.stringify(REPLY_PREFIX)} + json.dumps(dict(head, status='file', path=path)) + '|'
`;

/**
 * The expression sent to the debugger for `userExpression`. The user's text sits on lines of its
 * own inside `lambda: (…)`, so a trailing `# comment` cannot swallow the closing parenthesis.
 */
export function buildReadExpression(userExpression: string, limits: ReadLimits = DEFAULT_READ_LIMITS): string {
  const args = [limits.maxTextChars, limits.maxTextElements, limits.maxElements].map((n) => String(Math.floor(n))).join(', ');
  return `(lambda g: (exec(${JSON.stringify(SERIALISER_SOURCE)}, g), g['read'])[1])({})(lambda: (\n${userExpression}\n), ${args})`;
}

/** What the serialiser said about a tensor (torch or numpy). */
export interface TensorHeader {
  readonly kind: 'torch' | 'numpy';
  /** `torch.float32`, `numpy.int64`, … */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly device: string;
  readonly requiresGrad: boolean;
  readonly numel: number;
}

/** The raw file layouts: little-endian float32 or float64. */
export type RawLayout = 'f4' | 'f8';

/** A parsed reply. */
export type ReadReply =
  /** The values came inline. */
  | { readonly status: 'text'; readonly header: TensorHeader; readonly raw: RawLayout; readonly data: Float64Array }
  /** The values are in `path`, `numel` values of `raw`. */
  | { readonly status: 'file'; readonly header: TensorHeader; readonly raw: RawLayout; readonly path: string }
  /** More than `maxElements`: nothing was read. */
  | { readonly status: 'too-large'; readonly header: TensorHeader }
  /** A complex or object dtype. */
  | { readonly status: 'unsupported-dtype'; readonly header: TensorHeader }
  /** Not a tensor: its Python type and the start of its repr. */
  | { readonly status: 'not-a-tensor'; readonly type: string; readonly preview: string };

/** A reply that is not the serialiser's, or is damaged (e.g. truncated by the adapter). */
export class MalformedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedReplyError';
  }
}

/**
 * Undoes Python's `repr` of a `str`: `'…'` or `"…"` with backslash escapes (`\\n`, `\\'`, `\\xNN`,
 * `\\uNNNN`, `\\UNNNNNNNN`, …). Returns undefined when `text` is not a quoted string.
 */
export function unquotePythonString(text: string): string | undefined {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) return undefined;
  const body = text.slice(1, -1);
  if (!body.includes('\\')) return body;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hex) {
      const code = Number.parseInt(body.slice(i + 1, i + 1 + hex), 16);
      if (!Number.isFinite(code)) return undefined;
      out += String.fromCodePoint(code);
      i += hex;
    } else if (e in simple) out += simple[e];
    else out += '\\' + e;
  }
  return out;
}

function fail(message: string): never {
  throw new MalformedReplyError(message);
}

function readHeader(json: Record<string, unknown>): TensorHeader {
  const shape = json.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail('the reply has no valid shape');
  const numel = json.numel;
  if (typeof numel !== 'number' || numel !== shape.reduce((a: number, d: number) => a * d, 1)) fail(`the reply's numel ${String(numel)} does not match its shape`);
  return {
    kind: json.kind === 'numpy' ? 'numpy' : 'torch',
    dtype: String(json.dtype),
    shape: shape as number[],
    device: String(json.device ?? 'cpu'),
    requiresGrad: json.requires_grad === true,
    numel,
  };
}

/** Parses `a,b,c` of Python float reprs (with `nan`, `inf`, `-inf`) into exactly `count` values. */
export function parseFloatList(text: string, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) {
    if (text.length !== 0) fail('the reply has values for an empty tensor');
    return out;
  }
  let start = 0;
  for (let i = 0; i < count; i++) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    if (i === count - 1 && end !== text.length) fail(`the reply has more than ${count} values`);
    const token = text.slice(start, end);
    let v: number;
    if (token === 'nan') v = Number.NaN;
    else if (token === 'inf') v = Number.POSITIVE_INFINITY;
    else if (token === '-inf') v = Number.NEGATIVE_INFINITY;
    else {
      v = token.length ? Number(token) : Number.NaN;
      if (Number.isNaN(v)) fail(`value ${i} of the reply is "${token.slice(0, 30)}", not a number (the reply may have been truncated)`);
    }
    out[i] = v;
    if (end === text.length && i < count - 1) fail(`the reply has ${i + 1} values but the shape needs ${count} (it may have been truncated)`);
    start = end + 1;
  }
  return out;
}

/**
 * Parses the `result` of the evaluate response (Python's repr of the serialiser's string).
 * Throws {@link MalformedReplyError} for anything else.
 */
export function parseReadReply(result: string): ReadReply {
  const text = unquotePythonString(result.trim());
  if (text === undefined) fail(`the debugger returned ${JSON.stringify(result.slice(0, 80))}, not the serialiser's string`);
  if (!text.startsWith(REPLY_PREFIX)) fail(`the debugger returned ${JSON.stringify(text.slice(0, 80))}, not a Loss Lens reply`);
  const bar = text.lastIndexOf('|');
  if (bar < 0) fail('the reply has no data separator (it may have been truncated)');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.slice(REPLY_PREFIX.length, bar)) as Record<string, unknown>;
  } catch {
    return fail('the reply header is not JSON (it may have been truncated)');
  }
  if (json.kind === 'other') return { status: 'not-a-tensor', type: String(json.type ?? 'object'), preview: String(json.preview ?? '') };
  const header = readHeader(json);
  const raw: RawLayout = json.raw === 'f8' ? 'f8' : 'f4';
  switch (json.status) {
    case 'text':
      return { status: 'text', header, raw, data: parseFloatList(text.slice(bar + 1), header.numel) };
    case 'file':
      if (typeof json.path !== 'string' || !isSerialiserPath(json.path)) fail(`the reply names an unexpected file ${JSON.stringify(json.path)}`);
      return { status: 'file', header, raw, path: json.path };
    case 'too-large':
      return { status: 'too-large', header };
    case 'unsupported-dtype':
      return { status: 'unsupported-dtype', header };
    default:
      return fail(`the reply has an unknown status ${JSON.stringify(json.status)}`);
  }
}

/**
 * True for the paths the serialiser writes, `…/loss-lens-XXXX/tensor.f4|f8`: the host deletes only
 * such a file and its folder, never anything else a reply might name.
 */
export function isSerialiserPath(path: string): boolean {
  return /(^|[\\/])loss-lens-[^\\/]+[\\/]tensor\.f[48]$/.test(path);
}

/** The folder holding a serialiser file (the path up to its last separator). */
export function serialiserFolder(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
}

/**
 * Decodes a raw file of `numel` little-endian float32 (`f4`) or float64 (`f8`) values. Throws
 * {@link MalformedReplyError} when its size is not `numel` values.
 */
export function decodeRaw(bytes: Uint8Array, raw: RawLayout, numel: number): Float64Array {
  const size = raw === 'f4' ? 4 : 8;
  if (bytes.byteLength !== numel * size) fail(`the file has ${bytes.byteLength} bytes but ${numel} ${raw === 'f4' ? 'float32' : 'float64'} values need ${numel * size}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(numel);
  if (raw === 'f4') for (let i = 0; i < numel; i++) out[i] = view.getFloat32(i * 4, true);
  else for (let i = 0; i < numel; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
