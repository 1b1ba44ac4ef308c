import * as assert from 'assert';
import { registry } from '../../../src/engine/registry';
import { tensor } from '../../../src/engine/tensor';
import { callText, hoverMarkdown, lossLogLines, lossNotification, MAX_HOVER_NUMBERS, positionedError, pythonArg, tensorLiteralMarkdown, tensorReportLines, tensorSummary } from '../../../src/host/editorFormat';
import { locateTensor } from '../../../src/parsers';
import { computeLoss } from '../../../src/host/lossComputation';
import { analyzeTensor } from '../../../src/host/tensorAnalysis';

describe('host/editorFormat', () => {
  const ce = computeLoss('cross_entropy', { input: tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]), target: tensor([2], [0, 1], 'int64') });
  const spec = registry.get('cross_entropy');

  it('the Compute Loss notification names the op, the value, the source and the shapes', () => {
    // CE = mean(lse − x_y): row 0 lse(2,1,.1) − 2 = 0.417030; row 1 lse(.5,2.5,.3) − 2.5 = 0.220050 (torch: 0.31853976964918573)
    assert.strictEqual(lossNotification(ce, spec, 'logits.json'), 'cross_entropy = 0.31854 (logits.json: input [2, 3], target [2]).');
  });

  it('the log lines give the call with its options and the CE = H + KL split', () => {
    const lines = lossLogLines(ce, spec, 'logits.json');
    assert.strictEqual(lines[0], "cross_entropy(input [2, 3], target [2], ignore_index=-100, reduction='mean', label_smoothing=0) on logits.json = 0.31854");
    assert.match(lines[1], /CE = H\(p\) \+ KL\(p‖q\); means over rows: 0\.31854 = 0 \+ 0\.31854/);
  });

  it('a warning finding is part of the notification', () => {
    const kl = computeLoss('kl_div', { input: tensor([1, 3], [1 / 3, 1 / 3, 1 / 3]), target: tensor([1, 3], [0.36, 0.48, 0.16]) });
    const text = lossNotification(kl, registry.get('kl_div'), 'x.json');
    assert.match(text, /^kl_div = -?\d/);
    assert.ok(kl.findings.some((f) => f.severity !== 'info'), 'kl_div on probabilities (not log) should be flagged');
    assert.ok(text.length > 'kl_div = 0 (x.json: input [1, 3], target [1, 3]).'.length);
  });

  it('prints Python values', () => {
    assert.deepStrictEqual([pythonArg(null), pythonArg(true), pythonArg('mean'), pythonArg(0.1), pythonArg(tensor([2], [1, 2]))], ['None', 'True', "'mean'", '0.1', '<[2] float64 tensor>']);
    assert.strictEqual(callText(registry.get('kl_div'), { input: tensor([1], [0]), target: tensor([1], [0]), reduction: 'batchmean', log_target: false }), "kl_div(input [1], target [1], reduction='batchmean', log_target=False)");
  });

  it('the tensor report has one block per row and the summary names kind and argmax', () => {
    const a = analyzeTensor(tensor([2, 3], [2, 1, 0.1, 0.5, 2.5, 0.3]));
    const lines = tensorReportLines(a, 'logits.json');
    assert.match(lines[0], /^tensor \[2, 3\] float64 from logits\.json: 6 values, looks like logits; min 0\.1, max 2\.5/);
    assert.ok(lines.some((l) => /softmax +\[0\.659, 0\.2424, 0\.09857\]/.test(l)));
    assert.strictEqual(tensorSummary(a, 'logits.json'), 'Tensor [2, 3] from logits.json looks like logits: argmax per row [0, 1]; entropy [0.8467, 0.6329].');
  });

  it('a literal hover shows the tensor through formatTensorHover, a link to Analyze Tensor, and caps big literals', () => {
    const small = locateTensor('{"p": [[0.2, 0.3, 0.5]]}', 9, { format: 'json' });
    assert.ok(small);
    const md = tensorLiteralMarkdown(small, 'command:lossLens.analyzeTensor');
    assert.match(md ?? '', /shape \*\*\[1, 3\]\*\*/);
    assert.match(md ?? '', /Rows sum to 1: these look like probabilities/);
    assert.match(md ?? '', /\[Analyze Tensor\]\(command:lossLens\.analyzeTensor\) · _Loss Lens_$/);
    const big = `[${new Array(MAX_HOVER_NUMBERS + 1).fill('0.5').join(',')}]`;
    const located = locateTensor(big, 5, { format: 'json' });
    assert.ok(located);
    assert.match(tensorLiteralMarkdown(located, 'command:x') ?? '', /tensor \[100001\] · float64 · 100001 values\n\nMore than 100000 values: too many for a hover/);
    assert.strictEqual(tensorLiteralMarkdown({ range: { offset: 0, length: 3 }, format: 'json', truncated: false }, 'command:x'), undefined);
  });

  it('an evaluator result gets the panel link only when it is a loss', () => {
    const unknown = hoverMarkdown({ kind: 'unknown', name: 'model', reason: '`model` is not defined in the cells above.', range: { offset: 0, length: 5 } });
    assert.match(unknown, /Loss Lens cannot compute `model`/);
    assert.doesNotMatch(unknown, /Open in Loss Lens panel/);
    const loss = hoverMarkdown({ kind: 'loss', op: 'cross_entropy', args: ce.args, value: ce.output, lossOutput: ce.output, callText: 'F.cross_entropy(x, y)', range: { offset: 0, length: 5 }, expressionText: 'F.cross_entropy(x, y)', provenance: [] }, 'command:lossLens.showHoverResult?%5B%22h1%22%5D');
    assert.match(loss, /\*\*cross\\_entropy\*\* = \*\*0\.31853977\*\*/);
    assert.match(loss, /\[Open in Loss Lens panel\]\(command:lossLens\.showHoverResult\?%5B%22h1%22%5D\) · _Loss Lens_$/);
  });

  it('positions errors by line and column', () => {
    assert.strictEqual(positionedError('[1, x]', 4, 'bad'), 'Column 5: bad');
    assert.strictEqual(positionedError('[1,\n x]', 5, 'bad'), 'Line 2, column 2: bad');
  });
});
