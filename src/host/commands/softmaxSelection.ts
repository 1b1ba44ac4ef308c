/** `lossLens.softmaxSelection`: the softmax of the bracketed numbers selected (or under the cursor). */
import * as vscode from 'vscode';
import type { SoftmaxReport } from '../../shared/protocol';
import { isNumberListError, numberListAt, parseNumberList, type NumberList } from '../numberList';
import type { ReportStore } from '../reportStore';
import { formatProbabilities, softmaxReport } from '../softmaxReport';
import { sourceLabel } from '../sourceLabel';
import { textWindow } from '../textWindow';

/**
 * Reads the selection of the active editor (a JSON file, a notebook cell, any text), computes
 * softmax along the last dim, shows it in a notification, records it and returns it. With an
 * empty selection it uses the list around the cursor. Returns undefined when there is nothing to read.
 */
export function softmaxSelection(store: ReportStore): SoftmaxReport | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a JSON file or a notebook cell and select a list of numbers such as [2.0, 1.0, 0.1].'));
    return undefined;
  }
  const { document, selection } = editor;
  let list: NumberList | undefined;
  if (selection.isEmpty) {
    const window = textWindow(document, selection.active);
    list = numberListAt(window.text, window.offset);
    if (!list) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Put the cursor inside a list of numbers such as [2.0, 1.0, 0.1], or select one.'));
      return undefined;
    }
  } else {
    const parsed = parseNumberList(document.getText(selection));
    if (isNumberListError(parsed)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Cannot read the selection: {0}', parsed.error));
      return undefined;
    }
    list = parsed;
  }
  if (list.data.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The list is empty: softmax needs at least one number.'));
    return undefined;
  }
  const report = softmaxReport(list, sourceLabel(document));
  store.set(report);
  void vscode.window.showInformationMessage(vscode.l10n.t('Loss Lens softmax of {0}: {1}', report.source, formatProbabilities(report)));
  return report;
}
