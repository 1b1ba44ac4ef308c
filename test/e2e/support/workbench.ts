/**
 * Helpers that drive the real VS Code workbench in the browser. Each waits on the element it needs
 * (no fixed sleeps). Selectors are the ones proven on VS Code 1.100.3 (see shared/E2E.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { screenshotsDir } from './paths';
import { retried, step } from './steps';

/** Waits for the workbench and, if given, for a file to be listed in the explorer. */
export async function waitForWorkbench(page: Page, explorerFile?: string, timeout = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  if (explorerFile) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: explorerFile }).first().waitFor({ timeout });
}

/**
 * Presses `key` (Ctrl+P, F1, Ctrl+G) and returns the quick input's text box once visible. When the
 * keyboard focus sits in a webview that was just hidden (the bottom view after Toggle Panel
 * Visibility), the key goes nowhere: then the focus is moved back to the workbench and the key
 * pressed again, at most three times.
 */
async function openQuickInput(page: Page, key: string): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  for (let i = 1; ; i++) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      return input;
    } catch (err) {
      if (i >= 3) throw err;
      retried(`${key} opened no quick input: focus moved back to the workbench, ${key} again`);
      await page.evaluate('document.activeElement && document.activeElement.blur()');
    }
  }
}

/** What tells one quick input from the next: its text box's label (it names the title) and value, and the focused row. */
interface PickSeen {
  label: string | null;
  value: string;
  row?: { source: string; flags: string };
}

/**
 * Runs in the page: true once the quick input `seen` describes is done with — the widget hidden,
 * another one in its place (a new label or value), or the focused row no longer the one accepted.
 */
function pickDone(seen: PickSeen): boolean {
  // The page's DOM, typed as far as used here (the test build has no DOM library).
  interface Node {
    getClientRects(): { length: number };
    querySelector(selector: string): Node | null;
    getAttribute(name: string): string | null;
    textContent: string | null;
    value?: string;
  }
  const widget = (globalThis as unknown as { document: Node }).document.querySelector('.quick-input-widget');
  if (!widget || widget.getClientRects().length === 0) return true;
  const input = widget.querySelector('input');
  if (!input || input.getAttribute('aria-label') !== seen.label || input.value !== seen.value) return true;
  if (!seen.row) return false;
  const row = widget.querySelector('.quick-input-list .monaco-list-row.focused');
  return !row || !new RegExp(seen.row.source, seen.row.flags).test((row.textContent ?? '').replace(/\s+/g, ' '));
}

/** `text` as a RegExp matching the way playwright's hasText does (a case-insensitive substring). */
function rowPattern(text: string | RegExp): { source: string; flags: string } {
  if (text instanceof RegExp) return { source: text.source, flags: text.flags };
  return { source: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags: 'i' };
}

/**
 * Accepts the open quick input with Enter (`row`: the text of the focused row it accepts; none for
 * an input box or Go to Line) and waits until it is done with. A quick input can be
 * shown before its text box has the keyboard, and then Enter is lost: so the text box gets the
 * focus first, and Enter is pressed again only while the same pick still shows the same focused
 * row — never blindly after a timeout, which under load accepted the next pick as well.
 */
export async function acceptQuickInput(page: Page, row?: string | RegExp, tries = 3): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const seen: PickSeen = { label: await input.getAttribute('aria-label'), value: await input.inputValue(), row: row === undefined ? undefined : rowPattern(row) };
  for (let i = 1; ; i++) {
    const focused = (): Promise<boolean> => input.evaluate((el) => el === el.ownerDocument.activeElement).catch(() => false);
    for (let j = 0; j < 30 && !(await focused()); j++) await page.waitForTimeout(100);
    if (!(await focused())) {
      retried('the quick input had no keyboard focus after 3 s: focused its text box');
      await input.focus();
    }
    await page.keyboard.press('Enter');
    try {
      await page.waitForFunction(pickDone, seen, { timeout: 15_000, polling: 100 });
      return;
    } catch (err) {
      if (i >= tries) throw new Error(`Enter did not accept the quick input "${seen.label}" (${row ?? 'no row'}) after ${tries} presses`);
      retried(`Enter ${i} left the quick input "${seen.label}" as it was for 15 s: Enter again`);
    }
  }
}

/** Opens a file with Ctrl+P (typing `query`: its name, or an absolute path for a file outside the workspace) and waits until its tab is active. */
export async function quickOpen(page: Page, fileName: string, query = fileName): Promise<void> {
  step(`quickOpen ${query}`);
  // A webview taking the focus just after a click closes the quick input again: then start over.
  for (let i = 1; ; i++) {
    try {
      const input = await openQuickInput(page, 'Control+P');
      await input.fill(query, { timeout: 5_000 });
      // Wait for the filter to apply: until then the focused row is the most recent file, not this one.
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).waitFor({ timeout: 10_000 });
      break;
    } catch (err) {
      if (i >= 3) throw err;
      retried(`quickOpen ${fileName}: the quick input closed or did not filter (${(err as Error).message.split('\n')[0]}); again`);
      await page.keyboard.press('Escape');
    }
  }
  await acceptQuickInput(page, fileName);
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).first().waitFor(); // active in each group that shows it
}

/** Runs a command by its palette title (e.g. `Loss Lens: Open Panel`) through F1. */
export async function runCommand(page: Page, title: string): Promise<void> {
  step(`runCommand ${title}`);
  const input = await openQuickInput(page, 'F1');
  await input.fill(`>${title}`); // fill replaces the prefilled '>'
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor();
  await acceptQuickInput(page, title);
}

