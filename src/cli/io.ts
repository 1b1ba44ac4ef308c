/** The CLI's view of the terminal, so subcommands are testable without a process. */
export interface CliIo {
  /** Writes to standard output (the caller adds newlines). */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** Reads a file named by `@path` arguments. */
  readFile(path: string): Promise<string>;
}

/** Exit codes: 0 success, 1 a check failed (conformance), 2 a bad call or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
