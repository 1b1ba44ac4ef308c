/**
 * Watches the debugpy adapter's traffic for the sessions Loss Lens follows:
 * - `variables` responses: marks the entries whose `type` is a torch tensor or numpy array with the
 *   DAP extension field `__vscodeVariableMenuContext: "lossLens.tensor"`, which VS Code exposes to
 *   the Variables view's menu as `debugProtocolVariableMenuContext`, so "Open in Loss Lens" is shown
 *   only for them. (VS Code 1.100's Variables view has no per-variable `variableName`/`variableType`
 *   keys; those belong to the notebook variables view.) The tracker sees each message before the
 *   extension host forwards it, so the mark reaches the view; a field the adapter set is kept. It
 *   also keeps the tensors per container, for the target guess;
 * - `stopped` / `continued` events and resuming requests: numbers the stops of each session and
 *   says when it runs.
 */
import * as vscode from 'vscode';
import { isTensorVariable, PYTHON_DEBUG_TYPES, type VariableLike } from './tensorVariables';

/** Requests that resume the debuggee. */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restartFrame']);

/** The menu context Loss Lens gives tensor variables (`debugProtocolVariableMenuContext` in `when` clauses). */
export const TENSOR_MENU_CONTEXT = 'lossLens.tensor';

interface SessionTraffic {
  stops: number;
  running: boolean;
  /** variables request seq -> the container's variablesReference. */
  readonly pending: Map<number, number>;
  /** container variablesReference -> its tensor variables. */
  readonly tensors: Map<number, VariableLike[]>;
}

/** A stop or a resume of a tracked session. */
export interface SessionEvent {
  readonly session: vscode.DebugSession;
  /** The session's stop count so far (1 after its first stop). */
  readonly stop: number;
}

/** Registers the tracker for the Python debug types and exposes what it saw. */
export class TensorVariableTracker implements vscode.DebugAdapterTrackerFactory, vscode.Disposable {
  private readonly sessions = new Map<string, SessionTraffic>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stopped = new vscode.EventEmitter<SessionEvent>();
  private readonly continued = new vscode.EventEmitter<SessionEvent>();

  /** Fires when a tracked session stops (before VS Code selects the new frame). */
  readonly onDidStop = this.stopped.event;
  /** Fires when a tracked session resumes. */
  readonly onDidContinue = this.continued.event;

  /** Creates the tracker and registers it for every Python debug type. */
  static register(): TensorVariableTracker {
    const tracker = new TensorVariableTracker();
    for (const type of PYTHON_DEBUG_TYPES) tracker.disposables.push(vscode.debug.registerDebugAdapterTrackerFactory(type, tracker));
    tracker.disposables.push(vscode.debug.onDidTerminateDebugSession((s) => tracker.forget(s.id)));
    return tracker;
  }

  /** True when the session's adapter traffic is seen (a Python debug type). */
  tracks(session: vscode.DebugSession): boolean {
    return this.sessions.has(session.id);
  }

  /** The session's stop count (0 before its first stop), or undefined when untracked. */
  stopCount(session: vscode.DebugSession): number | undefined {
    return this.sessions.get(session.id)?.stops;
  }

  /** True while a tracked session runs (between `continued` and the next `stopped`). */
  isRunning(session: vscode.DebugSession): boolean {
    return this.sessions.get(session.id)?.running ?? false;
  }

  /** The tensor variables of the container `variablesReference` in the latest responses. */
  tensorsIn(sessionId: string, variablesReference: number): VariableLike[] {
    return this.sessions.get(sessionId)?.tensors.get(variablesReference) ?? [];
  }

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const traffic: SessionTraffic = { stops: 0, running: false, pending: new Map(), tensors: new Map() };
    this.sessions.set(session.id, traffic);
    return {
      onWillReceiveMessage: (m: { type?: string; command?: string; seq?: number; arguments?: { variablesReference?: number } }) => {
        if (m.type !== 'request') return;
        if (m.command === 'variables' && typeof m.seq === 'number') traffic.pending.set(m.seq, m.arguments?.variablesReference ?? 0);
        else if (m.command && RESUMING.has(m.command) && !traffic.running) {
          // Adapters need not send `continued` for a resume the client asked for.
          traffic.running = true;
          this.continued.fire({ session, stop: traffic.stops });
        }
      },
      onDidSendMessage: (m: { type?: string; command?: string; event?: string; request_seq?: number; success?: boolean; body?: { variables?: Array<VariableLike & { __vscodeVariableMenuContext?: string }> } }) => {
        if (m.type === 'response' && m.command === 'variables' && typeof m.request_seq === 'number') {
          const ref = traffic.pending.get(m.request_seq);
          traffic.pending.delete(m.request_seq);
          if (ref === undefined || !m.success) return;
          const tensors = (m.body?.variables ?? []).filter(isTensorVariable);
          for (const v of tensors) if (!v.__vscodeVariableMenuContext) v.__vscodeVariableMenuContext = TENSOR_MENU_CONTEXT;
          traffic.tensors.set(ref, tensors);
        } else if (m.type === 'event' && m.event === 'stopped') {
          traffic.stops++;
          traffic.running = false;
          traffic.tensors.clear();
          this.stopped.fire({ session, stop: traffic.stops });
        } else if (m.type === 'event' && m.event === 'continued' && !traffic.running) {
          traffic.running = true;
          this.continued.fire({ session, stop: traffic.stops });
        }
      },
      onWillStartSession: () => undefined,
    };
  }

  private forget(id: string): void {
    this.sessions.delete(id);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.stopped.dispose();
    this.continued.dispose();
    this.sessions.clear();
  }
}
