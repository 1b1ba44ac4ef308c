/** The text a command works on: the selection of the active editor, or the tensor around the cursor. */
import * as vscode from 'vscode';
import { locateTensor } from '../../parsers';
import { formatForLanguage } from '../selectionTensors';
import { sourceLabel } from '../sourceLabel';
import { textWindow } from '../textWindow';

/** Text taken from an editor. */
export interface EditorText {
  /** The selected text, or the span of the tensor around the cursor. */
  readonly text: string;
  readonly document: vscode.TextDocument;
  /** `logits.json`, or `notebook.ipynb, cell 2`. */
  readonly source: string;
  /** The parser format for the document's language. */
  readonly format: 'json' | 'auto';
}

/**
 * The selection of `editor` (the active text editor by default); with an empty selection, the
 * tensor literal or repr around the cursor. Returns a message to show when there is nothing to read.
 */
export function editorText(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): EditorText | { readonly problem: string } {
  if (!editor) return { problem: vscode.l10n.t('Open a JSON file, a Python file or a notebook cell and select a tensor such as [[2.0, 1.0, 0.1]].') };
  const { document, selection } = editor;
  const format = formatForLanguage(document.languageId) === 'json' ? 'json' : 'auto';
  const source = sourceLabel(document);
  if (!selection.isEmpty) return { text: document.getText(selection), document, source, format };
  const window = textWindow(document, selection.active);
  const located = locateTensor(window.text, window.offset, { format });
  if (!located) return { problem: vscode.l10n.t('Put the cursor inside a tensor such as [[2.0, 1.0, 0.1]], or select one (or an input and a target).') };
  return { text: window.text.slice(located.range.offset, located.range.offset + located.range.length), document, source, format };
}
