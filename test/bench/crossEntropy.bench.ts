/**
 * cross_entropy forward on float32 logits [512, 32000] with class-index targets, against
 * PyTorch's F.cross_entropy on the same data in the same run (both at 1 thread, and PyTorch at
 * its default threads).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { registry } from '../../src/engine/registry';
import { Tensor } from '../../src/engine/tensor';
import { prng, rate, runPython, timeMedian, torchPython } from './support';

const N = 512;
const C = 32000;

const PEER = `
import sys, time, json, numpy as np, torch, torch.nn.functional as F
path, n, c, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = torch.from_numpy(np.fromfile(path + '.x', dtype=np.float32).reshape(n, c))
y = torch.from_numpy(np.fromfile(path + '.y', dtype=np.int64))
out = {}
for threads in (1, torch.get_num_threads()):
    torch.set_num_threads(threads)
    F.cross_entropy(x, y)
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); v = F.cross_entropy(x, y).item(); ts.append(time.perf_counter() - t0)
    ts.sort()
    out[str(threads)] = {"seconds": ts[len(ts)//2], "value": v}
print(json.dumps(out))
`;

/** Prints elements/s for the engine and the PyTorch peer, and their ratio. */
export async function benchCrossEntropy(): Promise<void> {
  const rnd = prng(1234);
  const x = new Float64Array(N * C);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround((rnd() - 0.5) * 8);
  const y = new Float64Array(N);
  for (let i = 0; i < N; i++) y[i] = Math.floor(rnd() * C);
  const input: Tensor = { shape: [N, C], data: x, dtype: 'float32' };
  const target: Tensor = { shape: [N], data: y, dtype: 'int64' };

  let value = NaN;
  const reps = 7;
  const seconds = timeMedian(() => {
    const out = registry.call('cross_entropy', { input, target }) as Tensor;
    const v = out.data[0];
    if (!Number.isFinite(v) || (!Number.isNaN(value) && v !== value)) throw new Error(`cross_entropy changed between runs: ${v} vs ${value}`);
    value = v;
  }, reps);
  const elements = N * C;
  process.stdout.write(`cross_entropy forward, float32 logits [${N}, ${C}] (${(elements / 1e6).toFixed(1)}M elements), class targets\n`);
  process.stdout.write(`  loss-lens (float64, 1 thread): ${(seconds * 1e3).toFixed(1)} ms, ${rate(elements / seconds)} elements/s, value ${value}\n`);

  const peer = torchPython();
  if ('missing' in peer) {
    process.stdout.write(`  pytorch: not measured (${peer.missing})\n`);
    return;
  }
  const base = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-bench-')), 'ce');
  try {
    fs.writeFileSync(`${base}.x`, Buffer.from(Float32Array.from(x).buffer));
    fs.writeFileSync(`${base}.y`, Buffer.from(BigInt64Array.from(y, (v) => BigInt(v)).buffer));
    const res = runPython(peer.python, PEER, [base, String(N), String(C), String(reps)]) as Record<string, { seconds: number; value: number }>;
    for (const [threads, r] of Object.entries(res)) {
      const agree = Math.abs(r.value - value) <= 1e-5 * Math.abs(value) + 1e-6;
      process.stdout.write(
        `  pytorch (float32, ${threads} thread${threads === '1' ? '' : 's'}): ${(r.seconds * 1e3).toFixed(1)} ms, ${rate(elements / r.seconds)} elements/s, value ${r.value}${agree ? '' : ' (DISAGREES)'}\n`,
      );
      process.stdout.write(`  ratio loss-lens / pytorch (${threads} thread${threads === '1' ? '' : 's'}): ${(r.seconds / seconds).toFixed(3)}× the throughput\n`);
    }
  } finally {
    fs.rmSync(path.dirname(base), { recursive: true, force: true });
  }
}
