/**
 * The pure hover pipeline (everything the hover provider runs except gathering the document and
 * wrapping the Markdown), timed on literals of 100, 1k and 10k numbers, p50 and p95, against the
 * peer `JSON.parse` of the same numbers measured in the same run. Budget: 30 ms p95 for 10k.
 *
 * - JSON literal: `locateTensor` around the cursor + `tensorLiteralMarkdown` (shape, per-row
 *   softmax, entropy, argmax, findings).
 * - Python loss call: `evaluateAt` on a cell that builds a `[rows, 10]` `torch.tensor` literal and
 *   calls `F.cross_entropy` on it, + `hoverMarkdown`. Each run changes the cell (a comment), so the
 *   evaluator's cache never answers: the figure is a first hover.
 */
import { evaluateAt } from '../../src/analysis';
import { hoverMarkdown, tensorLiteralMarkdown } from '../../src/host/editorFormat';
import { locateTensor } from '../../src/parsers';
import { prng } from './support';

/** Runs `fn` `reps` times after `warmup` runs; p50 and p95 of the per-run milliseconds. */
function percentiles(fn: (i: number) => void, reps: number, warmup = 5): { p50: number; p95: number } {
  for (let i = 0; i < warmup; i++) fn(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(reps * 0.5)], p95: times[Math.min(reps - 1, Math.floor(reps * 0.95))] };
}

/** `[[...], ...]` of `rows` rows of 10 four-decimal logits, as torch prints them. */
function literal(rows: number, seed: number): string {
  const rand = prng(seed);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < 10; c++) row.push(((rand() - 0.5) * 8).toFixed(4));
    out.push(`[${row.join(', ')}]`);
  }
  return `[${out.join(', ')}]`;
}

const BUDGET_MS = 30;

/** Prints the figures. */
export async function benchHover(): Promise<void> {
  const lines = ['| numbers | pipeline | p50 ms | p95 ms | numbers/s (p50) | JSON.parse p50 ms | ratio | p95 ≤ 30 ms |', '|---:|---|---:|---:|---:|---:|---:|---|'];
  for (const n of [100, 1_000, 10_000]) {
    const rows = n / 10;
    const list = literal(rows, n);
    const json = `{"logits": ${list}, "labels": [0]}`;
    const at = json.indexOf('[[') + 5;
    const labels = `[${Array.from({ length: rows }, (_, i) => i % 10).join(', ')}]`;

    const peer = percentiles(() => {
      const v = JSON.parse(list) as number[][];
      if (v.length !== rows) throw new Error('JSON.parse peer: wrong row count');
    }, n >= 10_000 ? 100 : 300);

    const jsonHover = percentiles(() => {
      const located = locateTensor(json, at, { format: 'json' });
      const md = located && tensorLiteralMarkdown(located, 'command:lossLens.analyzeTensor');
      if (!md || !md.includes(`shape **[${rows}, 10]**`)) throw new Error('JSON hover: no tensor summary');
    }, n >= 10_000 ? 100 : 300);

    const pySource = (i: number): string => `# run ${i}\nimport torch\nimport torch.nn.functional as F\nx = torch.tensor(${list})\ny = torch.tensor(${labels})\nloss = F.cross_entropy(x, y)\n`;
    const pyHover = percentiles((i) => {
      const source = pySource(i);
      const r = evaluateAt([{ source, outputs: [] }], 0, source.indexOf('cross_entropy(x') + 3);
      if (!r || r.kind !== 'loss') throw new Error(`Python hover: expected a loss, got ${r?.kind}`);
      const md = hoverMarkdown(r, 'command:lossLens.showHoverResult?%5B%22h1%22%5D');
      if (!md.includes('cross\\_entropy')) throw new Error('Python hover: no loss line');
    }, n >= 10_000 ? 60 : 200);

    for (const [name, t] of [['JSON literal', jsonHover], ['Python loss call (cold)', pyHover]] as const) {
      lines.push(`| ${n} | ${name} | ${t.p50.toFixed(3)} | ${t.p95.toFixed(3)} | ${(n / (t.p50 / 1e3)).toExponential(2)} | ${peer.p50.toFixed(3)} | ${(t.p50 / peer.p50).toFixed(1)}× | ${t.p95 <= BUDGET_MS ? 'yes' : 'NO'} |`);
    }
  }
  // A 1M-number literal: the provider reads 200k characters each side of the cursor and bounds the
  // scan by the window, so the hover parses at most that and says it saw part of the literal.
  const big = `{"logits": ${literal(100_000, 7)}}`;
  const cursor = big.length >> 1;
  const window = big.slice(cursor - 200_000, cursor + 200_000);
  const capped = percentiles(() => {
    const located = locateTensor(window, 200_000, { format: 'json', maxScan: 200_000 - 1 });
    const md = located && tensorLiteralMarkdown(located, 'command:x');
    if (!md || !/Only part of a larger literal|too many for a hover/.test(md)) throw new Error('big literal: the hover does not say it is partial');
  }, 30, 2);
  lines.push(`| 1000000 | JSON literal, hover window of 2×200k characters | ${capped.p50.toFixed(3)} | ${capped.p95.toFixed(3)} | | | | ${capped.p95 <= BUDGET_MS ? 'yes' : 'NO'} |`);
  process.stdout.write(lines.join('\n') + '\n');
}
