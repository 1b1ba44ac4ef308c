/**
 * `loss-lens parse [--format auto|json|python|repr]`: reads a tensor from stdin (a JSON dump, a
 * Python literal or cell, a printed repr) and prints it as a tensor object
 * `{"shape": [...], "dtype": "...", "data": [...]}`, the way the oracle cases write tensors.
 * A text with named tensors prints `{"input": {...}, "target": {...}}` (by role, else by name);
 * several unnamed tensors print as a JSON array. Errors go to stderr as `stdin:line:column: message`.
 */
import type { Tensor } from '../engine/tensor';
import { FormatOption, lineColumn, ParseError, ParseResult, parseTensorText } from '../parsers';
import { CliIo, EXIT_OK, EXIT_USAGE } from './io';

const USAGE = 'usage: loss-lens parse [--format auto|json|python|repr] < tensor.txt';
const FORMATS: readonly FormatOption[] = ['auto', 'json', 'python', 'repr'];

/** One value as the oracle writes it: `"nan"`, `"inf"`, `"-inf"`, `-0`, or the shortest round-trip decimal. */
export function encodeValue(v: number): string {
  if (Number.isNaN(v)) return '"nan"';
  if (v === Infinity) return '"inf"';
  if (v === -Infinity) return '"-inf"';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** A tensor as one JSON object `{"shape", "dtype", "data"}` with flat row-major data. */
export function encodeTensor(t: Tensor): string {
  const parts = new Array<string>(t.data.length);
  for (let i = 0; i < t.data.length; i++) parts[i] = encodeValue(t.data[i]);
  return `{"shape": [${t.shape.join(', ')}], "dtype": "${t.dtype}", "data": [${parts.join(', ')}]}`;
}

/** The JSON text `loss-lens parse` prints for a result. */
export function encodeResult(result: ParseResult): string {
  if (result.named) {
    const seen = new Set<string>();
    const fields: string[] = [];
    for (const t of result.tensors) {
      let key = t.role && result.roles[t.role] === t ? t.role : (t.name ?? `tensor${fields.length}`);
      if (seen.has(key)) key = t.name ?? `${key}_${fields.length}`;
      seen.add(key);
      fields.push(`${JSON.stringify(key)}: ${encodeTensor(t.tensor)}`);
    }
    return `{${fields.join(', ')}}`;
  }
  if (result.tensors.length === 1) return encodeTensor(result.tensors[0].tensor);
  return `[${result.tensors.map((t) => encodeTensor(t.tensor)).join(', ')}]`;
}

/** Runs `loss-lens parse` with the arguments after `parse`. Returns the exit code. */
export async function runParse(argv: string[], io: CliIo): Promise<number> {
  let format: FormatOption = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      io.stdout(USAGE + '\n');
      return EXIT_OK;
    }
    let value: string | undefined;
    if (a === '--format') value = argv[++i];
    else if (a.startsWith('--format=')) value = a.slice('--format='.length);
    else {
      io.stderr(`loss-lens parse: unexpected argument '${a}'.\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    if (value === undefined || !FORMATS.includes(value as FormatOption)) {
      io.stderr(`loss-lens parse: --format must be one of ${FORMATS.join(', ')}, not '${value ?? ''}'.\n`);
      return EXIT_USAGE;
    }
    format = value as FormatOption;
  }
  const text = await io.readStdin();
  try {
    io.stdout(encodeResult(parseTensorText(text, format)) + '\n');
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    const { line, column } = lineColumn(text, e.offset);
    io.stderr(`stdin:${line}:${column}: ${e.message}\n`);
    return EXIT_USAGE;
  }
}
