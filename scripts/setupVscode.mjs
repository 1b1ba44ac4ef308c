// `npm run setup:vscode`: installs code-server 4.100.3 (the real VS Code 1.100.3 workbench and a
// Node extension host) into the ignored folder `.e2e/code-server`, for the offline integration and
// UI tests and for `npm start`. Idempotent: a stamp file plus a check of the native modules and of
// `--version` make a second run take a second or two. See ../shared/E2E.md for why each step exists.
//
// Options: --force reinstalls from scratch; --quiet prints only problems and the last line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '4.100.3';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = join(root, '.e2e', 'code-server');
const stamp = join(dest, '.loss-lens-setup.json');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

/** Debian packages the install and the tests need, with the file that shows each is present. */
const debianPackages = [
  { name: 'chromium', present: () => existsSync('/usr/bin/chromium'), why: 'the browser the tests drive' },
  { name: 'libkrb5-dev', present: () => existsSync('/usr/include/gssapi/gssapi.h'), why: 'kerberos.node needs gssapi/gssapi.h' },
  { name: 'ripgrep', present: () => existsSync('/usr/bin/rg'), why: '@vscode/ripgrep cannot download rg offline' },
];

/** Native modules a working install must have built (E2E.md, "Recommended minimal CI recipe"). */
const nativeModules = [
  'node_modules/argon2/lib/binding/napi-v3/argon2.node',
  'lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
];

const log = (msg) => {
  if (!quiet) console.log(`setup:vscode: ${msg}`);
};

/** Runs a command, streaming its output; throws with the command line if it fails. */
function run(cmd, args, cwd, extraEnv = {}) {
  log(`$ (cd ${cwd.replace(root + '/', '')}) ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false', ...extraEnv },
  });
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} failed (exit ${r.status}${r.signal ? `, signal ${r.signal}` : ''})`);
}

/** `ln -sfn target link`. */
function forceSymlink(target, link) {
  try {
    lstatSync(link);
    rmSync(link, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  symlinkSync(target, link);
}

/** Problems with the current install, empty when it is complete. */
function verify() {
  const problems = [];
  for (const rel of nativeModules) if (!existsSync(join(dest, rel))) problems.push(`missing native module ${rel}`);
  if (!existsSync(join(dest, 'lib/vscode/node_modules/@vscode/ripgrep/bin/rg'))) problems.push('missing lib/vscode/node_modules/@vscode/ripgrep/bin/rg');
  if (existsSync(join(dest, 'out/node/entry.js'))) {
    // code-server writes a default config.yaml and logs even for --version: keep them under .e2e/.
    const xdg = join(root, '.e2e', 'xdg-setup');
    const r = spawnSync(process.execPath, [join(dest, 'out/node/entry.js'), '--version'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data') },
    });
    const line = (r.stdout ?? '').split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l)) ?? '';
    if (!line.startsWith(`${VERSION} `)) problems.push(`\`entry.js --version\` printed "${(r.stdout ?? '').trim()}" (exit ${r.status}), expected ${VERSION}`);
  } else {
    problems.push('missing out/node/entry.js');
  }
  return problems;
}

/** Installs missing Debian packages as root; otherwise names them and exits non-zero. */
function ensureDebianPackages() {
  const missing = debianPackages.filter((p) => !p.present());
  if (!missing.length) return;
  const names = missing.map((p) => p.name);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`setup:vscode: missing Debian packages: ${missing.map((p) => `${p.name} (${p.why})`).join(', ')}.`);
    console.error(`setup:vscode: install them with: sudo apt-get install -y ${names.join(' ')}`);
    process.exit(2);
  }
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], root, env);
  run('apt-get', ['install', '-y', ...names], root, env);
  const still = debianPackages.filter((p) => !p.present());
  if (still.length) throw new Error(`apt-get installed ${names.join(' ')} but ${still.map((p) => p.name).join(', ')} still look missing`);
}

/** The full install, the E2E.md recipe step by step. */
function install() {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  run('npm', ['pack', `code-server@${VERSION}`, '--silent'], dest);
  const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack produced no tarball');
  run('tar', ['xzf', tgz, '--strip-components=1'], dest);
  rmSync(join(dest, tgz));
  // --ignore-scripts: code-server's own postinstall runs `npm install` in lib/vscode, which would
  // download rg from GitHub. The argon2 prebuilt download fails offline; rebuild builds it from source.
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], dest);
  run('npm', ['rebuild', 'argon2'], dest);
  const vscodeDir = join(dest, 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  // @vscode/ripgrep's postinstall exits early when bin/ exists; give it Debian's rg.
  const rgBin = join(vscodeDir, 'node_modules/@vscode/ripgrep/bin');
  mkdirSync(rgBin, { recursive: true });
  forceSymlink('/usr/bin/rg', join(rgBin, 'rg'));
  run('npm', ['rebuild'], vscodeDir); // kerberos, node-pty, spdlog, native-watchdog, @parcel/watcher …
  // The rest of code-server's postinstall.sh.
  forceSymlink('node_modules', join(vscodeDir, 'node_modules.asar'));
  forceSymlink('code-linux.sh', join(vscodeDir, 'bin/remote-cli/code-server'));
  forceSymlink('browser-linux.sh', join(vscodeDir, 'bin/helpers/browser.sh'));
  run('npm', ['install', '--omit=dev'], join(vscodeDir, 'extensions'));
}

function main() {
  const t0 = Date.now();
  ensureDebianPackages();
  if (!force && existsSync(stamp)) {
    const recorded = JSON.parse(readFileSync(stamp, 'utf8'));
    const problems = recorded.version === VERSION ? verify() : [`stamp records ${recorded.version}`];
    if (!problems.length) {
      console.log(`setup:vscode: code-server ${VERSION} already installed in .e2e/code-server (verified in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      return;
    }
    log(`reinstalling: ${problems.join('; ')}`);
  }
  rmSync(stamp, { force: true });
  install();
  const problems = verify();
  if (problems.length) {
    for (const p of problems) console.error(`setup:vscode: ${p}`);
    console.error('setup:vscode: the install is incomplete; a newer npm may have skipped install scripts (see E2E.md).');
    process.exit(1);
  }
  writeFileSync(stamp, JSON.stringify({ version: VERSION, node: process.version, installedAt: new Date().toISOString() }, null, 2) + '\n');
  console.log(`setup:vscode: installed code-server ${VERSION} into .e2e/code-server in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (err) {
  console.error(`setup:vscode: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
