/** A bounded slice of a document around a position, so hovers on huge files stay cheap. */
import * as vscode from 'vscode';

/** Characters read before and after the position. */
const BEFORE = 20_000;
const AFTER = 200_000;

/** The text around `position`, the position's offset within it, and a way back to document positions. */
export interface TextWindow {
  readonly text: string;
  readonly offset: number;
  /** The document position of an offset within `text`. */
  positionAt(offsetInWindow: number): vscode.Position;
}

/** Reads up to 20k characters before and 200k after `position`. */
export function textWindow(document: vscode.TextDocument, position: vscode.Position): TextWindow {
  const at = document.offsetAt(position);
  const start = Math.max(0, at - BEFORE);
  const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(at + AFTER)));
  return { text, offset: at - start, positionAt: (o) => document.positionAt(start + o) };
}
