import * as assert from 'node:assert/strict';
import { session } from './support/session';
import { goToLine, quickOpen, runCommand, webviewFrame } from './support/workbench';

describe('Loss Lens panel', () => {
  it('shows the softmax computed in the host, as text and bars, inside the webview', async () => {
    const { page } = session();
    await quickOpen(page, 'logits.json');
    await goToLine(page, 3, 32); // inside [0.5, 2.5, 0.3] of "batch"
    await runCommand(page, 'Loss Lens: Softmax of Selection');
    await runCommand(page, 'Loss Lens: Open Panel');
    const frame = webviewFrame(page);
    const result = frame.locator('#result', { hasText: 'softmax of logits.json' });
    await result.waitFor();
    assert.equal(await result.textContent(), 'softmax of logits.json: [0.1086, 0.8025, 0.08892]');
    assert.match((await frame.locator('#status').textContent()) ?? '', /^Loss Lens \d+\.\d+\.\d+$/);
    assert.equal(await frame.locator('#bars rect.bar').count(), 3);
  });
});
