/**
 * `lossLens.analyzeCellOutput` ("Analyze Cell Output", in the notebook cell title menu): reads the
 * cell's stored `text/plain` and stdout outputs (printed tensors, `tensor([[...]])` or numpy
 * arrays) and analyses each tensor they hold, like `Analyze Tensor`.
 */
import * as vscode from 'vscode';
import { parseReprs } from '../../parsers';
import { cellOutputTexts } from '../notebook/cellInputs';
import { sourceLabel } from '../sourceLabel';
import { analyzeTensor } from '../tensorAnalysis';
import { reportAnalyses, type TensorAnalyses } from './analyzeTensor';
import { problem, type CommandProblem } from './computeLoss';

/** Which cell: the menu passes the `NotebookCell`; tests may pass a notebook URI and a cell index. */
export type AnalyzeCellOutputArgs = vscode.NotebookCell | { readonly notebook: string; readonly cell: number } | undefined;

function isCell(a: unknown): a is vscode.NotebookCell {
  return typeof a === 'object' && a !== null && 'notebook' in a && 'document' in a && 'outputs' in a;
}

async function resolveCell(arg: AnalyzeCellOutputArgs): Promise<vscode.NotebookCell | undefined> {
  if (isCell(arg)) return arg;
  if (arg && typeof arg.notebook === 'string') {
    const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.parse(arg.notebook));
    return arg.cell >= 0 && arg.cell < notebook.cellCount ? notebook.cellAt(arg.cell) : undefined;
  }
  const editor = vscode.window.activeNotebookEditor;
  const range = editor?.selections[0];
  return editor && range && range.start < editor.notebook.cellCount ? editor.notebook.cellAt(range.start) : undefined;
}

/** Runs the command. */
export async function analyzeCellOutputCommand(arg?: AnalyzeCellOutputArgs): Promise<TensorAnalyses | CommandProblem> {
  const cell = await resolveCell(arg);
  if (!cell) return problem(vscode.l10n.t('Select a notebook cell whose output prints a tensor, then run Analyze Cell Output.'), 'information');
  const source = vscode.l10n.t('{0} output', sourceLabel(cell.document));
  const tensors = cellOutputTexts(cell).flatMap((text) => {
    try {
      return parseReprs(text);
    } catch {
      return [];
    }
  });
  if (tensors.length === 0) return problem(vscode.l10n.t('{0} holds no printed tensor: run the cell so that it prints one (e.g. tensor([[2.0, 1.0, 0.1]])).', source), 'information');
  return reportAnalyses(tensors.map((t) => analyzeTensor({ shape: t.shape, data: t.data, dtype: t.dtype })), source);
}
