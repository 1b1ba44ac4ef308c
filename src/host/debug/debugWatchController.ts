/**
 * Follows the debug session for the watched pairs: at each stop (the active stack item changes)
 * it reads every watched expression in the selected frame, computes each loss, records the history
 * and posts the `WatchState` to the panel. Reads happen only for pairs the user asked to watch.
 */
import * as vscode from 'vscode';
import { EngineError, registry, type Tensor } from '../../engine';
import type { WatchReading, WatchState } from '../../shared/watch';
import { DebugSessionProxy, type StackFrameInfo } from './debugSessionProxy';
import { readTensor, type ReadOutcome } from './tensorReader';
import { PYTHON_DEBUG_TYPES } from './tensorVariables';
import type { TensorVariableTracker } from './tensorVariableTracker';
import { inputTargetArgs } from '../opRanking';
import { computeLoss, type DebugTensor } from './watchLoss';
import { messages, type Localize, type WatchMessages } from './watchMessages';
import { WatchModel, type WatchSpec } from './watchModel';

/** Where the state goes: the panel's bottom view (see `CommandWatchSink`). Resolves with what the view reports back, if anything. */
export interface WatchSink {
  show(state: WatchState): Promise<unknown>;
  /** Brings the view forward (when the user adds a watch). */
  reveal?(): Promise<void>;
}

/** The frame to read in, or why there is none. */
type FrameChoice =
  | { readonly kind: 'frame'; readonly session: vscode.DebugSession; readonly threadId: number; readonly frameId: number }
  | { readonly kind: 'none'; readonly state: 'no-session' | 'not-paused' };

/** What a refresh produced: the state and the view's answer. */
export interface WatchResult {
  readonly state: WatchState;
  /** The panel's reply to the `watch` message (undefined when no panel command is registered). */
  readonly rendered: unknown;
}

/** Owns the watch model and the listeners that refresh it. */
export class DebugWatchController implements vscode.Disposable {
  private readonly model = new WatchModel();
  private readonly m: WatchMessages;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lastTensors = new Map<number, { input: DebugTensor; target: DebugTensor }>();
  private current: WatchResult = { state: { kind: 'idle' }, rendered: undefined };
  private chain: Promise<WatchResult> = Promise.resolve(this.current);
  private queued: Promise<WatchResult> | undefined;
  private historySession: string | undefined;
  private ownStops = 0;
  private lastFrameKey = '';

  constructor(
    private readonly tracker: TensorVariableTracker,
    private readonly sink: WatchSink,
    t: Localize,
  ) {
    this.m = messages(t);
    this.disposables.push(
      vscode.debug.onDidChangeActiveStackItem(() => void this.refresh()),
      vscode.debug.onDidTerminateDebugSession(() => void this.refresh()),
      tracker.onDidContinue(() => void this.refresh()),
    );
  }

  /** The last state posted. */
  get last(): WatchResult {
    return this.current;
  }

  /** Watches a pair (once) and reads it now if the program is paused. */
  async watch(spec: WatchSpec): Promise<WatchResult & { id: number }> {
    const id = this.model.add(spec);
    try {
      await this.sink.reveal?.();
    } catch {
      /* the view is decoration; the state is still returned */
    }
    return { ...(await this.refresh()), id };
  }

  /** Stops watching `id` (all when undefined). */
  unwatch(id?: number): Promise<WatchResult> {
    if (id === undefined) {
      this.model.clear();
      this.lastTensors.clear();
    } else {
      this.model.remove(id);
      this.lastTensors.delete(id);
    }
    return this.refresh();
  }

  /** The tensors read for `id` at the latest stop, for the full report. */
  tensorsOf(id: number): { spec: WatchSpec; input: Tensor; target: Tensor } | undefined {
    const entry = this.model.specs().find((e) => e.id === id);
    const tensors = this.lastTensors.get(id);
    return entry && tensors ? { spec: entry.spec, input: tensors.input.tensor, target: tensors.target.tensor } : undefined;
  }

