/**
 * The Loss Lens panel in the real workbench: opened from a seed-notebook selection through Compute
 * Loss… → Open in Panel, CE / H(p) / KL(p‖q) read from the webview DOM against the engine, the
 * temperature slider, the bottom-panel view, the first paint of a [4096, 50257] report, and
 * screenshots of every view in three themes.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { lossBreakdown } from '../../src/engine/breakdown';
import { registry } from '../../src/engine/registry';
import { tensor } from '../../src/engine/tensor';
import { session } from './support/session';
import { retried, step } from './support/steps';
import { acceptQuickPick, clickNotificationButton, notificationText, openClassificationInPanel, panelFrame, quickOpen, runCommand, screenshot, screenshotEveryStep } from './support/workbench';

const EXTENSION = 'loss-lens.loss-lens';


/**
 * The document of the bottom view whose title shows `text`. A view shown again after an earlier
 * suite hid it has no `purpose=webviewView` in its frame's URL, so every Loss Lens frame is tried
 * and the view is told by its `body[data-surface="view"]`.
 */
async function viewFrameShowing(page: Page, text: string, timeoutMs = 30_000): Promise<FrameLocator> {
  const frames = page.locator(`iframe.webview.ready[src*="extensionId=${EXTENSION}"]`);
  for (const deadline = Date.now() + timeoutMs; ; ) {
    for (let i = 0; i < (await frames.count()); i++) {
      const frame = frames.nth(i).contentFrame().frameLocator('iframe#active-frame');
      if (await frame.locator('body[data-surface="view"] #title', { hasText: text }).count()) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no bottom view shows "${text}" (${await frames.count()} Loss Lens frames)`);
    await page.waitForTimeout(200);
  }
}


/**
 * Runs a development command (shown once Loss Lens has activated and set `lossLens.dev`): retried
 * while activation is still under way.
 */
async function runDevCommand(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, title);
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      retried(`${title} is not in the palette yet (Loss Lens still activating?): again`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
}

/** A number the webview shows, as `data-value` (full precision) and as text. */
async function shown(frame: FrameLocator, id: string): Promise<{ value: number; text: string }> {
  const cell = frame.locator(`#${id}`);
  await cell.waitFor();
  return { value: Number(await cell.getAttribute('data-value')), text: (await cell.textContent()) ?? '' };
}

const to4 = (x: number): string => x.toFixed(4);

/** The three themes of the screenshots. */
const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern', bodyClass: 'vs-dark' },
  { name: 'light', theme: 'Default Light Modern', bodyClass: 'vs' },
  { name: 'hc', theme: 'Default High Contrast', bodyClass: 'hc-black' },
] as const;

/** Sets `workbench.colorTheme` in the user settings (through a development command) and waits until the workbench shows it. */
async function setTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
  step(`setTheme ${theme.theme}`);
  await runDevCommand(page, 'Loss Lens: Set Color Theme for Screenshots (internal)');
  await acceptQuickPick(page, theme.theme, true);
  await page.locator(`.monaco-workbench.${theme.bodyClass}`).waitFor({ timeout: 20_000 });
}

/**
 * The panel showing the classification report (cross_entropy = 0.31854…), as the test before
 * leaves it; opened afresh when it is not, so one failed test does not fail the ones after it.
 */
async function classificationPanel(page: Page): Promise<FrameLocator> {
  const frame = panelFrame(page);
  const ok = await frame
    .locator('#title', { hasText: '0.31854' })
    .waitFor({ timeout: 3_000 })
    .then(() => true, () => false);
  if (ok) return frame;
  step('the panel does not show the classification report (an earlier test failed?): opening it');
  return openClassificationInPanel(page);
}

/** The webview's `--vscode-foreground`, lower case. */
async function foreground(frame: FrameLocator): Promise<string> {
  return (await frame.locator('body').evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).getPropertyValue('--vscode-foreground').trim())).toLowerCase();
}

/** Switches back to the theme whose settings id the webview reported before (`data-vscode-theme-id`). */
async function restoreTheme(page: Page, frame: FrameLocator, original: string): Promise<void> {
  step(`restoreTheme ${original}`);
  await runDevCommand(page, 'Loss Lens: Set Color Theme for Screenshots (internal)');
  await acceptQuickPick(page, ['Default Light+', 'Default Dark+', ...THEMES.map((t) => t.theme)].includes(original) ? original : '(the default theme)', true);
  await frame.locator(`body[data-vscode-theme-id="${original}"]`).waitFor({ timeout: 20_000 }).catch(() => undefined);
}

