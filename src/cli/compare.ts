/**
 * `loss-lens compare distillation|label_smoothing ...`: the same tensors under each convention
 * practitioners use, as an aligned table with the factor to the reference, then each row's note
 * and the misuse findings for the inputs.
 */
import { ConventionRow, distillationConventions, labelSmoothingConventions } from '../engine/conventions';
import { Finding, diagnose } from '../engine/diagnostics';
import { isEngineError } from '../engine/errors';
import { Tensor, formatShape } from '../engine/tensor';
import { encodeNumber, formatNumber } from '../shared/format';
import { ArgumentError, checkFlags, numberFlag, parseFlags, tensorFlag, toFloat } from './args';
import { formatFindings } from './findings';
import { CliIo, EXIT_OK, EXIT_USAGE } from './io';

/** Usage text of `loss-lens compare`. */
export const COMPARE_USAGE = [
  'usage: loss-lens compare distillation --student <json|@file> --teacher <json|@file> [--labels <json|@file>] [--temperature T] [--alpha A] [--json]',
  '       loss-lens compare label_smoothing --input <json|@file> --target <json|@file> [--smoothing E] [--json]',
  '',
  'distillation: student and teacher logits [N, C]; labels int64 [N]; T defaults to 4 and alpha to 0.9 (as distillation_loss).',
  "  Reference: kl_div(log_softmax(s/T), softmax(t/T), 'batchmean')·T². With --labels, total = alpha·value + (1 − alpha)·CE(student, labels).",
  'label_smoothing: logits [N, C] with class indices [N], or binary targets of the logits\' shape; E defaults to 0.1.',
  "  Reference: cross_entropy(label_smoothing=E) for class indices, BCE with targets t·(1−E) + E/2 for binary targets.",
].join('\n');

/** What a comparison produced, before formatting. */
export interface Comparison {
  readonly comparison: 'distillation' | 'label_smoothing';
  /** One line describing the inputs. */
  readonly header: string;
  readonly rows: readonly ConventionRow[];
  readonly findings: readonly Finding[];
}

async function compareDistillation(argv: readonly string[], io: CliIo): Promise<{ cmp: Comparison; json: boolean }> {
  const { flags, switches } = parseFlags(argv, ['json']);
  checkFlags(flags, ['student', 'teacher', 'labels', 'temperature', 'alpha'], 'compare distillation');
  const student = toFloat(await tensorFlag(flags, 'student', io));
  const teacher = toFloat(await tensorFlag(flags, 'teacher', io));
  const labels = flags.has('labels') ? await tensorFlag(flags, 'labels', io) : null;
  const temperature = numberFlag(flags, 'temperature', 4);
  const alpha = numberFlag(flags, 'alpha', 0.9);
  const findings = diagnose('distillation_loss', { student, teacher, labels, temperature, alpha, kl_reduction: 'batchmean' });
  const rows = distillationConventions({ student, teacher, labels, temperature, alpha });
  const header = `distillation: student ${formatShape(student.shape)}, teacher ${formatShape(teacher.shape)}${labels ? `, labels ${formatShape(labels.shape)}` : ''}, T = ${temperature}, alpha = ${alpha}`;
  return { cmp: { comparison: 'distillation', header, rows, findings }, json: switches.has('json') };
}

async function compareLabelSmoothing(argv: readonly string[], io: CliIo): Promise<{ cmp: Comparison; json: boolean }> {
  const { flags, switches } = parseFlags(argv, ['json']);
  checkFlags(flags, ['input', 'target', 'smoothing'], 'compare label_smoothing');
  const input = toFloat(await tensorFlag(flags, 'input', io));
  let target: Tensor = await tensorFlag(flags, 'target', io);
  const smoothing = numberFlag(flags, 'smoothing', 0.1);
  // A target of the input's shape is binary (0/1 written as integers still means float targets).
  const binary = target.shape.length === input.shape.length && target.shape.every((d, i) => d === input.shape[i]);
  if (binary) target = toFloat(target);
  const findings = binary ? diagnose('binary_cross_entropy_with_logits', { input, target }) : diagnose('cross_entropy', { input, target, label_smoothing: smoothing });
  const rows = labelSmoothingConventions({ input, target, smoothing });
  const header = `label smoothing (${binary ? 'binary targets' : 'class indices'}): input ${formatShape(input.shape)}, target ${formatShape(target.shape)}, smoothing = ${smoothing}`;
  return { cmp: { comparison: 'label_smoothing', header, rows, findings }, json: switches.has('json') };
}

