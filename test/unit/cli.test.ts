import * as assert from 'assert';
import { main } from '../../src/cli';
import { CliIo } from '../../src/cli/io';
import { registry } from '../../src/engine/registry';
import { Tensor, tensor } from '../../src/engine/tensor';

/** A fake terminal that records what the CLI writes. */
function fakeIo(files: Record<string, string> = {}, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => stdin,
    readFile: async (p: string) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file '${p}'`);
      return files[p];
    },
  };
  return io;
}

describe('cli (loss-lens)', () => {
  it("prints the seed's cross-entropy 1.5649813… and the per-row breakdown", async () => {
    const io = fakeIo();
    const code = await main(['cross_entropy', '--input', '[[0.25,0.25,0.25,0.25],[1,0,0,0]]', '--target', '[2,3]'], io);
    assert.strictEqual(code, 0);
    assert.match(io.out, /^cross_entropy\(input \[2,4\], target \[2\] int64, reduction='mean'\) = 1\.5649813/);
    assert.match(io.out, /Breakdown per row: CE = H\(p\) \+ KL\(p‖q\)/);
    assert.match(io.out, /\n {2}1 +3 +0 +1\.74367 +1\.74367\n/);
    assert.match(io.out, /softmax\(input\), first rows:\n {2}0: \[0\.25, 0\.25, 0\.25, 0\.25\]/);
    assert.strictEqual(io.err, '');
  });

  it('--json prints one object whose value is the registry result', async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['kl_div', '--input', '[[-1.2, -0.9, -1.2]]', '--target', '[[0.36, 0.48, 0.16]]', '--reduction', 'batchmean', '--json'], io), 0);
    const json = JSON.parse(io.out);
    const expected = registry.call('kl_div', { input: tensor([1, 3], [-1.2, -0.9, -1.2]), target: tensor([1, 3], [0.36, 0.48, 0.16]), reduction: 'batchmean' }) as Tensor;
    assert.strictEqual(json.value, expected.data[0]);
    assert.strictEqual(json.breakdown.rows.length, 1);
  });

  it('reads @file values, Python literals and printed reprs', async () => {
    const io = fakeIo({ 'x.txt': 'tensor([[1.0, 2.0, 3.0]], grad_fn=<AddBackward0>)' });
    assert.strictEqual(await main(['cross-entropy', '--input', '@x.txt', '--target', 'torch.tensor([2])', '--json'], io), 0);
    const expected = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    assert.ok(Math.abs(JSON.parse(io.out).value - expected) < 1e-15);
  });

  it("non-finite values come out as the oracle's strings in --json", async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['cross_entropy', '--input', '[[1.0, 2.0]]', '--target', '[-100]', '--json'], io), 0);
    assert.strictEqual(JSON.parse(io.out).value, 'nan');
  });

  it('integers given for a float argument are floats; an integer target of the input shape is probabilities', async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['cross_entropy', '--input', '[[0, 0]]', '--target', '[[1, 0]]', '--json'], io), 0);
    assert.ok(Math.abs(JSON.parse(io.out).value - Math.LN2) < 1e-15);
  });

  it('an integer target of the input shape stays class indices for an op that takes them (multilabel_margin_loss)', async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['multilabel_margin_loss', '--input', '[[0.1, 0.2, 0.4, 0.8]]', '--target', '[[3, 0, -1, 1]]', '--json'], io), 0);
    assert.ok(Math.abs(JSON.parse(io.out).value - 0.85) < 1e-15);
  });

  it("shows PyTorch's float32 prints where its formula cancels (seed 004: BCE with logits at ±50)", async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['binary_cross_entropy_with_logits', '--input', 'torch.tensor([50., -50.])', '--target', '[1.0, 0.0]'], io), 0);
    assert.match(io.out, /= 1\.92874984796\d*e-22\n {2}PyTorch ≥ 2\.0 \(float32\) prints 9\.643749466768692e-23/);
  });

  it('a bad call prints one clear line on stderr and exits 2', async () => {
    const cases: [string[], RegExp][] = [
      [['cross_entropy', '--input', '[[1,2]]', '--target', '[5]'], /^loss-lens: cross_entropy: target\[0\] = 5 is not a class of input \[1,2\]/],
      [['nope'], /^loss-lens: unknown op 'nope'; run 'loss-lens ops' to list them\n$/],
      [['cross_entropy', '--input', '[[1,2]]', '--gamma', '2'], /has no argument --gamma/],
      [['cross_entropy', '--input', '[[1,2],[3]]', '--target', '[0]'], /--input \(argument:1:\d+\): .*ragged|--input \(argument:1:\d+\):/i],
      [['cross_entropy', '--input', '@missing.json', '--target', '[0]'], /cannot read missing\.json/],
      [['kl_div', '--input', '[[0.1]]', '--target', '[[0.1]]', '--reduction', 'avg'], /invalid|must be one of/],
      [['cross_entropy', '--input'], /--input needs a value/],
    ];
    for (const [argv, re] of cases) {
      const io = fakeIo();
      assert.strictEqual(await main(argv, io), 2, argv.join(' '));
      assert.match(io.err, re, argv.join(' '));
      assert.strictEqual(io.err.trim().split('\n').length, 1, `one line for ${argv.join(' ')}: ${io.err}`);
      assert.strictEqual(io.out, '');
    }
  });

  it('`ops` lists every registered op with its arguments', async () => {
    const io = fakeIo();
    assert.strictEqual(await main(['ops'], io), 0);
    for (const op of registry.list()) assert.match(io.out, new RegExp(`^${op.name} {2}\\(`, 'm'));
    assert.match(io.out, /--label_smoothing {2}number; default 0\./);
  });
});
