/** Helpers of the panel suites: the panel's state (`lossLens.internal.panelState`) and polling for it. */
import * as vscode from 'vscode';
import { PanelCommandIds } from '../../src/host/panel/panelCommandIds';

/** What `lossLens.internal.panelState` resolves with. */
export interface PanelState {
  surfaces: Array<{ surface: 'panel' | 'view'; ready: boolean; visible: boolean; violations: string[]; last: { seq: number; text: string; bars: number; values: Record<string, number | null> } | null }>;
  report: {
    op: string;
    title: string;
    value: number | null;
    mean: { crossEntropy: number; entropy: number; kl: number } | null;
    complete: boolean;
    controls: { temperature: number; labelSmoothing: number; alpha: number; reduction: string };
    row: number | null;
  } | null;
  panelOpen: boolean;
}

/** The panel's state now. */
export const panelState = (): Thenable<PanelState> => vscode.commands.executeCommand<PanelState>(PanelCommandIds.panelState);

/** Polls `f` every 100 ms until it gives a truthy value; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
