import * as assert from 'assert';
import { EngineError } from '../../../src/engine/errors';
import { OpRegistry, registry } from '../../../src/engine/registry';
import { reductionArg, OpSpec } from '../../../src/engine/op';
import { scalar, tensor } from '../../../src/engine/tensor';

const echo: OpSpec = {
  name: 'echo',
  family: 'regression',
  doc: 'Returns its input.',
  formula: 'x',
  args: [
    { name: 'input', kind: 'tensor', role: 'input', dtype: 'float', doc: 'Values.' },
    { name: 'weight', kind: 'tensor', role: 'weight', doc: 'Weights.', default: null },
    { name: 'beta', kind: 'number', role: 'option', doc: 'A number.', default: 1 },
    reductionArg(),
  ],
  forward: (a) => a.input as ReturnType<typeof scalar>,
};

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
};

describe('engine/registry', () => {
  const reg = new OpRegistry([echo]);
  const x = tensor([2], [1, 2], 'float32');

  it('fills PyTorch defaults in positional order', () => {
    assert.deepStrictEqual(Object.entries(reg.resolveArgs('echo', { input: x })).map(([k, v]) => [k, k === 'input' ? 'T' : v]), [
      ['input', 'T'],
      ['weight', null],
      ['beta', 1],
      ['reduction', 'mean'],
    ]);
  });

  it('a bad reduction is invalid_reduction, naming the choices', () => {
    assert.strictEqual(codeOf(() => reg.call('echo', { input: x, reduction: 'avg' })), "invalid_reduction: echo: argument 'reduction' must be one of 'none', 'mean', 'sum', got 'avg'.");
  });

  it('unknown and missing arguments, wrong kinds and dtypes are invalid_argument', () => {
    assert.match(codeOf(() => reg.call('echo', { input: x, gamma: 2 })), /^invalid_argument: echo: unknown argument 'gamma'; the arguments are input, weight, beta, reduction\.$/);
    assert.match(codeOf(() => reg.call('echo', {})), /^invalid_argument: echo: argument 'input' is required/);
    assert.match(codeOf(() => reg.call('echo', { input: x, beta: 'big' })), /argument 'beta' must be a number, got 'big'/);
    assert.match(codeOf(() => reg.call('echo', { input: tensor([2], [1, 2], 'int64') })), /argument 'input' must be a float tensor, got an int64 tensor \[2\]/);
  });

  it('unknown ops list the known ones', () => {
    assert.match(codeOf(() => reg.get('nope')), /^invalid_argument: nope: unknown op; known ops are echo\.$/);
  });

  it('refuses a name registered twice', () => {
    assert.throws(() => new OpRegistry([echo, echo]), /registered twice/);
  });

  it('every registered op has a doc, a formula and described arguments', () => {
    for (const op of registry.list()) {
      assert.ok(op.doc.length > 0 && op.formula.length > 0, op.name);
      for (const a of op.args) assert.ok(a.doc.length > 0, `${op.name}.${a.name}`);
      assert.ok(op.args.some((a) => a.role === 'input' || a.role === 'target'), `${op.name} has no input or target role`);
    }
  });
});
