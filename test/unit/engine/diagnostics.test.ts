import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Finding, FindingId, MAX_FINDING_ROWS, SAMPLE_ELEMENTS, diagnose } from '../../../src/engine/diagnostics';
import type { ArgValue } from '../../../src/engine/op';
import { logSoftmax, softmax } from '../../../src/engine/softmax';
import { Tensor, tensor } from '../../../src/engine/tensor';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float32');
const idx = (data: number[], shape = [data.length]): Tensor => tensor(shape, data, 'int64');
const LOGITS = f([3, 4], [2.0, -1.0, 0.5, 0.1, -0.3, 1.2, 0.0, -2.0, 0.7, 0.7, -1.5, 3.0]);
const PROBS = softmax(LOGITS, 1);
const LOGP = logSoftmax(LOGITS, 1);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const map = (t: Tensor, fn: (v: number, i: number) => number): Tensor => tensor(t.shape, Array.from(t.data, fn), t.dtype);

const run = (op: string, args: Record<string, ArgValue>): Finding[] => diagnose(op, args);
const ids = (op: string, args: Record<string, ArgValue>): FindingId[] => run(op, args).map((x) => x.id);
function only(op: string, args: Record<string, ArgValue>, id: FindingId): Finding {
  const hits = run(op, args).filter((x) => x.id === id);
  assert.strictEqual(hits.length, 1, `expected one ${id} finding, got ${JSON.stringify(run(op, args).map((x) => x.id))}`);
  return hits[0];
}
const none = (op: string, args: Record<string, ArgValue>, id: FindingId): void =>
  assert.ok(!ids(op, args).includes(id), `${id} must not fire: ${JSON.stringify(run(op, args))}`);

