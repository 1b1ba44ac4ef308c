/**
 * The Loss Lens hover through `vscode.executeHoverProvider`: tensor literals in JSON, .py files
 * and notebook cells; loss calls computed statically (a criterion built earlier, arithmetic around
 * a call, a distribution target with CE = H + KL), across notebook cells, from a printed output,
 * and an unknown name. Expected numbers are PyTorch's (float64), noted beside each.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/host/commandIds';
import { activateExtension, fixtureUri } from './helpers';
import { assertNear, hoverAt, hoverAtOffset, hoverValues } from './editorHelpers';
import type { TensorAnalyses } from '../../src/host/commands/analyzeTensor';

describe('Loss Lens hover', () => {
  before(activateExtension);

  describe('tensor literals', () => {
    it('JSON: shape, dtype, top softmax entries, entropy and argmax per row', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('logits.json'));
      const text = await hoverAt(document, '"batch": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]', '[[2.0', 0);
      assert.match(text, /shape \*\*\[2, 3\]\*\*/);
      assert.match(text, /\| 0 \| 0: 0\.659, 1: 0\.2424, 2: 0\.09857 \| 0\.8467 \| 0 \|/); // torch.softmax, entropy −Σ p ln p
      assert.match(text, /\| 1 \| 1: 0\.8025, 0: 0\.1086, 2: 0\.08892 \| 0\.6329 \| 1 \|/);
      assert.match(text, /\[Analyze Tensor\]\(command:lossLens\.analyzeTensor\?/);
    });

    it('JSON: rows that sum to 1 are called probabilities', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      const text = await hoverAt(document, '[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]', '0.3');
      assert.match(text, /Rows sum to 1: these look like probabilities/);
      assert.match(text, /\| 1 \| 2: 0\.8, 0: 0\.1, 1: 0\.1 \|/);
    });

    it('shows nothing away from a tensor', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      assert.doesNotMatch(await hoverAt(document, '"classification"', 'classification'), /Loss Lens/);
    });

    it('a 1M-number literal: the hover reads a bounded window, says so, and links Analyze Tensor, which reads it whole', async function () {
      this.timeout(60_000);
      const row = '[0.1234, -1.2345, 2.3456, 0.5, 0.25, 1.5, -0.5, 3.25, 1.125, 0.75]';
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: `{"logits": [${new Array(100_000).fill(row).join(', ')}]}` });
      const middle = document.getText().length >> 1;
      const t0 = Date.now();
      const text = await hoverAtOffset(document, middle);
      const ms = Date.now() - t0;
      assert.match(text, /Only part of a larger literal was read around the cursor/);
      assert.match(text, /shape \*\*\[10\]\*\*/);
      assert.ok(ms < 2000, `the hover took ${ms} ms`);
      const m = /\[Analyze Tensor\]\(command:lossLens\.analyzeTensor\?([^)]+)\)/.exec(text);
      assert.ok(m, text);
      const [arg] = JSON.parse(decodeURIComponent(m[1])) as [{ uri: string; offset: number }];
      const r = await vscode.commands.executeCommand<TensorAnalyses>(CommandIds.analyzeTensor, arg);
      assert.equal(r.kind, 'analysis', JSON.stringify(r).slice(0, 300));
      assert.deepEqual(r.analyses[0].shape, [100_000, 10]);
      assert.deepEqual(r.analyses[0].rows[0].argmax, 7);
    });

    it('a literal in a Python cell of a Jupyter notebook', async () => {
      const notebook = await vscode.workspace.openNotebookDocument(fixtureUri('notebook.ipynb'));
      const cell = notebook.cellAt(1);
      assert.equal(cell.document.uri.scheme, 'vscode-notebook-cell');
      const text = await hoverAt(cell.document, 'torch.tensor([2.0, 1.0, 0.1])', '1.0');
      assert.match(text, /shape \*\*\[3\]\*\*/);
      assert.match(text, /0: 0\.659, 1: 0\.2424, 2: 0\.09857/);
    });
  });

  describe('loss calls in a .py file', () => {
    let document: vscode.TextDocument;
    before(async () => {
      document = await vscode.workspace.openTextDocument(fixtureUri('losses.py'));
    });

    it('criterion(x, y) with nn.CrossEntropyLoss(label_smoothing=0.1) built on an earlier line: 0.43687310298251913', async () => {
      const text = await hoverAt(document, 'loss = criterion(logits, labels)', 'criterion');
      assertNear(hoverValues(text)[0], 0.43687310298251913, 5e-6);
      assert.match(text, /label_smoothing=0\.1/);
      assert.match(text, /\[Open in Loss Lens panel\]\(command:lossLens\.showHoverResult\?/);
    });

    it('arithmetic around a call: KLDivLoss(batchmean)(…) * T * T = 0.3250014067093363', async () => {
      const text = await hoverAt(document, '* T * T', '*', 0);
      assertNear(hoverValues(text)[0], 0.3250014067093363, 5e-6);
      assert.match(text, /^\*\*kl\\_div\*\* = /);
    });

    it('a distribution target shows CE = H(p) + KL(p‖q): F.cross_entropy = 0.7235397696491856', async () => {
      const text = await hoverAt(document, 'soft = F.cross_entropy', 'cross_entropy');
      assertNear(hoverValues(text)[0], 0.7235397696491856, 5e-6);
      assert.match(text, /CE = H\(p\) \+ KL\(p‖q\)/);
    });

    it('an unknown name says which one', async () => {
      const text = await hoverAt(document, 'mystery = F.cross_entropy(model(logits), labels)', 'cross_entropy');
      assert.match(text, /Loss Lens cannot compute/);
      assert.match(text, /`model`/);
    });

    it("the hover's panel link opens the panel on the computation", async () => {
      const text = await hoverAt(document, 'loss = criterion(logits, labels)', 'criterion');
      const m = /command:lossLens\.showHoverResult\?([^)\s]+)/.exec(text);
      assert.ok(m, text);
      const [id] = JSON.parse(decodeURIComponent(m[1])) as [string];
      const shown = await vscode.commands.executeCommand<{ ready: boolean; value?: number; text?: string }>(CommandIds.showHoverResult, id);
      assert.equal(shown?.ready, true, JSON.stringify(shown));
      assertNear(shown.value ?? NaN, 0.43687310298251913, 5e-6);
      assert.match(shown.text ?? '', /^criterion\(logits, labels\) \(losses\.py\) = 0\.4368/);
      const stale = await vscode.commands.executeCommand<{ kind: string; message: string }>(CommandIds.showHoverResult, 'h-none');
      assert.deepEqual(stale, { kind: 'problem', message: 'That hover is too old to open: hover the loss call again.' });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });

  describe('notebook cells', () => {
    let notebook: vscode.NotebookDocument;
    const cell = (start: string): vscode.NotebookCell => {
      const c = notebook.getCells().find((x) => x.document.getText().startsWith(start));
      assert.ok(c, `no cell starts with ${start}`);
      return c;
    };
    before(async () => {
      notebook = await vscode.workspace.openNotebookDocument(fixtureUri('editor.ipynb'));
    });

    it('resolves a loss call across cells, with an input known only from its printed output', async () => {
      const c = cell('criterion(x, y)');
      const text = await hoverAt(c.document, 'criterion(x, y)', 'criterion');
      const printed = 0.3185; // the cell's stored output: tensor(0.3185)
      assertNear(hoverValues(text)[0], printed, 0.5e-4 + 1e-4);
      assertNear(hoverValues(text)[0], 0.31853976964918573, 1e-4); // PyTorch on the printed x
      assert.match(text, /printed output/, 'the hover says x came from the printed output');
    });

    it('an unknown name says which one', async () => {
      const text = await hoverAt(cell('criterion(z, y)').document, 'criterion(z, y)', 'criterion');
      assert.match(text, /Loss Lens cannot compute `z`/);
    });

    it('a name bound to a tensor shows the tensor', async () => {
      const text = await hoverAt(cell('p = torch.softmax').document, 'print(p)', 'p', 6);
      assert.match(text, /shape \*\*\[2, 3\]\*\*/);
      assert.match(text, /Rows sum to 1: these look like probabilities/);
    });
  });
});
