/**
 * Runs the in-host suites offline: starts the local code-server, opens the workbench in headless
 * chromium with a `payload` that names this extension and `out/test/integration/index.js`, forwards
 * mocha's output (codeAutomationLog) and exits with the code VS Code reports (codeAutomationExit).
 * Closing line: `integration: N passed, N failed`, counted from a results file the suite writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, type Browser } from '../e2e/support/browser';
import { assertCodeServerInstalled, fixturesWorkspace, integrationIndex, repoRoot } from '../e2e/support/paths';
import { createRunDir, removeRunDir, startCodeServer, type CodeServer, type RunDir } from '../e2e/support/server';
import { installTestExtensions } from '../e2e/support/testExtensions';
import { screenshot } from '../e2e/support/workbench';
import type { SuiteResults } from './index';

/**
 * Which in-host run: `LOSS_LENS_SUITE=bench` (set by `npm run bench`) runs the in-host benchmarks
 * instead of the tests; the VSIX layer (test/vsix/run.ts) calls {@link runInHost} with the
 * installed package and its smoke suite.
 */
export interface InHostRun {
  /** The layer name in the closing line. */
  readonly layer: string;
  /** The folder VS Code loads as the development extension (it must exist; tests need one). */
  readonly developmentPath: string;
  /** The compiled suite index VS Code runs (`extensionTestsPath`). */
  readonly testsPath: string;
  /** Milliseconds before the run counts as hung. */
  readonly timeoutMs: number;
  /** Prepares the run folder before the server starts (installs test extensions, a VSIX). */
  readonly prepare?: (runDir: RunDir) => void;
}

const bench = process.env.LOSS_LENS_SUITE === 'bench';
const defaultRun: InHostRun = {
  layer: bench ? 'in-host bench' : 'integration',
  developmentPath: repoRoot,
  testsPath: integrationIndex,
  timeoutMs: Number(process.env.LOSS_LENS_INTEGRATION_TIMEOUT_MS ?? (bench ? 900_000 : 180_000)),
};

/** Workbench chatter that says nothing about the tests (see shared/E2E.md, "Harmless noise"). */
const noise = [/ENOTFOUND open-vsx\.org/, /node_modules\/vsda\//, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Updating additional builtin extensions cache/, /^\[Service Worker\]/, /^ChatSessionStore:/];

/** Runs one in-host suite in code-server and prints its closing line; resolves to the exit code. */
export async function runInHost(run: InHostRun): Promise<number> {
  const { layer, timeoutMs: TIMEOUT_MS } = run;
  const t0 = Date.now();
  assertCodeServerInstalled();
  if (!existsSync(run.testsPath)) throw new Error(`${run.testsPath} is missing: run \`npm run compile-tests\` first.`);
  const runDir = createRunDir(bench ? 'bench' : layer);
  const resultsFile = join(runDir.root, 'results.json');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let ok = false;
  const stopAll = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    installTestExtensions(runDir);
    run.prepare?.(runDir);
    server = await startCodeServer({ runDir, env: { LOSS_LENS_TEST_RESULTS: resultsFile } });
    browser = await launchBrowser(runDir);
    const { page } = browser;
    let settle: (code: number | 'timeout') => void = () => undefined;
    const finished = new Promise<number | 'timeout'>((resolve) => (settle = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => settle(code));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!noise.some((re) => re.test(text))) process.stdout.write(text + '\n');
    });
    const timer = setTimeout(() => settle('timeout'), TIMEOUT_MS);
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(run.developmentPath)],
      ['extensionTestsPath', server.remoteUri(run.testsPath)],
    ] as const;
    await page.goto(server.workbenchUrl(fixturesWorkspace, payload));
    const code = await finished;
    clearTimeout(timer);

    const results: SuiteResults | undefined = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
    if (code === 'timeout') {
      const shot = await screenshot(page, `integration-timeout-${Date.now()}`);
      console.log(`integration: timed out after ${TIMEOUT_MS / 1000} s waiting for the in-host tests to finish (screenshot ${shot}, logs in ${runDir.root})`);
      console.log(server.output().split('\n').slice(-30).join('\n'));
    } else if (!results) {
      console.log(`integration: VS Code exited with ${code} but the suite wrote no results to ${resultsFile}`);
    }
    const passed = results?.passed ?? 0;
    const failed = (results?.failed ?? 0) + (code === 'timeout' || !results ? 1 : 0);
    ok = code === 0 && failed === 0;
    if (!ok && code !== 'timeout') await screenshot(page, `integration-failed-${Date.now()}`);
    console.log(`(${layer} took ${((Date.now() - t0) / 1000).toFixed(1)} s; VS Code exit code ${code})`);
    console.log(`${layer}: ${passed} passed, ${failed} failed${results?.pending ? `, ${results.pending} skipped` : ''}`);
  } finally {
    await stopAll();
    if (ok) removeRunDir(runDir);
  }
  return ok ? 0 : 1;
}

/** Runs `run` as this process's whole job: exits with its code, printing a failed closing line on a crash. */
export function runInHostAndExit(run: InHostRun): void {
  runInHost(run).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${run.layer}: ${err instanceof Error ? err.message : String(err)}`);
      console.log(`${run.layer}: 0 passed, 1 failed`);
      process.exit(1);
    },
  );
}

if (require.main === module) runInHostAndExit(defaultRun);
