/**
 * The real hover widget on a loss call of a seed notebook: `jsd(output,labels)` in
 * seeds/002_…ipynb, whose stored output is read from the notebook file (never typed in here).
 * Screenshots of the hover in a dark and a light theme.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { join } from 'node:path';
import { currentTheme, THEMES, useTheme } from './editorTheme';
import { fixturesWorkspace } from './support/paths';
import { session } from './support/session';
import { hoverToken, quickOpen, runCommand, screenshot } from './support/workbench';

const NOTEBOOK = '002_c7bb8edfcbe15c6b.ipynb';
const CALL = 'jsd(output,labels)';

/** The text/plain output stored for the cell whose source is exactly `source`. */
function storedOutput(file: string, source: string): string {
  const nb = JSON.parse(readFileSync(join(fixturesWorkspace, 'seeds', file), 'utf8')) as { cells: Array<{ source: string[] | string; outputs?: Array<{ data?: Record<string, string[] | string> }> }> };
  const cell = nb.cells.find((c) => (Array.isArray(c.source) ? c.source.join('') : c.source).trim() === source);
  const text = cell?.outputs?.find((o) => o.data?.['text/plain'])?.data?.['text/plain'];
  assert.ok(text, `no stored output for ${source}`);
  return Array.isArray(text) ? text.join('') : text;
}

/** Waits for the hover's fade-in to finish, so a screenshot does not catch it half transparent. */
async function settled(hover: Locator): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await hover.evaluate((el: any) => Promise.all(el.getAnimations({ subtree: true }).map((a: any) => a.finished)));
}

describe('tensor hover in a JSON file', () => {
  after(() => runCommand(session().page, 'View: Close All Editors'));
  it('shows the rows of a literal with entropy and argmax, and calls rows that sum to 1 probabilities, in a dark and a light theme', async () => {
    const { page } = session();
    await quickOpen(page, 'losses.json');
    const line = page.locator('.editor-instance .view-line', { hasText: '"probs"' }).first();
    const span = line.locator('span > span', { hasText: /^0\.8$/ }).first();
    await span.waitFor();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Rows sum to 1' }).first();
    const before = await currentTheme(page);
    for (const theme of THEMES) {
      await useTheme(page, theme);
      await span.hover();
      await hover.waitFor();
      const text = (await hover.textContent()) ?? '';
      assert.match(text, /shape \[2, 3\]/);
      assert.match(text, /2: 0\.5, 1: 0\.3, 0: 0\.2\s*1\.03\s*2/); // rows already sum to 1: the entries, H = 1.0297 nats, argmax 2
      await settled(hover);
      await screenshot(page, `editor-hover-json-${theme.name}`);
      await page.mouse.move(5, 5);
      await hover.waitFor({ state: 'hidden' }).catch(() => undefined);
    }
    await useTheme(page, before);
  });
});

describe('loss call hover in a seed notebook', () => {
  after(() => runCommand(session().page, 'View: Close All Editors'));
  it(`shows the stored value of ${CALL} in the hover widget, in a dark and a light theme`, async () => {
    const { page } = session();
    const printed = /tensor\((-?\d+\.(\d+))/.exec(storedOutput(NOTEBOOK, CALL));
    assert.ok(printed, 'the stored output is a 0-d tensor');
    const decimals = printed[2].length;
    await quickOpen(page, NOTEBOOK);
    await page.locator('.notebook-editor .code-cell-row').first().waitFor();
    const line = page.locator('.notebook-editor .cell-editor-container .view-line', { hasText: CALL }).first();
    // The notebook list renders only the cells in view: scroll until the call's cell is there.
    await page.locator('.notebook-editor .cell-list-container').first().hover();
    for (let i = 0; i < 20 && (await line.count()) === 0; i++) await page.mouse.wheel(0, 250);
    await line.scrollIntoViewIfNeeded();
    const span = line.locator('span > span', { hasText: /^jsd$/ }).first();
    await span.waitFor();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'jsd_cross_entropy' }).first();
    const before = await currentTheme(page);
    for (const theme of THEMES) {
      await useTheme(page, theme);
      let text = '';
      for (let attempt = 1; attempt <= 3 && !text; attempt++) {
        await span.hover();
        try {
          await hover.waitFor({ timeout: 5_000 });
          text = (await hover.textContent()) ?? '';
        } catch (err) {
          if (attempt === 3) throw err;
          await page.mouse.move(5, 5);
        }
      }
      const shown = /jsd_cross_entropy = (-?\d+\.\d+)/.exec(text);
      assert.ok(shown, `no value in the hover: ${text}`);
      // To the printed precision: within half a unit of the last printed decimal (1.46115 shows 1.4611502…, printed 1.4612).
      const tol = 0.5 * 10 ** -decimals + 1e-9;
      assert.ok(Math.abs(Number(shown[1]) - Number(printed[1])) <= tol, `hover ${shown[1]} vs stored ${printed[1]} (±${tol})`);
      assert.match(text, /Open in Loss Lens panel/);
      await settled(hover);
      await screenshot(page, `editor-hover-seed-${theme.name}`);
      await page.mouse.move(5, 5);
      await hover.waitFor({ state: 'hidden' }).catch(() => undefined);
    }
    await useTheme(page, before);
  });
});

describe('loss call hover inside blocks, on seeded random inputs', () => {
  after(() => runCommand(session().page, 'View: Close All Editors'));
  it('shows the value PyTorch prints for a loss under `if __name__ == "__main__":` and `with torch.no_grad():` on torch.randn after manual_seed', async () => {
    const { page } = session();
    // The file's own comment holds what Debian's torch printed when it was run.
    const printed = /# tensor\((\d+\.\d+)\)/.exec(readFileSync(join(fixturesWorkspace, 'seeded.py'), 'utf8'));
    assert.ok(printed, 'seeded.py records the printed loss');
    await quickOpen(page, 'seeded.py');
    const lineText = 'loss = F.cross_entropy(x, t)';
    const text = await hoverToken(page, lineText, /cross_entropy/, 'cross_entropy =');
    const shown = /cross_entropy = (-?\d+\.\d+)/.exec(text);
    assert.ok(shown, `no value in the hover: ${text}`);
    assert.ok(Math.abs(Number(shown[1]) - Number(printed[1])) <= 0.5e-4, `hover ${shown[1]} vs printed ${printed[1]}`);
    assert.match(text, /drawn from the seed set at line 5/);
    // Again, for a screenshot with the hover open.
    const span = page.locator('.editor-instance .view-line', { hasText: lineText }).first().locator('span > span', { hasText: /cross_entropy/ }).first();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'cross_entropy =' }).first();
    await span.hover();
    await hover.waitFor();
    await settled(hover);
    await screenshot(page, 'editor-hover-seeded-block');
    await page.mouse.move(5, 5);
    await hover.waitFor({ state: 'hidden' }).catch(() => undefined);
  });
});
