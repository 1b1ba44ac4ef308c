/** Launches Debian's chromium through playwright-core with a fresh profile. */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { RunDir } from './server';

/** A browser context and its first page. */
export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** The chromium binary: `$CHROMIUM_PATH` or Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Starts headless chromium with a profile under the run folder (and its XDG config there too). */
export async function launchBrowser(dir: RunDir): Promise<Browser> {
  const context = await chromium.launchPersistentContext(dir.browserProfile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, XDG_CONFIG_HOME: dir.xdgConfig, XDG_CACHE_HOME: dir.xdgData } as Record<string, string>,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}
