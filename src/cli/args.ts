/**
 * Command-line argument helpers shared by the CLI subcommands: `--name value` flags, values given
 * inline or as `@file`, and tensors from nested JSON lists.
 */
import { Tensor, formatShape } from '../engine/tensor';
import type { CliIo } from './io';

/** A bad command line or a bad value on it; the CLI prints the message as one line and exits 2. */
export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** The non-finite spellings accepted inside a JSON list (JSON itself has no NaN or Infinity). */
const NON_FINITE: Readonly<Record<string, number>> = {
  nan: NaN,
  NaN: NaN,
  inf: Infinity,
  Infinity: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  '-Infinity': -Infinity,
};

/**
 * A tensor from a nested list as `JSON.parse` returns it: `3` is 0-d, `[1, 2]` is [2], `[[1, 2]]`
 * is [1, 2]. Rows must be rectangular. Numbers only, plus the strings "nan", "inf" and "-inf"
 * (and NaN/Infinity spellings). A list of integers only is int64 (class indices); anything else is
 * float64. `name` is used in error messages (`--input`).
 */
export function tensorFromNested(value: unknown, name = 'value'): Tensor {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  const data: number[] = [];
  let integers = true;
  const where = (path: readonly number[]): string => (path.length ? ` at ${path.map((i) => `[${i}]`).join('')}` : '');
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (depth < shape.length) {
      if (!Array.isArray(v)) throw new ArgumentError(`${name}: expected a list of ${shape[depth]}${where(path)} (rows must all have the same length), got ${JSON.stringify(v)}`);
      if (v.length !== shape[depth]) {
        throw new ArgumentError(`${name}: the list${where(path)} has ${v.length} element${v.length === 1 ? '' : 's'} but the first one at that depth has ${shape[depth]}; rows must all have the same length`);
      }
      v.forEach((x, i) => walk(x, depth + 1, [...path, i]));
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) integers = false;
      data.push(v);
    } else if (typeof v === 'string' && v in NON_FINITE) {
      integers = false;
      data.push(NON_FINITE[v]);
    } else {
      throw new ArgumentError(`${name}: expected a number${where(path)}, got ${JSON.stringify(v)}${Array.isArray(v) ? ' (rows must all have the same depth)' : ''}; write NaN and infinity as "nan", "inf", "-inf"`);
    }
  };
  walk(value, 0, []);
  return { shape, data: Float64Array.from(data), dtype: integers && data.length > 0 ? 'int64' : 'float64' };
}

/** The same values as a float64 tensor (for logits written as integers, `[[1, 2, 3]]`). */
export function toFloat(t: Tensor): Tensor {
  return t.dtype === 'int64' ? { shape: [...t.shape], data: t.data, dtype: 'float64' } : t;
}

/** `--name value` / `--name=value` pairs (dashes in names read as underscores) and bare switches. */
export interface ParsedFlags {
  readonly flags: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
}

/** Splits `argv` into flags and the switches named in `switchNames` (given without `--`). */
export function parseFlags(argv: readonly string[], switchNames: readonly string[]): ParsedFlags {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a.length === 2) throw new ArgumentError(`unexpected argument '${a}'; options are written --name value`);
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/-/g, '_');
    if (flags.has(name) || switches.has(name)) throw new ArgumentError(`--${name} is given twice`);
    if (eq > 0) flags.set(name, a.slice(eq + 1));
    else if (switchNames.includes(name)) switches.add(name);
    else if (i + 1 < argv.length) flags.set(name, argv[++i]);
    else throw new ArgumentError(`--${name} needs a value`);
  }
  return { flags, switches };
}

/** Rejects flags not in `allowed`, listing the ones that are. */
export function checkFlags(flags: ReadonlyMap<string, string>, allowed: readonly string[], command: string): void {
  for (const name of flags.keys()) {
    if (!allowed.includes(name)) throw new ArgumentError(`${command} has no option --${name}; its options are ${allowed.map((a) => `--${a}`).join(', ')}`);
  }
}

/** A numeric flag, or `dflt` when absent. */
export function numberFlag(flags: ReadonlyMap<string, string>, name: string, dflt: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return dflt;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new ArgumentError(`--${name} needs a number, got '${raw}'`);
  return v;
}

/** The text of a value: `@path` reads the file, anything else is the value itself. */
export async function readValueText(raw: string, flag: string, io: CliIo): Promise<string> {
  if (!raw.startsWith('@')) return raw;
  const path = raw.slice(1);
  try {
    return await io.readFile(path);
  } catch (e) {
    throw new ArgumentError(`--${flag}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A tensor flag: JSON text inline or in `@file`, as a nested list. */
export async function tensorFlag(flags: ReadonlyMap<string, string>, name: string, io: CliIo): Promise<Tensor> {
  const raw = flags.get(name);
  if (raw === undefined) throw new ArgumentError(`--${name} is required`);
  const text = await readValueText(raw, name, io);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ArgumentError(`--${name} is not valid JSON (${e instanceof Error ? e.message : String(e)}); give a nested list such as [[2.0, -1.0, 0.5]]`);
  }
  return tensorFromNested(value, `--${name}`);
}

/** `[3,4] float64`, for headers. */
export function describeTensor(t: Tensor): string {
  return `${formatShape(t.shape)} ${t.dtype}`;
}
