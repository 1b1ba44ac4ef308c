/** Shared helpers for the in-host suites. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The extension id, `publisher.name` from package.json. */
export const extensionId = 'loss-lens.loss-lens';

/** Activates Loss Lens and returns its extension object. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `extension ${extensionId} is not installed in this host`);
  await ext.activate();
  return ext;
}

/** A file in the fixture workspace (test/fixtures/workspace). */
export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open: the launcher should open test/fixtures/workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The plain text of hover contents (MarkdownString or string). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/** The range of the first occurrence of `needle` in a document. */
export function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `"${needle}" not found in ${document.uri.toString()}`);
  return new vscode.Range(document.positionAt(at), document.positionAt(at + needle.length));
}

/** Asserts two number lists agree to `tol`. */
export function assertClose(actual: readonly number[], expected: readonly number[], tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `[${i}] ${a} != ${expected[i]} (tol ${tol})`));
}

/** softmax([2.0, 1.0, 0.1]), by hand: exp(x − 2) / Σ. */
export const softmaxOf210 = [0.659001, 0.242433, 0.098566];
