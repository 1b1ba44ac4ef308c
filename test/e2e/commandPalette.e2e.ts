import * as assert from 'node:assert/strict';
import { currentTheme, THEMES, useTheme } from './editorTheme';
import { session } from './support/session';
import { acceptQuickInput, acceptQuickPick as pick, goToLine, notificationText, quickOpen, runCommand, screenshot, webviewFrame } from './support/workbench';


describe('Compute Loss… from the command palette', () => {
  it('computes cross_entropy on a JSON object with logits and labels, likely op first, PyTorch defaults', async () => {
    const { page } = session();
    await quickOpen(page, 'losses.json');
    await page.locator('.editor-instance .view-line', { hasText: '"classification"' }).first().waitFor();
    await goToLine(page, 2, 21); // the '{' of "classification": { ... },
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Loss Lens: Compute Loss…');
    await pick(session().page, 'cross_entropy'); // ranked first: logits and class indices
    await pick(session().page, "PyTorch's defaults");
    const text = await notificationText(page, 'cross_entropy = ');
    assert.equal(text, 'cross_entropy = 0.31854 (losses.json: input [2, 3], target [2]).'); // torch: 0.31853976964918573
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'cross_entropy = 0.31854' }).first();
    assert.ok(await toast.locator('.monaco-button', { hasText: 'Open in Panel' }).isVisible());
    assert.ok(await toast.locator('.monaco-button', { hasText: 'Copy as PyTorch Code' }).isVisible());
    const before = await currentTheme(page);
    for (const theme of THEMES) {
      await useTheme(page, theme);
      await screenshot(page, `editor-notification-${theme.name}`);
    }
    await useTheme(page, before);
    // "Open in Panel" shows the same computation in the Loss Lens panel.
    await toast.locator('.monaco-button', { hasText: 'Open in Panel' }).click();
    const panel = webviewFrame(page).locator('body', { hasText: 'cross_entropy (losses.json) = 0.31854' });
    await panel.waitFor({ timeout: 30_000 });
    await screenshot(page, 'editor-open-in-panel');
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('asks for the target when the selection holds one tensor, validating as you type', async () => {
    const { page } = session();
    await quickOpen(page, 'losses.json');
    await goToLine(page, 5, 12); // the '[' of "probs": [[0.2, ...]],
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Loss Lens: Compute Loss…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('[2, x');
    const message = page.locator('.quick-input-widget .quick-input-message', { hasText: 'Column 5' });
    await message.waitFor();
    assert.match((await message.textContent()) ?? '', /Column 5: Expected a number or '\[' but found 'x'\./);
    await screenshot(page, 'editor-target-validation');
    await input.fill('[2, 2]');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: 'Column 5' }).waitFor({ state: 'detached' }).catch(() => undefined);
    await acceptQuickInput(page);
    await pick(session().page, 'cross_entropy');
    await pick(session().page, "PyTorch's defaults");
    const text = await notificationText(page, 'cross_entropy = 0.8');
    // cross_entropy of probabilities read as logits: torch gives 0.8147788509073383, and the finding says so
    assert.match(text, /^cross_entropy = 0\.8\d+ \(losses\.json: input \[2, 3\], target \[2\]\)\. .*probabilities/);
  });
});
