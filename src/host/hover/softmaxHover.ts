/** A hover that shows the softmax of the bracketed list of numbers under the cursor. */
import * as vscode from 'vscode';
import { numberListAt } from '../numberList';
import { hoverMarkdown, softmaxReport } from '../softmaxReport';
import { sourceLabel } from '../sourceLabel';
import { textWindow } from '../textWindow';

/** Hover provider for JSON, Python files and Python cells of Jupyter notebooks. */
export class SoftmaxHoverProvider implements vscode.HoverProvider {
  /** The documents it serves. */
  static readonly selector: vscode.DocumentSelector = [
    { language: 'json' },
    { language: 'jsonc' },
    { language: 'python' },
    { notebookType: 'jupyter-notebook', language: 'python' },
  ];

  /** Registers the provider. */
  static register(): vscode.Disposable {
    return vscode.languages.registerHoverProvider(SoftmaxHoverProvider.selector, new SoftmaxHoverProvider());
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const window = textWindow(document, position);
    const list = numberListAt(window.text, window.offset);
    if (!list) return undefined;
    const markdown = new vscode.MarkdownString(hoverMarkdown(softmaxReport(list, sourceLabel(document))));
    return new vscode.Hover(markdown, new vscode.Range(window.positionAt(list.start), window.positionAt(list.end)));
  }
}
