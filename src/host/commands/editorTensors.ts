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
import { readPythonSelection, readSelectionTensors, type SelectionTensors } from '../selectionTensors';
import { sourceLabel } from '../sourceLabel';
import { editorText } from './editorText';

/** The tensors read, and where from. */
export interface EditorTensors {
  readonly selection: SelectionTensors;
  /** `losses.json`, `notebook.ipynb, cell 2`, or "the given text". */
  readonly source: string;
}

/** Reads `text` when given, else the active editor's selection; a message to show when nothing reads. */
export function readEditorTensors(text?: string, editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): EditorTensors | { readonly problem: string; readonly severity: 'warning' | 'information' } {
  if (text === undefined && editor && editor.document.languageId === 'python') {
    const input = evaluatorInput(editor.document);
    if (input) {
      const { document, selection } = editor;
      const r = readPythonSelection(input.cells, input.index, document.offsetAt(selection.start), document.offsetAt(selection.end));
      if (r && 'problem' in r) return { problem: vscode.l10n.t('Cannot read the selection: {0}', r.problem), severity: 'warning' };
      if (r) return { selection: r, source: sourceLabel(document) };
    }
  }
  const from = text !== undefined ? { text, source: vscode.l10n.t('the given text'), format: 'auto' as const } : editorText(editor);
  if ('problem' in from) return { problem: from.problem, severity: 'information' };
  try {
    return { selection: readSelectionTensors(from.text, from.format), source: from.source };
  } catch (e) {
    if (!isParseError(e)) throw e;
    return { problem: vscode.l10n.t('Cannot read a tensor in the selection: {0}', positionedError(from.text, e.offset, e.message)), severity: 'warning' };
  }
}