describe('Loss Lens panel (UI)', () => {
  // A report opens the editor-tab panel only when no Loss Lens webview is visible: an earlier suite
  // (the debug watch) may leave the bottom view open, so hide the bottom panel first.
  before(async () => {
    const { page } = session();
    if (await page.locator('.part.panel').isVisible()) await runCommand(page, 'View: Toggle Panel Visibility');
    await page.locator('.part.panel').waitFor({ state: 'hidden' });
  });

  it('opens from a seed-notebook selection and shows the KL(p‖q) the seed stored (0.0853), CE = ln 3 and H(p)', async () => {
    const { page } = session();
    await quickOpen(page, '001_d3dbd9c3b7b25ed7.ipynb');
    // Seed 001's KL example: input = log(1/3, 1/3, 1/3), target = (9/25, 12/25, 4/25).
    const cell = page.locator('.notebook-editor .cell-editor-container:visible', { hasText: 'input = torch.log(torch.FloatTensor' }).first();
    await page.locator('.notebook-editor:visible').first().waitFor();
    // The notebook list renders the cells near the viewport only: scroll until the cell is there.
    for (let i = 0; i < 40 && !(await cell.isVisible()); i++) {
      await page.locator('.notebook-editor:visible').first().hover();
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(150);
    }
    await cell.waitFor();
    await cell.locator('.view-line').first().click();
    // The click must land in the cell's editor, not the notebook list, or Control+A selects every cell.
    await cell.locator('.monaco-editor.focused').waitFor();
    await page.keyboard.press('Control+A');
    await cell.locator('.selected-text').first().waitFor();
    await runCommand(page, 'Loss Lens: Compute Loss…');
    await acceptQuickPick(page, 'cross_entropy', true);
    await acceptQuickPick(page, "PyTorch's defaults");
    await notificationText(page, 'cross_entropy = ');
    await clickNotificationButton(page, 'cross_entropy = ', 'Open in Panel');
    const frame = panelFrame(page);
    await frame.locator('#title', { hasText: 'cross_entropy' }).waitFor();
    const [ce, h, kl] = [await shown(frame, 'ce'), await shown(frame, 'entropy'), await shown(frame, 'kl')];
    // The seed stored kl_loss(input, target) = tensor(0.0853) for these tensors; the selection's
    // input is torch.log(1/3, 1/3, 1/3), so CE = ln 3 and H(p) = H(9/25, 12/25, 4/25).
    assert.equal(to4(kl.value), '0.0853');
    assert.equal(to4(ce.value), to4(Math.log(3)));
    assert.equal(to4(h.value), '1.0133');
    assert.equal(ce.text.slice(0, 6), Math.log(3).toPrecision(6).slice(0, 6));
    await screenshot(page, 'panel-seed-001-kl-example');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('moving the temperature recomputes the values in the webview with the engine', async () => {
    const { page } = session();
    const frame = await openClassificationInPanel(page);
    const before = await shown(frame, 'ce');
    assert.equal(to4(before.value), '0.3185');
    await frame.locator('#temperature').fill('2.5');
    await frame.locator('#temperature-value', { hasText: '2.5' }).waitFor();
    await frame.locator('#title', { hasNotText: '0.31854' }).waitFor();
    const after = await shown(frame, 'ce');
    const input = tensor([2, 3], [2 / 2.5, 1 / 2.5, 0.1 / 2.5, 0.5 / 2.5, 2.5 / 2.5, 0.3 / 2.5]);
    const target = tensor([2], [0, 1], 'int64');
    const expected = lossBreakdown('cross_entropy', registry.resolveArgs('cross_entropy', { input, target }))!.mean;
    assert.notEqual(to4(after.value), to4(before.value));
    assert.equal(to4(after.value), to4(expected.crossEntropy));
    assert.equal(to4((await shown(frame, 'kl')).value), to4(expected.kl));
    await screenshot(page, 'panel-temperature-2.5');
    await frame.locator('#temperature').fill('1');
    await frame.locator('#title', { hasText: '0.31854' }).waitFor();
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('redraws its charts in the new colours when the colour theme changes, keeping the scroll position', async () => {
    const { page } = session();
    const frame = await classificationPanel(page);
    // The legend text of the p-vs-q chart is drawn in --vscode-foreground.
    const legendFill = (): Promise<string | null> => frame.locator('[data-view="distribution"] svg text', { hasText: 'target p' }).first().getAttribute('fill');
    const before = await legendFill();
    assert.ok(before, 'no legend text in the distribution chart');
    // The theme's settings id, as VS Code tells the webview (e.g. "Default Light+"), to go back to it.
    const original = (await frame.locator('body').getAttribute('data-vscode-theme-id')) ?? '';
    const target = original === THEMES[0].theme ? THEMES[1] : THEMES[0];
    await frame.locator('[data-view="gradient"]').scrollIntoViewIfNeeded();
    const scrolled = await frame.locator('html').evaluate((e) => e.ownerDocument.defaultView?.scrollY ?? 0);
    assert.ok(scrolled > 0, 'the panel did not scroll');
    try {
      await setTheme(page, target);
      await frame.locator(`body.vscode-${target.name}`).waitFor();
      for (let i = 0; i < 50 && (await legendFill()) === before; i++) await page.waitForTimeout(100);
      const after = await legendFill();
      assert.notEqual(after, before, `the chart kept the previous theme's text colour ${before}`);
      assert.equal(after?.toLowerCase(), await foreground(frame));
      const y = await frame.locator('html').evaluate((e) => e.ownerDocument.defaultView?.scrollY ?? 0);
      assert.ok(Math.abs(y - scrolled) < 2, `the redraw scrolled the panel from ${scrolled} to ${y}`);
      await screenshot(page, `panel-theme-switched-${target.name}`);
    } finally {
      // Back to the theme the workbench had.
      await restoreTheme(page, frame, original);
    }
  });

  it('in a background tab, a new report and a theme switch are drawn in full when the tab comes back', async function () {
    this.timeout(120_000); // two reports, two theme switches and the classification report again
    const { page } = session();
    const frame = await classificationPanel(page);
    const original = (await frame.locator('body').getAttribute('data-vscode-theme-id')) ?? '';
    const target = original === THEMES[0].theme ? THEMES[1] : THEMES[0];
    // Cover the retained panel with an editor in its own group, then send a report: it comes forward.
    const panelTab = page.locator('.tabs-container .tab', { hasText: 'Loss Lens' }).first();
    await panelTab.click();
    await quickOpen(page, 'logits.json');
    const drawnCharts = async (): Promise<Array<{ view?: string | null; width: number; marks: number }>> => {
      const charts = frame.locator('[data-view] svg');
      for (let i = 0; i < 50 && (await charts.count()) < 7; i++) await page.waitForTimeout(100);
      return charts.evaluateAll((els) => els.map((e) => ({ view: e.closest('[data-view]')?.getAttribute('data-view'), width: Number(e.getAttribute('width')), marks: e.querySelectorAll('path, text').length })));
    };
    const assertDrawn = (drawn: Array<{ view?: string | null; width: number; marks: number }>): void => {
      assert.deepEqual(drawn.map((d) => d.view), ['distribution', 'split', 'distillation', 'pipeline', 'gradient', 'js', 'js-curve']);
      for (const d of drawn) assert.ok(d.width > 100 && d.marks > 20, `the ${d.view} chart is empty: ${JSON.stringify(d)}`);
    };
    try {
      await runDevCommand(page, 'Loss Lens: Demo Report (internal)');
      await acceptQuickPick(page, 'distillation_loss', true);
      step('wait for the panel to come forward with distillation_loss');
      await frame.locator('#title', { hasText: 'distillation_loss' }).waitFor();
      assertDrawn(await drawnCharts());
      // Hidden again, the theme changes; shown, the charts have the new colours.
      await quickOpen(page, 'logits.json');
      step('wait for the panel to be hidden');
      await frame.locator('#title').waitFor({ state: 'hidden' });
      await setTheme(page, target);
      await page.waitForTimeout(500);
      step('click the panel tab; wait for the webview in the new theme');
      await panelTab.click();
      await frame.locator(`body.vscode-${target.name}`).waitFor();
      assertDrawn(await drawnCharts());
      const fill = await frame.locator('[data-view="distribution"] svg text', { hasText: 'target p' }).first().getAttribute('fill');
      assert.equal(fill?.toLowerCase(), await foreground(frame));
      await screenshot(page, 'panel-background-report-and-theme');
    } finally {
      await restoreTheme(page, frame, original);
    }
    // Back to the first group and the classification report the next test reads.
    await runCommand(page, 'View: Focus First Editor Group');
    await openClassificationInPanel(page);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('opens the bottom-panel view, which shows the same report', async () => {
    const { page } = session();
    await classificationPanel(page);
    await runCommand(page, 'Loss Lens: Show Bottom Panel View');
    const frame = await viewFrameShowing(page, '0.31854');
    assert.equal(to4((await shown(frame, 'ce')).value), '0.3185');
    assert.equal(await frame.locator('body[data-surface="view"]').count(), 1);
    await screenshot(page, 'panel-bottom-view');
    await runCommand(page, 'View: Toggle Panel Visibility');
  });

  it('paints a [4096, 50257] report within a second of the host having the tensors', async function () {
    this.timeout(240_000);
    const { page } = session();
    await quickOpen(page, 'logits.json'); // activates Loss Lens
    await runDevCommand(page, 'Loss Lens: Large Report First-Paint Benchmark');
    const text = await page
      .locator('.notifications-toasts .notification-list-item-message', { hasText: 'first paint of [4096, 50257]' })
      .first()
      .textContent({ timeout: 200_000 });
    const m = /first paint of \[4096, 50257\]: (\d+) ms \(host build (\d+) ms, message (\d+) KB; (.*)\)\.?$/.exec(text ?? '');
    assert.ok(m, text ?? '');
    console.log(`      first paint [4096, 50257]: ${m[1]} ms (host build ${m[2]} ms, message ${m[3]} KB; ${m[4]})`);
    const frame = panelFrame(page);
    await frame.locator('#title', { hasText: '[4096, 50257]' }).waitFor();
    await screenshot(page, 'panel-large-first-paint');
    // The panel is in a background tab here (the temperature test left its group active): retained,
    // it paints in ~0.3 s. Figures belong to `npm run bench -- first_paint`; this guards at 3 s.
    assert.ok(Number(m[1]) < 3000, `first paint took ${m[1]} ms`);
    // The full pass completes in the background and replaces the sample with the engine's value.
    await frame.locator('#progress').waitFor({ state: 'detached', timeout: 120_000 });
    assert.ok(Number((await frame.locator('#value').getAttribute('data-value')) ?? 'NaN') > 0);
    await screenshot(page, 'panel-large-complete');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('screenshots of every view in a dark, a light and a high-contrast theme', async function () {
    // Two minutes of theme switching that asserts little: run it for review with `npm run screenshots`.
    if (!screenshotEveryStep) this.skip();
    this.timeout(240_000);
    const { page } = session();
    await quickOpen(page, 'logits.json'); // activates Loss Lens (onLanguage:json), which sets lossLens.dev for its internal commands
    const demos = ['distillation_loss', 'jsd_cross_entropy', 'binary_cross_entropy_with_logits', 'cross_entropy (probabilities as logits)'];
    try {
      for (const theme of THEMES) {
        await setTheme(page, theme);
        for (const demo of demos) {
          await runDevCommand(page, 'Loss Lens: Demo Report (internal)');
          await acceptQuickPick(page, demo, true);
          const frame = panelFrame(page);
          await frame.locator('#title', { hasText: demo.split(' ')[0] === 'jsd_cross_entropy' ? 'JsdCrossEntropy' : demo.split(' ')[0] }).waitFor();
          await frame.locator('body.vscode-' + (theme.name === 'hc' ? 'high-contrast' : theme.name)).waitFor();
          await screenshot(page, `panel-${theme.name}-${demo.split(' ')[0]}`);
          const views = frame.locator('[data-view]');
          const names: string[] = [];
          for (let i = 0; i < (await views.count()); i++) names.push((await views.nth(i).getAttribute('data-view')) ?? String(i));
          for (const name of names) {
            const file = join('.screenshots', `view-${theme.name}-${demo.split(' ')[0]}-${name}.png`);
            await frame.locator(`[data-view="${name}"]`).screenshot({ path: file });
          }
          if (names.includes('js-curve')) {
            // The y-axis name and the legend both say "JS": they must not overlap.
            const boxes = await frame.locator('[data-view="js-curve"] svg text', { hasText: /^JS$/ }).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ l: r.left, t: r.top, r: r.right, b: r.bottom })));
            assert.equal(boxes.length, 2, JSON.stringify(boxes));
            const [a, b] = boxes;
            assert.ok(a.r <= b.l || b.r <= a.l || a.b <= b.t || b.b <= a.t, `the y-axis name overlaps the legend: ${JSON.stringify(boxes)}`);
          }
          if (demo === 'distillation_loss') assert.deepEqual(names.filter((n) => n !== 'watch'), ['distribution', 'split', 'distillation', 'pipeline', 'gradient', 'js', 'js-curve', 'heatmap']);
          if (demo === 'cross_entropy') assert.ok(await frame.locator('[data-finding="softmax-twice"]').count());
        }
      }
    } finally {
      await setTheme(page, THEMES[0]).catch(() => undefined);
    }
  });
});
