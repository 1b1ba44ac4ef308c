/**
 * `loss-lens <op> --input <value|@file> --target <value|@file> [--<arg> <value>]... [--json]`:
 * runs one registry op and prints the value, the per-row breakdown CE = H(p) + KL(p‖q) for the
 * distribution ops, the softmax of the first rows, and the findings.
 */
import { lossBreakdown, Breakdown } from '../engine/breakdown';
import { diagnose } from '../engine/diagnostics';
import { EngineError } from '../engine/errors';
import { float32Variants } from '../engine/float32';
import { ArgSpec, ArgValue, OpOutput, OpSpec } from '../engine/op';
import { registry } from '../engine/registry';
import { Tensor, formatShape } from '../engine/tensor';
import { ParseError, lineColumn, parseTensorText } from '../parsers';
import { encodeNumber, formatExact, formatNumber, formatRow } from '../shared/format';
import { formatFindings } from './findings';
import { ArgumentError, parseFlags, readValueText } from './args';
import { CliIo, EXIT_OK, EXIT_USAGE } from './io';

/** The op name a user typed (`cross-entropy`, `CrossEntropy`) as the registry spells it. */
export function canonicalOpName(name: string): string {
  return name.replace(/-/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function parseTensorArg(op: string, spec: ArgSpec, text: string, source: string): Tensor {
  try {
    const parsed = parseTensorText(text, 'auto');
    const first = parsed.tensors[0];
    if (!first) throw new ArgumentError(`--${spec.name} holds no tensor`);
    return first.tensor;
  } catch (e) {
    if (e instanceof ParseError) {
      const { line, column } = lineColumn(text, e.offset);
      throw new ArgumentError(`${op}: --${spec.name} (${source}:${line}:${column}): ${e.message}`);
    }
    throw e;
  }
}

const NUMBER_WORDS: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };

function parseNumber(op: string, spec: ArgSpec, text: string): number {
  const t = text.trim().toLowerCase();
  const v = t in NUMBER_WORDS ? NUMBER_WORDS[t] : t === '' ? NaN : Number(t);
  if (Number.isNaN(v) && t !== 'nan') throw new ArgumentError(`${op}: --${spec.name} must be a number, got '${text}'`);
  return v;
}

/** Converts one command-line value to the kind the argument takes. */
export function parseArgValue(op: string, spec: ArgSpec, text: string, source = 'argument'): ArgValue {
  const t = text.trim();
  if ((spec.nullable || spec.default === null) && /^(none|null)$/i.test(t)) return null;
  switch (spec.kind) {
    case 'tensor':
      return parseTensorArg(op, spec, t, source);
    case 'tensorOrNumber':
      return /^[-+]?(\d|\.\d|inf|nan)/i.test(t) && !t.includes('[') ? parseNumber(op, spec, t) : parseTensorArg(op, spec, t, source);
    case 'number':
    case 'integer':
      return parseNumber(op, spec, t);
    case 'boolean':
      if (/^(true|1|yes)$/i.test(t)) return true;
      if (/^(false|0|no)$/i.test(t)) return false;
      throw new ArgumentError(`${op}: --${spec.name} must be true or false, got '${text}'`);
    case 'choice':
      return t.replace(/^['"]|['"]$/g, '');
  }
}

/** The value of an op's output as JSON (non-finite numbers as the oracle's strings). */
export function outputToJson(out: OpOutput): unknown {
  const one = (t: Tensor) => (t.shape.length === 0 ? encodeNumber(t.data[0]) : { shape: t.shape, data: Array.from(t.data, encodeNumber) });
  if ('shape' in out && 'data' in out) return one(out as Tensor);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, one(t)]));
}

function describeCall(op: OpSpec, args: Readonly<Record<string, ArgValue>>, given: ReadonlySet<string>): string {
  const parts = op.args.map((a) => {
    const v = args[a.name];
    if (v !== null && typeof v === 'object') return `${a.name} ${formatShape(v.shape)}${v.dtype === 'int64' ? ' int64' : ''}`;
    return given.has(a.name) || a.name === 'reduction' ? `${a.name}=${typeof v === 'string' ? `'${v}'` : v === null ? 'None' : String(v)}` : '';
  });
  return `${op.name}(${parts.filter(Boolean).join(', ')})`;
}

function formatOutput(out: OpOutput): string {
  const one = (t: Tensor) => (t.shape.length === 0 ? formatExact(t.data[0]) : `tensor ${formatShape(t.shape)} ${formatRow(t.data, 8, 12)}`);
  if ('shape' in out && 'data' in out) return one(out as Tensor);
  return Object.entries(out).map(([k, t]) => `\n  ${k}: ${one(t)}`).join('');
}

const MAX_ROWS = 8;