/** Moves the cursor with Ctrl+G to `line:column` (1-based) in the focused editor. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  step(`goToLine ${line}:${column}`);
  const input = await openQuickInput(page, 'Control+G');
  await input.fill(`:${line}:${column}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${line}` }).first().waitFor();
  await acceptQuickInput(page);
}

/** The text of a notification toast containing `text`, once shown. */
export async function notificationText(page: Page, text: string | RegExp): Promise<string> {
  step(`notificationText ${text}`);
  const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await toast.waitFor();
  return (await toast.textContent()) ?? '';
}

/** Where to look for a token: a code editor by default, or a notebook's cell editors. */
export type EditorScope = 'editor' | 'notebook';

/**
 * Hovers the mouse over `token` on the editor line containing `lineText`, and returns the text of
 * the hover widget once it contains `expect`. The token's own span is awaited first: before the
 * tokenizer runs the whole line is one span and the line node gets replaced (the flake in E2E.md).
 */
export async function hoverToken(page: Page, lineText: string, token: RegExp, expect: string | RegExp, scope: EditorScope = 'editor'): Promise<string> {
  const root = scope === 'notebook' ? '.notebook-editor .cell-editor-container' : '.editor-instance';
  const line = page.locator(`${root} .view-line`, { hasText: lineText }).first();
  const span = line.locator('span > span', { hasText: token }).first();
  await span.waitFor();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expect }).first();
  // A hover can be missed if the mouse arrives while the editor is still settling; move away and back.
  for (let attempt = 1; ; attempt++) {
    await span.hover();
    try {
      await hover.waitFor({ timeout: 5_000 });
      const text = (await hover.textContent()) ?? '';
      if (screenshotEveryStep) await screenshot(page, `hover-${scope}-${lineText}`);
      await page.mouse.move(5, 5); // let the hover go so it cannot cover what the next step needs
      return text;
    } catch (err) {
      if (attempt >= 3) throw err;
      retried(`no hover with ${expect} on ${token} after 5 s: mouse away and back`);
      await page.mouse.move(5, 5);
    }
  }
}

/**
 * An extension's document inside its webview: `iframe.webview` holds `iframe#active-frame`. The outer
 * iframe's src names the owning extension, which tells ours from a notebook's output webview.
 */
export function webviewFrame(page: Page, extensionId = 'loss-lens.loss-lens'): FrameLocator {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]`).first().frameLocator('iframe#active-frame');
}

/** The document of Loss Lens's editor-tab panel, the visible one (`purpose=webviewView` marks the bottom view's). */
export function panelFrame(page: Page, extensionId = 'loss-lens.loss-lens'): FrameLocator {
  return page.frameLocator(`iframe.webview.ready[src*="extensionId=${extensionId}"]:not([src*="purpose=webviewView"]):visible`).first().frameLocator('iframe#active-frame');
}

/** Clicks `button` on the notification toast that shows `text`. */
export async function clickNotificationButton(page: Page, text: string, button: string): Promise<void> {
  step(`clickNotificationButton ${text} → ${button}`);
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await toast.locator('.monaco-button', { hasText: button }).click();
}

/**
 * Opens losses.json, selects its `"classification"` object (logits [[2, 1, 0.1], [0.5, 2.5, 0.3]],
 * labels [0, 1]), runs Compute Loss… with cross_entropy and PyTorch's defaults, and opens the result
 * in the panel; resolves with the panel's document once it shows cross_entropy = 0.31854….
 */
export async function openClassificationInPanel(page: Page): Promise<FrameLocator> {
  await quickOpen(page, 'losses.json');
  await page.locator('.editor-instance .view-line', { hasText: '"classification"' }).first().waitFor();
  await goToLine(page, 2, 21);
  await page.keyboard.press('Shift+End');
  await runCommand(page, 'Loss Lens: Compute Loss…');
  await acceptQuickPick(page, 'cross_entropy');
  await acceptQuickPick(page, "PyTorch's defaults");
  await notificationText(page, 'cross_entropy = 0.31854');
  await clickNotificationButton(page, 'cross_entropy = 0.31854', 'Open in Panel');
  step('openClassificationInPanel: wait for the panel title 0.31854');
  const frame = panelFrame(page);
  await frame.locator('#title', { hasText: '0.31854' }).waitFor();
  return frame;
}

/** Saves `.screenshots/<name>.png` and returns its path. Never throws. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = join(screenshotsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file }).catch(() => undefined);
  return file;
}

/** True when `LOSS_LENS_SCREENSHOTS=1` asks for a screenshot of every step. */
export const screenshotEveryStep = process.env.LOSS_LENS_SCREENSHOTS === '1';

/**
 * Puts the workbench back to a neutral state between test files, so no file depends on what an
 * earlier one left: menus and widgets closed, every debug session stopped (Shift+F5 until the
 * debug toolbar is gone), the bottom panel hidden and all editors closed.
 */
export async function resetWorkbench(page: Page): Promise<void> {
  for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
  const toolbar = page.locator('.debug-toolbar');
  for (let i = 0; i < 5 && (await toolbar.isVisible()); i++) {
    await page.keyboard.press('Shift+F5');
    await toolbar.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
  if (await toolbar.isVisible()) throw new Error('resetWorkbench: a debug session is still running after 5 × Shift+F5');
  const panel = page.locator('.part.panel');
  if (await panel.isVisible()) {
    await page.keyboard.press('Control+J');
    await panel.waitFor({ state: 'hidden', timeout: 5_000 });
  }
  await runCommand(page, 'View: Close All Editors');
}

/** Picks the focused row of the open quick pick that shows `text` (typing it first when `filter`) with Enter. */
export async function acceptQuickPick(page: Page, text: string | RegExp, filter = false): Promise<void> {
  step(`acceptQuickPick ${text}`); // first, so a wait for the pick to open is this step's
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  if (filter && typeof text === 'string') await input.fill(text);
  const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first();
  await row.waitFor();
  await acceptQuickInput(page, text);
}
