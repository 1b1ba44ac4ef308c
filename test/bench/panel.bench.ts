/**
 * The panel's host side on a [4096, 50257] cross_entropy: time to build the first (sampled) report
 * and the bytes it puts on the wire, against a naive peer measured in the same run — JSON of the
 * whole logits (extrapolated from 64 rows: the full string would exceed V8's string limit). The
 * first paint itself, in the real webview, is the next section (`first_paint`).
 */
import { ReportBuilder } from '../../src/shared/report';
import { encode, wireSize } from '../../src/shared/wire';
import { prng } from './support';

/** Prints the host build time and message size of the first paint of a [4096, 50257] report. */
export async function benchPanel(): Promise<void> {
  const R = 4096;
  const C = 50257;
  const next = prng(7);
  const x = new Float64Array(R * C);
  for (let i = 0; i < x.length; i++) x[i] = next() * 8 - 4;
  const y = new Float64Array(R);
  for (let r = 0; r < R; r++) y[r] = Math.floor(next() * C);
  const input = { shape: [R, C], data: x, dtype: 'float32' as const };
  const target = { shape: [R], data: y, dtype: 'int64' as const };
  const times: number[] = [];
  let bytes = 0;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    const b = new ReportBuilder({ op: 'cross_entropy', args: { input, target } });
    b.sample(8);
    const report = b.report();
    times.push(performance.now() - t0);
    if (!report.selected || report.summaries?.rows.length !== 8) throw new Error('bench: the first report is incomplete');
    bytes = wireSize(encode({ type: 'report', seq: 1, report, inputs: null }));
  }
  times.sort((a, b) => a - b);
  const rows = 64;
  const t1 = performance.now();
  const json = JSON.stringify(Array.from(x.subarray(0, rows * C)));
  const jsonMs = ((performance.now() - t1) * R) / rows;
  const jsonBytes = (json.length * R) / rows;
  process.stdout.write(`first report of [${R}, ${C}]: host build ${times[1].toFixed(0)} ms (median of 3), message ${(bytes / 1024).toFixed(0)} KB\n`);
  process.stdout.write(`peer, naive JSON of the logits (extrapolated from ${rows} rows): ${jsonMs.toFixed(0)} ms, ${(jsonBytes / 2 ** 20).toFixed(0)} MB\n`);
  process.stdout.write(`ratio: ${(jsonBytes / bytes).toFixed(0)}x fewer bytes, ${(jsonMs / times[1]).toFixed(1)}x less time\n`);
}
