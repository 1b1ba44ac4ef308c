/** `loss-lens parse` (src/cli/parse.ts), run with a fake CliIo. Kept here with the parser tests it exercises. */
import * as assert from 'node:assert/strict';
import { encodeValue, runParse } from '../../../src/cli/parse';
import type { CliIo } from '../../../src/cli/io';

/** Runs `loss-lens parse ...args` on `stdin`; returns the exit code and what was printed. */
async function run(stdin: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readStdin: async () => stdin,
    readFile: async () => {
      throw new Error('parse reads no files');
    },
  };
  const code = await runParse(args, io);
  return { code, out, err };
}

describe('cli/parse (runParse)', () => {
  it('prints one tensor object with non-finite values as strings and -0 as -0', async () => {
    const r = await run('[[1.5, -0.0], [NaN, -Infinity]]');
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
    assert.equal(r.out, '{"shape": [2, 2], "dtype": "float64", "data": [1.5, -0, "nan", "-inf"]}\n');
    assert.ok(Object.is((JSON.parse(r.out) as { data: number[] }).data[1], -0));
  });

  it('prints a torch repr as float32 and an int list as int64', async () => {
    assert.equal((await run('tensor([0.5, inf], grad_fn=<AddBackward0>)')).out, '{"shape": [2], "dtype": "float32", "data": [0.5, "inf"]}\n');
    assert.equal((await run('torch.tensor([2, 3])', '--format', 'python')).out, '{"shape": [2], "dtype": "int64", "data": [2, 3]}\n');
  });

  it('prints named tensors by role', async () => {
    const r = await run('{"logits": [[0.1, 0.9]], "labels": [1], "reduction": "sum"}', '--format=json');
    assert.equal(r.out, '{"input": {"shape": [1, 2], "dtype": "float64", "data": [0.1, 0.9]}, "target": {"shape": [1], "dtype": "int64", "data": [1]}}\n');
    const cell = await run('x = torch.tensor([1.])\ntarget = torch.tensor([0])');
    assert.deepEqual(Object.keys(JSON.parse(cell.out) as object), ['x', 'target']);
  });

  it('prints several unnamed tensors as an array', async () => {
    const r = await run('(tensor(1.4612), tensor(2.))');
    assert.equal((JSON.parse(r.out) as unknown[]).length, 2);
  });

  it('prints errors as stdin:line:column and exits 2', async () => {
    const r = await run('[[1, 2, 3, 4],\n [5, 6, 7]]');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err, 'stdin:2:2: Ragged array: row [1] has 3 values but row [0] has 4: make every row the same length.\n');
    const refused = await run('\n\nx = torch.randn(3, 5)', '--format', 'python');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /^stdin:3:5: 'torch\.randn' is not allowed/);
  });

  it('rejects bad arguments with exit 2 and prints usage for --help', async () => {
    const bad = await run('[1]', '--format', 'yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--format must be one of auto, json, python, repr, not 'yaml'/);
    assert.equal((await run('[1]', '--frobnicate')).code, 2);
    const help = await run('', '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /^usage: loss-lens parse/);
  });

  it('encodeValue writes what the oracle format reads', () => {
    assert.deepEqual([NaN, Infinity, -Infinity, -0, 0, 0.1, 1e-300].map(encodeValue), ['"nan"', '"inf"', '"-inf"', '-0', '0', '0.1', '1e-300']);
  });
});
