import * as assert from 'node:assert/strict';
import { session } from './support/session';
import { goToLine, hoverToken, notificationText, quickOpen, runCommand } from './support/workbench';

describe('JSON file', () => {
  it('runs "Loss Lens: Softmax of Selection" from the command palette and shows the result', async () => {
    const { page } = session();
    await quickOpen(page, 'logits.json');
    await page.locator('.editor-instance .view-line', { hasText: '"logits"' }).first().waitFor();
    await goToLine(page, 2, 13); // the '[' of "logits": [2.0, 1.0, 0.1],
    await page.keyboard.press('Shift+End');
    await runCommand(page, 'Loss Lens: Softmax of Selection');
    const text = await notificationText(page, 'Loss Lens softmax of logits.json');
    assert.match(text, /\[0\.659, 0\.2424, 0\.09857\]/);
  });

  it('shows the softmax in the real hover widget', async () => {
    const { page } = session();
    const text = await hoverToken(page, '"logits"', /^1\.0$/, 'Loss Lens: softmax');
    assert.match(text, /0\.659, 0\.2424, 0\.09857/);
  });
});
