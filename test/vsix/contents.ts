/**
 * What the VSIX may hold: what a user's VS Code runs and the marketplace shows, within a size
 * budget. Pure, so the unit layer tests the rules and the VSIX layer applies them to the real file.
 */

/** One file in the package, with its uncompressed size in bytes. */
export interface VsixEntry {
  readonly name: string;
  readonly size: number;
}

/** The files a user needs (vsce adds the manifest and content types). */
export const VSIX_FILES: readonly string[] = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/webview.js',
  'extension/media/icon.png',
  'extension/media/lossLens.svg',
  'extension/media/panel.css',
];

/** Optional files: screenshots the README shows. */
const OPTIONAL = [/^extension\/media\/screenshots\/[\w.-]+\.(png|gif)$/];

/** Size budget of the packed VSIX and of each bundle (bytes). */
export const VSIX_BUDGET = { packed: 1_500_000, bundle: 1_000_000, screenshots: 2_500_000 };

/** Every way `entries` (and the packed size) break the rules, as sentences; empty when all is well. */
export function checkVsixEntries(entries: readonly VsixEntry[], packedBytes: number): string[] {
  const problems: string[] = [];
  const names = new Set(entries.map((e) => e.name.replace(/^extension\/README\.md$/i, 'extension/readme.md').replace(/^extension\/CHANGELOG\.md$/i, 'extension/changelog.md')));
  for (const need of VSIX_FILES) if (!names.has(need)) problems.push(`${need} is missing`);
  let screenshots = 0;
  for (const e of entries) {
    const name = e.name.replace(/^extension\/README\.md$/i, 'extension/readme.md').replace(/^extension\/CHANGELOG\.md$/i, 'extension/changelog.md');
    if (VSIX_FILES.includes(name)) {
      if (name.endsWith('.js') && e.size > VSIX_BUDGET.bundle) problems.push(`${name} is ${e.size} bytes, over the ${VSIX_BUDGET.bundle}-byte budget (is it minified?)`);
      continue;
    }
    if (OPTIONAL.some((re) => re.test(name))) {
      screenshots += e.size;
      continue;
    }
    problems.push(`${name} should not ship (not in the list of what a user needs)`);
  }
  if (screenshots > VSIX_BUDGET.screenshots) problems.push(`screenshots take ${screenshots} bytes, over the ${VSIX_BUDGET.screenshots}-byte budget`);
  if (packedBytes > VSIX_BUDGET.packed) problems.push(`the VSIX is ${packedBytes} bytes, over the ${VSIX_BUDGET.packed}-byte budget`);
  return problems;
}
