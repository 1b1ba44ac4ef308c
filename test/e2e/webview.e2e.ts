import * as assert from 'node:assert/strict';
import { session } from './support/session';
import { goToLine, quickOpen, runCommand, webviewFrame } from './support/workbench';

describe('Loss Lens panel', () => {
  it('shows the softmax computed in the host, as text, a pipeline table and charts, inside the webview', async () => {
    const { page } = session();
    await quickOpen(page, 'logits.json');
    await goToLine(page, 3, 32); // inside [0.5, 2.5, 0.3] of "batch"
    await runCommand(page, 'Loss Lens: Softmax of Selection');
    await runCommand(page, 'Loss Lens: Open Panel');
    const frame = webviewFrame(page);
    const title = frame.locator('#title', { hasText: 'softmax of logits.json' });
    await title.waitFor();
    assert.equal(await title.textContent(), 'softmax of logits.json: [0.1086, 0.8025, 0.08892]');
    assert.match((await frame.locator('#status').textContent()) ?? '', /^Loss Lens \d+\.\d+\.\d+$/);
    assert.equal(await frame.locator('#view-pipeline tbody tr').count(), 3);
    // ECharts' SVG renderer drew the distribution chart as SVG in the page (no canvas, no HTML tooltip).
    assert.ok((await frame.locator('#chart-distribution svg path').count()) >= 3);
  });
});
