/**
 * `lossLens.analyzeTensor` ("Analyze Tensor"): per row softmax, log-softmax, logsumexp, entropy,
 * argmax, min/max/mean and NaN/Inf flags of the selected tensor(s) (or the one around the cursor).
 * The report goes to the Loss Lens output channel, a summary to a notification.
 */
import * as vscode from 'vscode';
import { locateTensor } from '../../parsers';
import { tensorReportLines, tensorSummary } from '../editorFormat';
import { output } from '../output';
import { formatForLanguage } from '../selectionTensors';
import { sourceLabel } from '../sourceLabel';
import { analyzeTensor, type TensorAnalysis } from '../tensorAnalysis';
import { problem, type CommandProblem } from './computeLoss';
import type { EditorText } from './editorText';
import { readEditorTensors } from './editorTensors';

/** Arguments that skip reading the editor (for tests). */
export interface AnalyzeTensorArgs {
  /** Analyse this text instead of the active editor's selection. */
  readonly text?: string;
  /** Analyse the whole tensor around `offset` in this document (the hover's link). */
  readonly uri?: string;
  readonly offset?: number;
}

/** The whole tensor literal around `offset` in a document, read without the hover's bounds. */
async function tensorInDocument(uri: string, offset: number): Promise<EditorText | { problem: string }> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const text = document.getText();
  const format = formatForLanguage(document.languageId) === 'json' ? 'json' : 'auto';
  const located = locateTensor(text, offset, { format, maxScan: text.length });
  if (!located) return { problem: vscode.l10n.t('No tensor at that position any more: hover it again.') };
  return { text: text.slice(located.range.offset, located.range.offset + located.range.length), document, source: sourceLabel(document), format };
}

/** What the analyze commands resolve with. */
export interface TensorAnalyses {
  readonly kind: 'analysis';
  /** Where the tensors came from. */
  readonly source: string;
  /** One analysis per tensor found. */
  readonly analyses: readonly TensorAnalysis[];
  /** The notification text and the output-channel lines. */
  readonly message: string;
  readonly log: readonly string[];
}

/** Logs every analysis, shows the first one's summary, and returns them. */
export function reportAnalyses(analyses: readonly TensorAnalysis[], source: string, label = (i: number) => (analyses.length > 1 ? `${source} #${i + 1}` : source)): TensorAnalyses {
  const log = analyses.flatMap((a, i) => tensorReportLines(a, label(i)));
  for (const line of log) output().info(line);
  const more = analyses.length > 1 ? ' ' + vscode.l10n.t('({0} more tensors in the Loss Lens output.)', analyses.length - 1) : '';
  const message = tensorSummary(analyses[0], label(0)) + more;
  const details = vscode.l10n.t('Show Details');
  void vscode.window.showInformationMessage(message, details).then((choice) => {
    if (choice === details) output().show(true);
  });
  return { kind: 'analysis', source, analyses, message, log };
}

/** Runs the command. */
export async function analyzeTensorCommand(args: AnalyzeTensorArgs = {}): Promise<TensorAnalyses | CommandProblem> {
  let read: Awaited<ReturnType<typeof readEditorTensors>>;
  if (args.text === undefined && args.uri !== undefined && args.offset !== undefined) {
    const from = await tensorInDocument(args.uri, args.offset);
    if ('problem' in from) return problem(from.problem, 'information');
    read = await readEditorTensors({ text: from.text });
    if (!('problem' in read)) read = { ...read, source: from.source };
  } else read = await readEditorTensors({ ...(args.text !== undefined ? { text: args.text } : {}) });
  if ('problem' in read) return problem(read.problem, read.severity);
  const from = read;
  const tensors = read.selection.tensors;
  if (tensors.length === 0) return problem(vscode.l10n.t('No tensor in the selection: select a list such as [[2.0, 1.0, 0.1]].'));
  return reportAnalyses(tensors.map((t) => analyzeTensor(t.tensor)), from.source, (i) => {
    const name = tensors[i].name;
    return name ? `${from.source}: ${name}` : tensors.length > 1 ? `${from.source} #${i + 1}` : from.source;
  });
}
