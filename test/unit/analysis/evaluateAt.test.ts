/**
 * evaluateAt on small cells: each expression form, loss modules and functional calls through the
 * registry, cross-cell names, output-backed names, unknown-name messages, refusals and errors.
 */
import * as assert from 'assert';
import * as fc from 'fast-check';
import { EvaluateResult, evaluateAt } from '../../../src/analysis/evaluateAt';
import { CellInput } from '../../../src/analysis/notebook';
import { registry } from '../../../src/engine/registry';
import type { Tensor } from '../../../src/engine/tensor';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport numpy as np\n';

/** Hovers the last character of the last occurrence of `needle` in the last cell. */
function hover(cells: CellInput[] | string, needle: string, delta?: number): EvaluateResult | null {
  const cs = typeof cells === 'string' ? [{ source: HEADER + cells, outputs: [] }] : cells;
  const src = cs[cs.length - 1].source;
  const at = src.lastIndexOf(needle);
  assert.ok(at >= 0, `'${needle}' not in the cell`);
  return evaluateAt(cs, cs.length - 1, at + (delta ?? needle.length - 1));
}

function tensorOf(r: EvaluateResult | null): Tensor {
  if (r?.kind === 'tensor') return r.tensor;
  if (r?.kind === 'loss' && typeof r.value !== 'number') return r.value;
  throw new assert.AssertionError({ message: `expected a tensor, got ${JSON.stringify(r)}` });
}

function valuesOf(r: EvaluateResult | null): number[] {
  if (r?.kind === 'number') return [r.value];
  if (r?.kind === 'loss' && typeof r.value === 'number') return [r.value];
  return Array.from(tensorOf(r).data);
}

function near(got: readonly number[], want: readonly number[], tol = 1e-6): void {
  assert.strictEqual(got.length, want.length, `got ${got} want ${want}`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol, `element ${i}: got ${g}, want ${want[i]}`));
}

function lossValue(op: string, args: Record<string, unknown>): number[] {
  return Array.from((registry.call(op, args as never) as Tensor).data);
}

