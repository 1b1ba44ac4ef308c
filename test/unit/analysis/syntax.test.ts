/**
 * The statement reader: statement kinds, import aliases, literals read by the parsers, f-strings,
 * skipped lines with the names they assign, and no exceptions on any input.
 */
import * as assert from 'assert';
import * as fc from 'fast-check';
import { parseCell } from '../../../src/analysis/syntax';

function kinds(src: string): string[] {
  return parseCell(src).statements.map((s) => s.kind);
}

describe('analysis/syntax', () => {
  it('reads assignments, expressions, imports and skips the rest line by line', () => {
    assert.deepStrictEqual(kinds('import torch\nx = 1\nx\nfor i in y:\n    z = i\n%matplotlib inline\nprint(x)'), ['import', 'assign', 'expr', 'skip', 'skip', 'skip', 'expr']);
  });

  it('tracks import aliases as dotted paths', () => {
    const st = parseCell('import torch\nfrom torch import nn\nimport torch.nn.functional as F\nimport numpy as np\nimport timm.loss\nfrom timm.loss import LabelSmoothingCrossEntropy, SoftTargetCrossEntropy as STCE').statements;
    const aliases = st.flatMap((s) => (s.kind === 'import' ? s.aliases.map((a) => `${a.alias}=${a.path}`) : []));
    assert.deepStrictEqual(aliases, ['torch=torch', 'nn=torch.nn', 'F=torch.nn.functional', 'np=numpy', 'timm=timm', 'LabelSmoothingCrossEntropy=timm.loss.LabelSmoothingCrossEntropy', 'STCE=timm.loss.SoftTargetCrossEntropy']);
  });

  it('reads tensor literals with the parsers, including ones split over lines', () => {
    const st = parseCell('t = torch.FloatTensor([[1, 0],\n   [0, 1]])').statements[0];
    assert.ok(st.kind === 'assign' && st.value.k === 'literal' && st.value.tensor.dtype === 'float32');
    assert.deepStrictEqual(st.kind === 'assign' && st.value.k === 'literal' ? st.value.tensor.shape : [], [2, 2]);
  });

  it('reads tuple targets, chained and augmented assignments', () => {
    const [a, b, c] = parseCell('a, b = 1, 2\nx = y = 3\nx += 1').statements;
    assert.ok(a.kind === 'assign' && a.targets[0].k === 'tuple');
    assert.ok(b.kind === 'assign' && b.targets.length === 2);
    assert.ok(c.kind === 'assign' && c.value.k === 'bin' && c.value.op === '+');
  });

  it('reads f-strings (which the lexer refuses) into text and fields', () => {
    const st = parseCell('print(f"loss: {l.item():.4f} and {{braces}} {x!r}")').statements[0];
    assert.ok(st.kind === 'expr' && st.value.k === 'call');
    const arg = st.kind === 'expr' && st.value.k === 'call' ? st.value.args[0] : undefined;
    assert.ok(arg?.k === 'fstring');
    assert.deepStrictEqual(arg.parts.map((p) => (typeof p === 'string' ? p : `{${p.conversion}:${p.spec}}`)), ['loss: ', '{:.4f}', ' and {braces} ', '{r:}']);
  });

  it('skipped lines name what they assign or change in place, and def bodies are local', () => {
    const st = parseCell('losses = [f(d) for d in ds]\nx[0] = 1\ndef f(a):\n    y = a\nz = 1').statements;
    assert.ok(st[0].kind === 'skip' && st[0].assigned.includes('losses') && /comprehensions/.test(st[0].reason));
    assert.ok(st[1].kind === 'skip' && st[1].mutated.includes('x'));
    assert.ok(st[3].kind === 'skip' && st[3].scope === 'def');
    assert.strictEqual(st[4].kind, 'assign');
  });

  it('caches by source string', () => {
    const src = 'x = torch.tensor([1.0, 2.0])';
    assert.strictEqual(parseCell(src), parseCell(`${src}`));
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parseCell(s)), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '"', "'", 'f"', '{', '}', '\\', '\n', ' ', 'x', '=', '.', '#', '1', ',', ':') , maxLength: 120 }), (s) => void parseCell(s)), { numRuns: 1000 });
  });
});
