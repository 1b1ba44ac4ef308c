/**
 * Parsers: text a user has on screen (JSON dumps, Python cells, printed reprs) to engine tensors,
 * with the source range of each and a {@link ParseError} `{message, offset, length}` for anything
 * else. Pure TypeScript: no `vscode`, no Node built-ins, no DOM.
 */

/** Errors: {@link ParseError} and position helpers. */
export { ParseError, isParseError, lineColumn, describeToken } from './errors';
export type { LineColumn } from './errors';

/** Result types: {@link ParseResult}, {@link ParsedTensor}, {@link SourceRange}, formats and options. */
export type { FormatOption, OptionValue, ParsedTensor, ParseResult, SourceRange, TensorFormat } from './parseResult';

/** Roles of named tensors: {@link roleForKey} and the {@link TensorRole} union. */
export { roleForKey, TENSOR_ROLES } from './roles';
export type { TensorRole } from './roles';

/** The auto-detecting entry point {@link parseTensorText}, and {@link parseAs} for one format. */
export { parseTensorText, parseAs } from './parseTensorText';

/** JSON: {@link parseJsonTensor} (arrays, tensor objects, objects with roles) and the dims cap. */
export { parseJsonTensor, MAX_DIMS } from './jsonTensor';
export { parseJsonTensorBytes } from './jsonTensorBytes';

/** Python source: {@link parsePythonTensors}, and the repr-summary message. */
export { parsePythonTensors, SUMMARIZED_MESSAGE, MAX_EXPRESSION_DEPTH } from './pythonLiteral';
export type { PythonTensor, PythonParseOptions, TensorVal } from './pythonLiteral';

/** Printed torch and numpy reprs: {@link parseReprs}. */
export { parseReprs } from './reprs';

/** Hovers: {@link locateTensor} finds the tensor around an offset cheaply. */
export { locateTensor, DEFAULT_MAX_SCAN } from './locate';
export type { LocatedTensor, LocateOptions } from './locate';

/** Dtype names to engine dtypes: {@link dtypeFromName}. */
export { dtypeFromName } from './dtypes';
