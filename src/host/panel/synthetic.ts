/** Seeded synthetic tensors for the first-paint measurements (the dev command and the in-host bench). */
import type { Tensor } from '../../engine/tensor';

/** Elements filled between two turns of the event loop (a few milliseconds of work). */
const CHUNK = 1 << 20;

/**
 * A seeded logits/labels pair of the given size (mulberry32), for the first-paint measurement.
 * Filled in chunks with the event loop free between them: a [4096, 50257] pair is 206M numbers,
 * seconds of work that must not freeze the extension host.
 */
export async function syntheticClassification(rows: number, classes: number, seed = 7): Promise<{ input: Tensor; target: Tensor }> {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const x = new Float64Array(rows * classes);
  for (let start = 0; start < x.length; start += CHUNK) {
    const end = Math.min(x.length, start + CHUNK);
    for (let i = start; i < end; i++) x[i] = next() * 8 - 4;
    if (end < x.length) await new Promise((resolve) => setImmediate(resolve));
  }
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) y[r] = Math.floor(next() * classes);
  return { input: { shape: [rows, classes], data: x, dtype: 'float32' }, target: { shape: [rows], data: y, dtype: 'int64' } };
}
