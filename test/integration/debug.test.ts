/**
 * The debug watch in a real debug session: Debian's debugpy adapter (the test-only extension in
 * test/fixtures/debug-adapter-extension) runs test/fixtures/debug/train.py, stops at its
 * BREAKPOINT line, and Loss Lens's loss on `logits`/`labels` must equal the loss the script prints.
 */
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import type { WatchState, WatchSummary } from '../../src/shared/watch';
import { activateExtension } from './helpers';

type Result = { state: WatchState; rendered: unknown; id?: number } | undefined;

const STATE = 'lossLens.internal.debugWatchState';

/** Polls `check` every 100 ms until it returns a value. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function pausedAt(result: Result, minStop: number): (WatchState & { kind: 'paused' }) | undefined {
  const s = result?.state;
  return s?.kind === 'paused' && s.stop >= minStop ? s : undefined;
}

function okValue(w: WatchSummary | undefined): number {
  assert.ok(w?.latest, 'the watch has no reading');
  assert.equal(w.latest.kind, 'ok', w.latest.kind === 'error' ? w.latest.message : '');
  return w.latest.kind === 'ok' ? w.latest.value : NaN;
}

function lossDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('loss-lens-'));
}

describe('Debug watch: debugpy on train.py', function () {
  this.timeout(90_000);
  const stdout: string[] = [];
  const disposables: vscode.Disposable[] = [];
  let session: vscode.DebugSession | undefined;

  /** The loss train.py printed for `step`, once it has arrived on stdout. */
  const printed = (label: string): Promise<number> =>
    until(`"${label}" on the program's stdout`, () => {
      const line = stdout.join('').split('\n').find((l) => l.startsWith(`${label} loss `));
      return line ? Number(line.slice(label.length + 6)) : undefined;
    });

  const frame = (): vscode.DebugStackFrame => {
    const item = vscode.debug.activeStackItem;
    assert.ok(item && 'frameId' in item, 'no stack frame is active');
    return item;
  };

  before(async () => {
    const ext = await activateExtension();
    await vscode.commands.executeCommand('lossLens.debug.unwatch');
    const program = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'debug', 'train.py');
    const doc = await vscode.workspace.openTextDocument(program);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('# BREAKPOINT'));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(program, new vscode.Position(line, 0)))]);
    disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('python', {
        createDebugAdapterTracker: () => ({
          onDidSendMessage: (m: { type?: string; event?: string; body?: { category?: string; output?: string } }) => {
            if (m.type === 'event' && m.event === 'output' && m.body?.category === 'stdout') stdout.push(m.body.output ?? '');
          },
        }),
      }),
    );
    const stopped = new Promise<void>((resolve) => {
      const d = vscode.debug.onDidChangeActiveStackItem((item) => {
        if (item && 'frameId' in item) {
          d.dispose();
          resolve();
        }
      });
    });
    assert.ok(await vscode.debug.startDebugging(undefined, { type: 'python', request: 'launch', name: 'train.py', program: program.fsPath, console: 'internalConsole' }));
    session = vscode.debug.activeDebugSession;
    await stopped;
  });

  after(async () => {
    await vscode.commands.executeCommand('lossLens.debug.unwatch');
    if (session) await vscode.debug.stopDebugging(session);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    for (const d of disposables) d.dispose();
  });

  it('opens logits from the Variables view: cross_entropy equals the printed loss, target guessed as labels', async () => {
    const f = frame();
    const scopes = (await f.session.customRequest('scopes', { frameId: f.frameId })) as { scopes: Array<{ variablesReference: number }> };
    const container = scopes.scopes[0];
    const vars = (await f.session.customRequest('variables', { variablesReference: container.variablesReference })) as {
      variables: Array<{ name: string; type?: string; value: string; evaluateName?: string; variablesReference: number }>;
    };
    const logits = vars.variables.find((v) => v.name === 'logits');
    assert.ok(logits, 'no logits variable in the frame');
    assert.equal(logits.type, 'Tensor');
    const result = (await vscode.commands.executeCommand('lossLens.debug.openVariable', { sessionId: f.session.id, container, variable: logits }, { op: 'cross_entropy' })) as Result;
    const state = pausedAt(result, 1);
    assert.ok(state, `not paused: ${JSON.stringify(result?.state)}`);
    assert.match(state.location, /^train\.py:\d+, in <module>$/);
    const w = state.watches[0];
    assert.equal(w.inputExpression, 'logits');
    assert.equal(w.targetExpression, 'labels', 'the target should be guessed from the sibling tensor named labels');
    const value = okValue(w);
    const expected = await printed('step 0');
    assert.ok(Math.abs(value - expected) <= 1e-6, `Loss Lens ${value} vs printed ${expected}`);
    assert.equal(w.history.length, 1);
    // The bottom view was revealed and receives the state (`lossLens.internal.postWatch` answers {delivered}).
    await until('the Loss Lens view to be ready', async () => {
      const p = (await vscode.commands.executeCommand('lossLens.internal.panelState')) as { surfaces: Array<{ surface: string; ready: boolean }> };
      return p.surfaces.some((c) => c.surface === 'view' && c.ready) ? true : undefined;
    });
    const again = (await vscode.commands.executeCommand(STATE, { refresh: true })) as Result;
    assert.ok(((again?.rendered as { delivered?: number }) ?? {}).delivered! >= 1, `the view did not get the state: ${JSON.stringify(again?.rendered)}`);
    assert.equal(pausedAt(again, 1)!.watches[0].history.length, 1, 'a re-read at the same stop adds no point');
    // The full report of the same tensors, through the panel's lossLens.showReport.
    const report = (await vscode.commands.executeCommand('lossLens.debug.openWatchReport', w.id)) as { value?: number } | undefined;
    assert.ok(report && typeof report.value === 'number', `no report: ${JSON.stringify(report)}`);
    assert.ok(Math.abs(report.value - expected) <= 1e-6, `report ${report.value} vs printed ${expected}`);
    if (w.latest?.kind === 'ok') {
      assert.deepEqual(w.latest.input.shape, [8, 4]);
      assert.equal(w.latest.input.dtype, 'torch.float32');
      assert.equal(w.latest.input.requiresGrad, true);
      assert.equal(w.latest.input.transport, 'text');
      assert.equal(w.latest.target.dtype, 'torch.int64');
    }
  });

  it('continues twice: the history grows by one point per stop and follows the printed losses', async () => {
    for (const step of [1, 2]) {
      const before = pausedAt((await vscode.commands.executeCommand(STATE)) as Result, 1);
      assert.ok(before);
      await frame().session.customRequest('continue', { threadId: frame().threadId });
      const state = await until(`stop ${before.stop + 1}`, async () => pausedAt((await vscode.commands.executeCommand(STATE)) as Result, before.stop + 1));
      const w = state.watches[0];
      assert.equal(w.history.length, step + 1);
      const expected = await printed(`step ${step}`);
      assert.ok(Math.abs(okValue(w) - expected) <= 1e-6, `step ${step}: Loss Lens ${okValue(w)} vs printed ${expected}`);
      assert.ok(Math.abs(w.history[step].value - expected) <= 1e-6);
    }
    const final = pausedAt((await vscode.commands.executeCommand(STATE)) as Result, 3)!;
    const values = final.watches[0].history.map((p) => p.value);
    assert.ok(values[0] > values[1] && values[1] > values[2], `the loss should fall while training: ${values.join(', ')}`);
    assert.deepEqual(final.watches[0].history.map((p) => p.stop), [1, 2, 3]);
  });

  it('reads a 1M-element tensor through a temporary file, then deletes it', async () => {
    const dirsBefore = lossDirs();
    const t0 = Date.now();
    const result = (await vscode.commands.executeCommand('lossLens.watchLoss', { input: 'big_logits', target: 'big_labels', op: 'cross_entropy' })) as Result;
    const ms = Date.now() - t0;
    const state = pausedAt(result, 1)!;
    const w = state.watches.find((x) => x.inputExpression === 'big_logits');
    const value = okValue(w);
    assert.ok(w?.latest?.kind === 'ok');
    assert.equal(w.latest.input.transport, 'file');
    assert.deepEqual(w.latest.input.shape, [1000, 1000]);
    assert.equal(w.latest.target.transport, 'text');
    const expected = await printed('big');
    assert.ok(Math.abs(value - expected) <= 1e-6, `Loss Lens ${value} vs printed ${expected}`);
    assert.deepEqual(lossDirs(), dirsBefore, 'the temporary folder should be deleted');
    console.log(`      (1M-element read + cross_entropy of both watches: ${ms} ms)`);
    await vscode.commands.executeCommand('lossLens.debug.unwatch', result!.id);
  });

  it('reads float16, bfloat16, non-contiguous and numpy values', async () => {
    const expected = await printed(`step 2`);
    const cases: Array<[string, string, number, string]> = [
      ['logits.t().contiguous().t()', 'labels', 1e-6, 'torch.float32'],
      ['logits.detach().numpy()', 'labels.numpy()', 1e-6, 'numpy.float32'],
      ['logits.double()', 'labels.int()', 1e-6, 'torch.float64'],
      ['logits.half()', 'labels', 5e-3, 'torch.float16'],
      ['logits.bfloat16()', 'labels', 3e-2, 'torch.bfloat16'],
    ];
    for (const [input, target, tol, dtype] of cases) {
      const result = (await vscode.commands.executeCommand('lossLens.watchLoss', { input, target, op: 'cross_entropy' })) as Result;
      const w = pausedAt(result, 1)!.watches.find((x) => x.inputExpression === input);
      const value = okValue(w);
      assert.ok(Math.abs(value - expected) <= tol, `${input}: ${value} vs ${expected}`);
      assert.equal(w?.latest?.kind === 'ok' && w.latest.input.dtype, dtype);
      await vscode.commands.executeCommand('lossLens.debug.unwatch', result!.id);
    }
  });

  it('shows failures as states: the debugger message, not a tensor, too large, a bad pair', async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ['logitz', 'labels', 'expression-failed', /`logitz` failed in the debugger: NameError: name 'logitz' is not defined\./],
      ['model', 'labels', 'not-a-tensor', /`model` is a torch\.nn\.modules\.linear\.Linear \(Linear\(in_features=5/],
      ['torch.zeros(1).expand(20000000)', 'labels', 'too-large', /has 20,000,000 elements \(\[20000000\]\), more than the 16,777,216 Loss Lens reads: watch a slice, e\.g\. `\(torch\.zeros\(1\)\.expand\(20000000\)\)\[:16777216\]`/],
      ['logits', 'labels[:3]', 'loss-failed', /^cross_entropy\(logits, labels\[:3\]\) failed: /],
    ];
    for (const [input, target, problem, message] of cases) {
      const result = (await vscode.commands.executeCommand('lossLens.watchLoss', { input, target, op: 'cross_entropy' })) as Result;
      const w = pausedAt(result, 1)!.watches.find((x) => x.inputExpression === input && x.targetExpression === target);
      assert.ok(w?.latest?.kind === 'error', `${input}: expected an error, got ${JSON.stringify(w?.latest)}`);
      assert.equal(w.latest.problem, problem, w.latest.message);
      assert.match(w.latest.message, message);
      await vscode.commands.executeCommand('lossLens.debug.unwatch', result!.id);
    }
  });

  it('keeps the history when the session ends (no-session state)', async () => {
    await vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const f = frame();
    const ended = new Promise<void>((resolve) => {
      const d = vscode.debug.onDidTerminateDebugSession(() => (d.dispose(), resolve()));
    });
    await f.session.customRequest('continue', { threadId: f.threadId });
    await ended;
    const state = await until('the no-session state', async () => {
      const r = (await vscode.commands.executeCommand(STATE, { refresh: true })) as Result;
      return r?.state.kind === 'no-session' ? r.state : undefined;
    });
    assert.equal(state.watches[0].history.length, 3, 'the history of the ended session stays');
    assert.ok(stdout.join('').includes('done'));
    session = undefined;
  });
});
