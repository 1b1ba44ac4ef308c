/** The .ipynb reader, strict JSON and JSON with a raw control character inside a string. */
import * as assert from 'assert';
import { escapeControlCharactersInStrings, readNotebookJson } from '../../../src/analysis/notebookJson';

describe('analysis/notebookJson', () => {
  const nb = (text: string): string =>
    `{"cells": [{"cell_type": "markdown", "source": ["# t"]}, {"cell_type": "code", "source": ["x = 1\\n", "x"], "outputs": [{"output_type": "stream", "text": ["a\\n"]}, {"output_type": "execute_result", "data": {"text/plain": ["${text}"]}}]}]}`;

  it('reads code cells with stream and text/plain outputs', () => {
    assert.deepStrictEqual(readNotebookJson(nb('1')), [{ cellIndex: 1, source: 'x = 1\nx', outputs: ['a\n', '1'] }]);
  });

  it('copes with a raw newline inside a string, leaving whitespace between tokens alone', () => {
    const raw = nb('\n').replace('{"cells"', '{\n"cells"');
    assert.throws(() => JSON.parse(raw));
    assert.deepStrictEqual(readNotebookJson(raw)[0].outputs, ['a\n', '\n']);
    assert.strictEqual(escapeControlCharactersInStrings('{"a": "x\ty"}\n'), '{"a": "x\\u0009y"}\n');
  });

  it('says when the JSON is not a notebook', () => {
    assert.throws(() => readNotebookJson('{"a": 1}'), /not an nbformat 4 notebook/);
  });
});
