import * as assert from 'node:assert/strict';
import { parseReprs, SUMMARIZED_MESSAGE } from '../../../src/parsers';
import { assertSameData, expectParseError } from './support';

const f32 = (xs: number[]): number[] => xs.map((x) => Math.fround(x));

describe('parsers/reprs', () => {
  const cases: [string, string, number[], number[], string][] = [
    ['a torch print', 'tensor([[ 0.3286, -0.4628],\n        [-0.1079,  0.9218]])', [2, 2], f32([0.3286, -0.4628, -0.1079, 0.9218]), 'float32'],
    ['a 0-d print with grad_fn', 'tensor(1.7296, grad_fn=<NllLossBackward0>)', [], f32([1.7296]), 'float32'],
    ['an int print', 'tensor([0, 2, 0])', [3], [0, 2, 0], 'int64'],
    ['dtype=torch.float64 keeps doubles', 'tensor([0.1000, 0.2000], dtype=torch.float64)', [2], [0.1, 0.2], 'float64'],
    ['dtype=torch.float16', 'tensor([1., 2.], dtype=torch.float16)', [2], [1, 2], 'float32'],
    ['scientific', 'tensor([1.0000e-03, 1.0000e+05, -2.5000e-12])', [3], f32([1e-3, 1e5, -2.5e-12]), 'float32'],
    ['nan and inf', 'tensor([nan, inf, -inf, 1.])', [4], [NaN, Infinity, -Infinity, 1], 'float32'],
    ['cuda with grad_fn', "tensor([[0.5000, 0.5000]], device='cuda:0', grad_fn=<SoftmaxBackward0>)", [1, 2], [0.5, 0.5], 'float32'],
    ['empty with size', 'tensor([], size=(0, 4))', [0, 4], [], 'float32'],
    ['bool', 'tensor([ True, False])', [2], [1, 0], 'int64'],
    ['a numpy repr', 'array([1., 2.e-03, nan, inf, -inf], dtype=float32)', [5], f32([1, 2e-3, NaN, Infinity, -Infinity]), 'float32'],
    ['a numpy int repr', 'array([[1, 2],\n       [3, 4]])', [2, 2], [1, 2, 3, 4], 'int64'],
    ['numpy floats are float64', 'array([0.1, 0.2])', [2], [0.1, 0.2], 'float64'],
    ["numpy's 1. style", 'array([ 1.,  0., -1.])', [3], [1, 0, -1], 'float64'],
    ['numpy 0-d', 'array(3.5)', [], [3.5], 'float64'],
    ['numpy 2 scalar', 'np.float32(0.25)', [], [0.25], 'float32'],
    ["numpy print(a)", '[[1.   2.5 ]\n [3.   4.  ]]', [2, 2], [1, 2.5, 3, 4], 'float64'],
    ['numpy print with signs and nan', '[-1.  nan  inf -inf]', [4], [-1, NaN, Infinity, -Infinity], 'float64'],
    ['collapsed whitespace', 'tensor([[-1.8236, -1.7275],\n [-1.7406, -2.2359]],\n grad_fn=)', [2, 2], f32([-1.8236, -1.7275, -1.7406, -2.2359]), 'float32'],
    ['no whitespace at all', 'tensor([[1.,2.],[3.,4.]],requires_grad=True)', [2, 2], [1, 2, 3, 4], 'float32'],
  ];
  for (const [name, text, shape, data, dtype] of cases) {
    it(name, () => {
      const [t] = parseReprs(text);
      assert.deepEqual(t.shape, shape);
      assert.equal(t.dtype, dtype);
      assertSameData(t.data, data);
    });
  }

  it('marks grad_fn and requires_grad prints as requiring grad, and reads the device', () => {
    assert.equal(parseReprs('tensor(1., grad_fn=<AddBackward0>)')[0].requiresGrad, true);
    assert.equal(parseReprs('tensor(1., grad_fn=)')[0].requiresGrad, true);
    assert.equal(parseReprs('tensor([1.], requires_grad=True)')[0].requiresGrad, true);
    assert.equal(parseReprs('tensor([1.])')[0].requiresGrad, false);
    assert.equal(parseReprs("tensor([1.], device='cuda:0')")[0].device, 'cuda:0');
  });

  it('reads every print in an output, with its range', () => {
    const out = 'torch.Size([1, 3]) tensor([[-1.0986, -1.0986, -1.0986]])\ntensor(0.0097)\n(tensor(1.4612), tensor(2.))';
    const ts = parseReprs(out);
    assert.deepEqual(ts.map((t) => out.slice(t.start, t.end)), ['tensor([[-1.0986, -1.0986, -1.0986]])', 'tensor(0.0097)', 'tensor(1.4612)', 'tensor(2.)']);
  });

  it('refuses a summarized print, saying how to print it in full', () => {
    const e = expectParseError(() => parseReprs('tensor([ 0.1000,  0.2000,  ...,  0.9000])'), SUMMARIZED_MESSAGE);
    assert.ok(e.message.includes("torch.set_printoptions(profile='full')"));
    assert.ok(e.message.includes('numpy.set_printoptions(threshold=sys.maxsize)'));
    expectParseError(() => parseReprs('array([   0,    1,    2, ..., 9997, 9998, 9999])'), SUMMARIZED_MESSAGE);
    expectParseError(() => parseReprs('tensor([[ 0.1, 0.2],\n        ...,\n        [ 0.3, 0.4]])'), SUMMARIZED_MESSAGE);
    expectParseError(() => parseReprs('[0 1 2 ... 7 8 9]'), SUMMARIZED_MESSAGE);
  });

  it('refuses what is not a print', () => {
    expectParseError(() => parseReprs('Incorrect loss: 1.2039728164672852'), "Expected a printed tensor such as 'tensor([...])' or 'array([...])' but found 'Incorrect'.");
    expectParseError(() => parseReprs('tensor([1., 2.]'), "Expected ',' or ')' in the call to tensor(");
    expectParseError(() => parseReprs('tensor([1., 2.] + 1)'), "Expected ',' or ')' in the call to tensor( but found '+'.");
    expectParseError(() => parseReprs("array(['a', 'b'], dtype='<U1')"), "Expected a number but found the string 'a'.");
    expectParseError(() => parseReprs('tensor([[1., 2.], [3.]])'), 'Ragged array: row [1] has 1 values but row [0] has 2');
    expectParseError(() => parseReprs('tensor([], size=(2, 2))'), 'size=[2,2] does not fit 0 values');
  });
});
