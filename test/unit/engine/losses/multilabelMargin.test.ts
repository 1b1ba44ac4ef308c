import * as assert from 'assert';
import { multilabelMarginLoss, multilabelMarginLossBackward } from '../../../../src/engine/losses/multilabelMargin';
import { registry } from '../../../../src/engine/registry';
import { Tensor, tensor } from '../../../../src/engine/tensor';
import { allNear, near, throwsEngine } from '../../../support/numeric';
import { assertGradMatchesFiniteDifference } from '../../../support/finiteDifference';

const f = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'float64');
const ints = (shape: number[], data: number[]): Tensor => tensor(shape, data, 'int64');
const values = (t: Tensor): number[] => Array.from(t.data, (v) => v + 0);

describe('engine/losses/multilabelMargin', () => {
  const x = f([1, 4], [0.1, 0.2, 0.4, 0.8]);

  it("PyTorch's doc example: targets {3, 0} against non-targets {1, 2} give 0.85", () => {
    near(multilabelMarginLoss(x, ints([1, 4], [3, 0, -1, 1])).data[0], (0.4 + 0.6 + 1.1 + 1.3) / 4);
  });

  it('entries after the first −1 are ignored; a repeated index counts twice; no targets or all targets cost 0', () => {
    const a = multilabelMarginLoss(x, ints([1, 4], [3, -1, 0, 1]), { reduction: 'sum' }).data[0];
    near(a, (0.3 + 0.4 + 0.6) / 4);
    near(multilabelMarginLoss(x, ints([1, 4], [3, 3, -1, 1]), { reduction: 'sum' }).data[0], 2 * a);
    assert.strictEqual(multilabelMarginLoss(x, ints([1, 4], [-1, 3, 2, 1])).data[0], 0);
    assert.strictEqual(multilabelMarginLoss(x, ints([1, 4], [0, 1, 2, 3])).data[0], 0);
  });

  it("shapes: [N, C] gives [N] for 'none', [C] and 0-d give 0-d; mean divides by N; an empty batch's mean is NaN", () => {
    const two = multilabelMarginLoss(f([2, 2], [0, 0, 5, 0]), ints([2, 2], [0, -1, 1, -1]), { reduction: 'none' });
    assert.deepStrictEqual(two.shape, [2]);
    assert.deepStrictEqual(values(two), [0.5, 3]);
    near(multilabelMarginLoss(f([2, 2], [0, 0, 5, 0]), ints([2, 2], [0, -1, 1, -1])).data[0], 1.75);
    assert.deepStrictEqual(multilabelMarginLoss(f([2], [0, 1]), ints([2], [0, -1]), { reduction: 'none' }).shape, []);
    assert.deepStrictEqual(multilabelMarginLoss(f([], [3]), ints([], [0]), { reduction: 'none' }).shape, []);
    assert.ok(Number.isNaN(multilabelMarginLoss(f([0, 3], []), ints([0, 3], [])).data[0]));
    assert.strictEqual(multilabelMarginLoss(f([0, 3], []), ints([0, 3], []), { reduction: 'sum' }).data[0], 0);
  });

  it('gradient: +1/C on each active non-target, −1/C on its target; a hinge exactly at 0 is inactive', () => {
    const g = multilabelMarginLossBackward(x, ints([1, 4], [3, 0, -1, 1]), { reduction: 'sum' });
    allNear(g.input.data, [-0.5, 0.5, 0.5, -0.5]);
    const tie = multilabelMarginLossBackward(f([1, 3], [1, 0, 2]), ints([1, 3], [0, -1, -1]), { reduction: 'sum' });
    assert.deepStrictEqual(values(tie.input), [-1 / 3, 0, 1 / 3]);
  });

  it('a NaN score fails the kernel’s z > 0 test and adds nothing, as in PyTorch', () => {
    const out = multilabelMarginLoss(f([1, 3], [NaN, 0, 1]), ints([1, 3], [1, -1, 0]), { reduction: 'none' });
    near(out.data[0], 2 / 3);
  });

  it('matches finite differences', () =>
    assertGradMatchesFiniteDifference('multilabel_margin_loss', { input: f([2, 4], [0.3, -1.2, 2.5, 0.05, 1.7, -0.6, 0.2, 0.9]), target: ints([2, 4], [2, 0, -1, 3, 1, -1, 0, 0]), reduction: 'none' }, ['input'], f([2], [1.5, -0.5])));

  it('rejects a float or out-of-range target (even after −1), a wrong target shape and a non-[C]/[N, C] input', () => {
    throwsEngine(() => multilabelMarginLoss(f([1, 3], [0, 0, 0]), f([1, 3], [0, -1, -1])), 'invalid_target', 'multilabel_margin_loss: target is float64; give class indices padded with -1 as an int64 tensor.');
    throwsEngine(
      () => multilabelMarginLoss(f([1, 3], [0, 0, 0]), ints([1, 3], [0, -1, 3])),
      'invalid_target',
      'multilabel_margin_loss: target element 2 = 3 is out of range for 3 classes; use class indices in [0, 2], ended by -1.',
    );
    throwsEngine(
      () => multilabelMarginLoss(f([1, 3], [0, 0, 0]), ints([1, 3], [-2, -1, 0])),
      'invalid_target',
      'multilabel_margin_loss: target element 0 = -2 is out of range for 3 classes; use class indices in [0, 2], ended by -1.',
    );
    throwsEngine(
      () => multilabelMarginLoss(f([2, 3], [0, 0, 0, 0, 0, 0]), ints([3], [0, -1, -1])),
      'shape_mismatch',
      "multilabel_margin_loss: target [3] must have input's shape [2,3]: per sample, its target class indices padded with -1.",
    );
    throwsEngine(() => multilabelMarginLoss(f([2, 0], []), ints([2, 0], [])), 'shape_mismatch', 'multilabel_margin_loss: input [2,0] must be [C] or [N, C] with C > 0.');
    throwsEngine(() => multilabelMarginLoss(f([1, 1, 1], [0]), ints([1, 1, 1], [0])), 'shape_mismatch', 'multilabel_margin_loss: input [1,1,1] must be [C] or [N, C] with C > 0.');
  });

  it('registers with PyTorch’s argument order and defaults', () => {
    assert.deepStrictEqual(registry.get('multilabel_margin_loss').args.map((a) => `${a.name}=${String(a.default)}`), ['input=undefined', 'target=undefined', 'reduction=mean']);
  });
});
