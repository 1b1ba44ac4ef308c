/** Shared bench helpers: a seeded PRNG, timing, Python peer detection. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

/** mulberry32: a small seeded PRNG in [0, 1), so every run benches the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn` `reps` times after `warmup` runs; returns the median seconds per run. */
export function timeMedian(fn: () => void, reps: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The Python with PyTorch, or null with the reason. */
export function torchPython(): { python: string } | { missing: string } {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return { missing: `${python} not found` };
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { missing: `${python} has no torch (apt-get install python3-torch)` };
  return { python };
}

/** Runs a Python script with PyTorch and returns its stdout parsed as JSON. */
export function runPython(python: string, script: string, args: string[]): unknown {
  const r = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
}

/** `1.23e8` style for rates. */
export function rate(n: number): string {
  return n.toExponential(3);
}