describe('engine/diagnostics', () => {
  describe('well-formed calls give no findings', () => {
    const cases: [string, Record<string, ArgValue>][] = [
      ['cross_entropy', { input: LOGITS, target: idx([0, 1, 3]) }],
      ['cross_entropy', { input: LOGITS, target: PROBS }],
      ['nll_loss', { input: LOGP, target: idx([0, 1, 3]) }],
      ['kl_div', { input: LOGP, target: softmax(map(LOGITS, (v) => -v), 1), reduction: 'batchmean' }],
      ['kl_div', { input: LOGP, target: logSoftmax(map(LOGITS, (v) => -v), 1), reduction: 'batchmean', log_target: true }],
      ['binary_cross_entropy_with_logits', { input: LOGITS, target: f([3, 4], [1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0]) }],
      ['binary_cross_entropy', { input: PROBS, target: f([3, 4], [1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0]) }],
      ['distillation_loss', { student: LOGITS, teacher: map(LOGITS, (v) => v * 2), labels: idx([0, 1, 3]), temperature: 4, alpha: 0.9, kl_reduction: 'batchmean' }],
      ['label_smoothing_cross_entropy', { input: LOGITS, target: idx([0, 1, 3]), smoothing: 0.1 }],
      ['soft_target_cross_entropy', { input: LOGITS, target: PROBS }],
      ['softmax', { input: LOGITS, dim: 1 }],
    ];
    for (const [op, args] of cases) it(`${op} (${Object.keys(args).join(', ')})`, () => assert.deepStrictEqual(run(op, args), []));
  });

  describe('nan-values / inf-values', () => {
    it('NaN in input names the arg and the rows', () => {
      const x = only('cross_entropy', { input: map(LOGITS, (v, i) => (i === 5 ? NaN : v)), target: idx([0, 1, 3]) }, 'nan-values');
      assert.strictEqual(x.severity, 'error');
      assert.strictEqual(x.arg, 'input');
      assert.deepStrictEqual(x.rows, [1]);
      assert.match(x.message, /input \[3,4\] has 1 NaN value, so the loss is NaN\./);
    });
    it('NaN in a target is found too', () => {
      assert.strictEqual(only('mse_loss', { input: f([2], [1, 2]), target: f([2], [NaN, 1]) }, 'nan-values').arg, 'target');
    });
    it('-inf in a kl_div input is a warning whose fix mentions log_softmax', () => {
      const x = only('kl_div', { input: map(LOGP, (v, i) => (i === 9 ? -Infinity : v)), target: PROBS, reduction: 'batchmean' }, 'inf-values');
      assert.strictEqual(x.severity, 'warning');
      assert.deepStrictEqual(x.rows, [2]);
      assert.match(x.fix, /log_softmax/);
    });
    it('finite values give neither', () => {
      none('cross_entropy', { input: f([2, 2], [1e30, -1e30, 0, 0]), target: idx([0, 1]) }, 'nan-values');
      none('cross_entropy', { input: f([2, 2], [1e30, -1e30, 0, 0]), target: idx([0, 1]) }, 'inf-values');
    });
  });

  describe('softmax-twice', () => {
    it('cross_entropy on softmax output (rows in [0,1] summing to 1)', () => {
      const x = only('cross_entropy', { input: PROBS, target: idx([0, 1, 3]) }, 'softmax-twice');
      assert.strictEqual(x.severity, 'warning');
      assert.strictEqual(x.arg, 'input');
      assert.match(x.message, /^Every row of input \[3,4\] lies in \[0,1\] and sums to 1 along dim 1, .*softmax applied twice\?\)\.$/);
      assert.match(x.fix, /logits/);
    });
    it('one-hot rows as logits (the seed-002 notebook) look like probabilities', () => {
      only('cross_entropy', { input: f([3, 10], Array.from({ length: 30 }, (_, i) => ([0, 19, 20].includes(i) ? 1 : 0))), target: idx([0, 9, 0]) }, 'softmax-twice');
    });
    it('softmax over dim 0 is reported as columns', () => {
      assert.match(only('cross_entropy', { input: softmax(LOGITS, 0), target: idx([0, 1, 3]) }, 'softmax-twice').message, /^Every column .* along dim 0/);
    });
    it('student and teacher of distillation_loss are checked', () => {
      const args = { student: LOGITS, teacher: PROBS, labels: idx([0, 1, 3]), temperature: 2, alpha: 0.5, kl_reduction: 'batchmean' };
      assert.strictEqual(only('distillation_loss', args, 'softmax-twice').arg, 'teacher');
    });
    it('timm losses (classes on the last dim)', () => {
      only('label_smoothing_cross_entropy', { input: PROBS, target: idx([0, 1, 3]), smoothing: 0.1 }, 'softmax-twice');
      only('soft_target_cross_entropy', { input: PROBS, target: PROBS }, 'softmax-twice');
    });
    it('does not fire for logits, for [0,1] rows that do not sum to 1, or for one class', () => {
      none('cross_entropy', { input: LOGITS, target: idx([0, 1, 3]) }, 'softmax-twice');
      none('cross_entropy', { input: f([2, 3], [0.2, 0.3, 0.4, 0.9, 0.1, 0.5]), target: idx([0, 1]) }, 'softmax-twice');
      none('cross_entropy', { input: f([3, 1], [1, 1, 1]), target: idx([0, 0, 0]) }, 'softmax-twice');
    });
  });

  describe('log-softmax-input', () => {
    it('cross_entropy on log_softmax output is information only (the value is right)', () => {
      const x = only('cross_entropy', { input: LOGP, target: idx([0, 1, 3]) }, 'log-softmax-input');
      assert.strictEqual(x.severity, 'info');
      assert.match(x.message, /value is right/);
    });
    it('does not fire for logits', () => none('cross_entropy', { input: map(LOGITS, (v) => v - 10), target: idx([0, 1, 3]) }, 'log-softmax-input'));
  });

  describe('nll_loss input', () => {
    it('probabilities: nll-probabilities', () => {
      const x = only('nll_loss', { input: PROBS, target: idx([0, 1, 3]) }, 'nll-probabilities');
      assert.strictEqual(x.severity, 'error');
      assert.deepStrictEqual(x.rows, [0, 1, 2]);
      assert.match(x.fix, /log_softmax/);
    });
    it('raw logits with positive values: nll-logits', () => {
      const x = only('nll_loss', { input: LOGITS, target: idx([0, 1, 3]) }, 'nll-logits');
      assert.match(x.message, /positive values \(max 3\)/);
      assert.match(x.fix, /cross_entropy/);
    });
    it('log-probabilities give neither', () => {
      none('nll_loss', { input: LOGP, target: idx([0, 1, 3]) }, 'nll-probabilities');
      none('nll_loss', { input: LOGP, target: idx([0, 1, 3]) }, 'nll-logits');
    });
    it('log(sigmoid) is ≤ 0 but not normalized: log-probabilities-not-normalized', () => {
      const x = only('nll_loss', { input: map(LOGITS, (v) => Math.log(sigmoid(v))), target: idx([0, 1, 3]) }, 'log-probabilities-not-normalized');
      assert.deepStrictEqual(x.rows, [0, 1, 2]);
      none('nll_loss', { input: LOGP, target: idx([0, 1, 3]) }, 'log-probabilities-not-normalized');
    });
  });

  describe('kl_div input and target', () => {
    const P = softmax(map(LOGITS, (v) => -v), 1);
    it('kl-input-not-log: probabilities as input', () => {
      const x = only('kl_div', { input: PROBS, target: P, reduction: 'batchmean' }, 'kl-input-not-log');
      assert.match(x.message, /is probabilities, but kl_div takes log-probabilities/);
    });
    it('kl-input-not-log: logits as input', () => {
      assert.match(only('kl_div', { input: LOGITS, target: P, reduction: 'batchmean' }, 'kl-input-not-log').message, /raw logits/);
    });
    it('kl-input-not-log does not fire for log_softmax', () => none('kl_div', { input: LOGP, target: P, reduction: 'batchmean' }, 'kl-input-not-log'));
    it('kl-log-target: a log-probability target without log_target', () => {
      const x = only('kl_div', { input: LOGP, target: logSoftmax(LOGITS, 1), reduction: 'batchmean' }, 'kl-log-target');
      assert.match(x.fix, /log_target=True/);
      none('kl_div', { input: LOGP, target: logSoftmax(LOGITS, 1), reduction: 'batchmean', log_target: true }, 'kl-log-target');
    });
    it('kl-log-target-not-log: log_target=True with probabilities', () => {
      assert.strictEqual(only('kl_div', { input: LOGP, target: P, reduction: 'batchmean', log_target: true }, 'kl-log-target-not-log').severity, 'error');
      none('kl_div', { input: LOGP, target: logSoftmax(LOGITS, 1), reduction: 'batchmean', log_target: true }, 'kl-log-target-not-log');
    });
    it('kl-arguments-swapped replaces the two separate findings', () => {
      const got = ids('kl_div', { input: P, target: LOGP, reduction: 'batchmean' });
      assert.deepStrictEqual(got, ['kl-arguments-swapped']);
      none('kl_div', { input: LOGP, target: P, reduction: 'batchmean' }, 'kl-arguments-swapped');
    });
    it('target-not-normalized for a log target whose exp does not sum to 1', () => {
      const x = only('kl_div', { input: LOGP, target: map(LOGP, (v, i) => (i < 4 ? v - 1 : v)), reduction: 'batchmean', log_target: true }, 'target-not-normalized');
      assert.deepStrictEqual(x.rows, [0]);
    });
  });

  describe('kl-mean-reduction / kl-batchmean-1d', () => {
    it("reduction='mean' and the default (PyTorch's default is 'mean') are warned about", () => {
      const x = only('kl_div', { input: LOGP, target: PROBS, reduction: 'mean' }, 'kl-mean-reduction');
      assert.strictEqual(x.arg, 'reduction');
      assert.match(x.message, /all 12 elements instead of the batch size 3, so the value is the per-sample KL divided by 4\./);
      assert.match(x.fix, /batchmean/);
      only('kl_div', { input: LOGP, target: PROBS }, 'kl-mean-reduction');
    });
    it("batchmean and sum are not", () => {
      none('kl_div', { input: LOGP, target: PROBS, reduction: 'batchmean' }, 'kl-mean-reduction');
      none('kl_div', { input: LOGP, target: PROBS, reduction: 'sum' }, 'kl-mean-reduction');
    });
    it("distillation_loss kl_reduction='mean' (the classic code) is warned about, batchmean is not", () => {
      const args = { student: LOGITS, teacher: map(LOGITS, (v) => -v), labels: idx([0, 1, 3]), temperature: 4, alpha: 0.9 };
      const x = only('distillation_loss', { ...args, kl_reduction: 'mean' }, 'kl-mean-reduction');
      assert.match(x.message, /N·C = 12 instead of N = 3, so the distillation term is 4 times smaller/);
      none('distillation_loss', { ...args, kl_reduction: 'batchmean' }, 'kl-mean-reduction');
      only('distillation_loss', args, 'kl-mean-reduction'); // the op's default, like nn.KLDivLoss()
    });
    it('a 1-D input with batchmean divides by C: information', () => {
      const x = only('kl_div', { input: logSoftmax(f([4], [1, 2, 3, 4]), 0), target: softmax(f([4], [4, 3, 2, 1]), 0), reduction: 'batchmean' }, 'kl-batchmean-1d');
      assert.strictEqual(x.severity, 'info');
      none('kl_div', { input: logSoftmax(f([4], [1, 2, 3, 4]), 0), target: softmax(f([4], [4, 3, 2, 1]), 0), reduction: 'sum' }, 'kl-batchmean-1d');
      none('kl_div', { input: LOGP, target: PROBS, reduction: 'batchmean' }, 'kl-batchmean-1d');
    });
  });

  describe('probability targets', () => {
    it('target-not-normalized names the rows that do not sum to 1', () => {
      const t = map(PROBS, (v, i) => (i >= 4 && i < 8 ? v / 2 : v));
      const x = only('cross_entropy', { input: LOGITS, target: t }, 'target-not-normalized');
      assert.deepStrictEqual(x.rows, [1]);
      assert.match(x.message, /^1 of 3 rows of target \[3,4\] do not sum to 1 \(row 1 sums to 0\.5\)/);
      only('kl_div', { input: LOGP, target: t, reduction: 'batchmean' }, 'target-not-normalized');
    });
    it('target-not-normalized tolerates float32 rounding', () => none('cross_entropy', { input: LOGITS, target: map(PROBS, (v) => Math.fround(v)) }, 'target-not-normalized'));
    it('target-not-probabilities: negative values (logits as target)', () => {
      const x = only('cross_entropy', { input: LOGITS, target: LOGITS }, 'target-not-probabilities');
      assert.match(x.message, /negative values \(min -2\)/);
      assert.match(x.fix, /softmax/);
    });
    it('target-not-probabilities: log-probabilities as a cross_entropy target', () => {
      assert.match(only('cross_entropy', { input: LOGITS, target: LOGP }, 'target-not-probabilities').message, /looks like log-probabilities/);
      none('cross_entropy', { input: LOGITS, target: PROBS }, 'target-not-probabilities');
    });
  });

  describe('class-axis-transposed', () => {
    it('[C, N] logits with N targets', () => {
      const x = only('cross_entropy', { input: f([4, 3], Array.from(LOGITS.data)), target: idx([0, 1, 2]) }, 'class-axis-transposed');
      assert.strictEqual(x.severity, 'error');
      assert.match(x.message, /looks like \[C, N\] instead of \[N, C\]/);
      assert.match(x.fix, /input\.T/);
      none('cross_entropy', { input: LOGITS, target: idx([0, 1, 2]) }, 'class-axis-transposed');
    });
    it('[N, T, C] sequence logits with an [N, T] target', () => {
      const x = only('cross_entropy', { input: f([2, 3, 5], Array.from({ length: 30 }, (_, i) => Math.sin(i))), target: idx([0, 1, 2, 3, 4, 0], [2, 3]) }, 'class-axis-transposed');
      assert.match(x.fix, /transpose\(1, 2\)/);
      none('cross_entropy', { input: f([2, 5, 3], Array.from({ length: 30 }, (_, i) => Math.sin(i))), target: idx([0, 1, 2, 3, 4, 0], [2, 3]) }, 'class-axis-transposed');
    });
    it('a kl_div target softmaxed along dim 0', () => {
      const x = only('kl_div', { input: LOGP, target: softmax(LOGITS, 0), reduction: 'batchmean' }, 'class-axis-transposed');
      assert.strictEqual(x.arg, 'target');
      none('kl_div', { input: LOGP, target: softmax(LOGITS, 1), reduction: 'batchmean' }, 'class-axis-transposed');
    });
    it('nll_loss input log_softmaxed along dim 0', () => {
      assert.match(only('nll_loss', { input: logSoftmax(LOGITS, 0), target: idx([0, 1, 3]) }, 'class-axis-transposed').message, /ran along dim 0/);
    });
    it('a target of the transposed shape', () => {
      assert.strictEqual(only('kl_div', { input: LOGP, target: f([4, 3], Array.from(PROBS.data)), reduction: 'batchmean' }, 'class-axis-transposed').arg, 'target');
      assert.strictEqual(only('distillation_loss', { student: LOGITS, teacher: f([4, 3], Array.from(LOGITS.data)), labels: idx([0, 1, 2]), temperature: 2, alpha: 0.5, kl_reduction: 'batchmean' }, 'class-axis-transposed').arg, 'teacher');
    });
  });

  describe('binary losses', () => {
    const T01 = f([3, 4], [1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0]);
    it('sigmoid-twice: BCE-with-logits on sigmoid output', () => {
      const x = only('binary_cross_entropy_with_logits', { input: map(LOGITS, sigmoid), target: T01 }, 'sigmoid-twice');
      assert.match(x.message, /sigmoid applied twice/);
      only('multilabel_soft_margin_loss', { input: map(LOGITS, sigmoid), target: T01 }, 'sigmoid-twice');
    });
    it('sigmoid-twice does not fire for logits or for all-zero logits', () => {
      none('binary_cross_entropy_with_logits', { input: LOGITS, target: T01 }, 'sigmoid-twice');
      none('binary_cross_entropy_with_logits', { input: f([3, 4], new Array(12).fill(0)), target: T01 }, 'sigmoid-twice');
    });
    it('bce-logits-input: binary_cross_entropy on logits', () => {
      const x = only('binary_cross_entropy', { input: LOGITS, target: T01 }, 'bce-logits-input');
      assert.strictEqual(x.severity, 'error');
      assert.match(x.fix, /binary_cross_entropy_with_logits/);
      none('binary_cross_entropy', { input: map(LOGITS, sigmoid), target: T01 }, 'bce-logits-input');
    });
    it('bce-target-range: ±1 labels get the (t + 1) / 2 fix', () => {
      const x = only('binary_cross_entropy_with_logits', { input: LOGITS, target: map(T01, (v) => 2 * v - 1) }, 'bce-target-range');
      assert.match(x.fix, /\(target \+ 1\) \/ 2/);
      assert.match(only('binary_cross_entropy', { input: PROBS, target: map(T01, (v) => 3 * v) }, 'bce-target-range').fix, /\[0,1\]/);
      none('binary_cross_entropy_with_logits', { input: LOGITS, target: map(T01, (v) => 0.9 * v + 0.05) }, 'bce-target-range');
    });
  });

  describe('class-index targets', () => {
    it('float-class-indices', () => {
      assert.strictEqual(only('cross_entropy', { input: LOGITS, target: f([3], [0, 1, 3]) }, 'float-class-indices').severity, 'error');
      none('cross_entropy', { input: LOGITS, target: idx([0, 1, 3]) }, 'float-class-indices');
    });
    it('target-out-of-range lists the rows', () => {
      const x = only('cross_entropy', { input: LOGITS, target: idx([0, 4, 7]) }, 'target-out-of-range');
      assert.deepStrictEqual(x.rows, [1, 2]);
      assert.strictEqual(x.message, 'target has 2 values outside [0, 4) that are not ignore_index=-100 (e.g. 4 at row 1).');
    });
    it('1-based labels are recognised', () => {
      assert.match(only('nll_loss', { input: LOGP, target: idx([1, 4, 2]) }, 'target-out-of-range').fix, /1-based .*subtract 1/);
    });
    it('-1 padding suggests ignore_index=-1', () => {
      assert.match(only('cross_entropy', { input: LOGITS, target: idx([0, -1, -1]) }, 'target-out-of-range').fix, /ignore_index=-1/);
    });
    it('ignore_index is not out of range, except where the op has none', () => {
      none('cross_entropy', { input: LOGITS, target: idx([0, -100, 3]) }, 'target-out-of-range');
      none('cross_entropy', { input: LOGITS, target: idx([0, 9, 3]), ignore_index: 9 }, 'target-out-of-range');
      only('label_smoothing_cross_entropy', { input: LOGITS, target: idx([0, -100, 3]), smoothing: 0.1 }, 'target-out-of-range');
    });
    it('distillation labels are checked', () => {
      assert.strictEqual(only('distillation_loss', { student: LOGITS, teacher: LOGITS, labels: idx([0, 1, 4]), temperature: 2, alpha: 0.5, kl_reduction: 'batchmean' }, 'target-out-of-range').arg, 'labels');
    });
    it('the rows list is capped', () => {
      const x = only('cross_entropy', { input: f([20, 2], new Array(40).fill(0.5)), target: idx(new Array(20).fill(5)) }, 'target-out-of-range');
      assert.strictEqual(x.rows?.length, MAX_FINDING_ROWS);
    });
    it("all-ignored with reduction='mean' is an error (NaN), with 'sum' information", () => {
      const mean = only('cross_entropy', { input: LOGITS, target: idx([-100, -100, -100]) }, 'all-ignored');
      assert.strictEqual(mean.severity, 'error');
      assert.match(mean.message, /NaN/);
      assert.strictEqual(only('nll_loss', { input: LOGP, target: idx([-100, -100, -100]), reduction: 'sum' }, 'all-ignored').severity, 'info');
      none('cross_entropy', { input: LOGITS, target: idx([-100, 2, -100]) }, 'all-ignored');
    });
    it('zero-weight-sum: every counted target has weight 0', () => {
      const w = f([4], [0, 1, 1, 1]);
      assert.strictEqual(only('cross_entropy', { input: LOGITS, target: idx([0, 0, -100]), weight: w }, 'zero-weight-sum').arg, 'weight');
      none('cross_entropy', { input: LOGITS, target: idx([0, 1, -100]), weight: w }, 'zero-weight-sum');
      none('cross_entropy', { input: LOGITS, target: idx([0, 0, -100]), weight: w, reduction: 'sum' }, 'zero-weight-sum');
    });
  });

  describe('distillation options', () => {
    const base = { student: LOGITS, teacher: LOGITS, labels: idx([0, 1, 3]), kl_reduction: 'batchmean' };
    it('temperature-not-positive', () => {
      only('distillation_loss', { ...base, temperature: 0, alpha: 0.5 }, 'temperature-not-positive');
      none('distillation_loss', { ...base, temperature: 2, alpha: 0.5 }, 'temperature-not-positive');
    });
    it('alpha-out-of-range', () => {
      only('distillation_loss', { ...base, temperature: 2, alpha: 1.5 }, 'alpha-out-of-range');
      none('distillation_loss', { ...base, temperature: 2, alpha: 1 }, 'alpha-out-of-range');
    });
  });

  it('lists errors before warnings before information', () => {
    const got = run('cross_entropy', { input: map(LOGP, (v, i) => (i === 0 ? NaN : v)), target: idx([-100, -100, -100]) });
    const rank = { error: 0, warning: 1, info: 2 };
    assert.ok(got.length >= 2);
    for (let i = 1; i < got.length; i++) assert.ok(rank[got[i - 1].severity] <= rank[got[i].severity], JSON.stringify(got));
  });

  it('never throws on odd calls (mismatched shapes, empty and 0-d tensors, missing args)', () => {
    const odd: [string, Record<string, ArgValue>][] = [
      ['cross_entropy', { input: f([0, 4], []), target: idx([]) }],
      ['cross_entropy', { input: f([], [1]), target: idx([0], []) }],
      ['cross_entropy', { input: f([4], [1, 2, 3, 4]), target: idx([2], []) }],
      ['cross_entropy', { input: LOGITS, target: idx([0, 1]) }],
      ['kl_div', { input: f([], [-1]), target: f([], [0.5]) }],
      ['kl_div', { input: LOGP, target: f([4], [0.25, 0.25, 0.25, 0.25]) }],
      ['kl_div', { input: LOGP }],
      ['nll_loss', { input: f([2, 0], []), target: idx([0, 0]) }],
      ['distillation_loss', {}],
      ['binary_cross_entropy', { input: f([0], []), target: f([0], []) }],
      ['jsd_cross_entropy', { input: LOGITS, target: idx([0]), num_splits: 3, alpha: 12, smoothing: 0.1 }],
      ['no_such_op', { input: LOGITS, x: 3, y: null }],
    ];
    for (const [op, args] of odd) assert.doesNotThrow(() => diagnose(op, args), `${op}`);
  });

  describe('large inputs are sampled', () => {
    const N = 4096;
    const C = 50257;
    let big: Tensor;
    before(function () {
      this.timeout(60000); // allocating and filling 1.6 GB
      const data = new Float64Array(N * C).fill(-Math.log(C));
      data[5] = NaN; // in row 0, inside the first sampled block and the first sampled row
      big = { shape: [N, C], data, dtype: 'float32' };
    });
    after(() => {
      big = undefined as unknown as Tensor;
    });
    it(`[${N}, ${C}] kl_div and cross_entropy run well under a second`, function () {
      this.timeout(60000);
      const target = idx(Array.from({ length: N }, (_, i) => i % C));
      for (const [op, args] of [
        ['kl_div', { input: big, target: big, reduction: 'mean' }],
        ['cross_entropy', { input: big, target }],
        ['nll_loss', { input: big, target }],
        ['binary_cross_entropy_with_logits', { input: big, target: big }],
      ] as [string, Record<string, ArgValue>][]) {
        const t0 = Date.now();
        const got = diagnose(op, args);
        const ms = Date.now() - t0;
        assert.ok(ms < 500, `${op} took ${ms} ms`);
        assert.ok(got.length > 0, `${op}: a finding was expected`);
      }
    });
    it('a sampled finding says so, and NaN in a sampled block is found', () => {
      const x = only('cross_entropy', { input: big, target: idx(new Array(N).fill(0)) }, 'nan-values');
      assert.deepStrictEqual(x.rows, [0]);
      assert.match(x.message, new RegExp(`sampled ${SAMPLE_ELEMENTS} of ${N * C} elements`));
      const k = only('kl_div', { input: big, target: big, reduction: 'batchmean' }, 'kl-log-target');
      assert.match(k.message, /sampled \d+ of 4096 rows/);
    });
  });

  it('imports only the tensor helpers, the op types and the kernels (no cycle through the registry)', () => {
    const src = fs.readFileSync(path.resolve(__dirname, '../../../../src/engine/diagnostics.ts'), 'utf8');
    const specs = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepStrictEqual(specs, ['./kernels', './op', './tensor']);
  });
});
