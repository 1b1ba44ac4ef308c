import * as assert from 'assert';
import { formatFindings } from '../../../src/cli/findings';
import { diagnose } from '../../../src/engine/diagnostics';
import { tensor } from '../../../src/engine/tensor';

describe('cli/findings', () => {
  it('no findings is the empty string', () => assert.strictEqual(formatFindings([]), ''));

  it('severity, id, arg and rows on one line, then the message and the fix, indented', () => {
    const text = formatFindings([
      { id: 'target-out-of-range', severity: 'error', arg: 'target', rows: [1, 2], message: 'Target is bad.', fix: 'Fix it.' },
      { id: 'kl-mean-reduction', severity: 'warning', message: 'Mean.', fix: 'Use batchmean.' },
    ]);
    assert.strictEqual(
      text,
      [
        'error    target-out-of-range [target, rows 1, 2]',
        '         Target is bad.',
        '         fix: Fix it.',
        'warning  kl-mean-reduction',
        '         Mean.',
        '         fix: Use batchmean.',
      ].join('\n'),
    );
  });

  it('formats real findings, one row as "row"', () => {
    const text = formatFindings(diagnose('cross_entropy', { input: tensor([2, 2], [0, 1, 1, 0]), target: tensor([2], [0, 5], 'int64') }));
    assert.match(text, /^error {4}target-out-of-range \[target, row 1\]\n {9}target has 1 value outside \[0, 2\)/);
  });
});
