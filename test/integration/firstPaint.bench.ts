/**
 * In-host benchmark (run by `npm run bench`, section `first_paint`, through `runOffline` with
 * LOSS_LENS_SUITE=bench): the first paint of a [4096, 50257] cross_entropy report in the real
 * webview, from the host having the tensors to the webview's `rendered` reply, with the editor-tab
 * panel visible, in a background tab, and closed (the report opens it). The peer, measured in the
 * same run and the same three states, is an [8, 10] report: the floor of any report's round trip.
 * Each run checks what the webview says it rendered.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ShowReportResult } from '../../src/host/panel/panelController';
import { PanelCommandIds } from '../../src/host/panel/panelCommandIds';
import { syntheticClassification } from '../../src/host/panel/synthetic';
import { activateExtension, fixtureUri } from './helpers';
import { panelState, until } from './panelHelpers';

const RUNS = Number(process.env.LOSS_LENS_BENCH_RUNS ?? 5);
const STATES = ['visible', 'background', 'closed'] as const;
type PanelCondition = (typeof STATES)[number];
const LABEL: Record<PanelCondition, string> = { visible: 'visible', background: 'in a background tab', closed: 'closed (the report opens it)' };

const show = (request: Record<string, unknown>): Thenable<ShowReportResult> => vscode.commands.executeCommand<ShowReportResult>(PanelCommandIds.showReport, request);

/** The editor tab of the Loss Lens panel, if open. */
function panelTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('lossLens.panel'));
}

const panelVisible = async (): Promise<boolean> => (await panelState()).surfaces.some((s) => s.surface === 'panel' && s.visible && s.ready);

/** Puts the panel in `condition`, after a small report that also stops the previous large one's background pass. */
async function prepare(condition: PanelCondition, small: Record<string, unknown>): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closePanel'); // the bottom view would take the report instead
  const warm = await show(small);
  assert.equal(warm.ready, true, JSON.stringify(warm));
  await until('the panel visible', panelVisible);
  if (condition === 'background') {
    const tab = panelTab();
    assert.ok(tab, 'no panel tab');
    await vscode.window.showTextDocument(fixtureUri('losses.json'), { viewColumn: tab.group.viewColumn, preview: false });
    await until('the panel hidden', async () => !(await panelVisible()));
  } else if (condition === 'closed') {
    const tab = panelTab();
    assert.ok(tab, 'no panel tab');
    await vscode.window.tabGroups.close(tab);
    await until('the panel closed', async () => !(await panelState()).panelOpen);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs: number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

describe('first paint in the real webview (bench)', () => {
  before(activateExtension);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it(`[4096, 50257] against [8, 10], panel visible / in a background tab / closed, ${RUNS} runs each`, async function () {
    this.timeout(0);
    const sizes = { large: [4096, 50257], small: [8, 10] } as const;
    const tensors = { large: await syntheticClassification(...sizes.large), small: await syntheticClassification(...sizes.small) };
    const request = (size: keyof typeof sizes, run: number): Record<string, unknown> => ({
      op: 'cross_entropy',
      args: tensors[size],
      title: `cross_entropy on seeded logits [${sizes[size].join(', ')}]`,
      source: `bench run ${run}`,
    });
    const warmup = { ...request('small', 0), title: 'warm-up' };
    const times: Record<string, number[]> = {};
    const steps: Record<PanelCondition, NonNullable<ShowReportResult['firstPaintSteps']>[]> = { visible: [], background: [], closed: [] };
    for (let run = 1; run <= RUNS; run++) {
      for (const condition of STATES) {
        for (const size of ['large', 'small'] as const) {
          await prepare(condition, warmup);
          const result = await show(request(size, run));
          assert.equal(result.ready, true, `${condition} ${size}: ${JSON.stringify(result)}`);
          assert.ok(result.text?.includes(`[${sizes[size].join(', ')}]`), `the webview shows another report: ${result.text}`);
          // The small report paints complete (its value shown); the large one paints a sample, its value follows.
          if (size === 'small') assert.ok(Number.isFinite(result.rendered?.crossEntropy), `no CE shown: ${JSON.stringify(result.rendered)}`);
          else assert.match(result.text ?? '', /= computing…$/);
          assert.ok(result.firstPaintMs !== null && result.firstPaintMs > 0);
          (times[`${condition} ${size}`] ??= []).push(result.firstPaintMs);
          if (size === 'large' && result.firstPaintSteps) steps[condition].push(result.firstPaintSteps);
        }
      }
    }
    await show(warmup); // stops the last background pass
    const lines = [
      `first paint in the real webview (code-server, chromium), ${RUNS} runs each, median (min–max) ms:`,
      `  ${'panel'.padEnd(30)}${'[4096, 50257]'.padEnd(18)}${'[8, 10] (peer)'.padEnd(18)}ratio`,
    ];
    for (const condition of STATES) {
      const large = times[`${condition} large`];
      const small = times[`${condition} small`];
      lines.push(`  ${LABEL[condition].padEnd(30)}${spread(large).padEnd(18)}${spread(small).padEnd(18)}${(median(large) / median(small)).toFixed(1)}x`);
    }
    lines.push('  where the [4096, 50257] time goes (medians, ms):');
    for (const condition of STATES) {
      const s = steps[condition];
      if (!s.length) continue;
      const m = (f: (x: (typeof s)[number]) => number): string => median(s.map(f)).toFixed(0);
      const boots = s.filter((x) => x.boot);
      const boot = boots.length
        ? `, of which webview load: document ${median(boots.map((x) => x.boot!.document)).toFixed(0)} + bundle ${median(boots.map((x) => x.boot!.fetch)).toFixed(0)} + evaluate ${median(boots.map((x) => x.boot!.evaluate)).toFixed(0)}`
        : '';
      lines.push(`    ${LABEL[condition]}: report posted at ${m((x) => x.posted)}${boot}; webview render ${m((x) => x.render)} + paint ${m((x) => x.paint)}; transit ${m((x) => x.transit)}`);
    }
    console.log(lines.map((l) => `      ${l}`).join('\n'));
  });
});
