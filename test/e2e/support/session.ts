/**
 * One code-server and one browser shared by every UI test in a run: started before the first test,
 * stopped after the last. The workbench loads Loss Lens unpacked from the repository through the
 * `extensionDevelopmentPath` payload, on the fixture workspace.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './browser';
import { assertCodeServerInstalled, fixturesWorkspace, repoRoot } from './paths';
import { createRunDir, removeRunDir, startCodeServer, type CodeServer, type RunDir } from './server';
import { installTestExtensions } from './testExtensions';
import { waitForWorkbench } from './workbench';

/** What the UI tests drive. */
export interface Session {
  readonly runDir: RunDir;
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
}

let current: Session | undefined;

/** The running session; throws if `startSession` has not run. */
export function session(): Session {
  if (!current) throw new Error('No UI test session: run the UI tests through out/test/e2e/run.js.');
  return current;
}

/** Starts code-server and chromium and waits for the workbench with the fixture workspace. */
export async function startSession(): Promise<Session> {
  assertCodeServerInstalled();
  const runDir = createRunDir('e2e');
  installTestExtensions(runDir);
  const server = await startCodeServer({ runDir });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser(runDir);
    const payload = [['extensionDevelopmentPath', server.remoteUri(repoRoot)]] as const;
    await browser.page.goto(server.workbenchUrl(fixturesWorkspace, payload));
    await waitForWorkbench(browser.page, 'logits.json');
  } catch (err) {
    current = { runDir, server, browser: browser!, page: browser?.page as Page };
    throw err;
  }
  current = { runDir, server, browser, page: browser.page };
  return current;
}

/** Stops the browser and the server; removes the run folder when `success`. */
export async function stopSession(success: boolean): Promise<void> {
  if (!current) return;
  const { browser, server, runDir } = current;
  current = undefined;
  await browser?.close();
  await server.stop();
  if (success) removeRunDir(runDir);
}
