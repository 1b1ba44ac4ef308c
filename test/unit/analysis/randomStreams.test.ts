/**
 * Seeded randomness in notebook order: values after `torch.manual_seed` / `np.random.seed` are
 * PyTorch's and NumPy's (expected values from scripts/oracle/generate_seeded_cells.py, run with
 * Debian's torch 1.13 and numpy 1.24), state carries across cells, and anything Loss Lens does
 * not follow between the seed and a draw makes the draw a refusal that names it.
 */
import * as assert from 'assert';
import { EvaluateResult, evaluateAt } from '../../../src/analysis/evaluateAt';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport numpy as np\n';

function hover(cells: string[], needle: string): EvaluateResult | null {
  const src = cells[cells.length - 1];
  const at = src.lastIndexOf(needle);
  assert.ok(at >= 0, `'${needle}' not in the cell`);
  return evaluateAt(cells.map((source) => ({ source, outputs: [] })), cells.length - 1, at + needle.length - 1);
}

function values(r: EvaluateResult | null): number[] {
  if (r?.kind === 'loss') return typeof r.value === 'number' ? [r.value] : Array.from(r.value.data);
  if (r?.kind === 'tensor') return Array.from(r.tensor.data);
  if (r?.kind === 'number') return [r.value];
  throw new assert.AssertionError({ message: `expected a value, got ${JSON.stringify(r)}` });
}

/** Within FORMAT.md's float32 tolerance: the engine sums in float64 where PyTorch sums in float32. */
function near(got: number, want: number): void {
  assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);
}

const SEED0 = `${HEADER}torch.manual_seed(0)\nx = torch.randn(3, 5)\nt = torch.randint(0, 5, (3,))\n`;

describe('analysis/randomStreams', () => {
  it('torch.manual_seed(0) then randn and randint: the loss is PyTorch\'s, with where the values came from', () => {
    const r = hover([`${SEED0}l = F.cross_entropy(x, t)\nl`], 'l');
    assert.ok(r?.kind === 'loss');
    near(values(r)[0], 2.272947072982788);
    assert.ok(r.provenance.some((n) => /torch\.randn: drawn from the seed set at line 5/.test(n)), r.provenance.join('; '));
  });

  it('the generator state carries into the next cell, and an unchanged first cell keeps its values', () => {
    const next = 'y = torch.rand(4, 5)\nl = F.mse_loss(y, torch.zeros(4, 5))\nl';
    near(values(hover([SEED0, next], 'l'))[0], 0.3758733868598938);
    assert.strictEqual(values(hover([SEED0, 'y = torch.rand(4, 5)\ny'], 'y'))[0], 0.03171950578689575);
    // Editing the second cell (the first is reused from the cache) does not disturb the first's stream.
    assert.deepStrictEqual(values(hover([SEED0, 'w = torch.rand(2)\nw'], 'w')).length, 2);
    near(values(hover([`${SEED0}l = F.cross_entropy(x, t)\nl`], 'l'))[0], 2.272947072982788);
  });

  it('np.random.seed(0): randn, randint and rand, bit for bit', () => {
    const cell = `${HEADER}np.random.seed(0)\na = np.random.randn(3)\nb = np.random.randint(0, 10, size=4)\nc = np.random.rand()\n`;
    assert.deepStrictEqual(values(hover([`${cell}a`], 'a')), [1.764052345967664, 0.4001572083672233, 0.9787379841057392]);
    assert.deepStrictEqual(values(hover([`${cell}b`], 'b')), [9, 3, 5, 2]);
    assert.deepStrictEqual(values(hover([`${cell}c`], 'c')), [0.4375872112626925]);
  });

  it('a loss object does not disturb the stream; a layer, a model call or a loop over a loader does, and is named', () => {
    const ok = hover([`${HEADER}torch.manual_seed(42)\ncrit = nn.CrossEntropyLoss()\nz = torch.randn(20, 4, requires_grad=True)\nlab = torch.randint(4, (20,))\nz`], 'z');
    assert.strictEqual(values(ok)[0], 1.9269152879714966);
    for (const [between, named] of [
      ['model = nn.Linear(4, 4)', /`nn.Linear\(\.\.\.\)` \(line 6\), which may initialise weights/],
      ['out = model(z0)', /`model\(\.\.\.\)` \(line 6\)/],
      ['for xb in loader:\n    pass', /the loop over `loader` \(line 6\)/],
      ['if flag:\n    q = torch.randn(2)', /in a loop or a branch \(line 7\)/],
    ] as const) {
      const r = hover([`${HEADER}torch.manual_seed(42)\n${between}\nz = torch.randn(20, 4)\nz`], 'z');
      assert.ok(r?.kind === 'unknown' && named.test(r.reason), `${between}: ${JSON.stringify(r)}`);
    }
  });

  it('a draw past the hover\'s memory budget is refused naming the bound, and the next draw still works', () => {
    const big = hover([`${HEADER}torch.manual_seed(0)\nz = torch.randn(10000, 1000)\nz`], 'z');
    assert.ok(big?.kind === 'unknown' && /64 MB/.test(big.reason), JSON.stringify(big));
    assert.strictEqual(values(hover([`${SEED0}x`], 'x')).length, 15);
  });

  it('without a seed a draw stays unknown', () => {
    const r = hover([`${HEADER}z = torch.randn(2)\nz`], 'z');
    assert.ok(r?.kind === 'unknown' && /draws random numbers/.test(r.reason));
  });
});
