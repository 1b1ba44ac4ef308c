/** The hover Markdown: values, options, CE = H + KL, provenance, findings; tensor summaries. */
import * as assert from 'assert';
import { evaluateAt } from '../../../src/analysis/evaluateAt';
import { formatLossHover, formatNumberHover, formatProblemHover, formatTensorHover } from '../../../src/analysis/hoverText';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

function at(src: string, needle: string, outputs: string[] = []) {
  const source = HEADER + src;
  return evaluateAt([{ source, outputs }], 0, source.lastIndexOf(needle) + needle.length - 1);
}

describe('analysis/hoverText', () => {
  it('a loss with a distribution target shows the value, the resolved options and CE = H(p) + KL(p‖q)', () => {
    const r = at("input = torch.Tensor([[-0.1, 0.2, -0.4, 0.3]])\ntarget = torch.Tensor([[-0.7, 0.1, -0.1, 0.1]])\nce = nn.CrossEntropyLoss()\nl = ce(input, torch.softmax(target, dim=1))\nl", 'l');
    assert.ok(r?.kind === 'loss');
    const md = formatLossHover(r);
    assert.match(md, /^\*\*cross\\_entropy\*\* = \*\*1\.3832082\*\*/);
    assert.match(md, /`reduction='mean'`/);
    assert.match(md, /`target=float32 \[1,4\]`/);
    assert.match(md, /CE = H\(p\) \+ KL\(p‖q\)\*\* \(mean over rows\): 1\.38321 = 1\.34429 \+ 0\.0389139/);
  });

  it('class-index targets have no H + KL line; arithmetic names the loss call; provenance and findings are listed', () => {
    const r = at('x = torch.randn(2, 3)\ny = torch.tensor([0, 1])\nl = F.cross_entropy(F.softmax(x, dim=1), y) * 2\nl', 'l');
    assert.strictEqual(r?.kind, 'unknown');
    const second = 'y = torch.tensor([0, 1])\nl = F.cross_entropy(F.softmax(x, dim=1), y) * 2\nl';
    const r2 = evaluateAt([{ source: `${HEADER}x = torch.randn(2, 3)\nx`, outputs: ['tensor([[ 1.0000, 2.0000, 3.0000],\n [ 0.0000, 0.0000, 9.0000]])'] }, { source: second, outputs: [] }], 1, second.length - 1);
    assert.ok(r2?.kind === 'loss', JSON.stringify(r2));
    const md = formatLossHover(r2);
    assert.ok(!/H\(p\) \+ KL/.test(md));
    assert.match(md, /^\*\*cross\\_entropy\*\* = \*\*2\.9236321\*\*\n\n`l` from `F\.cross_entropy\(F\.softmax\(x, dim=1\), y\)` = 1\.461816/);
    assert.match(md, /_x: from the printed output, 4 decimals_/);
    assert.match(md, /⚠️ .*softmax/i);
  });

  it('a tensor shows shape, dtype and per-row softmax top entries, entropy and argmax', () => {
    const r = at('x = torch.tensor([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0]])\nx', 'x');
    assert.ok(r?.kind === 'tensor');
    const md = formatTensorHover(r);
    assert.match(md, /^`x`: \*\*float32\*\* tensor, shape \*\*\[2, 3\]\*\*/);
    assert.match(md, /Softmax over the last dim \(3 classes\)/);
    assert.match(md, /\| 0 \| 0: 0\.3333, 1: 0\.3333, 2: 0\.3333 \| 1\.099 \| 0 \|/);
    assert.match(md, /\| 1 \| 0: 0\.9999, .* \| 0 \|/);
  });

  it('rows that sum to 1 read as probabilities; int tensors list values and the classes they need', () => {
    const p = at('p = torch.tensor([[0.25, 0.75]])\np', 'p');
    assert.ok(p?.kind === 'tensor');
    assert.match(formatTensorHover(p), /Rows sum to 1: these look like probabilities\.[\s\S]*\| 0 \| 1: 0\.75, 0: 0\.25 \| 0\.5623 \| 1 \|/);
    const y = at('y = torch.tensor([0, 4])\ny', 'y');
    assert.ok(y?.kind === 'tensor');
    assert.match(formatTensorHover(y), /values \[0, 4\] \(from 0 to 4; as class indices they need at least 5 classes\)/);
  });

  it('unknown, error and number hovers', () => {
    const u = at('x = torch.randn(3)\nx', 'x');
    assert.ok(u?.kind === 'unknown');
    assert.match(formatProblemHover(u), /^\*\*Loss Lens cannot compute `x`\*\*\n\n`x` comes from torch\.randn\(\.\.\.\)/);
    const e = at('v = eval("2")\nv', 'v');
    assert.ok(e?.kind === 'error');
    assert.match(formatProblemHover(e), /`eval`: error[\s\S]*`eval\(\.\.\.\)` is refused/);
    const n = at('1.3832 - 1.3443', ' - ');
    assert.ok(n?.kind === 'number');
    assert.strictEqual(formatNumberHover(n), '`1.3832 - 1.3443` = **0.0389**');
  });
});
