import * as assert from 'assert';
import { ConventionRow, distillationConventions, labelSmoothingConventions } from '../../../src/engine/conventions';
import { EngineError } from '../../../src/engine/errors';
import { Tensor, tensor } from '../../../src/engine/tensor';
import { close } from '../../support/oracle';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const idx = (data: number[]): Tensor => tensor([data.length], data, 'int64');

const STUDENT = f([3, 4], [2.0, -1.0, 0.5, 0.1, -0.3, 1.2, 0.0, -2.0, 0.7, 0.7, -1.5, 3.0]);
const TEACHER = f([3, 4], [3.0, -2.0, 0.0, 1.0, 0.2, 2.5, -0.5, -1.0, 1.0, 0.0, -2.0, 2.0]);
const LABELS = idx([0, 1, 3]);

/** Plain-loop log_softmax of row r of a [N, C] tensor scaled by 1/T (independent of the engine). */
function logSoftmaxRow(x: Tensor, r: number, T = 1): number[] {
  const C = x.shape[1];
  const row = Array.from(x.data.slice(r * C, r * C + C), (v) => v / T);
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
}

const eq = (a: number, b: number, what: string, rtol = 1e-12): void => assert.ok(close(a, b, rtol, 1e-15), `${what}: ${a} vs ${b}`);
const byName = (rows: ConventionRow[], prefix: string): ConventionRow => {
  const r = rows.find((x) => x.convention === prefix) ?? rows.find((x) => x.convention.startsWith(prefix));
  assert.ok(r, `no row '${prefix}' in ${rows.map((x) => x.convention).join(' | ')}`);
  return r;
};

function throwsCode(f: () => unknown, code: string, re: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof EngineError && e.code === code && re.test(e.message));
}

