/**
 * Parser throughput and memory, against the peer `JSON.parse` + flatten measured in the same run:
 * - a ~16 MB and a ~128 MB JSON logits file, written the way `json.dumps(t.tolist())` writes a
 *   float32 tensor (shortest round-trip doubles, `", "` separators), generated in memory;
 * - a 1M-number `torch.tensor([[...]])` literal with 4-decimal values, as torch prints them.
 *
 * Targets printed next to the figures: at least 2x the peer's MB/s, extra memory at most half the
 * file size, the literal in at most 100 ms. Run with `node --expose-gc` for memory figures.
 *
 * Each JSON file is measured twice: as a string (`parseTensorText` against `JSON.parse`) and as the
 * UTF-8 bytes a file read gives (`parseJsonTensorBytes` against `TextDecoder` + `JSON.parse`, since a
 * caller of JSON.parse must decode first).
 */
import { numel } from '../../src/engine/tensor';
import { parseTensorText } from '../../src/parsers';
import { parseJsonTensorBytes } from '../../src/parsers/jsonTensorBytes';
import { prng } from './support';

/** `gc()` when node runs with --expose-gc. */
const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** A JSON logits text of about `megabytes` MB: rows of `classes` float32 values. */
function logitsJson(megabytes: number, classes: number, seed: number): { text: string; rows: number } {
  const rand = prng(seed);
  const rows: string[] = [];
  let bytes = 0;
  const row = new Array<string>(classes);
  while (bytes < megabytes * 1e6) {
    for (let c = 0; c < classes; c++) {
      // A logit of a trained model: roughly N(0, 3), rounded to float32 as the tensor holds it.
      const g = (rand() + rand() + rand() + rand() - 2) * 5;
      row[c] = String(Math.fround(g));
    }
    const s = `[${row.join(', ')}]`;
    rows.push(s);
    bytes += s.length + 2;
  }
  // join() gives a flat string, so neither parser pays for flattening a rope.
  return { text: ['[', rows.join(', '), ']'].join(''), rows: rows.length };
}

/** The peer: JSON.parse, then a generic flatten that infers the shape and checks it is rectangular. */
function jsonParseFlatten(text: string): { shape: number[]; data: Float64Array } {
  const value = JSON.parse(text) as unknown;
  const shape: number[] = [];
  for (let x = value; Array.isArray(x); x = x[0]) shape.push(x.length);
  const data = new Float64Array(numel(shape));
  let k = 0;
  const walk = (a: unknown, d: number): void => {
    if (!Array.isArray(a) || a.length !== shape[d]) throw new Error('ragged');
    if (d === shape.length - 1) {
      for (let i = 0; i < a.length; i++) {
        const v = a[i] as unknown;
        if (typeof v !== 'number') throw new Error('not a number');
        data[k++] = v;
      }
    } else for (let i = 0; i < a.length; i++) walk(a[i], d + 1);
  };
  walk(value, 0);
  return { shape, data };
}

/** Bytes allocated and not yet collected (heap + typed arrays). */
function allocated(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Run {
  seconds: number;
  /** Allocation during the parse, before any collection after it: a bound on the peak. */
  peakBytes: number;
  /** Bytes still held after a collection: the result. */
  retainedBytes: number;
}

/** Times `parse` `reps` times after a warm-up run (median), measuring memory around the last run. */
function measure(parse: () => { shape: readonly number[]; data: Float64Array }, expectLength: number, reps: number): Run {
  const times: number[] = [];
  let peakBytes = NaN;
  let retainedBytes = NaN;
  for (let r = 0; r < reps + 1; r++) {
    // Twice: typed-array backing stores of the previous run are released by the first collection.
    gc?.();
    gc?.();
    const before = allocated();
    const t0 = process.hrtime.bigint();
    let out: { shape: readonly number[]; data: Float64Array } | undefined = parse();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = allocated();
    if (out.data.length !== expectLength || !Number.isFinite(out.data[expectLength - 1])) throw new Error('bench: wrong parse result');
    if (r > 0) times.push(seconds);
    if (gc && r === reps) {
      peakBytes = after - before;
      gc();
      retainedBytes = allocated() - before;
    }
    out = undefined;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], peakBytes, retainedBytes };
}

/** Two lines of figures and one of ratios for a parser and its peer on a file of `size` bytes holding `n` values. */
function compare(name: string, ours: Run, peerName: string, peer: Run, size: number, n: number): string {
  const line = (label: string, r: Run): string =>
    `  ${label.padEnd(36)} ${(size / 1e6 / r.seconds).toFixed(0)} MB/s (${(n / r.seconds).toExponential(2)} values/s), peak extra ${mb(r.peakBytes)}, retained ${mb(r.retainedBytes)}\n`;
  return (
    line(name, ours) +
    line(peerName, peer) +
    `    throughput ratio ${(peer.seconds / ours.seconds).toFixed(2)}x (target >= 2x); peak extra / file ${(ours.peakBytes / size).toFixed(2)} (target <= 0.5), peer ${(peer.peakBytes / size).toFixed(2)}\n`
  );
}

const mb = (bytes: number): string => (Number.isNaN(bytes) ? 'n/a (run node --expose-gc)' : `${(bytes / 1e6).toFixed(1)} MB`);

/** Prints the figures. */
export async function benchParsers(): Promise<void> {
  const classes = 1000;
  for (const [size, reps] of [
    [16, 5],
    [128, 3],
  ] as const) {
    const { text, rows } = logitsJson(size, classes, 1234 + size);
    const n = rows * classes;
    const fileMb = text.length / 1e6;
    const ours = measure(() => parseTensorText(text, 'json').tensors[0].tensor, n, reps);
    const peer = measure(() => jsonParseFlatten(text), n, reps);
    const bytes = new TextEncoder().encode(text);
    const oursBytes = measure(() => parseJsonTensorBytes(bytes).tensors[0].tensor, n, reps);
    const peerBytes = measure(() => jsonParseFlatten(new TextDecoder().decode(bytes)), n, reps);
    process.stdout.write(
      `JSON logits ${fileMb.toFixed(1)} MB ([${rows}, ${classes}], ${(text.length / n).toFixed(1)} bytes per value)\n` +
        compare('string: parseTensorText', ours, 'JSON.parse + flatten', peer, text.length, n) +
        compare('bytes:  parseJsonTensorBytes', oursBytes, 'TextDecoder + JSON.parse + flatten', peerBytes, text.length, n),
    );
  }

  // A 1M-number literal as a user pastes a printed tensor into a cell.
  const rand = prng(99);
  const rowsText: string[] = [];
  for (let r = 0; r < 1000; r++) {
    const row = new Array<string>(1000);
    for (let c = 0; c < 1000; c++) row[c] = ((rand() - 0.5) * 8).toFixed(4);
    rowsText.push(`[${row.join(', ')}]`);
  }
  const literal = ['torch.tensor([', rowsText.join(',\n        '), '], requires_grad=True)'].join('');
  const lit = measure(() => parseTensorText(literal, 'python').tensors[0].tensor, 1e6, 5);
  const jsonPeer = measure(() => jsonParseFlatten(`[${rowsText.join(', ')}]`), 1e6, 5);
  process.stdout.write(
    `torch.tensor literal, 1M numbers (${(literal.length / 1e6).toFixed(1)} MB)\n` +
      `  parseTensorText python ${(lit.seconds * 1e3).toFixed(1)} ms (target <= 100 ms), JSON.parse + flatten of the same list ${(jsonPeer.seconds * 1e3).toFixed(1)} ms, ratio ${(jsonPeer.seconds / lit.seconds).toFixed(2)}x\n`,
  );
}
