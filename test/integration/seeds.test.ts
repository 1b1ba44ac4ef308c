/**
 * Acceptance on the seed notebooks (test/fixtures/workspace/seeds, copies of /work/shared/seeds):
 * opened in VS Code as notebooks, every loss call whose value the notebook stored is hovered through
 * `vscode.executeHoverProvider`, and the hover must show the stored value to its printed precision.
 *
 * The calls and their values come from the stored outputs (test/unit/analysis/seedTable.ts derives
 * them from the notebook JSON, never from Loss Lens's results). Tolerance: half a unit of the last
 * printed decimal; plus 1e-4 when an input was itself read from a 4-decimal print (a torch.randn
 * tensor) and the hover says so. Set LOSS_LENS_SEED_TABLE=1 to print what each hover showed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { seedRows, type SeedRow } from '../unit/analysis/seedTable';
import { activateExtension, fixtureUri } from './helpers';
import { hoverAtOffset, hoverValues } from './editorHelpers';

const rows = seedRows().filter((r) => r.isLoss && r.file.endsWith('.ipynb'));
const shown: string[] = [];

/** The notebook cell a row's code-cell index names. */
function codeCell(notebook: vscode.NotebookDocument, index: number): vscode.NotebookCell {
  const cells = notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
  assert.ok(index < cells.length, `code cell ${index} of ${notebook.uri.path}`);
  return cells[index];
}

function tolerance(row: SeedRow, fromPrint: boolean): number {
  const printed = row.decimals === null ? 1e-6 : 0.5 * 10 ** -row.decimals;
  return printed + 1e-9 + (fromPrint ? 1e-4 : 0);
}

describe('seed notebooks: hovering each stored loss call shows its printed value', () => {
  before(activateExtension);
  after(() => {
    if (process.env.LOSS_LENS_SEED_TABLE) console.log(['', '| seed | cell | call | stored | hover |', '|---|---|---|---|---|', ...shown].join('\n'));
  });

  it('finds the loss calls with stored outputs in both notebooks', () => {
    const count = (prefix: string): number => rows.filter((r) => r.file.startsWith(prefix)).length;
    assert.ok(count('001') >= 9, `001: ${count('001')} rows`);
    assert.ok(count('002') >= 4, `002: ${count('002')} rows`);
  });

  for (const row of rows) {
    it(`${row.file} code cell ${row.cell}: ${row.text} → ${row.printedText.replace(/\s+/g, ' ')}`, async () => {
      const notebook = await vscode.workspace.openNotebookDocument(fixtureUri(`seeds/${row.file}`));
      assert.equal(notebook.notebookType, 'jupyter-notebook');
      const cell = codeCell(notebook, row.cell);
      const source = cell.document.getText();
      assert.equal(source, row.cells[row.cell].source, 'VS Code reads the cell as the table did');
      const text = await hoverAtOffset(cell.document, row.offset);
      const values = hoverValues(text);
      shown.push(`| ${row.file.slice(0, 3)} | ${row.cell} | \`${row.text}\` | ${row.printedText.replace(/\s+/g, ' ')} | ${/\*\*[\w\\.]+\*\* = \*\*([^*]+)\*\*/.exec(text)?.[0] ?? text} |`);
      const fromPrint = /printed output/.test(text);
      const expected = row.printed;
      // A tensor hover lists at most its first 8 values.
      const n = Math.min(expected.length, values.length);
      assert.ok(n === expected.length || values.length >= 8, `hover shows ${values.length} values, stored ${expected.length}`);
      for (let i = 0; i < n; i++) {
        const tol = tolerance(row, fromPrint);
        assert.ok(Math.abs(values[i] - expected[i]) <= tol, `value ${i}: hover ${values[i]}, stored ${expected[i]} (±${tol})\n${text}`);
      }
    });
  }
});
