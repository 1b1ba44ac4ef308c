/** Helpers of the editor-feature suites: hovers at a needle, selections, number extraction. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hoverText, rangeOf } from './helpers';

/** The text of every hover at `needle`'s `inner` part (its first character + `shift`) in `document`. */
export async function hoverAt(document: vscode.TextDocument, needle: string, inner = needle, shift = 1): Promise<string> {
  const range = rangeOf(document, needle);
  const at = needle.indexOf(inner);
  assert.ok(at >= 0, `"${inner}" is not in "${needle}"`);
  const offset = document.offsetAt(range.start) + at + shift;
  return hoverAtOffset(document, offset);
}

/** The text of every hover at an offset. */
export async function hoverAtOffset(document: vscode.TextDocument, offset: number): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset));
  return hoverText(hovers ?? []);
}

/** Opens `document` in an editor and selects `needle` (or puts the cursor at its start when `empty`). */
export async function select(document: vscode.TextDocument, needle: string, empty = false): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(document);
  const range = rangeOf(document, needle);
  editor.selection = empty ? new vscode.Selection(range.start, range.start) : new vscode.Selection(range.start, range.end);
  return editor;
}

/** The value a loss hover shows in bold after `= `: `**kl_div** = **0.0852996**` gives [0.0852996]. */
export function hoverValues(text: string): number[] {
  const m = /\*\*[\w\\.]+\*\* = \*\*([^*]+)\*\*/.exec(text);
  assert.ok(m, `no "**op** = **value**" line in the hover:\n${text}`);
  return [...m[1].replace(/\(shape[^)]*\)/, '').matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|nan|-?inf/g)].map((x) => Number(x[0].replace('nan', 'NaN').replace('inf', 'Infinity')));
}

/** Asserts `actual` is within `tol` of `expected`. */
export function assertNear(actual: number, expected: number, tol: number, what = 'value'): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}
