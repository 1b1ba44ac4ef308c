/**
 * A Python exception raised by the code being interpreted, as PyTorch or Python would raise it:
 * `RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton
 * dimension 1`. It means "torch would fail here", which a hover shows as an error with its
 * position; it is different from a value Loss Lens cannot know (the interpreter's unknown values).
 */

/** The Python exception classes the interpreter raises. */
export type PyErrorType =
  | 'TypeError'
  | 'ValueError'
  | 'IndexError'
  | 'KeyError'
  | 'RuntimeError'
  | 'ZeroDivisionError'
  | 'AttributeError'
  | 'NameError'
  | 'AssertionError'
  | 'StopIteration'
  | 'NotImplementedError'
  | 'OverflowError'
  | 'Exception';

/** A Python exception with its class and message. */
export class PyError extends Error {
  constructor(
    readonly pyType: PyErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PyError';
  }

  /** `RuntimeError: message`, as Python prints the last line of a traceback. */
  toString(): string {
    return `${this.pyType}: ${this.message}`;
  }
}

/** Throws a {@link PyError}. */
export function raise(pyType: PyErrorType, message: string): never {
  throw new PyError(pyType, message);
}
