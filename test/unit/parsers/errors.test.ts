import * as assert from 'node:assert/strict';
import { describeToken, isParseError, lineColumn, ParseError } from '../../../src/parsers';

describe('parsers/errors', () => {
  it('ParseError is an Error with message, offset and length', () => {
    const e = new ParseError('Bad.', 3, 2);
    assert.ok(e instanceof Error);
    assert.ok(isParseError(e));
    assert.equal(e.name, 'ParseError');
    assert.deepEqual([e.message, e.offset, e.length], ['Bad.', 3, 2]);
    assert.ok(!isParseError(new Error('x')));
  });

  it('lineColumn counts 1-based lines and columns over \\n, \\r\\n and \\r', () => {
    const text = 'ab\ncd\r\nef\rgh';
    assert.deepEqual(lineColumn(text, 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn(text, 4), { line: 2, column: 2 });
    assert.deepEqual(lineColumn(text, 7), { line: 3, column: 1 });
    assert.deepEqual(lineColumn(text, 11), { line: 4, column: 2 });
    assert.deepEqual(lineColumn(text, 999), { line: 4, column: 3 });
  });

  it('describeToken quotes a name or one character, and caps long runs', () => {
    assert.equal(describeToken('x = torch.randn(3)', 4), "'torch.randn'");
    assert.equal(describeToken('[1, }', 4), "'}'");
    assert.equal(describeToken('abc', 3), 'the end of the input');
    assert.equal(describeToken('\n', 0), "'\\n'");
    assert.equal(describeToken('9'.repeat(100), 0), `'${'9'.repeat(24)}…'`);
  });
});
