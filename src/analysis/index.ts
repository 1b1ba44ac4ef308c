/**
 * The static evaluator behind the hovers: reads the safe Python subset of notebook cells and .py
 * files, evaluates tensors and loss calls with the engine's PyTorch semantics, and never runs code.
 * Pure TypeScript: no `vscode`, no Node built-ins, no DOM.
 */
export { evaluateAt } from './evaluateAt';
export type { ErrorResult, EvaluateResult, LossResult, NumberResult, TensorResult, UnknownResult } from './evaluateAt';
export { analyzeCells, printedDecimals } from './notebook';
export type { CellAnalysis, CellInput, NotebookAnalysis } from './notebook';
export { parseCell } from './syntax';
export type { Expr, ParsedCell, Statement } from './syntax';
export { LOSS_TABLE, lossByFunctional, lossByModule } from './lossTable';
export type { LossEntry } from './lossTable';
export { Evaluator, canonicalPath } from './evaluator';
export type { Failure } from './evaluator';
export { pyFloatRepr, pyStr, torchRepr } from './values';
export type { PyValue } from './values';
export { readNotebookJson, escapeControlCharactersInStrings } from './notebookJson';
export type { NotebookCodeCell } from './notebookJson';
export { formatLossHover, formatTensorHover, formatProblemHover, formatNumberHover, MAX_HOVER_ROWS, TOP_ENTRIES } from './hoverText';