describe('engine/conventions', () => {
  describe('distillationConventions', () => {
    const T = 4;
    const alpha = 0.9;
    const rows = distillationConventions({ student: STUDENT, teacher: TEACHER, labels: LABELS, temperature: T, alpha });
    const [N, C] = [3, 4];
    const ref = byName(rows, "kl_div 'batchmean'");

    it('has one reference row, batchmean, with ratio 1', () => {
      assert.deepStrictEqual(rows.filter((r) => r.reference).map((r) => r.convention), ["kl_div 'batchmean'"]);
      assert.strictEqual(ref.ratioToReference, 1);
      for (const r of rows) eq(r.ratioToReference, r.value / ref.value, r.convention);
    });

    it('batchmean is Σ p·(log p − log q) / N · T² (by hand)', () => {
      let total = 0;
      for (let n = 0; n < N; n++) {
        const lq = logSoftmaxRow(STUDENT, n, T);
        const lp = logSoftmaxRow(TEACHER, n, T);
        for (let c = 0; c < C; c++) total += Math.exp(lp[c]) * (lp[c] - lq[c]);
      }
      eq(ref.value, (total / N) * T * T, 'batchmean', 1e-10);
    });

    it("'mean', DeiT's sum/numel and the class average are all batchmean / C", () => {
      for (const name of ["KLDivLoss() default 'mean'", "kl_div 'sum' / numel", 'KL averaged over classes']) {
        const r = byName(rows, name);
        eq(r.value * C, ref.value, name);
        eq(r.ratioToReference, 1 / C, name);
      }
    });

    it("'sum' is batchmean × N and forgetting T² is batchmean / T²", () => {
      eq(byName(rows, "kl_div 'sum'").ratioToReference, N, 'sum');
      eq(byName(rows, "'batchmean' without T²").value * T * T, ref.value, 'no T²');
    });

    it('soft cross-entropy − batchmean = T² · mean_n H(softmax(teacher/T))', () => {
      let h = 0;
      for (let n = 0; n < N; n++) for (const lp of logSoftmaxRow(TEACHER, n, T)) h -= Math.exp(lp) * lp;
      eq(byName(rows, 'soft cross-entropy').value - ref.value, (T * T * h) / N, 'soft CE', 1e-10);
    });

    it('totals are α·value + (1 − α)·CE(student, labels), and the op agrees on mean and batchmean', () => {
      let ce = 0;
      for (let n = 0; n < N; n++) ce -= logSoftmaxRow(STUDENT, n)[LABELS.data[n]];
      ce /= N;
      for (const r of rows) eq(r.total as number, alpha * r.value + (1 - alpha) * ce, `${r.convention} total`, 1e-10);
    });

    it('the notes name the separating factor', () => {
      assert.match(byName(rows, "KLDivLoss() default 'mean'").note, /batchmean \/ 4/);
      assert.match(byName(rows, "kl_div 'sum'").note, /batchmean × 3/);
      assert.match(byName(rows, "'batchmean' without T²").note, /batchmean \/ 16/);
    });

    it('without labels there is no total', () => {
      for (const r of distillationConventions({ student: STUDENT, teacher: TEACHER, temperature: 2, alpha: 0.5 })) assert.strictEqual(r.total, undefined);
    });

    it('identical student and teacher: every KL row is 0, soft cross-entropy is T²·H, ratios are NaN (0/0)', () => {
      const same = distillationConventions({ student: STUDENT, teacher: STUDENT, temperature: 2, alpha: 0.5 });
      for (const r of same) if (r.convention !== 'soft cross-entropy') assert.ok(Math.abs(r.value) < 1e-15, `${r.convention}: ${r.value}`);
      let h = 0;
      for (let n = 0; n < N; n++) for (const lp of logSoftmaxRow(STUDENT, n, 2)) h -= Math.exp(lp) * lp;
      eq(byName(same, 'soft cross-entropy').value, (4 * h) / N, 'T²·H', 1e-10);
      for (const r of same) assert.ok(r.reference ? r.ratioToReference === 1 : Number.isNaN(r.ratioToReference), `${r.convention}: ratio ${r.ratioToReference}`);
    });

    it('±1e4 logits stay finite', () => {
      const big = distillationConventions({ student: f([1, 3], [1e4, -1e4, 0]), teacher: f([1, 3], [-1e4, 1e4, 0]), temperature: 1, alpha: 0.5 });
      for (const r of big) assert.ok(Number.isFinite(r.value), `${r.convention}: ${r.value}`);
    });

    it('rejects bad shapes and temperatures with the category and what to do', () => {
      throwsCode(() => distillationConventions({ student: f([4], [1, 2, 3, 4]), teacher: f([4], [1, 2, 3, 4]), temperature: 2, alpha: 0.5 }), 'invalid_argument', /student \[4\] must be \[N, C\]/);
      throwsCode(() => distillationConventions({ student: STUDENT, teacher: f([4, 3], Array.from(TEACHER.data)), temperature: 2, alpha: 0.5 }), 'shape_mismatch', /teacher \[4,3\] must have the student's shape \[3,4\]/);
      throwsCode(() => distillationConventions({ student: STUDENT, teacher: TEACHER, temperature: 0, alpha: 0.5 }), 'invalid_argument', /temperature=0/);
    });
  });

  describe('labelSmoothingConventions, class indices', () => {
    const eps = 0.2;
    const rows = labelSmoothingConventions({ input: STUDENT, target: LABELS, smoothing: eps });
    const [N, C] = [3, 4];
    const ref = byName(rows, 'PyTorch');
    const lp = [0, 1, 2].map((n) => logSoftmaxRow(STUDENT, n));
    const mean = (g: (n: number) => number): number => [0, 1, 2].reduce((a, n) => a + g(n), 0) / N;
    const nll = mean((n) => -lp[n][LABELS.data[n]]);

    it('PyTorch is (1−ε)·nll + (ε/C)·Σ_c(−log p_c) (by hand) and is the reference', () => {
      assert.ok(ref.reference);
      eq(ref.value, (1 - eps) * nll + (eps / C) * mean((n) => -lp[n].reduce((a, v) => a + v, 0)), 'pytorch', 1e-10);
    });

    it("timm's LabelSmoothingCrossEntropy and mixup_target + SoftTargetCrossEntropy equal PyTorch", () => {
      eq(byName(rows, 'timm LabelSmoothing').value, ref.value, 'timm');
      eq(byName(rows, 'timm mixup_target').value, ref.value, 'mixup');
    });

    it('ε/(C−1) over the other classes puts exactly 1−ε on the label (by hand)', () => {
      const want = mean((n) => -(1 - eps) * lp[n][LABELS.data[n]] - (eps / (C - 1)) * lp[n].reduce((a, v, c) => a + (c === LABELS.data[n] ? 0 : v), 0));
      eq(byName(rows, 'ε over the other').value, want, 'C−1', 1e-10);
    });

    it("timm's BinaryCrossEntropy is BCE over N·C elements with on 1−ε+ε/C, off ε/C (by hand)", () => {
      let total = 0;
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const x = STUDENT.data[n * C + c];
          const t = c === LABELS.data[n] ? 1 - eps + eps / C : eps / C;
          total += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
        }
      }
      eq(byName(rows, 'timm BinaryCrossEntropy').value, total / (N * C), 'timm BCE', 1e-10);
    });

    it('with ε = 0 every cross-entropy convention is plain cross-entropy', () => {
      const zero = labelSmoothingConventions({ input: STUDENT, target: LABELS, smoothing: 0 });
      for (const r of zero) if (!r.convention.startsWith('timm BinaryCrossEntropy')) eq(r.value, nll, r.convention, 1e-10);
    });

    it('rejects smoothing ≥ 1, out-of-range labels, float targets of another shape, non-[N, C] inputs', () => {
      throwsCode(() => labelSmoothingConventions({ input: STUDENT, target: LABELS, smoothing: 1 }), 'invalid_argument', /smoothing=1 must lie in \[0, 1\)/);
      throwsCode(() => labelSmoothingConventions({ input: STUDENT, target: idx([0, 4, 1]), smoothing: 0.1 }), 'invalid_target', /holds 4, but class indices must lie in \[0, 4\)/);
      throwsCode(() => labelSmoothingConventions({ input: STUDENT, target: f([3], [0, 1, 3]), smoothing: 0.1 }), 'invalid_target', /int64 class indices/);
      throwsCode(() => labelSmoothingConventions({ input: f([1, 2, 2], [0, 1, 2, 3]), target: idx([0]), smoothing: 0.1 }), 'invalid_argument', /must be \[N, C\]/);
    });
  });

  describe('labelSmoothingConventions, binary targets', () => {
    const eps = 0.1;
    const target = f([3, 4], [1, 0, 0, 1, 0, 1, 1, 0, 0.3, 1, 0, 0]);
    const rows = labelSmoothingConventions({ input: STUDENT, target, smoothing: eps });
    const bce = (tp: (t: number) => number): number =>
      Array.from(STUDENT.data).reduce((a, x, i) => a + Math.max(x, 0) - x * tp(target.data[i]) + Math.log1p(Math.exp(-Math.abs(x))), 0) / 12;

    it('toward 0.5 is the reference: BCE with t·(1−ε) + ε/2 (by hand)', () => {
      const ref = byName(rows, 'toward 0.5');
      assert.ok(ref.reference);
      eq(ref.value, bce((t) => t * (1 - eps) + eps / 2), 'toward 0.5', 1e-10);
    });

    it('2-class cross_entropy(label_smoothing=ε) on [0, x] equals it, soft targets included', () => {
      eq(byName(rows, '2-class').value, byName(rows, 'toward 0.5').value, '2-class', 1e-12);
    });

    it('one-sided moves only the positives', () => {
      eq(byName(rows, 'one-sided').value, bce((t) => t * (1 - eps)), 'one-sided', 1e-10);
      eq(byName(rows, 'no smoothing').value, bce((t) => t), 'plain', 1e-10);
    });
  });
});
