import * as assert from 'node:assert/strict';
import { parsePythonTensors, parseTensorText } from '../../../src/parsers';
import { splitStatements } from '../../../src/parsers/pythonLiteral';
import { assertSameData, expectParseError } from './support';

const f32 = (xs: number[]): number[] => xs.map((x) => Math.fround(x));

/** The one tensor of a Python expression. */
function py(text: string) {
  const found = parsePythonTensors(text);
  assert.equal(found.length, 1, `one tensor in ${text}`);
  return found[0].tensor;
}

describe('parsers/pythonLiteral', () => {
  describe('literals and constructors', () => {
    const cases: [string, string, number[], number[], string][] = [
      ['a list of ints', '[[1, 2], [3, 4]]', [2, 2], [1, 2, 3, 4], 'int64'],
      ['a list of floats is float64', '[0.1, 2]', [2], [0.1, 2], 'float64'],
      ['tuples', '((1, 2), (3, 4))', [2, 2], [1, 2, 3, 4], 'int64'],
      ['a 1-tuple and a trailing comma', '[(1,), (2,),]', [2, 1], [1, 2], 'int64'],
      ['torch.tensor floats are float32', 'torch.tensor([0.1, 0.2])', [2], f32([0.1, 0.2]), 'float32'],
      ['torch.tensor ints are int64', 'torch.tensor([2, 3])', [2], [2, 3], 'int64'],
      ['torch.tensor of a scalar is 0-d', 'torch.tensor(1.5)', [], [1.5], 'float32'],
      ['torch.as_tensor', 'torch.as_tensor([1.5])', [1], [1.5], 'float32'],
      ['torch.Tensor is float32 even for ints', 'torch.Tensor([1, 2])', [2], [1, 2], 'float32'],
      ['torch.FloatTensor', 'torch.FloatTensor([[1/3]])', [1, 1], f32([1 / 3]), 'float32'],
      ['torch.DoubleTensor', 'torch.DoubleTensor([1/3])', [1], [1 / 3], 'float64'],
      ['torch.LongTensor', 'torch.LongTensor([1, 2])', [2], [1, 2], 'int64'],
      ['np.array floats are float64', 'np.array([0.1, 0.2])', [2], [0.1, 0.2], 'float64'],
      ['numpy.asarray', 'numpy.asarray([[1, 2]])', [1, 2], [1, 2], 'int64'],
      ['dtype= wins', 'torch.tensor([1, 2], dtype=torch.float64)', [2], [1, 2], 'float64'],
      ['dtype=torch.long', 'torch.tensor([1.0, 2.0], dtype=torch.long)', [2], [1, 2], 'int64'],
      ['np dtype=np.float32', 'np.array([0.1], dtype=np.float32)', [1], f32([0.1]), 'float32'],
      ["numpy's dtype=float is float64", 'np.array([0.1], dtype=float)', [1], [0.1], 'float64'],
      ['dtype as a string', "np.array([1], dtype='float32')", [1], [1], 'float32'],
      ['.float()', 'torch.tensor([1, 2]).float()', [2], [1, 2], 'float32'],
      ['.long() truncates toward zero', 'torch.tensor([1.7, -1.7]).long()', [2], [1, -1], 'int64'],
      ['.double() keeps float32 values', 'torch.tensor([0.1]).double()', [1], f32([0.1]), 'float64'],
      ['.to(torch.float32)', 'torch.tensor([-50, 50]).to(torch.float32)', [2], [-50, 50], 'float32'],
      ['.to(device, dtype=)', "torch.tensor([1]).to('cuda', dtype=torch.float64)", [1], [1], 'float64'],
      ['.astype', 'np.array([1, 2]).astype(np.float32)', [2], [1, 2], 'float32'],
      ['empty torch.tensor is float32', 'torch.tensor([])', [0], [], 'float32'],
      ['bools are int64', 'torch.tensor([True, False])', [2], [1, 0], 'int64'],
      ['numpy scalars', 'np.float64(0.1)', [], [0.1], 'float64'],
    ];
    for (const [name, text, shape, data, dtype] of cases) {
      it(name, () => {
        const t = py(text);
        assert.deepEqual(t.shape, shape);
        assert.equal(t.dtype, dtype);
        assertSameData(t.data, data);
      });
    }

    it('reads requires_grad and device', () => {
      const t = py("torch.tensor([1.0], requires_grad=True, device='cuda:0')");
      assert.equal(t.requiresGrad, true);
      assert.equal(t.device, 'cuda:0');
    });

    it('gives the whole call, methods included, as the range', () => {
      const text = 'x = torch.tensor([1, 2]).float()  # logits';
      const r = parseTensorText(text, 'python');
      assert.equal(text.slice(r.tensors[0].range.offset, r.tensors[0].range.offset + r.tensors[0].range.length), 'torch.tensor([1, 2]).float()');
    });
  });

  describe('safe arithmetic', () => {
    const cases: [string, number][] = [
      ['1/3', 1 / 3],
      ['-2**2', -4],
      ['2**-1', 0.5],
      ['2**3**2', 512],
      ['(1 + 2) * 3 - 4 / 8', 8.5],
      ['-(-1.5e-3)', 0.0015],
      ['+.5', 0.5],
      ['1e-3', 0.001],
      ["float('inf')", Infinity],
      ["float('-inf')", -Infinity],
      ['float("nan")', NaN],
      ["float('1.5')", 1.5],
      ['int(2.9)', 2],
      ['math.inf', Infinity],
      ['-math.inf', -Infinity],
      ['math.nan', NaN],
      ['math.pi', Math.PI],
      ['math.e', Math.E],
      ['math.log(2)', Math.log(2)],
      ['math.log(8, 2)', 3],
      ['math.exp(1)', Math.E],
      ['math.sqrt(2)', Math.SQRT2],
      ['np.inf', Infinity],
      ['np.nan', NaN],
      ['numpy.inf', Infinity],
      ['torch.inf', Infinity],
      ['np.log(0)', -Infinity],
    ];
    for (const [expr, value] of cases) {
      it(expr, () => {
        const t = py(`[${expr}]`);
        assertSameData(t.data, [value]);
      });
    }

    it('keeps ints int64 through + - * and ** but not /', () => {
      assert.equal(py('[1 + 2, 3 * 4, 2**3]').dtype, 'int64');
      assert.equal(py('[4 / 2]').dtype, 'float64');
    });
  });

  describe('refusals', () => {
    const refused: [string, string][] = [
      ['torch.randn(3, 5)', "'torch.randn' is not allowed"],
      ["__import__('os').system('rm -rf /')", "'__import__' is not allowed"],
      ["open('/etc/passwd').read()", "'open' is not allowed"],
      ['eval("1")', "'eval' is not allowed"],
      ['torch.tensor([x, 1])', "'x' is not a literal"],
      ['[1, 2][0]', 'indexing is not supported'],
      ['[1, 2] * 3', "Operator '*' on a list or tensor is not supported"],
      ['torch.tensor([1]) + 1', "Operator '+' on a list or tensor is not supported"],
      ['torch.FloatTensor(2, 3)', 'makes an uninitialised tensor of that size'],
      ['torch.tensor([1]).view(1, 1)', "Method '.view()' is not supported"],
      ['torch.tensor([1], dtype=torch.complex64)', "Unknown dtype 'torch.complex64'"],
      ['[1, 2', "Expected ',' or ']' but found the end of the input."],
      ['[1 2]', "Expected ',' or ']' but found '2'."],
      ['[1/0]', 'Division by zero'],
      ['[math.log(0)]', 'math domain error'],
      ['[math.sqrt(-1)]', 'math domain error'],
      ['[(-8) ** 0.5]', 'complex in Python'],
      ['[1j]', 'Complex number'],
      ['[0x1F]', 'is not a decimal literal'],
      ["[f'{x}']", 'f-string'],
      ['{1: 2}', 'A dict or set is not a tensor'],
      ['[1, ...]', "summarized with '...'"],
      ['torch.tensor([1.5]).long().int() + [1]', "Operator '+'"],
      ["[float('abc')]", "float('abc') is not a number"],
      ['[int(math.inf)]', 'int() of Infinity is an error in Python'],
      ['[1 // 2]', "floor division '//' is not supported"],
      ['[1, 2] $', "Unexpected character '$'"],
      ["['abc']", "Expected a number for a list element but found the string 'abc'."],
      ['torch.tensor([[1, 2], [3]])', 'Ragged array: row [1] has 1 values but row [0] has 2'],
      ['[[1, 2], 3]', 'Ragged array: element [1] is a number but element [0] is a list'],
      ['[1, [2]]', 'Ragged array: element [1] is a list but element [0] is a number'],
      ['torch.tensor([1.5], dtype=torch.long).float', "Attribute '.float' is not supported here"],
      ["torch.tensor([float('nan')]).long()", 'Cannot make an integer tensor'],
    ];
    for (const [text, message] of refused) {
      it(`refuses ${text}`, () => {
        expectParseError(() => parsePythonTensors(text), message);
      });
    }

    it('points at the refused name', () => {
      const text = 'torch.tensor([1.0, torch.randn(1)])';
      const e = expectParseError(() => parsePythonTensors(text));
      assert.equal(text.slice(e.offset, e.offset + e.length), 'torch.randn');
    });

    it('caps expression depth with a clean error', () => {
      expectParseError(() => parsePythonTensors('-'.repeat(1000) + '1'), 'nested deeper than 200 levels');
      expectParseError(() => parsePythonTensors('('.repeat(1000) + '1' + ')'.repeat(1000)), 'nested deeper than 64 levels');
      assertSameData(py('[' + '('.repeat(50) + '1' + ')'.repeat(50) + ']').data, [1]);
    });
  });

  describe('cells of statements', () => {
    it('reads assignments, names them and skips other statements', () => {
      const cell = [
        'import torch',
        'criterion = nn.CrossEntropyLoss()',
        'logits = torch.tensor([',
        '    [0.25, 0.25],  # row 0',
        '    [1.0, 0.0],',
        ']).to(torch.float32)',
        'labels = torch.tensor([1, 0]); w = [1.0, 2.0]',
        'loss = criterion(logits, labels)',
        'print(loss)',
      ].join('\n');
      const found = parsePythonTensors(cell);
      assert.deepEqual(found.map((f) => f.name), ['logits', 'labels', 'w']);
      assert.deepEqual(found[0].tensor.shape, [2, 2]);
    });

    it('throws the first error when no statement holds a tensor', () => {
      expectParseError(() => parsePythonTensors('x = torch.randn(3)\ny = torch.zeros(2)'), "'torch.randn' is not allowed");
    });

    it('splitStatements respects brackets, strings, comments and line continuations', () => {
      const text = "a = [1,\n 2]; b = 'x;\\n'\n# c = 3\nd = 1 + \\\n 2\n";
      const parts = splitStatements(text, 0, text.length).map((s) => text.slice(s.start, s.end));
      assert.deepEqual(parts, ['a = [1,\n 2]', "b = 'x;\\n'", '# c = 3', 'd = 1 + \\\n 2']);
    });
  });
});
