// `npm test`: runs every test layer that exists, in order, and prints each layer's closing line
// `<layer>: N passed, N failed` and a last overall line. Exits non-zero if any layer fails.
// `npm run pretest` (build, type check, compile tests) runs first through npm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A layer: a name, whether it exists on this checkout, and the command that runs it. */
const layers = [
  { name: 'unit', present: () => true, cmd: ['npx', 'mocha', '--config', '.mocharc.json'] },
  { name: 'integration', present: () => existsSync('out/test/integration/runOffline.js'), cmd: ['node', 'out/test/integration/runOffline.js'] },
  { name: 'e2e', present: () => existsSync('out/test/e2e/run.js'), cmd: ['node', 'out/test/e2e/run.js'] },
  { name: 'vsix', present: () => existsSync('out/test/vsix/run.js'), cmd: ['node', 'out/test/vsix/run.js'] },
];

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
let anyFailed = false;
for (const layer of layers) {
  if (only.length && !only.includes(layer.name)) continue;
  if (!layer.present()) {
    console.log(`(layer ${layer.name}: not present on this checkout)`);
    continue;
  }
  console.log(`\n=== ${layer.name} ===`);
  const r = spawnSync(layer.cmd[0], layer.cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOSS_LENS_LAYER: layer.name }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  const m = [...(r.stdout ?? '').matchAll(new RegExp(`^${layer.name}: (\\d+) passed, (\\d+) failed`, 'gm'))].pop();
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0 || !m) {
    anyFailed = true;
    if (!m) failed += 1;
    console.log(`layer ${layer.name} failed (exit ${r.status}${r.signal ? `, signal ${r.signal}` : ''}${m ? '' : ', no closing line'})`);
  }
}
console.log(`\nall layers: ${passed} passed, ${failed} failed`);
process.exit(anyFailed ? 1 : 0);
