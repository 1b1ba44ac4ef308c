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
  it('reads assignments, expressions, imports and block headers, and skips the rest line by line', () => {
    assert.deepStrictEqual(kinds('import torch\nx = 1\nx\nfor i in y:\n    z = i\n%matplotlib inline\nprint(x)'), ['import', 'assign', 'expr', 'block', 'assign', 'skip', 'expr']);
    assert.deepStrictEqual(parseCell('for i in y:\n    z = i\n    if z: w = 1; v = 2\nq = 0').indents, [0, 4, 4, 5, 5, 0]);
  });

  it('reads block headers: tests, loop targets, with items, except names, def parameters', () => {
    const st = parseCell('if __name__ == "__main__" and not done:\nelif x is not None: pass\nfor i, (a, b) in enumerate(zip(p, q)):\nwith torch.no_grad(), open(f) as fh:\ntry:\nexcept (ValueError, KeyError) as err:\nasync def f(a, b: int = 2, *args, key=None, **kw) -> int:\nclass FocalLoss(nn.Module):\nwhile (x := 1) > 0 lambda:').statements;
    const h = st.map((s) => (s.kind === 'block' ? s.header : undefined));
    assert.ok(h[0]?.test?.k === 'boolop' && h[0].test.values[0].k === 'cmp' && h[0].test.values[1].k === 'not');
    assert.ok(h[1]?.keyword === 'elif' && h[1].test?.k === 'cmp' && h[1].test.ops[0] === 'is not');
    assert.strictEqual(st[2].kind, 'skip'); // the one-line body `pass`
    assert.deepStrictEqual(h[3]?.names, ['i', 'a', 'b']);
    assert.ok(h[3]?.test?.k === 'call');
    assert.deepStrictEqual([h[4]?.items?.length, h[4]?.names], [2, ['fh']]);
    assert.deepStrictEqual(h[6]?.names, ['err']);
    assert.deepStrictEqual(h[7]?.params?.map((p) => `${p.star}${p.name}${p.default ? '=' : ''}`), ['a', 'b=', '*args', 'key=', '**kw']);
    assert.deepStrictEqual([h[8]?.keyword, h[8]?.name], ['class', 'FocalLoss']);
    assert.ok(h[9]?.unread !== undefined, 'a header Loss Lens cannot read says so');
  });

  it('reads comparisons, boolean logic, conditional expressions and the operators % @ & | ^ ~', () => {
    const [a, b, c, d] = parseCell('a = 0 < x <= 1 != y\nb = p if q else r\nc = x @ w % 3\nd = ~m & n | k ^ j').statements;
    assert.ok(a.kind === 'assign' && a.value.k === 'cmp' && a.value.ops.join(' ') === '< <= !=');
    assert.ok(b.kind === 'assign' && b.value.k === 'ifexp');
    assert.ok(c.kind === 'assign' && c.value.k === 'bin' && c.value.op === '%' && c.value.l.k === 'bin' && c.value.l.op === '@');
    assert.ok(d.kind === 'assign' && d.value.k === 'bin' && d.value.op === '|');
  });

  it('reads attribute assignments, return and assert values', () => {
    const [a, r, s2] = parseCell('out.requires_grad = True\nreturn loss * 2\nassert x > 0, "msg"').statements;
    assert.ok(a.kind === 'setattr' && a.obj === 'out' && a.attr === 'requires_grad');
    assert.ok(r.kind === 'expr' && r.keyword === 'return' && r.value.k === 'bin');
    assert.ok(s2.kind === 'expr' && s2.keyword === 'assert' && s2.value.k === 'cmp');
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

  it('skipped lines name what they assign or change in place', () => {
    const st = parseCell('losses = [f(d) for d in ds]\nx[0] = 1\ndef f(a):\n    y = a\nz = 1\ndel z').statements;
    assert.ok(st[0].kind === 'skip' && st[0].assigned.includes('losses') && /comprehensions/.test(st[0].reason));
    assert.ok(st[1].kind === 'skip' && st[1].mutated.includes('x'));
    assert.strictEqual(st[2].kind, 'block');
    assert.strictEqual(st[3].kind, 'assign');
    assert.ok(st[5].kind === 'skip' && st[5].assigned.includes('z'));
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
