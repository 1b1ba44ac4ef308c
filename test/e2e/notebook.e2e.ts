import * as assert from 'node:assert/strict';
import { session } from './support/session';
import { hoverToken, quickOpen } from './support/workbench';

describe('Jupyter notebook', () => {
  it('opens notebook.ipynb in the notebook editor', async () => {
    const { page } = session();
    await quickOpen(page, 'notebook.ipynb');
    await page.locator('.notebook-editor .code-cell-row', { hasText: 'logits = torch.tensor' }).first().waitFor();
  });

  it('shows the tensor hover on a list in a Python cell', async () => {
    const { page } = session();
    const text = await hoverToken(page, 'logits = torch.tensor', /^1\.0$/, 'Softmax over the last dim', 'notebook');
    assert.match(text, /0: 0\.659, 1: 0\.2424, 2: 0\.09857/);
  });
});
