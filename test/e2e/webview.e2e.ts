/**
 * The webview's own DOM on a real report: Compute Loss… on a JSON selection whose object carries
 * `"reduction": "sum"`, opened with the notification's "Open in Panel", read inside the webview
 * (title, status, pipeline table, ECharts' SVG).
 */
import * as assert from 'node:assert/strict';
import { session } from './support/session';
import { acceptQuickPick, clickNotificationButton, goToLine, notificationText, panelFrame, quickOpen, runCommand } from './support/workbench';

describe('Loss Lens panel', () => {
  it('shows a Compute Loss… report computed in the host, as text, a pipeline table and SVG charts, inside the webview', async () => {
    const { page } = session();
    await quickOpen(page, 'losses.json');
    await page.locator('.editor-instance .view-line', { hasText: '"summed"' }).first().waitFor();
    await goToLine(page, 4, 13); // the "summed" object: logits, labels and "reduction": "sum" (selected with its trailing comma)
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Loss Lens: Compute Loss…');
    for (const pick of ['cross_entropy', "PyTorch's defaults"]) await acceptQuickPick(page, pick);
    await notificationText(page, 'cross_entropy = 0.63708');
    await clickNotificationButton(page, 'cross_entropy = 0.63708', 'Open in Panel');
    const frame = panelFrame(page);
    const title = frame.locator('#title', { hasText: 'cross_entropy (losses.json)' });
    await title.waitFor();
    // F.cross_entropy(..., reduction='sum') = 0.6370795392983715, computed in the host and rendered by the webview.
    assert.match((await title.textContent()) ?? '', /^cross_entropy \(losses\.json\) = 0\.63708\d*$/);
    assert.equal(await frame.locator('#reduction').inputValue(), 'sum');
    assert.match((await frame.locator('#status').textContent()) ?? '', /^Loss Lens \d+\.\d+\.\d+$/);
    assert.equal(await frame.locator('#view-pipeline tbody tr').count(), 3);
    // ECharts' SVG renderer drew the distribution chart as SVG in the page (no canvas, no HTML tooltip).
    assert.ok((await frame.locator('#chart-distribution svg path').count()) >= 3);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
});
