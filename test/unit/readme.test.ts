/**
 * The README's worked examples are what the CLI prints today: each fenced command's output block
 * is recomputed and compared, so the README cannot drift from the engine.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli';

const README = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

async function run(argv: string[]): Promise<string> {
  let out = '';
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (out += t), readStdin: async () => '', readFile: async () => '' });
  assert.strictEqual(code, 0, out);
  return out.trimEnd();
}

describe('README examples', () => {
  const examples: [string, string[]][] = [
    ['cross-entropy', ['cross_entropy', '--input', '[[0.25,0.25,0.25,0.25],[1,0,0,0]]', '--target', '[2,3]']],
    ['distillation', ['compare', 'distillation', '--student', '[[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -1.0, 0.0]]', '--teacher', '[[3.0, 0.5, -1.0, 0.0], [0.0, 3.0, 0.2, -0.5]]', '--labels', '[0, 1]', '--temperature', '4', '--alpha', '0.9']],
    ['label smoothing', ['compare', 'label_smoothing', '--input', '[[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -1.0, 0.0]]', '--target', '[0, 1]', '--smoothing', '0.1']],
  ];
  for (const [name, argv] of examples) {
    it(`shows the CLI's current output for the ${name} example`, async () => {
      const out = await run(argv);
      assert.ok(README.includes('```\n' + out + '\n```'), `README is out of date for: loss-lens ${argv.join(' ')}\n--- CLI prints ---\n${out}`);
    });
  }

  it('starts with the two commands for a fresh machine', () => {
    const head = README.split('\n').slice(0, 6).join('\n');
    assert.match(head, /npm ci && npm start/);
    assert.match(head, /npm test/);
  });
});
