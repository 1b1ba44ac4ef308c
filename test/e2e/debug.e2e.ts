/**
 * The debug watch in the browser: a breakpoint in train.py, Start Debugging with the test debugpy adapter,
 * "Open in Loss Lens" from the Variables view's context menu, the op picker, then the bottom view's
 * value and its history chart growing as the program continues.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from './support/paths';
import { session } from './support/session';
import { acceptQuickInput, goToLine, quickOpen, runCommand, screenshot, screenshotEveryStep, webviewFrame } from './support/workbench';

const program = join(repoRoot, 'test', 'fixtures', 'debug', 'train.py');
const breakpointLine = readFileSync(program, 'utf8').split('\n').findIndex((l) => l.includes('# BREAKPOINT')) + 1;



/**
 * Opens train.py and clicks the glyph margin left of `line` until the breakpoint shows. The margin
 * appears only once the test adapter's debugger and breakpoint contributions are registered, which
 * can be after the workbench looks ready; until then the file is reopened.
 */
async function setBreakpoint(page: Page, line: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await quickOpen(page, 'train.py', program); // outside the workspace: by its absolute path
    await goToLine(page, line, 5);
    const lineNumber = page.locator('.editor-instance .line-numbers', { hasText: new RegExp(`^${line}$`) }).first();
    const box = await lineNumber.boundingBox();
    assert.ok(box, 'the breakpoint line is not on screen');
    await page.mouse.click(box.x - 8, box.y + box.height / 2);
    try {
      await page.locator('.editor-instance .codicon-debug-breakpoint').first().waitFor({ timeout: 2_000 });
      return;
    } catch (err) {
      if (attempt >= 15) throw err;
      await page.keyboard.press('Control+W');
      await page.waitForTimeout(1_000);
    }
  }
}

/** The Variables view's row of `name` (its text is `name = value`). */
function variableRow(page: Page, name: string): Locator {
  return page.locator('.debug-pane .monaco-list-row', { hasText: new RegExp(`^\\s*${name}\\s*=`) }).first();
}

/** Runs a palette command if it is offered within `timeout` ms (teardown must not hang); false otherwise. */
async function tryCommand(page: Page, title: string, timeout = 5_000): Promise<boolean> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  try {
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor({ timeout });
  } catch {
    await page.keyboard.press('Escape');
    return false;
  }
  await acceptQuickInput(page, title, 1);
  return true;
}

/** The status line and the latest value of the view's first watch, once the status matches. */
async function watchView(page: Page, status: RegExp): Promise<{ status: string; value: number }> {
  const frame = webviewFrame(page);
  const line = frame.locator('#watch-status', { hasText: status });
  await line.waitFor({ timeout: 30_000 });
  const value = Number(await frame.locator('.watch-value').first().getAttribute('data-value'));
  return { status: (await line.textContent()) ?? '', value };
}

describe('Debug watch (UI)', () => {
  after(async function () {
    this.timeout(60_000);
    const { page } = session();
    await page.keyboard.press('Escape');
    for (const title of ['Debug: Stop', 'Debug: Remove All Breakpoints', 'Loss Lens: Stop Watching Losses', 'View: Close All Editors', 'View: Close Panel']) {
      await tryCommand(page, title).catch(() => false);
    }
  });

  it('breakpoint, Open in Loss Lens from the Variables view, the value and the history chart as the loss falls', async function () {
    this.timeout(120_000);
    const { page } = session();
    await setBreakpoint(page, breakpointLine);
    await page.keyboard.press('F5');

    // Paused: the Variables view lists the frame's locals; right-click the logits tensor.
    const row = variableRow(page, 'logits');
    await row.waitFor({ timeout: 60_000 });
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .action-item', { hasText: 'Open in Loss Lens' });
    await item.waitFor();
    if (screenshotEveryStep) await screenshot(page, 'debug-variables-context-menu');
    // A click can land while the menu still animates in; then the item is hovered and Enter runs it.
    await item.click();
    try {
      await item.waitFor({ state: 'hidden', timeout: 2_000 });
    } catch {
      await item.hover();
      await page.keyboard.press('Enter');
      await item.waitFor({ state: 'hidden' });
    }

    // The target (labels) is guessed from the sibling tensors; pick the op, cross_entropy first.
    const first = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'cross_entropy' });
    await first.waitFor();
    await acceptQuickInput(page, 'cross_entropy');

    const stop1 = await watchView(page, /\(stop 1\)/);
    assert.match(stop1.status, /^Paused at train\.py:\d+, in <module> \(stop 1\)\.$/);
    assert.ok(Math.abs(stop1.value - 1.3301074504852295) <= 1e-6, `the view shows ${stop1.value}; train.py prints 1.3301074504852295 at step 0`);
    const frame = webviewFrame(page);
    assert.match((await frame.locator('.watch-item .result').first().textContent()) ?? '', /^cross_entropy\(logits, labels\) = 1\.33/);

    // A menu item only for tensors: the model (a Linear) has none.
    const modelRow = variableRow(page, 'model');
    await modelRow.click({ button: 'right' });
    await page.locator('.context-view .action-item').first().waitFor();
    assert.equal(await page.locator('.context-view .action-item', { hasText: 'Open in Loss Lens' }).count(), 0, '"Open in Loss Lens" is offered for a non-tensor');
    await page.keyboard.press('Escape');

    // Continue twice: the value follows the printed losses and the chart gains a point per stop.
    const printed = [1.0363433361053467, 0.86399978399276733];
    for (const [i, expected] of printed.entries()) {
      await page.keyboard.press('F5'); // Continue
      const s = await watchView(page, new RegExp(`\\(stop ${i + 2}\\)`));
      assert.ok(Math.abs(s.value - expected) <= 1e-6, `stop ${i + 2}: the view shows ${s.value}, train.py prints ${expected}`);
    }
    const chart = frame.locator('[data-chart^="watch-"] svg');
    await chart.waitFor();
    const labels = await frame.locator('[data-chart^="watch-"] svg text').allTextContents();
    for (const stop of ['1', '2', '3']) assert.ok(labels.includes(stop), `the history chart has no point for stop ${stop}: ${labels.join(' ')}`);
    await screenshot(page, 'debug-watch-history');
  });

  it('Watch Loss While Debugging: prompts for the expressions and the op, and shows a failed expression as a state', async function () {
    this.timeout(60_000);
    const { page } = session();
    await runCommand(page, 'Loss Lens: Watch Loss While Debugging');
    for (const text of ['logitz', 'labels']) {
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(text);
      await acceptQuickInput(page); // the next prompt replaces this one
    }
    const input = page.locator('.quick-input-widget input');
    await input.fill('cross_entropy');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'cross_entropy' }).waitFor();
    await acceptQuickInput(page, 'cross_entropy');
    const error = webviewFrame(page).locator('.watch-error', { hasText: 'logitz' });
    await error.waitFor();
    assert.equal(
      await error.textContent(),
      "`logitz` failed in the debugger: NameError: name 'logitz' is not defined. Check the name in the Variables view or try the expression in the Debug Console.",
    );
    assert.equal(await error.getAttribute('data-problem'), 'expression-failed');
    await error.scrollIntoViewIfNeeded();
    await screenshot(page, 'debug-watch-error');
  });
});
