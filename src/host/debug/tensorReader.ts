/**
 * Reads one expression's tensor from a paused program: evaluate the fixed serialiser around it,
 * parse the reply, and for large tensors read the raw temporary file the debuggee wrote through
 * `vscode.workspace.fs` (the extension host's disk, which is the debuggee's when they run together,
 * remote hosts included), then delete it.
 */
import * as vscode from 'vscode';
import type { WatchProblem } from '../../shared/watch';
import type { DebugSessionProxy } from './debugSessionProxy';
import { buildReadExpression, decodeRaw, isSerialiserPath, parseReadReply, serialiserFolder, DEFAULT_READ_LIMITS, type ReadLimits } from './tensorReadExpression';
import { toDebugTensor, type DebugTensor } from './watchLoss';
import { debuggerMessage, type WatchMessages } from './watchMessages';

/** A tensor, or why there is none (with the sentence to show). */
export type ReadOutcome = { readonly kind: 'tensor'; readonly value: DebugTensor } | { readonly kind: 'problem'; readonly problem: WatchProblem; readonly message: string };

/** Reads `expression` in `frameId`. Never throws: failures are problems. */
export async function readTensor(proxy: DebugSessionProxy, frameId: number, expression: string, m: WatchMessages, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ReadOutcome> {
  let result: string;
  try {
    result = (await proxy.evaluate({ expression: buildReadExpression(expression, limits), frameId, context: 'repl' })).result;
  } catch (err) {
    return { kind: 'problem', problem: 'expression-failed', message: m.expressionFailed(expression, debuggerMessage(err)) };
  }
  let reply;
  try {
    reply = parseReadReply(result);
  } catch (err) {
    return { kind: 'problem', problem: 'read-failed', message: m.readFailed(expression, debuggerMessage(err), limits) };
  }
  switch (reply.status) {
    case 'text':
      return { kind: 'tensor', value: toDebugTensor(expression, reply.header, reply.data, 'text') };
    case 'file': {
      const file = vscode.Uri.file(reply.path);
      try {
        const bytes = await vscode.workspace.fs.readFile(file);
        return { kind: 'tensor', value: toDebugTensor(expression, reply.header, decodeRaw(bytes, reply.raw, reply.header.numel), 'file') };
      } catch (err) {
        return { kind: 'problem', problem: 'read-failed', message: m.readFailed(expression, debuggerMessage(err), limits) };
      } finally {
        await deleteSerialiserFile(reply.path);
      }
    }
    case 'too-large':
      return { kind: 'problem', problem: 'too-large', message: m.tooLarge(expression, reply.header, limits) };
    case 'unsupported-dtype':
      return { kind: 'problem', problem: 'unsupported-dtype', message: m.unsupportedDtype(expression, reply.header.dtype) };
    case 'not-a-tensor':
      return { kind: 'problem', problem: 'not-a-tensor', message: m.notATensor(expression, reply.type, reply.preview) };
  }
}

/** Deletes a file the serialiser wrote and its `loss-lens-*` folder; nothing else. */
async function deleteSerialiserFile(path: string): Promise<void> {
  if (!isSerialiserPath(path)) return;
  try {
    await vscode.workspace.fs.delete(vscode.Uri.file(serialiserFolder(path)), { recursive: true, useTrash: false });
  } catch {
    /* already gone, or not reachable from this host */
  }
}
