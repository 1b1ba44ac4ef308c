/**
 * The oracle corpus (../shared/oracle, vendored in test/fixtures/oracle): loading case files,
 * decoding tensors, FORMAT.md's comparison rule, and running one case through the registry.
 * Shared by the mocha conformance suite and `npm run conformance`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EngineError } from '../../src/engine/errors';
import { ArgValue, OpOutput, registry } from '../../src/engine/registry';
import { DType, Tensor, formatShape } from '../../src/engine/tensor';

/** A tensor as the corpus writes it. */
export interface WireTensor {
  dtype: DType;
  shape: number[];
  data: (number | 'nan' | 'inf' | '-inf')[];
}

/** One case of the corpus (FORMAT.md). */
export interface OracleCase {
  id: string;
  op: string;
  dtype: string;
  args: Record<string, unknown>;
  grad_output?: WireTensor;
  expect: {
    output?: WireTensor | Record<string, WireTensor>;
    grad?: Record<string, WireTensor>;
    error?: string;
  };
  tol?: { rtol: number; atol: number };
  note?: string;
  warns?: boolean;
}

/** The vendored corpus directory. */
export const FIXTURE_DIR = path.resolve(__dirname, '../../../test/fixtures/oracle');

/** Decodes a corpus number ("nan", "inf", "-inf" or a JSON number). */
export function decodeNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`not a corpus number: ${JSON.stringify(v)}`);
}

/** True for a corpus tensor object. */
export function isWireTensor(v: unknown): v is WireTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v && 'dtype' in v;
}

/** Decodes a corpus tensor object. */
export function decodeTensor(w: WireTensor): Tensor {
  return { shape: [...w.shape], data: Float64Array.from(w.data, decodeNumber), dtype: w.dtype };
}

/** Decodes the args of a case (tensors decoded, everything else as is). */
export function decodeArgs(args: Record<string, unknown>): Record<string, ArgValue> {
  const out: Record<string, ArgValue> = {};
  for (const [k, v] of Object.entries(args)) out[k] = isWireTensor(v) ? decodeTensor(v) : (v as ArgValue);
  return out;
}

/** Reads every case file in `dir` (files named `<op>.json`). */
export function loadCases(dir: string = FIXTURE_DIR): OracleCase[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return files.flatMap((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as OracleCase[]);
}

/** FORMAT.md's rule for one element: within atol + rtol·|e|, or both NaN, or the same infinity. */
export function close(x: number, e: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(x);
  if (!Number.isFinite(e)) return x === e;
  if (!Number.isFinite(x)) return false;
  return Math.abs(x - e) <= atol + rtol * Math.abs(e);
}

/** The first difference between an actual and an expected tensor, or `null` when they match. */
export function compareTensor(actual: Tensor, expected: Tensor, rtol: number, atol: number): string | null {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return `shape ${formatShape(actual.shape)} but expected ${formatShape(expected.shape)}`;
  }
  for (let i = 0; i < expected.data.length; i++) {
    if (!close(actual.data[i], expected.data[i], rtol, atol)) {
      return `element ${i}: got ${actual.data[i]} but expected ${expected.data[i]} (|diff| ${Math.abs(actual.data[i] - expected.data[i]).toExponential(3)})`;
    }
  }
  return null;
}

/** The result of running one case. */
export interface CaseResult {
  id: string;
  op: string;
  ok: boolean;
  /** What differed, for failures. */
  detail?: string;
}

function isTensorOutput(o: OpOutput): o is Tensor {
  return 'shape' in o && 'data' in o;
}

/** Runs one case: the output, every listed gradient, or the expected error category. */
export function runCase(c: OracleCase): CaseResult {
  const fail = (detail: string): CaseResult => ({ id: c.id, op: c.op, ok: false, detail });
  if (!registry.has(c.op)) return fail(`unknown op '${c.op}'`);
  const args = decodeArgs(c.args);
  if (c.expect.error !== undefined) {
    try {
      registry.call(c.op, args);
    } catch (e) {
      if (e instanceof EngineError) {
        return e.code === c.expect.error ? { id: c.id, op: c.op, ok: true } : fail(`raised ${e.code} (${e.message}) but expected ${c.expect.error}`);
      }
      return fail(`threw a non-EngineError: ${String(e)}`);
    }
    return fail(`returned a value but expected error ${c.expect.error}`);
  }
  const { rtol, atol } = c.tol ?? { rtol: 1e-5, atol: 1e-6 };
  try {
    const out = registry.call(c.op, args);
    const exp = c.expect.output;
    if (exp === undefined) return fail('case has no expected output');
    if (isWireTensor(exp)) {
      if (!isTensorOutput(out)) return fail('returned named outputs but expected one tensor');
      const d = compareTensor(out, decodeTensor(exp), rtol, atol);
      if (d) return fail(`output ${d}`);
    } else {
      if (isTensorOutput(out)) return fail('returned one tensor but expected named outputs');
      for (const [name, w] of Object.entries(exp)) {
        const got = out[name];
        if (!got) return fail(`output '${name}' missing`);
        const d = compareTensor(got, decodeTensor(w), rtol, atol);
        if (d) return fail(`output '${name}' ${d}`);
      }
    }
    if (c.expect.grad && Object.keys(c.expect.grad).length > 0) {
      const grads = registry.grad(c.op, args, c.grad_output ? decodeTensor(c.grad_output) : null);
      for (const [name, w] of Object.entries(c.expect.grad)) {
        const got = grads[name];
        if (!got) return fail(`gradient for '${name}' missing`);
        const d = compareTensor(got, decodeTensor(w), rtol, atol);
        if (d) return fail(`grad '${name}' ${d}`);
      }
    }
    return { id: c.id, op: c.op, ok: true };
  } catch (e) {
    return fail(`threw ${e instanceof EngineError ? `${e.code}: ` : ''}${e instanceof Error ? e.message : String(e)}`);
  }
}