describe('analysis/evaluateAt', () => {
  describe('literals and dtypes', () => {
    it('python float lists are float32 in torch.tensor, int lists int64, bare lists float64', () => {
      assert.strictEqual(tensorOf(hover('a = torch.tensor([0.1, 0.2])\na', 'a')).dtype, 'float32');
      assert.strictEqual(tensorOf(hover('a = torch.tensor([1, 2])\na', 'a')).dtype, 'int64');
      assert.strictEqual(tensorOf(hover('a = [[0.5, 1.5]]\na', 'a')).dtype, 'float64');
      assert.strictEqual(tensorOf(hover('a = torch.LongTensor([1, 2])\na', 'a')).dtype, 'int64');
      assert.strictEqual(tensorOf(hover('a = np.array([1.0, 2.0])\na', 'a')).dtype, 'float64');
      const f = tensorOf(hover('a = torch.FloatTensor([[1/3, 2/3]])\na', 'a'));
      assert.strictEqual(f.dtype, 'float32');
      assert.strictEqual(f.data[0], Math.fround(1 / 3));
    });

    it('constructors of variables, casts and requires_grad', () => {
      const r = hover('y = [1, 2]\nt = torch.tensor(y, dtype=torch.float64)\nt', 't');
      assert.strictEqual(tensorOf(r).dtype, 'float64');
      assert.strictEqual(tensorOf(hover('t = torch.tensor([1, 2]).float()\nt', 't')).dtype, 'float32');
      assert.strictEqual(tensorOf(hover('t = torch.tensor([1.5]).long()\nt', 't')).data[0], 1);
      const g = hover('t = torch.tensor([1.0], requires_grad=True)\nt', 't');
      assert.strictEqual(g?.kind === 'tensor' && g.requiresGrad, true);
    });
  });

  describe('arithmetic with broadcasting', () => {
    it('+ - * / ** and unary minus on tensors and numbers', () => {
      near(valuesOf(hover('a = torch.tensor([[1.0], [2.0]])\nb = torch.tensor([10.0, 20.0])\nc = a + b\nc', 'c')), [11, 21, 12, 22]);
      near(valuesOf(hover('a = torch.tensor([1.0, 2.0])\nc = -a * 2 - 1\nc', 'c')), [-3, -5]);
      near(valuesOf(hover('a = torch.tensor([1.0, 4.0])\nc = a ** 0.5 / 2\nc', 'c')), [0.5, 1]);
      near(valuesOf(hover('T = 2\nc = 1 / T\nc', 'c')), [0.5]);
      near(valuesOf(hover('c = 7 // 2 + 2 ** 3\nc', 'c')), [11]);
    });

    it('promotes dtypes as torch: int64 / int gives float32, int64 * float gives float32, float32 + float64 gives float64', () => {
      assert.strictEqual(tensorOf(hover('a = torch.tensor([1, 2])\nc = a / 2\nc', 'c')).dtype, 'float32');
      assert.strictEqual(tensorOf(hover('a = torch.tensor([1, 2])\nc = a * 2\nc', 'c')).dtype, 'int64');
      assert.strictEqual(tensorOf(hover('a = torch.tensor([1, 2])\nc = a * 0.5\nc', 'c')).dtype, 'float32');
      assert.strictEqual(tensorOf(hover('a = torch.tensor([1.0])\nb = torch.tensor([1.0], dtype=torch.float64)\nc = a + b\nc', 'c')).dtype, 'float64');
    });

    it('a shape mismatch is an error naming both shapes', () => {
      const r = hover('a = torch.tensor([1.0, 2.0])\nb = torch.tensor([1.0, 2.0, 3.0])\nc = a + b\nc', 'c');
      assert.strictEqual(r?.kind, 'unknown' === r?.kind ? 'unknown' : 'error');
      assert.match(r && 'reason' in r ? r.reason : r && 'message' in r ? r.message : '', /\[2\].*\[3\]/);
    });
  });

  describe('tensor functions and methods', () => {
    const logits = 'x = torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])\n';
    it('F.softmax, torch.softmax, x.softmax, log_softmax, torch.log, torch.exp', () => {
      const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
      const s = e.reduce((a, b) => a + b);
      const want = [...e.map((v) => v / s), 1 / 3, 1 / 3, 1 / 3];
      near(valuesOf(hover(`${logits}p = F.softmax(x, dim=1)\np`, 'p')), want);
      near(valuesOf(hover(`${logits}p = torch.softmax(x, dim=1)\np`, 'p')), want);
      near(valuesOf(hover(`${logits}p = x.softmax(1)\np`, 'p')), want);
      near(valuesOf(hover(`${logits}p = torch.exp(F.log_softmax(x, dim=1))\np`, 'p')), want);
      near(valuesOf(hover(`${logits}p = torch.log_softmax(x, dim=-1).exp()\np`, 'p')), want);
      near(valuesOf(hover('p = torch.log(torch.tensor([1.0, 4.0]))\np', 'p')), [0, Math.log(4)]);
    });

    it('F.softmax without dim uses PyTorch\'s implicit dim and says so', () => {
      const r = hover(`${logits}p = F.softmax(x)\np`, 'p');
      assert.ok(r?.kind === 'tensor' && r.provenance.some((p) => /implicit choice dim=1/.test(p)), JSON.stringify(r));
    });

    it('F.one_hot(y, num_classes).float(), .sum(), .mean(), .detach(), .item()', () => {
      const oh = tensorOf(hover('y = torch.tensor([0, 2])\no = F.one_hot(y, num_classes=3).float()\no', 'o'));
      assert.deepStrictEqual([oh.dtype, [...oh.shape], Array.from(oh.data)], ['float32', [2, 3], [1, 0, 0, 0, 0, 1]]);
      assert.deepStrictEqual(tensorOf(hover('o = F.one_hot(torch.tensor([0, 9, 0]))\no', 'o')).shape, [3, 10]);
      near(valuesOf(hover(`${logits}s = x.sum()\ns`, 's')), [9]);
      near(valuesOf(hover(`${logits}s = x.mean(dim=1)\ns`, 's')), [2, 1]);
      near(valuesOf(hover(`${logits}s = x.detach().sum().item()\ns`, 's')), [9]);
    });

    it('indexing: x[0, None], x[[0, 1]], x[0], x[:, 1], x[..., None]', () => {
      const x = 'x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n';
      assert.deepStrictEqual(tensorOf(hover(`${x}y = x[0, None]\ny`, 'y')).shape, [1, 2]);
      near(valuesOf(hover(`${x}y = x[[0, 2]]\ny`, 'y')), [1, 2, 5, 6]);
      near(valuesOf(hover(`${x}y = x[1]\ny`, 'y')), [3, 4]);
      near(valuesOf(hover(`${x}y = x[:, 1]\ny`, 'y')), [2, 4, 6]);
      near(valuesOf(hover(`${x}y = x[1:, -1]\ny`, 'y')), [4, 6]);
      assert.deepStrictEqual(tensorOf(hover(`${x}y = x[..., None]\ny`, 'y')).shape, [3, 2, 1]);
      const r = hover(`${x}y = x[3]\ny`, 'y');
      assert.ok(r?.kind === 'error' && /out of bounds/.test(r.message), JSON.stringify(r));
    });

    it('torch.cat, torch.zeros, torch.arange', () => {
      const t = tensorOf(hover('d = torch.cat((torch.zeros([1, 2]), torch.tensor([[1, 2]])))\nd', 'd'));
      assert.deepStrictEqual([t.dtype, [...t.shape], Array.from(t.data)], ['float32', [2, 2], [0, 0, 1, 2]]);
      assert.deepStrictEqual(Array.from(tensorOf(hover('a = torch.arange(-2, 2)\na', 'a')).data), [-2, -1, 0, 1]);
    });
  });

  describe('loss modules and functional calls', () => {
    const data = 'x = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])\ny = torch.tensor([0, 1])\n';
    const xt = { shape: [2, 3], data: Float64Array.from([2, 1, 0.1, 0.5, 2.5, 0.3].map(Math.fround)), dtype: 'float32' as const };
    const yt = { shape: [2], data: Float64Array.of(0, 1), dtype: 'int64' as const };

    it('nn.CrossEntropyLoss(...) objects, torch.nn.X spelling, called like criterion(x, y)', () => {
      const want = lossValue('cross_entropy', { input: xt, target: yt });
      for (const ctor of ['nn.CrossEntropyLoss()', 'torch.nn.CrossEntropyLoss()']) {
        const r = hover(`${data}criterion = ${ctor}\nloss = criterion(x, y)\nloss`, 'loss');
        assert.strictEqual(r?.kind, 'loss');
        if (r?.kind !== 'loss') return;
        assert.strictEqual(r.op, 'cross_entropy');
        assert.strictEqual(r.args.reduction, 'mean');
        assert.strictEqual(r.callText, 'criterion(x, y)');
        near(valuesOf(r), want, 1e-6);
        assert.ok(r.breakdown, 'cross_entropy has a breakdown');
      }
    });

    it('constructor options map to op arguments, including positional ones and the legacy reduce', () => {
      const none = hover(`${data}c = nn.CrossEntropyLoss(reduction='none', label_smoothing=0.1)\nl = c(x, y)\nl`, 'l');
      assert.ok(none?.kind === 'loss' && none.args.reduction === 'none' && none.args.label_smoothing === 0.1);
      near(valuesOf(none), lossValue('cross_entropy', { input: xt, target: yt, reduction: 'none', label_smoothing: 0.1 }));
      const legacy = hover(`${data}c = nn.NLLLoss(reduce=False)\nl = c(F.log_softmax(x, dim=1), y)\nl`, 'l');
      assert.ok(legacy?.kind === 'loss' && legacy.args.reduction === 'none' && legacy.provenance.some((p) => /deprecated/.test(p)));
      const kl = hover(`${data}k = nn.KLDivLoss(reduction='batchmean', log_target=True)\nl = k(F.log_softmax(x, dim=1), F.log_softmax(x, dim=1))\nl`, 'l');
      assert.ok(kl?.kind === 'loss' && kl.args.log_target === true);
      near(valuesOf(kl), [0], 1e-7);
    });

    it('F.cross_entropy with keywords, F.kl_div, F.nll_loss, F.binary_cross_entropy(_with_logits), F.mse_loss', () => {
      near(valuesOf(hover(`${data}l = F.cross_entropy(x, y, reduction='sum')\nl`, 'l')), lossValue('cross_entropy', { input: xt, target: yt, reduction: 'sum' }));
      const p = 'p = torch.tensor([0.9, 0.2])\nt = torch.tensor([1.0, 0.0])\n';
      near(valuesOf(hover(`${p}l = F.binary_cross_entropy(p, t)\nl`, 'l')), [-(Math.log(Math.fround(0.9)) + Math.log(1 - Math.fround(0.2))) / 2], 1e-6);
      const pw = hover(`${p}c = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))\nl = c(p, t)\nl`, 'l');
      assert.ok(pw?.kind === 'loss' && pw.op === 'binary_cross_entropy_with_logits' && typeof pw.args.pos_weight === 'object');
      near(valuesOf(hover(`${p}l = F.mse_loss(p, t)\nl`, 'l')), [((Math.fround(0.9) - 1) ** 2 + Math.fround(0.2) ** 2) / 2], 1e-6);
      for (const [ctor, op] of [['nn.L1Loss()', 'l1_loss'], ['nn.SmoothL1Loss(beta=0.5)', 'smooth_l1_loss'], ['nn.HuberLoss(delta=2.0)', 'huber_loss'], ['nn.MSELoss()', 'mse_loss'], ['nn.BCELoss()', 'binary_cross_entropy']]) {
        const r = hover(`${p}c = ${ctor}\nl = c(p, t)\nl`, 'l');
        assert.ok(r?.kind === 'loss' && r.op === op, `${ctor}: ${JSON.stringify(r)}`);
      }
    });

    it("timm's LabelSmoothingCrossEntropy, SoftTargetCrossEntropy and JsdCrossEntropy", () => {
      const imp = 'from timm.loss import LabelSmoothingCrossEntropy, SoftTargetCrossEntropy, JsdCrossEntropy\n';
      const ls = hover(`${imp}${data}c = LabelSmoothingCrossEntropy(smoothing=0.2)\nl = c(x, y)\nl`, 'l');
      assert.ok(ls?.kind === 'loss' && ls.op === 'label_smoothing_cross_entropy' && ls.args.smoothing === 0.2);
      near(valuesOf(ls), lossValue('label_smoothing_cross_entropy', { input: xt, target: yt, smoothing: 0.2 }));
      const st = hover(`${imp}${data}c = SoftTargetCrossEntropy()\nl = c(x, F.softmax(x, dim=1))\nl`, 'l');
      assert.ok(st?.kind === 'loss' && st.op === 'soft_target_cross_entropy');
      const j = hover(`import timm.loss\n${data}j = timm.loss.JsdCrossEntropy(num_splits=2, alpha=0, smoothing=0)\nl = j(x, y[:1])\nl`, 'l');
      assert.ok(j?.kind === 'loss' && j.op === 'jsd_cross_entropy' && j.args.num_splits === 2, JSON.stringify(j));
    });

    it('arithmetic around losses keeps the loss: kl(...) * T * T, alpha * a + (1 - alpha) * b, .item()', () => {
      const src = `${data}T = 2.0\nalpha = 0.3\nkl = nn.KLDivLoss(reduction='batchmean')\nce = nn.CrossEntropyLoss()\ns = kl(F.log_softmax(x / T, dim=1), F.softmax(x.flip if False else x, dim=1))`;
      assert.ok(src);
      const base = `${data}T = 2.0\nalpha = 0.3\nkl = nn.KLDivLoss(reduction='batchmean')\nce = nn.CrossEntropyLoss()\nq = F.softmax(x / T, dim=1)\n`;
      const d = hover(`${base}d = kl(F.log_softmax(x / T, dim=1), q) * T * T\nd`, 'd');
      assert.ok(d?.kind === 'loss' && d.op === 'kl_div');
      const total = hover(`${base}d = kl(F.log_softmax(x, dim=1), q)\ntotal = alpha * ce(x, y) + (1 - alpha) * d * T * T\ntotal`, 'total');
      assert.ok(total?.kind === 'loss', JSON.stringify(total));
      const ce = valuesOf(hover(`${base}c = ce(x, y)\nc`, 'c'))[0];
      const kd = valuesOf(hover(`${base}d = kl(F.log_softmax(x, dim=1), q)\nd`, 'd'))[0];
      near(valuesOf(total), [Math.fround(0.3 * ce + 0.7 * kd * 4)], 1e-5);
      const item = hover(`${base}c = ce(x, y).item()\nc`, 'c');
      assert.ok(item?.kind === 'loss' && typeof item.value === 'number');
    });

    it('hovering an operator of the arithmetic shows the whole expression; hovering a tensor argument shows the tensor', () => {
      const src = `${data}ce = nn.CrossEntropyLoss()\nprint(ce(x, y) * 2)`;
      const op = hover(src, ' * 2', 1);
      assert.ok(op?.kind === 'loss' && op.expressionText === 'ce(x, y) * 2', JSON.stringify(op));
      const arg = hover(src, 'x, y)', 0);
      assert.ok(arg?.kind === 'tensor' && arg.name === 'x');
      const callee = hover(src, 'ce(x', 0);
      assert.ok(callee?.kind === 'loss' && callee.expressionText === 'ce(x, y) * 2');
    });

    it('engine errors surface with the engine message; bad constructor options are caught on their line', () => {
      const r = hover(`${data}l = F.cross_entropy(x, torch.tensor([0, 1, 2]))\nl`, 'l');
      assert.ok(r?.kind === 'error' && /cross_entropy/.test(r.message), JSON.stringify(r));
      const bad = hover(`${data}c = nn.KLDivLoss(reduction='avg')\nc(x, x)`, 'c(x, x)');
      assert.ok(bad?.kind === 'error' && /reduction='avg'/.test(bad.message), JSON.stringify(bad));
      const kw = hover(`${data}c = nn.CrossEntropyLoss(smoothing=0.1)\nc(x, y)`, 'c(x, y)');
      assert.ok(kw?.kind === 'error' && /unexpected keyword argument 'smoothing'/.test(kw.message), JSON.stringify(kw));
    });

    it('findings come from diagnose', () => {
      const r = hover(`${data}p = F.softmax(x, dim=1)\nl = F.cross_entropy(p, y)\nl`, 'l');
      assert.ok(r?.kind === 'loss' && (r.findings ?? []).some((f) => f.id === 'softmax-twice'), JSON.stringify(r && 'findings' in r ? r.findings : r));
    });
  });

  describe('notebook context', () => {
    it('resolves names from earlier cells and earlier lines, with reassignment', () => {
      const cells: CellInput[] = [
        { source: 'import torch\nimport torch.nn.functional as F', outputs: [] },
        { source: 'x = torch.tensor([[1.0, 2.0]])\nx = x * 2', outputs: [] },
        { source: 'y = torch.tensor([1])\nl = F.cross_entropy(x, y)\nl', outputs: [] },
      ];
      const r = hover(cells, 'l');
      assert.ok(r?.kind === 'loss');
      near(valuesOf(r), [Math.log(1 + Math.exp(-2))], 1e-6);
    });

    it('an uncomputable name echoed by its cell takes the printed value, with a provenance note', () => {
      const cells: CellInput[] = [
        { source: 'import torch\nimport torch.nn as nn', outputs: [] },
        { source: 'logits = torch.randn(1, 3)\nlogits', outputs: ['tensor([[ 0.5000, -1.2500, 2.0000]])'] },
        { source: 'labels = torch.empty(1, dtype=torch.long).random_(3)\nprint(labels)', outputs: ['tensor([2])\n'] },
        { source: 'loss = nn.CrossEntropyLoss()(logits, labels)\nloss', outputs: [] },
      ];
      const r = hover(cells, 'loss');
      assert.ok(r?.kind === 'loss', JSON.stringify(r));
      assert.deepStrictEqual(r.provenance, ['logits: from the printed output, 4 decimals', 'labels: from the printed output']);
      const lse = Math.log(Math.exp(0.5) + Math.exp(-1.25) + Math.exp(2));
      near(valuesOf(r), [lse - 2], 1e-6);
    });

    it('print(a, b.shape, c) pairs the printed tensors with the tensor arguments', () => {
      const cells: CellInput[] = [{ source: 'import torch\na = torch.randn(2)\nc = torch.rand(1)\nprint(a, a.shape, c)', outputs: ['tensor([0.1000, 0.2000]) torch.Size([2]) tensor([0.3000])\n'] }];
      near(valuesOf(evaluateAt(cells, 0, cells[0].source.indexOf('c = ') + 0)), [0.3], 1e-6);
    });

    it('says which name is unknown and why', () => {
      const r = hover('input = torch.randn(3, 5)\nt = torch.tensor([0, 1, 2])\nl = F.cross_entropy(input, t)\nl', 'l');
      assert.ok(r?.kind === 'unknown');
      assert.strictEqual(r.name, 'input');
      assert.match(r.reason, /^`input` comes from torch\.randn\(\.\.\.\), which Loss Lens cannot compute statically/);
      const undef = hover('l = F.cross_entropy(nope, t)\nl', 'l');
      assert.ok(undef?.kind === 'unknown' && undef.name === 'nope' && /not defined/.test(undef.reason));
      const load = hover('w = torch.load("w.pt")\nw', 'w');
      assert.ok(load?.kind === 'unknown' && /reads a file/.test(load.reason), JSON.stringify(load));
      const model = hover('out = model(x)\nout', 'out');
      assert.ok(model?.kind === 'unknown' && /model/.test(model.reason));
      const loop = hover('for i in range(3):\n    z = i\nz', 'z');
      assert.ok(loop?.kind === 'unknown' && /skips/.test(loop.reason), JSON.stringify(loop));
    });

    it('refuses unsafe calls by name', () => {
      for (const [src, name] of [['v = eval("1+1")\nv', 'eval'], ['v = __import__("os")\nv', '__import__'], ['v = open("f").read()\nv', 'open'], ['import os\nv = os.system("ls")\nv', 'os.system']] as const) {
        const r = hover(src, 'v');
        assert.ok(r?.kind === 'error' && r.message.includes(name) && /never runs code/.test(r.message), `${src}: ${JSON.stringify(r)}`);
      }
    });

    it('f-strings evaluate their fields, so hovering a field shows its value', () => {
      const r = hover('l = F.mse_loss(torch.tensor([1.0]), torch.tensor([3.0]))\nprint(f"loss: {l.item():.3f}")', 'l.item()');
      assert.ok(r?.kind === 'loss' && r.value === 4);
    });

    it('returns null on imports, skipped lines and whitespace', () => {
      assert.strictEqual(hover('x = 1', 'import torch'), null);
      assert.strictEqual(hover('def f(x):\n    return x', 'return'), null);
    });
  });

  describe('blocks', () => {
    // Values from /usr/bin/python3 with Debian's torch 1.13 (float32 results as torch prints them with .item()).
    const X = 'x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])\nt = torch.tensor([0, 2])\n';
    const CE = 0.7869851589202881;

    it('follows `if __name__ == "__main__":`, `with torch.no_grad():` and `try:` bodies', () => {
      for (const src of [
        `if __name__ == "__main__":\n    ${X.replace('\n', '\n    ')}    loss = F.cross_entropy(x, t)\n    print(loss)`,
        `${X}with torch.no_grad():\n    loss = F.cross_entropy(x, t)\nloss`,
        `${X}try:\n    loss = F.cross_entropy(x, t)\nexcept Exception as e:\n    loss = None\nfinally:\n    pass\nloss`,
      ]) {
        const r = hover(src, 'loss');
        assert.ok(r?.kind === 'loss', `${src}: ${JSON.stringify(r)}`);
        near(valuesOf(r), [CE]);
      }
    });

    it('a known condition picks its branch, for names after the chain and for hovers inside it', () => {
      const src = `${X}flag = False\nif flag:\n    z = x * 3\nelif t.sum() == 2:\n    z = x * 2\nelse:\n    z = x\nl = F.cross_entropy(z, t)\nl`;
      near(valuesOf(hover(src, 'l')), [1.0882744789123535]);
      const dead = hover(src, 'x * 3', 0);
      assert.ok(dead?.kind === 'error' && /does not run: the condition `flag` \(line \d+\) is false/.test(dead.message), JSON.stringify(dead));
      const elseArm = hover(src, '    z = x\n', 8);
      assert.ok(elseArm?.kind === 'error' && /`t.sum\(\) == 2` \(line \d+\) is true/.test(elseArm.message), JSON.stringify(elseArm));
      // No else and a false test: the name keeps its value from before the chain.
      near(valuesOf(hover(`${X}z = x\nif 1 > 2: z = x * 3\nF.cross_entropy(z, t)`, 'F.cross_entropy')), [CE]);
    });

    it('an undecidable condition is named, never guessed', () => {
      const r = hover(`${X}if torch.rand(1) > 0.5:\n    z = x * 2\nelse:\n    z = x\nl = F.cross_entropy(z, t)\nl`, 'l');
      assert.ok(r?.kind === 'unknown' && /`z` depends on the condition `torch.rand\(1\) > 0.5` \(line 7\), which Loss Lens cannot decide/.test(r.reason), JSON.stringify(r));
      // Inside the branch the value is the line's, with the condition it runs under.
      const inside = hover(`${X}if torch.rand(1) > 0.5:\n    l = F.cross_entropy(x, t)`, 'F.cross_entropy');
      assert.ok(inside?.kind === 'loss' && inside.provenance.some((n) => /runs only when `torch.rand\(1\) > 0.5`/.test(n)), JSON.stringify(inside));
    });

    it('a loss inside a loop body shows its value when its inputs do not change; loop-changed names are refused', () => {
      const same = hover(`${X}for epoch in range(3):\n    loss = F.cross_entropy(x, t)\n    print(loss)`, 'F.cross_entropy');
      near(valuesOf(same), [CE]);
      const changed = hover(`${X}for epoch in range(3):\n    loss = F.cross_entropy(x, t)\n    x = x * 2`, 'F.cross_entropy');
      assert.ok(changed?.kind === 'unknown' && /changes from one iteration to the next/.test(changed.reason), JSON.stringify(changed));
      const after = hover(`${X}for epoch in range(3):\n    loss = F.cross_entropy(x, t)\nloss`, 'loss');
      assert.ok(after?.kind === 'unknown' && /loop/.test(after.reason), JSON.stringify(after));
      const loopVar = hover(`${X}for i, (xb, yb) in enumerate(loader):\n    loss = F.cross_entropy(xb, yb)`, 'F.cross_entropy');
      assert.ok(loopVar?.kind === 'unknown' && loopVar.name === 'xb' && /loop variable/.test(loopVar.reason), JSON.stringify(loopVar));
    });

    it('def and class bodies: parameters are refused by name, module names are read with a note, the function is unknown after', () => {
      const param = hover(`${X}def loss_fn(logits, target):\n    return F.cross_entropy(logits, target)`, 'F.cross_entropy');
      assert.ok(param?.kind === 'unknown' && param.name === 'logits' && /parameter of `loss_fn`/.test(param.reason), JSON.stringify(param));
      const glob = hover(`${X}class M(nn.Module):\n    def forward(self):\n        return F.cross_entropy(x, t)`, 'F.cross_entropy');
      assert.ok(glob?.kind === 'loss' && glob.provenance.some((n) => /inside `def forward`/.test(n)), JSON.stringify(glob));
      near(valuesOf(glob), [CE]);
      const fn = hover(`${X}def f(a):\n    return a\nv = f(x)\nv`, 'v');
      assert.ok(fn?.kind === 'unknown' && /function defined in the notebook/.test(fn.reason), JSON.stringify(fn));
    });

    it("a loop's else runs after the loop when the body has no break; with a break it is not followed", () => {
      const plain = hover(`${X}for e in range(2):\n    pass\nelse:\n    l = F.cross_entropy(x, t)`, 'F.cross_entropy');
      near(valuesOf(plain), [CE]);
      const withBreak = hover(`${X}for e in range(2):\n    if e: break\nelse:\n    l = F.cross_entropy(x, t)`, 'F.cross_entropy');
      assert.ok(withBreak?.kind === 'unknown' && /without 'break'/.test(withBreak.reason), JSON.stringify(withBreak));
    });

    it('an except body is not followed, and says so', () => {
      const r = hover(`${X}try:\n    pass\nexcept ValueError:\n    loss = F.cross_entropy(x, t)`, 'F.cross_entropy');
      assert.ok(r?.kind === 'unknown' && /runs only when the 'try' body/.test(r.reason), JSON.stringify(r));
    });

    it('a loss call on a line Loss Lens cannot read is never silent', () => {
      const r = hover(`${X}losses = [F.cross_entropy(x, t) for _ in range(2)]`, 'F.cross_entropy');
      assert.ok(r?.kind === 'unknown' && /cannot read this line/.test(r.reason), JSON.stringify(r));
      assert.strictEqual(hover(`${X}ys = [v for v in range(2)]`, 'range'), null);
      // An exercise notebook's `criterion = None` (udacity/deep-learning-v2-pytorch, mnist_mlp_exercise) says what it holds.
      const none = hover(`${X}criterion = None\nloss = criterion(x, t)`, 'criterion(', 0);
      assert.ok(none?.kind === 'unknown' && /`criterion` is None here, not a loss/.test(none.reason), JSON.stringify(none));
    });

    it('`x.requires_grad = True` is `x.requires_grad_(True)`', () => {
      const r = hover(`${X}x.requires_grad = True\nx`, 'x');
      assert.ok(r?.kind === 'tensor' && r.requiresGrad === true, JSON.stringify(r));
      const other = hover(`${X}crit = nn.CrossEntropyLoss()\ncrit.reduction = 'sum'\ncrit(x, t)`, 'crit(x', 0);
      assert.ok(other?.kind === 'unknown' && /attribute `.reduction` is set/.test(other.reason), JSON.stringify(other));
    });

    it('matmul, %, comparisons and boolean logic, as torch computes them', () => {
      const w = 'w = torch.tensor([[1.0, 0.0], [0.5, -1.0], [2.0, 1.0]])\n';
      near(valuesOf(hover(`${X}${w}z = x @ w\nz`, 'z')), [3.0, -1.5, 6.199999809265137, 2.799999952316284]);
      // An infinite product stays infinite (torch: [[inf]]); a compensated sum must not make it nan.
      assert.deepStrictEqual(valuesOf(hover('z = torch.tensor([[math.inf, 1.0]]) @ torch.tensor([[1.0], [1.0]])\nz', 'z')), [Infinity]);
      near(valuesOf(hover(`${X}${w}l = F.cross_entropy(x.matmul(w) if True else x, torch.tensor([1, 0]))\nl`, 'l')), [2.2719380855560303]);
      near(valuesOf(hover(`${X}l = F.mse_loss(x % 0.7, torch.zeros(2, 3))\nl`, 'l')), [0.13166667520999908]);
      near(valuesOf(hover('m = torch.tensor([-3.5, 2.0]) % 1.5\nm', 'm')), [1.0, 0.5]);
      // A Python number compares in the tensor's dtype (torch: tensor([True]) and tensor([False])).
      assert.deepStrictEqual(valuesOf(hover('c = torch.tensor([0.1]) == 0.1\nc', 'c')), [1]);
      assert.deepStrictEqual(valuesOf(hover('c = torch.tensor([0.1]) > 0.1\nc', 'c')), [0]);
      near(valuesOf(hover(`${X}n = (x > 0.5).sum()\nn`, 'n')), [3]);
      near(valuesOf(hover(`${X}a = (x > 0.5).float().mean()\na`, 'a')), [0.5]);
      const mask = hover(`${X}s = x[x > 0.5]\ns`, 's');
      assert.ok(mask?.kind === 'unknown' && /boolean mask/.test(mask.reason), JSON.stringify(mask));
      near(valuesOf(hover('b = 1 if 2 > 3 or not True else 7 % -3\nb', 'b')), [-2]);
    });
  });

  describe('tutorial constructors', () => {
    // Values from /usr/bin/python3 with Debian's torch.
    it('Variable(x, requires_grad=True) from torch.autograd, and .type(torch.LongTensor)', () => {
      const src = 'from torch.autograd import Variable\nx = Variable(torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]), requires_grad=True)\nt = torch.tensor([0.0, 2.0]).type(torch.LongTensor)\nl = F.cross_entropy(x, t)\nl';
      near(valuesOf(hover(src, 'l')), [0.7869851589202881]);
      const x = hover(src, 'x = ', 0);
      assert.ok(x?.kind === 'tensor' && x.requiresGrad === true);
      const t = hover(src, 't = ', 0);
      assert.ok(t?.kind === 'tensor' && t.tensor.dtype === 'int64');
      const s = hover("t = torch.tensor([1.5]).type('torch.cuda.DoubleTensor')\nt", 't');
      assert.ok(s?.kind === 'tensor' && s.tensor.dtype === 'float64');
    });

    it('torch.from_numpy keeps float64, torch.eye makes the identity', () => {
      const r = hover('a = torch.from_numpy(np.array([[0.2, 0.8], [0.6, 0.4]]))\nl = F.nll_loss(torch.log(a), torch.tensor([1, 0]))\nl', 'l');
      near(valuesOf(r), [0.3669845875401002], 1e-15);
      near(valuesOf(hover('l = F.cross_entropy(torch.eye(3) * 5, torch.tensor([0, 1, 2]))\nl', 'l')), [0.013385903090238571]);
      near(valuesOf(hover('e = torch.eye(2, 3)\ne', 'e')), [1, 0, 0, 0, 1, 0]);
    });

    it('never a wrong number: FloatTensor(5) is uninitialised, .half() is refused', () => {
      const u = hover('u = torch.FloatTensor(5)\nu', 'u');
      assert.ok(u?.kind === 'unknown' && /uninitialised/.test(u.reason), JSON.stringify(u));
      const h = hover('a = torch.tensor([0.1])\nh = a.half()\nh', 'h');
      assert.ok(h?.kind === 'unknown' && /16-bit/.test(h.reason), JSON.stringify(h));
    });
  });

  describe('robustness', () => {
    it('never throws on garbage input', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200 }), fc.nat(), (src, k) => {
          const cells = [{ source: src, outputs: [src] }];
          evaluateAt(cells, 0, src.length === 0 ? 0 : k % src.length);
        }),
        { numRuns: 500 },
      );
    });

    it('never throws on Python-ish garbage', () => {
      const tok = fc.constantFrom('x', 'torch', '.', 'tensor', '(', ')', '[', ']', ',', '=', '+', '*', '**', '/', '-', '1', '0.5', 'F', 'cross_entropy', 'nn', 'CrossEntropyLoss', '\n', ' ', ':', '"a"', "f'{x}'", 'None', '...', 'import', 'print', 'for', '#', 'y');
      fc.assert(
        fc.property(fc.array(tok, { maxLength: 60 }), fc.nat(), (toks, k) => {
          const src = toks.join('');
          evaluateAt([{ source: src, outputs: [] }], 0, src.length === 0 ? 0 : k % src.length);
        }),
        { numRuns: 1000 },
      );
    });

    it('reads a large literal once per cell source and answers repeated hovers quickly', () => {
      const n = 200000;
      const values = Array.from({ length: n }, (_, i) => ((i % 97) / 97).toFixed(4)).join(', ');
      const src = `${HEADER}x = torch.tensor([${values}]).reshape(2000, 100)\ny = torch.zeros(2000, dtype=torch.long)\nl = F.cross_entropy(x, y)\nl`;
      const cells = [{ source: src, outputs: [] }];
      const t0 = Date.now();
      const first = evaluateAt(cells, 0, src.length - 1);
      const t1 = Date.now();
      for (let i = 0; i < 20; i++) evaluateAt([{ source: src, outputs: [] }], 0, src.length - 1 - (i % 1));
      const t2 = Date.now();
      assert.strictEqual(first?.kind, 'loss');
      assert.ok((t2 - t1) / 20 < Math.max(5, (t1 - t0) / 10), `repeated hovers took ${(t2 - t1) / 20} ms each, the first ${t1 - t0} ms`);
    });
  });
});
