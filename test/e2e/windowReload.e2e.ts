/**
 * The editor-tab panel across a real window reload (Developer: Reload Window): VS Code restores the
 * tab, activates Loss Lens on `onWebviewPanel:lossLens.panel` and hands the webview's saved state to
 * the registered `WebviewPanelSerializer`, which rebuilds the report with the saved row and controls.
 * Last of the UI files (a reload would disturb what a later file expects).
 */
import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { lossBreakdown } from '../../src/engine/breakdown';
import { registry } from '../../src/engine/registry';
import { tensor } from '../../src/engine/tensor';
import { session } from './support/session';
import { notificationText, openClassificationInPanel, panelFrame, runCommand, screenshot, waitForWorkbench } from './support/workbench';

/** A number the webview shows, full precision (`data-value`). */
async function shownValue(frame: FrameLocator, id: string): Promise<number> {
  const cell = frame.locator(`#${id}`);
  await cell.waitFor();
  return Number(await cell.getAttribute('data-value'));
}

describe('Loss Lens panel after a window reload (UI)', () => {
  it('comes back through the serializer with the report, the selected row and the temperature', async function () {
    this.timeout(240_000);
    const { page } = session();
    let frame = await openClassificationInPanel(page);
    await runCommand(page, 'Notifications: Clear All Notifications');
    // Select row 1 and set T = 2.5: both live in the webview's setState.
    await frame.locator('#row').fill('1');
    await frame.locator('#row').dispatchEvent('change');
    await frame.locator('#temperature').fill('2.5');
    await frame.locator('#temperature-value', { hasText: '2.5' }).waitFor();
    await frame.locator('#title', { hasNotText: '0.31854' }).waitFor();
    await frame.locator('[data-view="distribution"] h2', { hasText: 'Row 1:' }).waitFor();
    const before = { ce: await shownValue(frame, 'ce'), kl: await shownValue(frame, 'kl'), title: await frame.locator('#title').textContent() };
    const input = tensor([2, 3], [2 / 2.5, 1 / 2.5, 0.1 / 2.5, 0.5 / 2.5, 2.5 / 2.5, 0.3 / 2.5]);
    const expected = lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', { input, target: tensor([2], [0, 1], 'int64') }))!;
    assert.equal(before.ce.toFixed(4), expected.mean.crossEntropy.toFixed(4));
    await screenshot(page, 'panel-before-reload');

    // A mark on the workbench's window: gone after the reload, so the page really loaded again.
    await page.evaluate(() => ((globalThis as { lossLensMark?: number }).lossLensMark = 1));
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window');
    await navigated;
    await waitForWorkbench(page, undefined, 120_000); // the side bar comes back as it was (not always the explorer)
    assert.equal(await page.evaluate(() => (globalThis as { lossLensMark?: number }).lossLensMark), undefined, 'the window did not reload');
    frame = panelFrame(page);
    // The revived panel: same report, T = 2.5 and row 1 restored, the numbers rebuilt by the host and shown by the webview.
    await frame.locator('#title', { hasText: before.title ?? '' }).waitFor({ timeout: 120_000 });
    assert.equal(await frame.locator('#temperature').inputValue(), '2.5');
    assert.equal(await frame.locator('#row').inputValue(), '1');
    assert.equal(await shownValue(frame, 'ce'), before.ce);
    assert.equal(await shownValue(frame, 'kl'), before.kl);
    assert.equal(await frame.locator('[data-view="distribution"] h2', { hasText: 'Row 1:' }).count(), 1, 'the distribution view shows row 1');
    // The host holds the revived report too (the serializer rebuilt it there): exports work.
    await frame.locator('#copy-markdown').click();
    await notificationText(page, 'Copied the Loss Lens report as Markdown.');
    await screenshot(page, 'panel-after-reload');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
});
