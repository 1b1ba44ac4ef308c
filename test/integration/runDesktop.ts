/**
 * Runs the same in-host suites in desktop VS Code through @vscode/test-electron, for machines that
 * can download VS Code. Where the download fails (offline CI) it prints
 * `desktop: skipped: cannot download VS Code (reason)` and exits 0; `npm test` uses runOffline instead.
 * Closing line otherwise: `desktop: N passed, N failed`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { e2eDir, fixturesWorkspace, integrationIndex, repoRoot } from '../e2e/support/paths';
import type { SuiteResults } from './index';

/** The VS Code the extension targets (engines.vscode ^1.100.0). */
const VERSION = process.env.LOSS_LENS_VSCODE_VERSION ?? '1.100.3';

async function main(): Promise<number> {
  let executable: string;
  try {
    executable = await downloadAndUnzipVSCode({ version: VERSION, timeout: 30_000, cachePath: join(e2eDir, 'vscode-test') });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    console.log(`desktop: skipped: cannot download VS Code ${VERSION} (${reason})`);
    return 0;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.log('desktop: no DISPLAY: desktop VS Code needs a display; run `xvfb-run -a npm run test:desktop`.');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'loss-lens-desktop-'));
  const resultsFile = join(scratch, 'results.json');
  let code = 0;
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationIndex,
      extensionTestsEnv: { LOSS_LENS_TEST_RESULTS: resultsFile },
      launchArgs: [fixturesWorkspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
    });
  } catch (err) {
    console.log(`desktop: VS Code reported a failure: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  }
  const results: SuiteResults | undefined = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  const failed = (results?.failed ?? 0) + (results ? 0 : 1);
  console.log(`desktop: ${results?.passed ?? 0} passed, ${failed} failed`);
  rmSync(scratch, { recursive: true, force: true });
  return code || failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`desktop: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
