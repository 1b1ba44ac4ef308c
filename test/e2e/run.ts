/**
 * The UI layer: mocha in Node over `out/test/e2e/**\/*.e2e.js`, driving the real workbench in headless
 * chromium. Prints the closing line `e2e: N passed, N failed` (test/support/countingReporter.js).
 * Screenshots go to `.screenshots/`: always for a failed test, for every test with LOSS_LENS_SCREENSHOTS=1.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { repoRoot } from './support/paths';
import { session, startSession, stopSession } from './support/session';
import { resetSteps, runAsTest, stepsText } from './support/steps';
import { resetWorkbench, screenshot, screenshotEveryStep } from './support/workbench';

process.env.LOSS_LENS_LAYER ||= 'e2e';

/** Every `*.e2e.js` under `dir`, sorted. */
function e2eFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...e2eFiles(path));
    else if (entry.name.endsWith('.e2e.js')) out.push(path);
  }
  return out.sort();
}

const t0 = Date.now();
// LOSS_LENS_GREP runs only the matching tests.
const mocha = new Mocha({ reporter: join(repoRoot, 'test', 'support', 'countingReporter.js'), timeout: 60_000, grep: process.env.LOSS_LENS_GREP || undefined });
for (const file of e2eFiles(__dirname)) mocha.addFile(file);
// Load the files now so each file's top-level suites can start from a neutral workbench.
// loadFiles and lazyLoadFiles are public in mocha's API but missing from its type definitions.
const loader = mocha as unknown as { loadFiles(): void; lazyLoadFiles(enabled: boolean): void };
loader.loadFiles();
loader.lazyLoadFiles(true);
// Each test body runs as its own test (support/steps.ts), so one that timed out stops at its next step.
const wrapTests = (suite: Mocha.Suite): void => {
  for (const test of suite.tests) {
    const body = test.fn;
    if (body && body.length === 0) test.fn = function (this: Mocha.Context) { return runAsTest(() => (body as (this: Mocha.Context) => unknown).call(this)); } as Mocha.Func;
  }
  suite.suites.forEach(wrapTests);
};
wrapTests(mocha.suite);
for (const suite of mocha.suite.suites) {
  suite.beforeAll('reset the workbench', async function () {
    this.timeout(60_000);
    await resetWorkbench(session().page);
  });
}

let failures = 0;
mocha.suite.beforeAll('start code-server and chromium', async function () {
  this.timeout(120_000);
  try {
    await startSession();
  } catch (err) {
    const page = (() => {
      try {
        return session().page;
      } catch {
        return undefined;
      }
    })();
    if (page) console.log(`screenshot: ${await screenshot(page, `e2e-startup-failed-${Date.now()}`)}`);
    throw err;
  }
});
mocha.suite.beforeEach(() => resetSteps());
mocha.suite.afterEach(async function () {
  const test = this.currentTest;
  if (!test) return;
  if (test.state === 'failed') failures++;
  if (test.state === 'failed') console.log(`    steps of the failed test:\n${stepsText().replace(/^/gm, '      ')}`);
  if (test.state === 'failed' || screenshotEveryStep) {
    const file = await screenshot(session().page, `e2e-${test.state === 'failed' ? 'FAILED-' : ''}${test.fullTitle()}`);
    if (test.state === 'failed') console.log(`    screenshot: ${file}`);
  }
});
mocha.suite.afterAll('stop chromium and code-server', async function () {
  this.timeout(30_000);
  await stopSession(failures === 0);
});

const stopOnSignal = (signal: NodeJS.Signals): void => {
  void stopSession(false).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

mocha.run((failed) => {
  console.log(`(e2e took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(failed ? 1 : 0);
});