/** The breakdown table and the softmax of the first rows, as text. */
export function formatBreakdown(b: Breakdown): string {
  const lines: string[] = ['', 'Breakdown per row: CE = H(p) + KL(p‖q), q = softmax(input)'];
  const hasClass = b.rows.some((r) => r.targetClass !== undefined);
  const head = ['row', ...(hasClass ? ['target'] : []), 'H(p)', 'KL(p‖q)', 'CE'];
  const table: string[][] = [head];
  for (const r of b.rows.slice(0, MAX_ROWS)) {
    const cls = hasClass ? [r.targetClass === undefined ? '' : String(r.targetClass)] : [];
    table.push(r.ignored ? [String(r.row), ...cls, 'ignored', '', ''] : [String(r.row), ...cls, formatNumber(r.entropy), formatNumber(r.kl), formatNumber(r.crossEntropy)]);
  }
  if (b.rows.length > MAX_ROWS) table.push([`… ${b.rows.length - MAX_ROWS} more`, ...(hasClass ? [''] : []), '', '', '']);
  table.push(['mean', ...(hasClass ? [''] : []), formatNumber(b.mean.entropy), formatNumber(b.mean.kl), formatNumber(b.mean.crossEntropy)]);
  const widths = head.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) lines.push('  ' + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  lines.push('', 'softmax(input), first rows:');
  for (let r = 0; r < Math.min(b.rowCount, 4); r++) lines.push(`  ${r}: ${formatRow(b.q.subarray(r * b.classes, (r + 1) * b.classes))}`);
  for (const n of b.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

/** Runs `loss-lens <op> ...`. */
export async function runOp(opName: string, argv: readonly string[], io: CliIo): Promise<number> {
  const name = canonicalOpName(opName);
  if (!registry.has(name)) throw new ArgumentError(`unknown op '${opName}'; run 'loss-lens ops' to list them`);
  const op = registry.get(name);
  const { flags, switches } = parseFlags(argv, ['json']);
  const given: Record<string, ArgValue> = {};
  for (const [flag, raw] of flags) {
    const spec = op.args.find((a) => a.name === flag);
    if (!spec) throw new ArgumentError(`${name} has no argument --${flag}; its arguments are ${op.args.map((a) => `--${a.name}`).join(', ')}`);
    const isTensor = spec.kind === 'tensor' || spec.kind === 'tensorOrNumber';
    const text = isTensor ? await readValueText(raw, flag, io) : raw;
    given[flag] = parseArgValue(name, spec, text, raw.startsWith('@') ? raw.slice(1) : 'argument');
  }
  // Literals carry no dtype of their own: integers typed for a float argument (logits [[1, 0]])
  // are floats, and an integer target with the input's exact shape is a probability target
  // (unless the op takes int64 targets of that shape: multilabel_margin_loss's class indices).
  const input = given.input;
  for (const spec of op.args) {
    const v = given[spec.name];
    if (v === null || typeof v !== 'object' || v.dtype !== 'int64') continue;
    const sameAsInput = spec.role === 'target' && input !== null && typeof input === 'object' && input !== v && formatShape(input.shape) === formatShape(v.shape);
    if (spec.dtype === 'float' || (sameAsInput && spec.dtype !== 'int')) given[spec.name] = { ...v, dtype: 'float64' };
  }
  const args = registry.resolveArgs(name, given);
  const out = op.forward(args);
  const breakdown = lossBreakdown(name, args);
  const findings = diagnose(name, args);
  if (switches.has('json')) {
    const json = {
      op: name,
      value: outputToJson(out),
      breakdown: breakdown && {
        rows: breakdown.rows.map((r) => ({ ...r, crossEntropy: encodeNumber(r.crossEntropy), entropy: encodeNumber(r.entropy), kl: encodeNumber(r.kl) })),
        mean: { crossEntropy: encodeNumber(breakdown.mean.crossEntropy), entropy: encodeNumber(breakdown.mean.entropy), kl: encodeNumber(breakdown.mean.kl) },
        notes: breakdown.notes,
      },
      findings,
    };
    io.stdout(JSON.stringify(json) + '\n');
    return EXIT_OK;
  }
  let text = `${describeCall(op, args, new Set(Object.keys(given)))} = ${formatOutput(out)}\n`;
  const scalarOut = 'shape' in out && (out as Tensor).shape.length === 0 ? (out as Tensor).data[0] : null;
  for (const v of scalarOut === null ? [] : float32Variants(name, args, scalarOut)) {
    text += `  ${v.label} prints ${formatExact(v.value)}: its formula ${v.formula} cancels in float32\n`;
  }
  if (breakdown) text += formatBreakdown(breakdown) + '\n';
  if (findings.length) text += '\n' + formatFindings(findings) + '\n';
  io.stdout(text);
  return EXIT_OK;
}

/** Prints a usage or engine error as one line and returns exit code 2. */
export function reportError(e: unknown, io: CliIo): number {
  if (e instanceof ArgumentError || e instanceof EngineError) {
    io.stderr(`loss-lens: ${e.message}\n`);
    return EXIT_USAGE;
  }
  throw e;
}
