/**
 * The editor commands in the real extension host: Compute Loss…, Analyze Tensor and Analyze Cell
 * Output on JSON, .py and notebook-cell selections. Expected numbers are PyTorch's (float64), noted
 * beside each.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TensorAnalyses } from '../../src/host/commands/analyzeTensor';
import type { ComputeLossResult, ComputedLoss } from '../../src/host/commands/computeLoss';
import { CommandIds } from '../../src/host/commandIds';
import { activateExtension, assertClose, fixtureUri } from './helpers';
import { assertNear, select } from './editorHelpers';

function asLoss(r: ComputeLossResult | undefined): ComputedLoss {
  assert.ok(r, 'the command returned nothing');
  assert.equal(r.kind, 'loss', `expected a loss, got ${JSON.stringify(r)}`);
  return r as ComputedLoss;
}

describe('editor commands', () => {
  before(activateExtension);
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  describe('lossLens.computeLoss', () => {
    it('uses the input and target roles of a selected JSON object (F.cross_entropy = 0.31853976964918573)', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '{ "logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "labels": [0, 1] }');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: 'defaults' }));
      assertNear(r.value ?? NaN, 0.31853976964918573, 1e-12);
      assert.equal(r.source, 'losses.json');
      assert.deepEqual((r.args.input as unknown as { shape: number[] }).shape, [2, 3]);
      assert.equal(r.args.reduction, 'mean');
      assert.equal(r.message, 'cross_entropy = 0.31854 (losses.json: input [2, 3], target [2]).');
      assert.match(r.log[0], /^cross_entropy\(input \[2, 3\], target \[2\], ignore_index=-100, reduction='mean', label_smoothing=0\) on losses\.json = 0\.31854$/);
      assert.match(r.code, /F\.cross_entropy\(input, target/);
    });

    it('takes options a JSON object carries (reduction "sum": 0.6370795392983715)', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '{ "logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "labels": [0, 1], "reduction": "sum" }');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: 'defaults' }));
      assert.equal(r.args.reduction, 'sum');
      assertNear(r.value ?? NaN, 0.6370795392983715, 1e-12);
    });

    it('options given as arguments override the defaults (label_smoothing=0.1: 0.43687310298251913)', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '{ "logits": [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], "labels": [0, 1] }');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: { label_smoothing: 0.1 } }));
      assertNear(r.value ?? NaN, 0.43687310298251913, 1e-12);
    });

    it('reads two literals side by side in a .py file', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.py'));
      await select(document, 'torch.tensor([[2.0, 1.0, 0.1]]), torch.tensor([0])');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: 'defaults' }));
      // torch.tensor makes float32: 0.1 is 0.10000000149011612, so log(1 + e^-1 + e^-1.9) moves by ~1e-10
      assertNear(r.value ?? NaN, 0.4170300162778335, 1e-9);
      assert.notEqual(r.value, 0.4170300162778335, 'the float32 rounding of 0.1 is kept');
      assert.equal(r.source, 'losses.py');
      assert.equal((r.args.target as unknown as { dtype: string }).dtype, 'int64');
    });

    it('asks for the target when a notebook cell selection holds one tensor (given here as an argument)', async () => {
      const notebook = await vscode.workspace.openNotebookDocument(fixtureUri('notebook.ipynb'));
      const cell = notebook.cellAt(1);
      await select(cell.document, '[[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', target: '[0, 1]', options: 'defaults' }));
      assert.equal(r.source, 'notebook.ipynb, cell 2');
      assertNear(r.value ?? NaN, 0.31853976964918573, 1e-12);
    });

    it('kl_div of two distributions flags a probability input (kl_div wants log-probabilities)', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '{ "input": [[0.2, 0.3, 0.5]], "target": [[0.36, 0.48, 0.16]] }');
      const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'kl_div', options: 'defaults' }));
      assertNear(r.value ?? NaN, -0.43643756244991305, 1e-12); // F.kl_div(input, target) as PyTorch computes it
      assert.ok(r.findings.some((f) => f.id === 'kl-input-not-log'), JSON.stringify(r.findings.map((f) => f.id)));
      assert.match(r.message, /^kl_div = -0\.436438 \(losses\.json: input \[1, 3\], target \[1, 3\]\)\. .+/);
    });

    it('a target that does not parse is a problem naming the column', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]');
      const r = await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', target: '[0, x]', options: 'defaults' });
      assert.deepEqual(r, { kind: 'problem', message: "Cannot read the target: Column 5: Expected a number or '[' but found 'x'." });
    });

    it('shapes the engine rejects are a problem with the engine message', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]');
      const r = await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', target: '[0, 1, 2]', options: 'defaults' });
      assert.equal(r?.kind, 'problem');
      assert.equal((r as { message: string }).message, 'Cannot compute cross_entropy: cross_entropy: target [3] does not fit input [2,3]: give one class index per row, shape [2], or a probability target of shape [2,3].');
    });
  });

  describe('lossLens.analyzeTensor', () => {
    it('analyses the tensor around the cursor in a JSON file: probabilities, per-row softmax and argmax', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '[0.1, 0.1, 0.8]', true);
      const r = (await vscode.commands.executeCommand<TensorAnalyses>(CommandIds.analyzeTensor)) as TensorAnalyses;
      assert.equal(r.kind, 'analysis');
      const a = r.analyses[0];
      assert.deepEqual(a.shape, [2, 3]);
      assert.equal(a.kind, 'probabilities');
      assert.deepEqual(a.rows.map((x) => x.argmax), [2, 2]);
      assertClose(Array.from(a.rows[0].softmax), [0.289433, 0.319873, 0.390694], 1e-6); // torch.softmax([.2,.3,.5])
      assert.match(r.message, /^Tensor \[2, 3\] from losses\.json looks like probabilities: argmax per row \[2, 2\]/);
      assert.ok(r.log.some((l) => l.includes('Rows sum to 1: these look like probabilities')));
    });

    it('flags NaN in a selected JSON row', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.json'));
      await select(document, '[[1.0, NaN, 2.0], [0.5, 0.5, 0.5]]');
      const r = (await vscode.commands.executeCommand<TensorAnalyses>(CommandIds.analyzeTensor)) as TensorAnalyses;
      assert.equal(r.kind, 'analysis', JSON.stringify(r));
      assert.equal(r.analyses[0].nanCount, 1);
      assert.deepEqual(r.analyses[0].nonFiniteRows, [0]);
      assert.match(r.message, /; 1 NaN, 0 Inf\.$/);
    });

    it('analyses each tensor of a .py selection with their names', async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri('losses.py'));
      await select(document, 'logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\nlabels = torch.tensor([0, 1])');
      const r = (await vscode.commands.executeCommand<TensorAnalyses>(CommandIds.analyzeTensor)) as TensorAnalyses;
      assert.deepEqual(r.analyses.map((a) => a.kind), ['logits', 'class-indices']);
      assertNear(r.analyses[0].rows[0].logSumExp, 2.4170300162778335, 1e-9); // float32 literals
      assert.match(r.message, /^Tensor \[2, 3\] from losses\.py: logits looks like logits: argmax per row \[0, 1\]; entropy \[0\.8467, 0\.6329\]\. \(1 more tensors in the Loss Lens output\.\)$/);
    });
  });

  describe('lossLens.analyzeCellOutput', () => {
    it("reads the printed tensor of a notebook cell's stored output", async () => {
      const uri = fixtureUri('editor.ipynb');
      const notebook = await vscode.workspace.openNotebookDocument(uri);
      const cell = notebook.getCells().find((c) => c.document.getText().startsWith('p = torch.softmax'));
      assert.ok(cell);
      const r = (await vscode.commands.executeCommand<TensorAnalyses>(CommandIds.analyzeCellOutput, { notebook: uri.toString(), cell: cell.index })) as TensorAnalyses;
      assert.equal(r.kind, 'analysis', JSON.stringify(r));
      assert.equal(r.source, `editor.ipynb, cell ${cell.index + 1} output`);
      assert.deepEqual(r.analyses[0].shape, [2, 3]);
      assert.equal(r.analyses[0].kind, 'probabilities');
      assert.deepEqual(r.analyses[0].rows.map((x) => x.argmax), [0, 1]);
    });

    it('says so when the cell printed nothing', async () => {
      const uri = fixtureUri('editor.ipynb');
      const r = await vscode.commands.executeCommand<{ kind: string; message: string }>(CommandIds.analyzeCellOutput, { notebook: uri.toString(), cell: 0 });
      assert.deepEqual(r, { kind: 'problem', message: 'editor.ipynb, cell 1 output holds no printed tensor: run the cell so that it prints one (e.g. tensor([[2.0, 1.0, 0.1]])).' });
    });
  });
});

describe('lossLens.computeLoss on Python ranges, through the static evaluator (seed 001)', () => {
  before(activateExtension);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  const seed = (): Thenable<vscode.NotebookDocument> => vscode.workspace.openNotebookDocument(fixtureUri('seeds/001_d3dbd9c3b7b25ed7.ipynb'));
  const cellOf = (nb: vscode.NotebookDocument, start: string): vscode.NotebookCell => {
    const cell = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && c.document.getText().startsWith(start));
    assert.ok(cell, `no cell starts with ${start}`);
    return cell;
  };
  /**
   * The `{uri, range}` of `needle` in `cell` (the whole cell without one): the argument bag that
   * reads a range of a document instead of the active editor's selection. Cells far down a notebook
   * have no text editor until scrolled to, and showing a notebook right after another test's
   * closeAllEditors can hang, so these tests pass the range; the editor selection is what the
   * notebook-cell test above and the panel UI test (seed 001) drive.
   */
  const rangeIn = (cell: vscode.NotebookCell, needle?: string): { uri: string; range: { start: number; end: number } } => {
    const text = cell.document.getText();
    const start = needle === undefined ? 0 : text.indexOf(needle);
    assert.ok(start >= 0, `${needle} is not in cell ${cell.index}`);
    return { uri: cell.document.uri.toString(), range: { start, end: needle === undefined ? text.length : start + needle.length } };
  };

  it('a selected loss call is computed as written: kl_loss(input, target) = 0.0853, the value the notebook stored', async () => {
    const nb = await seed();
    const cell = cellOf(nb, 'kl_loss(input, target)');
    assert.equal(cell.outputs[0]?.items.map((i) => new TextDecoder().decode(i.data)).join(''), 'tensor(0.0853)');
    const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, rangeIn(cell, 'kl_loss(input, target)')));
    assert.equal(r.op, 'kl_div');
    assert.equal(r.args.reduction, 'batchmean', "nn.KLDivLoss(reduction='batchmean') from an earlier cell");
    assert.equal(r.value?.toFixed(4), '0.0853');
    assert.equal(r.call, 'kl_loss(input, target)');
    assert.equal(r.title, 'kl_loss(input, target)');
    assert.equal(r.source, `001_d3dbd9c3b7b25ed7.ipynb, cell ${cell.index + 1}`);
  });

  it('a selected name reads its value from an earlier cell: input + a given target gives 0.0853', async () => {
    const nb = await seed();
    const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { ...rangeIn(cellOf(nb, 'kl_loss(input, target)'), 'input'), op: 'kl_div', target: '[[0.36, 0.48, 0.16]]', options: { reduction: 'batchmean' } }));
    assertClose(Array.from((r.args.input as unknown as { data: Float64Array }).data), [-1.0986, -1.0986, -1.0986], 1e-4);
    assert.equal(r.value?.toFixed(4), '0.0853');
  });

  it('a selected cell evaluates torch.log(...): input holds log-probabilities (kl_div 0.0853, CE = ln 3)', async () => {
    const nb = await seed();
    const cell = cellOf(nb, 'input = torch.log');
    const kl = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { ...rangeIn(cell), op: 'kl_div', options: { reduction: 'batchmean' } }));
    assert.equal(kl.value?.toFixed(4), '0.0853');
    assert.ok(!kl.findings.some((f) => f.id === 'kl-input-not-log'), JSON.stringify(kl.findings.map((f) => f.id)));
    const ce = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { ...rangeIn(cell), op: 'cross_entropy', options: 'defaults' }));
    assertNear(ce.value ?? NaN, Math.log(3), 1e-6); // softmax of equal logits is uniform: H(p, q) = ln 3
  });

  it('a loss on a name the cell printed uses the printed value and says so (ce_value = 1.7296, stored)', async () => {
    const nb = await seed();
    const r = asLoss(await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, rangeIn(cellOf(nb, 'ce_value = ce_loss'), 'ce_value = ce_loss(input, target)')));
    assert.equal(r.op, 'cross_entropy');
    assert.equal(r.value?.toFixed(4), '1.7296');
    assert.ok(r.provenance.includes('input: from the printed output, 4 decimals'), JSON.stringify(r.provenance));
    assert.ok(r.log.some((l) => l === '  input: from the printed output, 4 decimals'));
  });

  it('a name the evaluator cannot compute is a problem naming it', async () => {
    const document = await vscode.workspace.openTextDocument(fixtureUri('losses.py'));
    await select(document, 'model(logits)');
    const r = await vscode.commands.executeCommand<ComputeLossResult>(CommandIds.computeLoss, { op: 'cross_entropy', options: 'defaults' });
    assert.equal(r?.kind, 'problem');
    assert.match((r as { message: string }).message, /^Cannot read the selection: `model` is not defined/);
  });
});
