/**
 * The Loss Lens hover in JSON, Python files and Python cells of Jupyter notebooks. In Python the
 * static evaluator (src/analysis) reads the cells up to this one with their stored outputs and
 * evaluates what is under the cursor: a loss call (its value, computed statically), a tensor, a
 * number, or why a name is unknown. Elsewhere (JSON, or Python the evaluator does not read) the
 * tensor literal or repr around the cursor is located and summarised. The pure formatters build
 * the text; this adapter gathers input, checks cancellation and wraps the result.
 */
import * as vscode from 'vscode';
import { evaluateAt, type EvaluateResult } from '../../analysis';
import { locateTensor, type LocatedTensor } from '../../parsers';
import { numel } from '../../engine/tensor';
import { CommandIds } from '../commandIds';
import { hoverMarkdown, MAX_HOVER_NUMBERS, tensorLiteralMarkdown } from '../editorFormat';
import { formatForLanguage } from '../selectionTensors';
import { sourceLabel } from '../sourceLabel';
import { evaluatorInput, shortCall } from './evaluatorInput';
import { rememberHoverResult } from './hoverResults';

/** Characters read each side of the cursor for a literal hover (a 10k-number literal is ~80k). */
const HOVER_WINDOW = 200_000;

/** Hover provider for JSON, Python files and Python cells of Jupyter notebooks. */
export class LossLensHoverProvider implements vscode.HoverProvider {
  /** The documents it serves. */
  static readonly selector: vscode.DocumentSelector = [
    { language: 'json' },
    { language: 'jsonc' },
    { language: 'python' },
    { notebookType: 'jupyter-notebook', language: 'python' },
  ];

  /** Registers the provider. */
  static register(): vscode.Disposable {
    return vscode.languages.registerHoverProvider(LossLensHoverProvider.selector, new LossLensHoverProvider());
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
    if (document.languageId === 'python') {
      const evaluated = this.evaluate(document, position, token);
      if (token.isCancellationRequested) return undefined;
      if (evaluated) return evaluated;
    }
    return this.literal(document, position, token);
  }

  /** The evaluator's answer, or undefined when it has none (not on an expression it reads). */
  private evaluate(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
    const input = evaluatorInput(document);
    if (!input || token.isCancellationRequested) return undefined;
    const { cells, index } = input;
    const result: EvaluateResult | null = evaluateAt(cells, index, document.offsetAt(position));
    if (!result || token.isCancellationRequested) return undefined;
    // A bare literal reads the same through the literal path, which also caps its size.
    if (result.kind === 'tensor' && numel(result.tensor.shape) > MAX_HOVER_NUMBERS) return undefined;
    const link = result.kind === 'loss' ? showLink(rememberHoverResult({ op: result.op, args: result.args, title: shortCall(result.callText), source: sourceLabel(document) })) : undefined;
    const range = new vscode.Range(document.positionAt(result.range.offset), document.positionAt(result.range.offset + result.range.length));
    return new vscode.Hover(trusted(hoverMarkdown(result, link)), range);
  }

  /** The tensor literal or repr around the cursor. */
  private literal(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
    const at = document.offsetAt(position);
    const start = Math.max(0, at - HOVER_WINDOW);
    const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(at + HOVER_WINDOW)));
    // When the window cuts the document before the cursor, bound the scan by it so that a literal
    // opening before the window reads as truncated (an inner row, with a note) rather than whole.
    const maxScan = start > 0 ? at - start - 1 : undefined;
    const located: LocatedTensor | undefined = locateTensor(text, at - start, { format: formatForLanguage(document.languageId), ...(maxScan !== undefined ? { maxScan } : {}) });
    if (!located || token.isCancellationRequested) return undefined;
    const offset = start + located.range.offset;
    const analyze = commandLink(CommandIds.analyzeTensor, { uri: document.uri.toString(), offset: document.offsetAt(position) });
    const markdown = tensorLiteralMarkdown(located, analyze);
    if (markdown === undefined) return undefined;
    const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + located.range.length));
    return new vscode.Hover(trusted(markdown), range);
  }
}

function commandLink(command: string, arg: unknown): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([arg]))}`;
}

function showLink(id: string): string {
  return commandLink(CommandIds.showHoverResult, id);
}

/** Markdown whose links may run only Loss Lens's two hover commands. */
function trusted(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [CommandIds.showHoverResult, CommandIds.analyzeTensor] };
  return md;
}
