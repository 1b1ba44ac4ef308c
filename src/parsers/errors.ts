/**
 * Parser errors. Every rejected text raises a {@link ParseError} that points at the offending
 * characters, so a host can underline them and the CLI can print `stdin:line:column: message`.
 */

/** Text the parsers reject: `message` says what was expected and what was found, `offset` and `length` locate it. */
export class ParseError extends Error {
  /**
   * @param message one sentence: what is wrong and what to do, quoting the offending token. Control
   *   characters in it (a NUL or tab inside a quoted string) are escaped, so a message is always one printable line.
   * @param offset UTF-16 offset of the offending text in the string that was parsed.
   * @param length length of the offending text (0 at the end of the input).
   */
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(printable(message));
    this.name = 'ParseError';
  }
}

/** True when `e` is a {@link ParseError}. */
export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}

/** A 1-based line and column, the way editors and compilers print positions. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** The 1-based line and column of `offset` in `text` (`\r\n`, `\n` and `\r` all end a line). */
export function lineColumn(text: string, offset: number): LineColumn {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Longest token quoted in a message, so a 100 MB run of digits does not end up in one. */
const MAX_QUOTE = 24;

/**
 * The token at `offset`, quoted for a message: `'torch.randn'`, `'}'`, or `the end of the input`.
 * A run of letters, digits, `_` and `.` is one token; any other character stands alone.
 */
export function describeToken(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the input';
  let end = offset;
  while (end < text.length && end - offset < MAX_QUOTE && isWordChar(text.charCodeAt(end))) end++;
  if (end === offset) end = offset + 1;
  const token = text.slice(offset, end);
  const more = end - offset >= MAX_QUOTE && end < text.length && isWordChar(text.charCodeAt(end)) ? '…' : '';
  return `'${printable(token)}${more}'`;
}

/** Length of the token {@link describeToken} quotes, for a ParseError's `length`. */
export function tokenLength(text: string, offset: number): number {
  if (offset >= text.length) return 0;
  let end = offset;
  while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
  return Math.max(1, end - offset);
}

/** Control characters shown as escapes, so a message never carries a raw newline or NUL. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Letters, digits, `_` and `.`: the characters of a name or a number. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
}
