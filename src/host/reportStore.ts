/** The last softmax report, shared by the commands, the hover and the panel. */
import * as vscode from 'vscode';
import type { SoftmaxReport } from '../shared/protocol';

/** Holds the last report and tells listeners when it changes. */
export class ReportStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SoftmaxReport>();
  private current: SoftmaxReport | null = null;

  /** Fires with each new report. */
  readonly onDidChange = this.changed.event;

  /** The last report, or null before the first one. */
  get last(): SoftmaxReport | null {
    return this.current;
  }

  /** Records a report and notifies listeners. */
  set(report: SoftmaxReport): void {
    this.current = report;
    this.changed.fire(report);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
