/** Where things are: the repository root, the local code-server, fixtures, screenshots. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is Loss Lens's. */
export const repoRoot: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'loss-lens') return dir;
    if (dirname(dir) === dir) throw new Error(`No loss-lens package.json above ${__dirname}`);
  }
})();

/** The ignored folder for code-server and per-run state. */
export const e2eDir = join(repoRoot, '.e2e');
/** code-server's entry point, installed by `npm run setup:vscode`. */
export const codeServerEntry = join(e2eDir, 'code-server', 'out', 'node', 'entry.js');
/** The workspace the integration and UI tests open. */
export const fixturesWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
/** The ignored folder for screenshots. */
export const screenshotsDir = join(repoRoot, '.screenshots');
/** The compiled in-host suite index (what `extensionTestsPath` points at). */
export const integrationIndex = join(repoRoot, 'out', 'test', 'integration', 'index.js');

/** Throws a message saying what to run when code-server is not installed. */
export function assertCodeServerInstalled(): void {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}: run \`npm run setup:vscode\` first.`);
  }
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first.');
  }
}
