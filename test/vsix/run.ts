/**
 * The VSIX layer: builds the package a user installs (`npm run package` from this checkout), checks
 * what is inside it, installs it into code-server and runs the smoke suite (test/vsix/smoke) against
 * the installed copy: a hover, Compute Loss… and the panel. Closing line: `vsix: N passed, N failed`.
 * Restores the development bundles afterwards (`npm run build`), so later runs debug the same code.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../e2e/support/paths';
import { installVsix } from '../e2e/support/server';
import { runInHostAndExit } from '../integration/runOffline';
import { checkVsixEntries, type VsixEntry } from './contents';

const vsix = join(repoRoot, 'dist', 'loss-lens.vsix');

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The VSIX's entries with their uncompressed sizes (`zipinfo -l`: permissions, version, os, size, …, name). */
function vsixEntries(path: string): VsixEntry[] {
  return sh('zipinfo', ['-l', path])
    .split('\n')
    .filter((line) => /^[-d]/.test(line))
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      return { name: cols[cols.length - 1], size: Number(cols[3]) };
    });
}

sh('npm', ['run', '-s', 'package']);
const entries = vsixEntries(vsix);
const problems = checkVsixEntries(entries, statSync(vsix).size);
sh('npm', ['run', '-s', 'build']);
console.log(`VSIX ${vsix}: ${(statSync(vsix).size / 1024).toFixed(0)} KB, ${entries.length} entries`);
for (const e of entries) console.log(`  ${e.name} ${(e.size / 1024).toFixed(1)} KB`);
if (problems.length) {
  for (const p of problems) console.log(`  not as it should be: ${p}`);
  console.log(`vsix: 0 passed, ${problems.length} failed`);
  process.exit(1);
}

runInHostAndExit({
  layer: 'vsix',
  developmentPath: join(repoRoot, 'test', 'fixtures', 'vsix-smoke-host'),
  testsPath: join(repoRoot, 'out', 'test', 'vsix', 'index.js'),
  timeoutMs: 180_000,
  prepare: (runDir) => installVsix(runDir, vsix),
});
