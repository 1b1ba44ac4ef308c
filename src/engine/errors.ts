/**
 * Engine errors. Every rejected call raises an {@link EngineError} whose `code` is one of the
 * categories of ../shared/oracle/FORMAT.md, and whose message names the op, the argument and the
 * shapes or values involved, then says what to do.
 */

/** The error categories of the oracle format. */
export type EngineErrorCode =
  | 'shape_mismatch'
  | 'invalid_target'
  | 'invalid_value'
  | 'invalid_reduction'
  | 'invalid_argument';

/** The list of codes, for validation and tests. */
export const ENGINE_ERROR_CODES: readonly EngineErrorCode[] = [
  'shape_mismatch',
  'invalid_target',
  'invalid_value',
  'invalid_reduction',
  'invalid_argument',
];

/** A call the engine rejects, as PyTorch would. `message` starts with the op name. */
export class EngineError extends Error {
  /** @param code the FORMAT.md category. @param op the op name. @param detail the sentence after "op: ". */
  constructor(
    readonly code: EngineErrorCode,
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'EngineError';
  }
}

/** True when `e` is an {@link EngineError}. */
export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