  /**
   * Re-reads every watch in the active frame and posts the state. Refreshes run one at a time; a
   * request while one runs is merged into a single follow-up.
   */
  refresh(): Promise<WatchResult> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = undefined;
      return this.run();
    });
    this.queued = next;
    this.chain = next.catch(() => this.current);
    return next;
  }

  /** Reads the tensors of `expression` now, in the active frame (for commands that rank ops first). */
  async readNow(expression: string): Promise<ReadOutcome | undefined> {
    const frame = await this.activeFrame();
    if (frame.kind !== 'frame') return undefined;
    return readTensor(new DebugSessionProxy(frame.session), frame.frameId, expression, this.m);
  }

  private async run(): Promise<WatchResult> {
    const state = await this.computeState();
    let rendered: unknown;
    try {
      rendered = await this.sink.show(state);
    } catch {
      rendered = undefined;
    }
    this.current = { state, rendered };
    return this.current;
  }

  private async computeState(): Promise<WatchState> {
    if (this.model.isEmpty) return { kind: 'idle' };
    const frame = await this.activeFrame();
    if (frame.kind === 'none') {
      const watches = this.model.summaries();
      return frame.state === 'no-session' ? { kind: 'no-session', watches } : { kind: 'not-paused', watches };
    }
    const { session, frameId, threadId } = frame;
    if (this.historySession !== session.id) {
      this.model.resetHistory();
      this.lastTensors.clear();
      this.historySession = session.id;
      this.ownStops = 0;
      this.lastFrameKey = '';
    }
    const stopsBefore = this.tracker.stopCount(session);
    const stop = this.stopNumber(session, threadId, frameId);
    const proxy = new DebugSessionProxy(session);
    const location = await this.location(proxy, threadId, frameId);
    const python = PYTHON_DEBUG_TYPES.includes(session.type) || this.tracker.tracks(session);
    const cache = new Map<string, Promise<ReadOutcome>>();
    const read = (expression: string): Promise<ReadOutcome> => {
      let p = cache.get(expression);
      if (!p) cache.set(expression, (p = readTensor(proxy, frameId, expression, this.m)));
      return p;
    };
    const readings: Array<[number, WatchReading]> = [];
    for (const { id, spec } of this.model.specs()) {
      readings.push([id, python ? await this.readPair(id, spec, read) : this.notPython(session)]);
    }
    // The reads are asynchronous: if the program resumed meanwhile, they may have evaluated in the
    // next stop's frame. Such readings belong to no stop: drop them; the next stop refreshes again.
    if (this.tracker.stopCount(session) !== stopsBefore || this.tracker.isRunning(session)) {
      return { kind: 'not-paused', watches: this.model.summaries() };
    }
    for (const [id, reading] of readings) this.model.record(id, stop, reading);
    return { kind: 'paused', stop, location, watches: this.model.summaries() };
  }

  private notPython(session: vscode.DebugSession): WatchReading {
    return {
      kind: 'error',
      problem: 'expression-failed',
      message: vscode.l10n.t('Loss Lens reads tensors from Python debug sessions (debugpy), and this session is {0}: debug the Python program instead.', session.type),
    };
  }

  private async readPair(id: number, spec: WatchSpec, read: (e: string) => Promise<ReadOutcome>): Promise<WatchReading> {
    const input = await read(spec.inputExpression);
    if (input.kind === 'problem') return { kind: 'error', problem: input.problem, message: input.message };
    const target = await read(spec.targetExpression);
    if (target.kind === 'problem') return { kind: 'error', problem: target.problem, message: target.message };
    this.lastTensors.set(id, { input: input.value, target: target.value });
    try {
      const value = computeLoss(spec.op, input.value.tensor, target.value.tensor);
      return { kind: 'ok', value, input: input.value.summary, target: target.value.summary };
    } catch (err) {
      const detail = err instanceof EngineError ? err.detail : err instanceof Error ? err.message : String(err);
      return { kind: 'error', problem: 'loss-failed', message: this.m.lossFailed(spec.op, spec.inputExpression, spec.targetExpression, detail) };
    }
  }

  /**
   * The stop's number: the tracker's count of `stopped` events for Python sessions; otherwise a
   * count of distinct frames seen, which is what a stop looks like from here.
   */
  private stopNumber(session: vscode.DebugSession, threadId: number, frameId: number): number {
    const tracked = this.tracker.stopCount(session);
    if (tracked !== undefined && tracked > 0) return tracked;
    const key = `${threadId}:${frameId}`;
    if (key !== this.lastFrameKey) {
      this.lastFrameKey = key;
      this.ownStops++;
    }
    return Math.max(1, this.ownStops);
  }

  private async location(proxy: DebugSessionProxy, threadId: number, frameId: number): Promise<string> {
    let frames: StackFrameInfo[] = [];
    try {
      frames = await proxy.stackTrace(threadId);
    } catch {
      /* the location is decoration only */
    }
    const f = frames.find((x) => x.id === frameId) ?? frames[0];
    if (!f) return vscode.l10n.t('frame {0}', frameId);
    const file = f.source?.name ?? f.source?.path?.split(/[\\/]/).pop() ?? '?';
    return vscode.l10n.t('{0}:{1}, in {2}', file, f.line, f.name);
  }

  /** The active frame; a selected thread means its top frame. */
  private async activeFrame(): Promise<FrameChoice> {
    const item = vscode.debug.activeStackItem;
    const session = item?.session ?? vscode.debug.activeDebugSession;
    if (!session) return { kind: 'none', state: 'no-session' };
    if (this.tracker.isRunning(session)) return { kind: 'none', state: 'not-paused' };
    if (item && 'frameId' in item) return { kind: 'frame', session: item.session, threadId: item.threadId, frameId: item.frameId };
    if (!item) return { kind: 'none', state: 'not-paused' };
    try {
      const [top] = await new DebugSessionProxy(item.session).stackTrace(item.threadId, 1);
      if (top) return { kind: 'frame', session: item.session, threadId: item.threadId, frameId: top.id };
    } catch {
      /* a running thread has no stack */
    }
    return { kind: 'none', state: 'not-paused' };
  }

  /** The sentence for a state without readings (for notifications). */
  describe(state: WatchState): string | undefined {
    if (state.kind === 'no-session') return this.m.noSession();
    if (state.kind === 'not-paused') return this.m.notPaused();
    return undefined;
  }

  /** Opens the full report of `id`'s latest tensors through `lossLens.showReport`. */
  async openReport(id: number): Promise<unknown> {
    const t = this.tensorsOf(id);
    if (!t) return undefined;
    const names = inputTargetArgs(registry.get(t.spec.op));
    if (!names) return undefined;
    const title = `${t.spec.op}(${t.spec.inputExpression}, ${t.spec.targetExpression})`;
    return vscode.commands.executeCommand('lossLens.showReport', { op: t.spec.op, args: { [names.input]: t.input, [names.target]: t.target }, title });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Posts the state through the panel's `lossLens.internal.postWatch` command once the panel
 * registers it; until then the state is only kept (and returned by the commands).
 */
export class CommandWatchSink implements WatchSink {
  /** The panel's command that sends the state to its webviews (resolves with `{delivered}`). */
  static readonly postCommand = 'lossLens.internal.postWatch';
  /** The panel's command that shows the bottom view. */
  static readonly revealCommand = 'lossLens.showView';

  async show(state: WatchState): Promise<unknown> {
    return (await registered(CommandWatchSink.postCommand)) ? vscode.commands.executeCommand(CommandWatchSink.postCommand, state) : undefined;
  }

  async reveal(): Promise<void> {
    if (await registered(CommandWatchSink.revealCommand)) await vscode.commands.executeCommand(CommandWatchSink.revealCommand);
  }
}

async function registered(command: string): Promise<boolean> {
  return (await vscode.commands.getCommands(true)).includes(command);
}
