/**
 * A deliberately small reader for bracketed lists of numbers (`[2.0, 1.0, 0.1]`, nested and
 * rectangular), enough for the first commands and hovers. The real parsers live in `src/parsers/`;
 * this file goes away once they land. Pure: no `vscode` import.
 */

/** A rectangular list of numbers found in some text. */
export interface NumberList {
  /** Shape, outermost first: `[[1,2,3],[4,5,6]]` is `[2, 3]`. */
  readonly shape: number[];
  /** Values, row-major. */
  readonly data: number[];
  /** Offset of the opening `[` in the text that was searched. */
  readonly start: number;
  /** Offset just past the closing `]`. */
  readonly end: number;
}

/** Why no list could be read. */
export interface NumberListError {
  readonly error: string;
}

const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s*/y;

/** Reads the list that opens at `text[start] === '['`. */
function readList(text: string, start: number): NumberList | NumberListError {
  let i = start;
  const skip = (): void => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  type Node = number | Node[];
  const item = (): Node | NumberListError => {
    skip();
    if (text[i] === '[') {
      i++;
      const items: Node[] = [];
      skip();
      while (text[i] !== ']') {
        const child = item();
        if (typeof child === 'object' && !Array.isArray(child)) return child;
        items.push(child);
        skip();
        if (text[i] === ',') {
          i++;
          skip();
        } else if (text[i] !== ']') {
          return { error: i >= text.length ? 'The list has no closing ].' : `Expected , or ] at "${text.slice(i, i + 12)}".` };
        }
      }
      i++;
      return items;
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return { error: `Expected a number at "${text.slice(i, i + 12)}".` };
    i = NUMBER.lastIndex;
    return Number(m[0]);
  };
  const root = item();
  if (typeof root === 'object' && !Array.isArray(root)) return root;
  const shape: number[] = [];
  for (let level: Node = root; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const data: number[] = [];
  const walk = (node: Node, depth: number): string | undefined => {
    if (depth === shape.length) {
      if (Array.isArray(node)) return 'The list is nested more deeply in some places than in others.';
      data.push(node);
      return undefined;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) return `The list is not rectangular: expected shape [${shape.join(',')}].`;
    for (const child of node) {
      const problem = walk(child, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = walk(root, 0);
  if (problem) return { error: problem };
  return { shape, data, start, end: i };
}

/** Reads the first bracketed list in `text` (leading and trailing text such as `torch.tensor(` is ignored). */
export function parseNumberList(text: string): NumberList | NumberListError {
  const start = text.indexOf('[');
  if (start < 0) return { error: 'No bracketed list of numbers: select something like [2.0, 1.0, 0.1].' };
  return readList(text, start);
}

/**
 * The innermost bracketed list of numbers that encloses `offset`, or undefined. Looks at most
 * `window` characters to the left, so a hover on a huge file stays cheap.
 */
export function numberListAt(text: string, offset: number, window = 20_000): NumberList | undefined {
  let open = -1;
  if (text[offset] === '[') {
    open = offset;
  } else {
    let depth = 0;
    for (let i = Math.min(offset, text.length) - 1; i >= Math.max(0, offset - window); i--) {
      const c = text[i];
      if (c === ']') depth++;
      else if (c === '[') {
        if (depth === 0) {
          open = i;
          break;
        }
        depth--;
      }
    }
  }
  if (open < 0) return undefined;
  const list = readList(text, open);
  if ('error' in list || list.end <= offset || list.data.length === 0) return undefined;
  return list;
}

/** Narrows a parse result. */
export function isNumberListError(r: NumberList | NumberListError): r is NumberListError {
  return 'error' in r;
}
