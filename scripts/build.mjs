// Bundles the extension (node/cjs, `vscode` external), the CLI (node/cjs) and the webview (browser/iife).
// Type checking is separate: `npm run check-types`. `--production` (run by `vscode:prepublish`, so by
// `npm run package`) minifies and writes source maps beside the bundles without linking them; the
// VSIX leaves the maps out (.vscodeignore), and a stack trace from a user maps back with them.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: production ? 'external' : true, minify: production, logLevel: 'warning', target: 'es2022' };

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
];

if (watch) {
  for (const options of builds) (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
