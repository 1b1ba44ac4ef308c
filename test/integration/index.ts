/**
 * The in-host suite index: VS Code loads this file in the extension host (via `extensionTestsPath`)
 * and calls `run(testsRoot, callback)`. We ignore both arguments and return a Promise instead
 * (resolved when every test passed). Mocha's spec output goes to console.log, which the workbench
 * forwards to the launcher. Counts go to the file named by `LOSS_LENS_TEST_RESULTS`, if set.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** What the results file holds. */
export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  failures: Array<{ title: string; message: string }>;
}

/** Every file under `dir` whose name ends with `suffix`, sorted. */
function testFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/** Runs the suites under this folder. Rejects when any test fails, so VS Code exits with 1. */
export function run(): Promise<void> {
  // LOSS_LENS_SUITE=bench runs the in-host benchmarks (`*.bench.js`, for `npm run bench`) instead of the tests.
  return runSuites(__dirname, process.env.LOSS_LENS_SUITE === 'bench' ? '.bench.js' : '.test.js');
}

/** Runs every `*<suffix>` file under `dir` in this extension host (also the VSIX smoke suite's index). */
export function runSuites(dir: string, suffix: string): Promise<void> {
  // LOSS_LENS_GREP (inherited through code-server's environment) runs only the matching tests.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', grep: process.env.LOSS_LENS_GREP || undefined });
  for (const file of testFiles(dir, suffix)) mocha.addFile(file);
  const results: SuiteResults = { passed: 0, failed: 0, pending: 0, failures: [] };
  const save = (): void => {
    const path = process.env.LOSS_LENS_TEST_RESULTS;
    if (path) writeFileSync(path, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        save();
        if (failures > 0) reject(new Error(`${failures} in-host test(s) failed`));
        else resolve();
      });
      runner.on('pass', () => results.passed++);
      runner.on('pending', () => results.pending++);
      runner.on('fail', (test, err: Error) => {
        results.failed++;
        results.failures.push({ title: test.fullTitle(), message: err?.message ?? String(err) });
      });
    } catch (err) {
      results.failed++;
      results.failures.push({ title: '(loading the suites)', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      save();
      reject(err);
    }
  });
}
