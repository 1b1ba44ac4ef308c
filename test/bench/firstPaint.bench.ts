/**
 * `npm run bench` section `first_paint`: the first paint of a [4096, 50257] report in the real
 * webview, against an [8, 10] report measured in the same run. It runs the in-host benchmark
 * (test/integration/firstPaint.bench.ts) in the local code-server through the integration runner;
 * without code-server (`npm run setup:vscode`) it says so and skips.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerEntry } from '../e2e/support/paths';

/** Runs the in-host first-paint benchmark and forwards what it prints. */
export async function benchFirstPaint(): Promise<void> {
  if (!existsSync(codeServerEntry)) {
    process.stdout.write('skipped: no local code-server; run `npm run setup:vscode` first\n');
    return;
  }
  const runner = join(__dirname, '..', 'integration', 'runOffline.js');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [runner], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, LOSS_LENS_SUITE: 'bench' } });
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`the in-host first-paint benchmark failed (exit ${code})`);
}
