import * as assert from 'assert';
import { runCompare } from '../../../src/cli/compare';
import type { CliIo } from '../../../src/cli/io';
import { distillationConventions } from '../../../src/engine/conventions';
import { tensor } from '../../../src/engine/tensor';
import { formatNumber } from '../../../src/shared/format';

/** A terminal that records what is written and serves `@file` reads from a map. */
function fakeIo(files: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    readStdin: async () => '',
    readFile: async (p: string) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file '${p}'`);
      return files[p];
    },
  };
  return io;
}

const STUDENT = '[[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]';
const TEACHER = '[[3.0, 0.5, -1.0], [0.0, 3.0, 0.2]]';
const KD = ['distillation', '--student', STUDENT, '--teacher', TEACHER, '--labels', '[0, 1]', '--temperature', '4', '--alpha', '0.9'];

async function run(argv: string[], files?: Record<string, string>): Promise<{ rc: number; out: string; err: string }> {
  const io = fakeIo(files);
  const rc = await runCompare(argv, io);
  return { rc, out: io.out, err: io.err };
}

/** The aligned table's lines: from the column header to the blank line after it. */
function tableLines(out: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('convention'));
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

describe('cli/compare', () => {
  describe('distillation', () => {
    it('prints a header, the reference, an aligned table, the notes', async () => {
      const { rc, out, err } = await run(KD);
      assert.strictEqual(rc, 0);
      assert.strictEqual(err, '');
      assert.ok(out.startsWith('distillation: student [2,3], teacher [2,3], labels [2], T = 4, alpha = 0.9\nreference: kl_div \'batchmean\'\n\n'), out);
      const lines = tableLines(out);
      assert.strictEqual(lines.length, 1 + 7);
      const formulaCol = lines[0].indexOf('formula');
      const valueCol = lines[0].indexOf('value');
      for (const l of lines.slice(1)) {
        assert.strictEqual(l[valueCol - 1], ' ', `value column misaligned: ${l}`);
        assert.strictEqual(l[formulaCol - 1], ' ', `formula column misaligned: ${l}`);
        assert.match(l.slice(formulaCol), /^(kl_div|−Σ|mean_n)/, l);
      }
      assert.match(out, /\nnotes:\n {2}KLDivLoss\(\) default 'mean': /);
    });

    it('the printed values are the engine rows', async () => {
      const { out } = await run(KD);
      const rows = distillationConventions({
        student: tensor([2, 3], [2.0, 1.0, 0.1, 0.5, 2.5, -1.0]),
        teacher: tensor([2, 3], [3.0, 0.5, -1.0, 0.0, 3.0, 0.2]),
        labels: tensor([2], [0, 1], 'int64'),
        temperature: 4,
        alpha: 0.9,
      });
      const lines = tableLines(out).slice(1);
      rows.forEach((r, i) => {
        assert.ok(lines[i].startsWith(r.convention), lines[i]);
        const cells = lines[i].slice(r.convention.length).trim().split(/\s{2,}/);
        assert.strictEqual(cells[0], formatNumber(r.value));
        assert.strictEqual(cells[1], r.reference ? '1 (reference)' : formatNumber(r.ratioToReference));
        assert.strictEqual(cells[2], formatNumber(r.total as number));
      });
    });

    it('reads @file values and takes integer logits as floats; no labels, no total column', async () => {
      const { rc, out } = await run(['distillation', '--student', '@s.json', '--teacher=[[1, 0, 0]]', '--temperature', '2'], { 's.json': '[[1, 2, 3]]' });
      assert.strictEqual(rc, 0);
      assert.ok(!tableLines(out)[0].includes('total'));
      assert.match(out, /T = 2, alpha = 0\.9/);
    });

    it('--json prints the rows with their ratios, NaN encoded', async () => {
      const { rc, out } = await run([...KD, '--json']);
      assert.strictEqual(rc, 0);
      const json = JSON.parse(out);
      assert.strictEqual(json.comparison, 'distillation');
      assert.strictEqual(json.rows.length, 7);
      assert.deepStrictEqual(Object.keys(json.rows[0]), ['convention', 'formula', 'value', 'ratioToReference', 'total', 'reference', 'note']);
      assert.strictEqual(json.rows.filter((r: { reference: boolean }) => r.reference).length, 1);
      const mean = json.rows.find((r: { convention: string }) => r.convention === "KLDivLoss() default 'mean'");
      assert.ok(Math.abs(mean.ratioToReference - 1 / 3) < 1e-12);
      const same = JSON.parse((await run(['distillation', '--student', STUDENT, '--teacher', STUDENT, '--json'])).out);
      assert.strictEqual(same.rows.find((r: { convention: string }) => r.convention === 'soft cross-entropy').ratioToReference, 'nan');
    });

    it('prints the findings about the inputs under the table', async () => {
      const { rc, out } = await run(['distillation', '--student', STUDENT, '--teacher', '[[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]']);
      assert.strictEqual(rc, 0);
      assert.match(out, /\nfindings:\nwarning {2}softmax-twice \[teacher\]\n/);
    });
  });

  describe('label_smoothing', () => {
    it('class indices: PyTorch is the reference and timm matches it', async () => {
      const { rc, out } = await run(['label_smoothing', '--input', STUDENT, '--target', '[0, 1]', '--smoothing', '0.1']);
      assert.strictEqual(rc, 0);
      assert.match(out, /^label smoothing \(class indices\): input \[2,3\], target \[2\], smoothing = 0\.1\nreference: PyTorch cross_entropy\(label_smoothing=ε\)/);
      const lines = tableLines(out);
      const ref = lines.find((l) => l.startsWith('PyTorch'));
      const timm = lines.find((l) => l.startsWith('timm LabelSmoothingCrossEntropy'));
      assert.ok(ref && timm);
      assert.strictEqual(timm.slice(timm.indexOf(')') + 1).trim().split(/\s{2,}/)[0], ref.slice(ref.indexOf(')') + 1).trim().split(/\s{2,}/)[0]);
    });

    it('a target of the input\'s shape is binary (0/1 written as integers), smoothed toward 0.5', async () => {
      const { rc, out } = await run(['label-smoothing', '--input', STUDENT, '--target', '[[1, 0, 0], [0, 1, 1]]', '--json']);
      assert.strictEqual(rc, 0);
      const json = JSON.parse(out);
      assert.strictEqual(json.rows[0].convention, 'toward 0.5');
      assert.match(json.header, /binary targets.*smoothing = 0\.1/);
    });
  });

  describe('bad calls: one line on stderr, exit 2', () => {
    const cases: [string, string[], RegExp][] = [
      ['no comparison', [], /^loss-lens compare: compare needs a comparison: distillation or label_smoothing/],
      ['unknown comparison', ['entropy'], /unknown comparison 'entropy'; use distillation or label_smoothing/],
      ['missing --teacher', ['distillation', '--student', STUDENT], /--teacher is required/],
      ['unknown option', ['distillation', '--student', STUDENT, '--teacher', TEACHER, '--tau', '2'], /compare distillation has no option --tau; its options are --student, --teacher/],
      ['bad JSON', ['distillation', '--student', '[[1, 2]', '--teacher', TEACHER], /--student is not valid JSON .*give a nested list/],
      ['ragged rows', ['distillation', '--student', '[[1, 2], [3]]', '--teacher', TEACHER], /--student: the list at \[1\] has 1 element but the first one at that depth has 2/],
      ['shape mismatch', ['distillation', '--student', STUDENT, '--teacher', '[[1, 2]]'], /^loss-lens compare distillation: teacher \[1,2\] must have the student's shape \[2,3\]\.\n$/],
      ['bad number', ['distillation', '--student', STUDENT, '--teacher', TEACHER, '--temperature', 'hot'], /--temperature needs a number, got 'hot'/],
      ['zero temperature', ['distillation', '--student', STUDENT, '--teacher', TEACHER, '--temperature', '0'], /temperature=0 must be a finite number > 0/],
      ['missing file', ['distillation', '--student', '@nope.json', '--teacher', TEACHER], /--student: cannot read nope\.json/],
      ['label out of range', ['label_smoothing', '--input', STUDENT, '--target', '[0, 3]'], /holds 3, but class indices must lie in \[0, 3\)/],
      ['flag without value', ['label_smoothing', '--input', STUDENT, '--target'], /--target needs a value/],
    ];
    for (const [name, argv, re] of cases) {
      it(name, async () => {
        const { rc, out, err } = await run(argv);
        assert.strictEqual(rc, 2);
        assert.strictEqual(out, '');
        assert.match(err, re);
        assert.strictEqual(err.split('\n').length, 2, `one line: ${JSON.stringify(err)}`);
        assert.ok(err.endsWith('\n'));
      });
    }
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    for (const argv of [['--help'], ['distillation', '--help'], ['help']]) {
      const { rc, out } = await run(argv);
      assert.strictEqual(rc, 0);
      assert.match(out, /^usage: loss-lens compare distillation --student/);
    }
  });

  it('a leading "compare" is skipped', async () => {
    assert.strictEqual((await run(['compare', ...KD])).rc, 0);
  });
});
