/**
 * The `loss-lens` command: the same engine and parsers from a terminal.
 *
 *   loss-lens ops                                   list the registry
 *   loss-lens <op> --input X --target Y [--arg v]…  compute one op (--json for one JSON object)
 *   loss-lens parse [--format auto|json|python|repr] read a tensor from stdin
 *   loss-lens compare distillation|label_smoothing …  one computation under each convention
 */
import * as fs from 'fs';
import { registry } from './engine/registry';
import { runCompare } from './cli/compare';
import { CliIo, EXIT_OK, EXIT_USAGE } from './cli/io';
import { runParse } from './cli/parse';
import { reportError, runOp } from './cli/run';

const USAGE = `Usage:
  loss-lens ops                                        list the ops and their arguments
  loss-lens <op> --input <value|@file> [--target <value|@file>] [--<arg> <value>]... [--json]
  loss-lens parse [--format auto|json|python|repr] < text
  loss-lens compare distillation --student S --teacher T [--labels Y] --temperature T --alpha A
  loss-lens compare label_smoothing --input X --target Y --smoothing E

Values are JSON, Python literals (torch.tensor([...])) or printed reprs; @file reads a file.
Example: loss-lens cross_entropy --input '[[0.25,0.25,0.25,0.25],[1,0,0,0]]' --target '[2,3]'
`;

/** `loss-lens ops`: one block per op with its arguments and defaults. */
export function formatOps(): string {
  const lines: string[] = [];
  for (const op of registry.list()) {
    lines.push(`${op.name}  (${op.family})  ${op.doc}`);
    lines.push(`    ${op.formula}`);
    for (const a of op.args) {
      const dflt = a.default === undefined ? 'required' : `default ${a.default === null ? 'None' : typeof a.default === 'string' ? `'${a.default}'` : String(a.default)}`;
      const choices = a.choices ? ` one of ${a.choices.map((c) => `'${c}'`).join(', ')};` : '';
      lines.push(`    --${a.name}  ${a.kind};${choices} ${dflt}. ${a.doc}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      case 'ops':
        io.stdout(formatOps());
        return EXIT_OK;
      case 'parse':
        return await runParse(rest, io);
      case 'compare':
        return await runCompare(rest, io);
      default:
        return await runOp(command, rest, io);
    }
  } catch (e) {
    return reportError(e, io);
  }
}

/** The real terminal. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: async (p) => fs.promises.readFile(p, 'utf8'),
  };
}
