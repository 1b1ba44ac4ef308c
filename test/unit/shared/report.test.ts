import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lossBreakdown } from '../../../src/engine/breakdown';
import { registry } from '../../../src/engine/registry';
import { tensor, type Tensor } from '../../../src/engine/tensor';
import { applyControls, buildReport, evenRows, ReportBuilder, reportMarkdown, shownClasses, SHOW_ALL_CLASSES } from '../../../src/shared/report';

const logits = tensor([3, 4], [2, 1, 0.1, -1, 0.5, 2.5, 0.3, 0, -2, 0, 3, 1]);
const labels = tensor([3], [0, 1, 2], 'int64');
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

function seeded(n: number, seed = 1): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647), (s / 2147483647) * 8 - 4));
}

describe('report model', () => {
  it('cross_entropy: the value is the engine\'s, and CE = H + KL per row equals lossBreakdown', () => {
    const r = buildReport({ op: 'cross_entropy', args: { input: logits, target: labels } });
    assert.equal(r.kind, 'classification');
    assert.equal(r.value, (registry.call('cross_entropy', { input: logits, target: labels }) as Tensor).data[0]);
    const b = lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', { input: logits, target: labels }))!;
    close(r.mean!.crossEntropy, b.mean.crossEntropy);
    b.rows.forEach((row, i) => {
      close(r.summaries!.loss[i], row.crossEntropy);
      close(r.summaries!.kl[i], row.kl);
    });
    assert.deepEqual([...r.summaries!.argmax], [0, 1, 2]);
    assert.deepEqual([...r.summaries!.target], [0, 1, 2]);
    assert.equal(r.complete, true);
  });

  it('the selected row: pipeline, q_y, terms summing to the row CE and KL, gradient from the engine', () => {
    const r = buildReport({ op: 'cross_entropy', args: { input: logits, target: labels, label_smoothing: 0.2 } }, { row: 1 });
    const d = r.selected!;
    assert.equal(d.row, 1);
    assert.equal(d.targetClass, 1);
    close(d.max, 2.5);
    close(d.logSumExp, d.max + Math.log(d.sumExp));
    close([...d.q].reduce((a, b) => a + b, 0), 1);
    close([...d.ceTerm].reduce((a, b) => a + b, 0), d.crossEntropy);
    close([...d.klTerm].reduce((a, b) => a + b, 0), d.kl);
    const g = registry.grad('cross_entropy', { input: logits, target: labels, label_smoothing: 0.2 }).input;
    [...d.grad].forEach((v, i) => close(v, g.data[4 + i]));
    // (q − p)/N with smoothing applied, as the engine computes it.
    [...d.grad].forEach((v, i) => close(v, (d.q[i] - d.p[i]) / 3));
  });

  it('temperature divides the logits; label smoothing, alpha and reduction replace the arguments', () => {
    const a = applyControls('cross_entropy', registry.resolveArgs('cross_entropy', { input: logits, target: labels }), { temperature: 2, labelSmoothing: 0.1, reduction: 'sum' });
    assert.equal((a.input as Tensor).data[0], 1);
    assert.equal(a.label_smoothing, 0.1);
    assert.equal(a.reduction, 'sum');
    const hot = buildReport({ op: 'cross_entropy', args: { input: logits, target: labels } }, { controls: { temperature: 2 } });
    const expected = (registry.call('cross_entropy', { input: tensor([3, 4], logits.data.map((v) => v / 2)), target: labels }) as Tensor).data[0];
    close(hot.value!, expected);
    assert.equal(hot.controls.temperature, 2);
    const d = buildReport({ op: 'distillation_loss', args: { student: logits, teacher: tensor([3, 4], [...logits.data].reverse()), labels } }, { controls: { temperature: 2, alpha: 0.5 } });
    const dv = (registry.call('distillation_loss', { student: logits, teacher: tensor([3, 4], [...logits.data].reverse()), labels, temperature: 2, alpha: 0.5 }) as Tensor).data[0];
    close(d.value!, dv);
    close(d.selected!.distillation!.klPart + d.selected!.distillation!.cePart, dv);
  });

  it('reduction none: no scalar value, the value shape instead', () => {
    const r = buildReport({ op: 'cross_entropy', args: { input: logits, target: labels, reduction: 'none' } });
    assert.equal(r.value, null);
    assert.deepEqual(r.valueShape, [3]);
  });

  it('Jensen–Shannon: JS = mean KL to the mixture; the seed notebook curve is 0 at t = 0 for equal splits', () => {
    // Seed notebook 002: three equal one-hot predictions, the third perturbed.
    const oneHot = tensor([3, 10], Array.from({ length: 30 }, (_v, i) => (i % 10 === 0 ? 1 : 0)));
    const r = buildReport({ op: 'jsd_cross_entropy', args: { input: oneHot, target: tensor([3], [0, 0, 0], 'int64'), smoothing: 0 } });
    const js = r.selected!.js!;
    assert.equal(js.names.length, 3);
    close(js.js, 0);
    close(js.curveY[10], 0, 1e-12);
    assert.ok(js.curveY[0] > 0 && js.curveY[20] > 0);
    close(js.curveX[0], -1);
    const klMean = [...js.klToMixture].reduce((a, b) => a + b, 0) / 3;
    close(js.divergence, klMean);
    close(js.js, klMean * 12);
  });

  it('Jensen–Shannon at alpha = 0 (seed 002, first cell): the divergence is PyTorch\'s, the loss term 0, the curve not flat', () => {
    // Vendored from test/fixtures/panel/generate.py (torch 1.13).
    const expected = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../test/fixtures/panel/expected.json'), 'utf8')) as { js: { id: string; input: { shape: number[]; data: number[] }; num_splits: number; divergence: number }[] };
    for (const c of expected.js) {
      const input = tensor(c.input.shape, c.input.data);
      for (const alpha of [0, 12]) {
        const r = buildReport({ op: 'jsd_cross_entropy', args: { input, target: tensor([1], [0], 'int64'), num_splits: c.num_splits, smoothing: 0, alpha } });
        const js = r.selected!.js!;
        assert.ok(Number.isFinite(js.divergence), `${c.id} alpha=${alpha}: JS = ${js.divergence}`);
        close(js.divergence, c.divergence, 1e-9);
        close(js.js, alpha * c.divergence, 1e-8);
        assert.equal(js.scale, alpha);
        // The curve is the divergence, whatever alpha weighs it with: it is the same at both alphas.
        assert.ok(js.curveY.every((v) => Number.isFinite(v)));
        assert.ok(Math.max(...js.curveY) > 1e-3, `${c.id} alpha=${alpha}: the curve is flat`);
        close(js.curveY[10], c.divergence, 1e-9);
      }
    }
  });

  it('binary_cross_entropy_with_logits: element losses from the engine, q = sigmoid(x)', () => {
    const x = tensor([2, 3], [2, -1, 0, 0.5, 3, -2]);
    const t = tensor([2, 3], [1, 0, 1, 0, 1, 0]);
    const r = buildReport({ op: 'binary_cross_entropy_with_logits', args: { input: x, target: t } });
    assert.equal(r.kind, 'binary');
    const el = registry.call('binary_cross_entropy_with_logits', { input: x, target: t, reduction: 'none' }) as Tensor;
    [...r.selected!.elementLoss].forEach((v, i) => close(v, el.data[i]));
    close(r.selected!.q[0], 1 / (1 + Math.exp(-2)));
  });

  it('large C: top classes plus the target, "other" holds the rest of the mass', () => {
    const C = 1000;
    const x = tensor([2, C], seeded(2 * C));
    const r = buildReport({ op: 'cross_entropy', args: { input: x, target: tensor([2], [3, 999], 'int64') } });
    const d = r.selected!;
    assert.ok(d.classes.length < 20 && d.classes.includes(3));
    close([...d.q].reduce((a, b) => a + b, 0) + d.other.q, 1, 1e-9);
    assert.equal(d.hiddenClasses, C - d.classes.length);
    assert.equal(r.heatmap!.width, 500);
    assert.equal(r.heatmap!.binSize, 2);
    assert.equal(shownClasses(new Float64Array(SHOW_ALL_CLASSES), new Float64Array(SHOW_ALL_CLASSES), null, SHOW_ALL_CLASSES).length, SHOW_ALL_CLASSES);
  });

  it('a large report: the sample first, then the chunked pass gives the same summaries as one pass', () => {
    const N = 300;
    const C = 8000; // 2.4M elements > LARGE_ELEMENTS
    const x = tensor([N, C], seeded(N * C, 3));
    const y = tensor([N], Array.from({ length: N }, (_v, i) => (i * 37) % C), 'int64');
    const b = new ReportBuilder({ op: 'cross_entropy', args: { input: x, target: y } }, { row: 5 });
    b.sample(16);
    const first = b.report();
    assert.equal(first.complete, false);
    assert.equal(first.value, null);
    assert.ok(first.summaries!.rows.length === 17 && first.summaries!.rows.includes(5));
    while (b.summarizeChunk(64)) {
      /* chunks */
    }
    b.finish();
    const done = b.report();
    assert.equal(done.complete, true);
    assert.equal(done.value, (registry.call('cross_entropy', { input: x, target: y }) as Tensor).data[0]);
    close(done.mean!.crossEntropy, done.value!, 1e-12);
    const i = [...first.summaries!.rows].indexOf(5);
    close(first.summaries!.loss[i], done.summaries!.loss[5]);
    assert.deepEqual(evenRows(10, 4), [0, 2, 5, 7]);
  });

  it('bad arguments throw the engine\'s message', () => {
    assert.throws(() => buildReport({ op: 'cross_entropy', args: { input: logits, target: tensor([2], [0, 1], 'int64') } }), /target/);
    assert.throws(() => buildReport({ op: 'no_such_loss', args: {} }), /unknown op/);
  });

  it('Markdown names the call, the value, the split and the row', () => {
    const md = reportMarkdown(buildReport({ op: 'cross_entropy', args: { input: logits, target: labels }, title: 'ce' }));
    assert.match(md, /^## Loss Lens: ce/);
    assert.match(md, /`cross_entropy\(input \[3,4\], target \[3\]\)` = \*\*0\.30289/);
    assert.match(md, /\| mean over rows \| 0\.30289\d* \| 0 \| 0\.30289/);
    assert.match(md, /### Row 0, target class 0/);
  });
});
