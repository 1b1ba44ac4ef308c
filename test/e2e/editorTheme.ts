/** The colour theme of the running workbench, switched through "Preferences: Color Theme", for screenshots in a dark and a light theme. */
import type { Page } from 'playwright-core';

/** The two themes the editor-feature screenshots are taken in, and the class the workbench gets. */
export const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern', bodyClass: 'vs-dark' },
  { name: 'light', theme: 'Default Light Modern', bodyClass: 'vs' },
] as const;

/** Picks `theme` in the colour-theme picker and waits until the workbench shows it. */
export async function useTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  const has = (): Promise<boolean> => page.locator(`.monaco-workbench.${theme.bodyClass}`).count().then((n) => n > 0);
  if (await has()) return;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Preferences: Color Theme');
  // The most recently used row may be "Browse Color Themes in Marketplace": click the picker itself.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).filter({ hasNotText: 'Marketplace' }).first().click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Default Dark Modern' }).first().waitFor();
  await input.fill(theme.theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme.theme }).filter({ hasNotText: 'Browse' }).first().click();
  await page.locator(`.monaco-workbench.${theme.bodyClass}`).waitFor({ timeout: 20_000 });
}


/** The theme of {@link THEMES} the workbench shows now (light when it shows neither). */
export async function currentTheme(page: Page): Promise<(typeof THEMES)[number]> {
  return (await page.locator('.monaco-workbench.vs-dark').count()) > 0 ? THEMES[0] : THEMES[1];
}
