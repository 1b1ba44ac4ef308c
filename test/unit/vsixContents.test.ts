/** The VSIX content rules (test/vsix/contents.ts) that the VSIX layer applies to the real package. */
import * as assert from 'node:assert/strict';
import { checkVsixEntries, VSIX_BUDGET, VSIX_FILES } from '../vsix/contents';

const good = VSIX_FILES.map((name) => ({ name, size: 1000 }));

describe('VSIX contents', () => {
  it('accepts exactly the files a user needs', () => {
    assert.deepEqual(checkVsixEntries(good, 400_000), []);
  });

  it('names a source map, a test file and a missing bundle', () => {
    const entries = [...good.filter((e) => e.name !== 'extension/dist/webview.js'), { name: 'extension/dist/extension.js.map', size: 10 }, { name: 'extension/out/test/unit/a.test.js', size: 10 }];
    assert.deepEqual(checkVsixEntries(entries, 400_000), [
      'extension/dist/webview.js is missing',
      'extension/dist/extension.js.map should not ship (not in the list of what a user needs)',
      'extension/out/test/unit/a.test.js should not ship (not in the list of what a user needs)',
    ]);
  });

  it('holds bundles and the package to their budgets', () => {
    const big = good.map((e) => (e.name === 'extension/dist/webview.js' ? { ...e, size: VSIX_BUDGET.bundle + 1 } : e));
    const problems = checkVsixEntries(big, VSIX_BUDGET.packed + 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /webview\.js is \d+ bytes, over the .* budget \(is it minified\?\)/);
    assert.match(problems[1], /the VSIX is \d+ bytes/);
  });

  it('allows screenshots for the README within their budget', () => {
    assert.deepEqual(checkVsixEntries([...good, { name: 'extension/media/screenshots/hover.png', size: 100_000 }], 500_000), []);
  });
});
