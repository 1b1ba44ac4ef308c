/**
 * The tensors a command works on: in Python (files and notebook cells) the selection (or what is
 * under the cursor) read by the static evaluator with the earlier cells as context; in JSON, in a
 * Python selection the evaluator reads no tensor in (a printed repr), and in text given as an
 * argument, the literals read by the parsers.
 */
import * as vscode from 'vscode';
import { isParseError } from '../../parsers';
import { positionedError } from '../editorFormat';
import { evaluatorInput } from '../hover/evaluatorInput';
import { formatForLanguage, readPythonSelection, readSelectionTensors, type SelectionTensors } from '../selectionTensors';
import { sourceLabel } from '../sourceLabel';
import { editorText } from './editorText';

/** The tensors read, and where from. */
export interface EditorTensors {
  readonly selection: SelectionTensors;
  /** `losses.json`, `notebook.ipynb, cell 2`, or "the given text". */
  readonly source: string;
}

/** Where to read: text given as an argument, a range of a document (offsets), or the active editor's selection. */
export interface TensorSource {
  readonly text?: string;
  /** A document (a notebook cell's `vscode-notebook-cell:` URI too) and the offsets of the range to read in it. */
  readonly uri?: string;
  readonly range?: { readonly start: number; readonly end: number };
}

/** Reads the tensors of `from`; a message to show when nothing reads. */
export async function readEditorTensors(from: TensorSource = {}, editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): Promise<EditorTensors | { readonly problem: string; readonly severity: 'warning' | 'information' }> {
  if (from.text !== undefined) return parsed({ text: from.text, source: vscode.l10n.t('the given text'), format: 'auto' });
  if (from.uri !== undefined && from.range !== undefined) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === from.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(from.uri)));
    const { start, end } = from.range;
    const evaluated = evaluatedTensors(document, start, end);
    if (evaluated) return evaluated;
    const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(end)));
    return parsed({ text, source: sourceLabel(document), format: formatForLanguage(document.languageId) === 'json' ? 'json' : 'auto' });
  }
  if (editor) {
    const evaluated = evaluatedTensors(editor.document, editor.document.offsetAt(editor.selection.start), editor.document.offsetAt(editor.selection.end));
    if (evaluated) return evaluated;
  }
  const text = editorText(editor);
  if ('problem' in text) return { problem: text.problem, severity: 'information' };
  return parsed(text);
}

/** Python through the static evaluator; undefined when it is not Python or the evaluator reads no tensor there. */
function evaluatedTensors(document: vscode.TextDocument, start: number, end: number): EditorTensors | { readonly problem: string; readonly severity: 'warning' } | undefined {
  if (document.languageId !== 'python') return undefined;
  const input = evaluatorInput(document);
  if (!input) return undefined;
  const r = readPythonSelection(input.cells, input.index, start, end);
  if (r && 'problem' in r) return { problem: vscode.l10n.t('Cannot read the selection: {0}', r.problem), severity: 'warning' };
  return r ? { selection: r, source: sourceLabel(document) } : undefined;
}

/** Literals through the parsers. */
function parsed(from: { readonly text: string; readonly source: string; readonly format: 'json' | 'auto' }): EditorTensors | { readonly problem: string; readonly severity: 'warning' } {
  try {
    return { selection: readSelectionTensors(from.text, from.format), source: from.source };
  } catch (e) {
    if (!isParseError(e)) throw e;
    return { problem: vscode.l10n.t('Cannot read a tensor in the selection: {0}', positionedError(from.text, e.offset, e.message)), severity: 'warning' };
  }
}
