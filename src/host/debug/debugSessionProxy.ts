/**
 * The one typed wrapper around a debug session's requests (after hediet/vscode-debug-visualizer's
 * `DebugSessionProxy`): every read Loss Lens makes from a paused program goes through `evaluate`.
 */
import type * as vscode from 'vscode';

/** The `evaluate` request's arguments (DAP `EvaluateArguments`, the fields Loss Lens uses). */
export interface EvaluateArguments {
  readonly expression: string;
  readonly frameId: number;
  /** Loss Lens uses `repl`: debugpy then answers a failure with the exception's traceback. */
  readonly context?: 'repl' | 'watch' | 'hover' | 'clipboard';
}

/** The `evaluate` response body (DAP `EvaluateResponse['body']`). */
export interface EvaluateResult {
  readonly result: string;
  readonly type?: string;
  readonly variablesReference: number;
}

/** A stack frame from `stackTrace` (the DAP fields the view shows). */
export interface StackFrameInfo {
  readonly id: number;
  readonly name: string;
  readonly line: number;
  readonly source?: { readonly name?: string; readonly path?: string };
}

/** Typed requests to one debug session. */
export class DebugSessionProxy {
  constructor(readonly session: vscode.DebugSession) {}

  /** Evaluates `expression` in frame `frameId` (in the `repl` context unless told otherwise). Rejects with the debugger's message. */
  async evaluate(args: EvaluateArguments): Promise<EvaluateResult> {
    const body = (await this.session.customRequest('evaluate', { context: 'repl', ...args })) as EvaluateResult | undefined;
    if (!body || typeof body.result !== 'string') throw new Error('The debugger answered evaluate without a result.');
    return body;
  }

  /** The top `levels` frames of a thread. */
  async stackTrace(threadId: number, levels = 20): Promise<StackFrameInfo[]> {
    const body = (await this.session.customRequest('stackTrace', { threadId, startFrame: 0, levels })) as { stackFrames?: StackFrameInfo[] } | undefined;
    return body?.stackFrames ?? [];
  }
}
