// `npm start`: builds Loss Lens, installs code-server if needed (`setup:vscode`), packages the
// extension as a VSIX, installs it into a local code-server and serves the `samples/` workspace.
// Prints the URL to open; Ctrl+C (SIGINT) or SIGTERM stops the server's whole process group.
//
// Environment: PORT (default 8080, or a free port if 8080 is taken), HOST (default 127.0.0.1).
// The server code is the UI tests' own (test/e2e/support/server.ts), bundled on the fly with esbuild.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const startDir = join(root, '.e2e', 'start');
const vsix = join(startDir, 'loss-lens.vsix');
const samples = join(root, 'samples');

/** Runs a step, inheriting the terminal; exits with its code if it fails. */
function step(title, cmd, args, options = {}) {
  console.log(`start: ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.status !== 0) {
    console.error(`start: ${title} failed (exit ${r.status}${r.signal ? `, signal ${r.signal}` : ''})`);
    process.exit(r.status || 1);
  }
}

/** True if `port` can be bound on `host`. */
function portIsFree(port, host) {
  return new Promise((resolvePort) => {
    const srv = createServer();
    srv.once('error', () => resolvePort(false));
    srv.listen(port, host, () => srv.close(() => resolvePort(true)));
  });
}

step('building', 'npm', ['run', 'build']);
step('checking code-server', process.execPath, [join(root, 'scripts', 'setupVscode.mjs'), '--quiet']);
rmSync(startDir, { recursive: true, force: true });
mkdirSync(startDir, { recursive: true });
step('packaging the VSIX', 'npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '-o', vsix]);

const bundle = join(startDir, 'support.cjs');
await esbuild.build({ entryPoints: [join(root, 'test', 'e2e', 'support', 'server.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning' });
const { createRunDir, installVsix, startCodeServer, freePort } = createRequire(import.meta.url)(bundle);

const runDir = createRunDir('start/run', true);
console.log('start: installing the VSIX into the local code-server');
installVsix(runDir, vsix);

const host = process.env.HOST || '127.0.0.1';
const port = process.env.PORT ? Number(process.env.PORT) : (await portIsFree(8080, host)) ? 8080 : await freePort();
const server = await startCodeServer({ runDir, host, port, folder: samples });
const url = `${server.origin}/?folder=${encodeURIComponent(samples)}`;
console.log(`\nLoss Lens is being served with the samples workspace. Open:\n\n  ${url}\n\nPress Ctrl+C to stop.`);

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\nstart: ${signal}: stopping code-server`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.error(`start: code-server exited on its own (code ${code}, signal ${signal})`);
  console.error(server.output().split('\n').slice(-20).join('\n'));
  process.exit(1);
});