/** Pads each column to its widest cell; the last column is not padded. */
function alignedTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

/**
 * The comparison as text: a header, the aligned table (convention, value, ratio to the reference,
 * total when there are labels, formula), each row's note, and the findings.
 */
export function formatComparison(cmp: Comparison): string {
  const ref = cmp.rows.find((r) => r.reference);
  const withTotal = cmp.rows.some((r) => r.total !== undefined);
  const head = ['convention', 'value', 'ratio to reference', ...(withTotal ? ['total'] : []), 'formula'];
  const body = cmp.rows.map((r) => [
    r.convention,
    formatNumber(r.value),
    r.reference ? '1 (reference)' : formatNumber(r.ratioToReference),
    ...(withTotal ? [r.total === undefined ? '' : formatNumber(r.total)] : []),
    r.formula,
  ]);
  let text = `${cmp.header}\nreference: ${ref ? ref.convention : 'none'}\n\n${alignedTable([head, ...body])}\n\nnotes:\n`;
  text += cmp.rows.map((r) => `  ${r.convention}: ${r.note}`).join('\n') + '\n';
  if (cmp.findings.length) text += `\nfindings:\n${formatFindings(cmp.findings)}\n`;
  return text;
}

/** The comparison as JSON-ready data (NaN and ±Infinity as "nan", "inf", "-inf"). */
export function comparisonToJson(cmp: Comparison): unknown {
  return {
    comparison: cmp.comparison,
    header: cmp.header,
    rows: cmp.rows.map((r) => ({
      convention: r.convention,
      formula: r.formula,
      value: encodeNumber(r.value),
      ratioToReference: encodeNumber(r.ratioToReference),
      ...(r.total === undefined ? {} : { total: encodeNumber(r.total) }),
      reference: r.reference === true,
      note: r.note,
    })),
    findings: cmp.findings,
  };
}

/**
 * `loss-lens compare <distillation|label_smoothing> --flags...`. `argv` is what follows `compare`
 * (a leading `compare` is skipped too). Prints the table (or `--json`) on stdout and returns 0; a
 * bad call prints one line on stderr and returns 2.
 */
export async function runCompare(argv: string[], io: CliIo): Promise<number> {
  const args = argv[0] === 'compare' ? argv.slice(1) : argv;
  const what = (args[0] ?? '').replace(/-/g, '_');
  if (what === 'help' || args.includes('--help') || args.includes('-h')) {
    io.stdout(COMPARE_USAGE + '\n');
    return EXIT_OK;
  }
  try {
    let result: { cmp: Comparison; json: boolean };
    if (what === 'distillation') result = await compareDistillation(args.slice(1), io);
    else if (what === 'label_smoothing') result = await compareLabelSmoothing(args.slice(1), io);
    else throw new ArgumentError(args[0] === undefined ? 'compare needs a comparison: distillation or label_smoothing (see loss-lens compare --help)' : `unknown comparison '${args[0]}'; use distillation or label_smoothing`);
    io.stdout(result.json ? JSON.stringify(comparisonToJson(result.cmp)) + '\n' : formatComparison(result.cmp));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ArgumentError) io.stderr(`loss-lens compare: ${e.message}\n`);
    else if (isEngineError(e)) io.stderr(`loss-lens ${e.op.startsWith('compare') ? '' : 'compare: '}${e.message}\n`);
    else throw e;
    return EXIT_USAGE;
  }
}
