/**
 * Starts and stops the local code-server (VS Code 1.100.3 web + a Node extension host) on a free
 * loopback port with fresh user-data, extensions and XDG folders. Shared by the in-host launcher,
 * the UI tests and `npm start`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { codeServerEntry, e2eDir } from './paths';

/** The folders one run owns, all under `.e2e/run-<label>-<time>-<pid>/`. */
export interface RunDir {
  readonly root: string;
  readonly userData: string;
  readonly extensions: string;
  readonly xdgConfig: string;
  readonly xdgData: string;
  readonly browserProfile: string;
}

/** Workbench settings for a quiet, deterministic window. */
export const workbenchSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.hover.delay': 150,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** How many failed runs' folders to keep per label (successful runs remove their own). */
const KEEP_FAILED_RUNS = 3;

/** Deletes all but the newest `keep` `.e2e/run-<label>-*` folders. */
function pruneRunDirs(label: string, keep: number): void {
  const prefix = `run-${label}-`;
  let names: string[];
  try {
    names = readdirSync(e2eDir).filter((n) => n.startsWith(prefix)).sort();
  } catch {
    return;
  }
  for (const name of names.slice(0, Math.max(0, names.length - keep))) rmSync(join(e2eDir, name), { recursive: true, force: true });
}

/** Creates a fresh run folder with user settings written. `fixed` reuses `.e2e/<label>` instead. */
export function createRunDir(label: string, fixed = false): RunDir {
  if (!fixed) pruneRunDirs(label, KEEP_FAILED_RUNS);
  const root = fixed ? join(e2eDir, label) : join(e2eDir, `run-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const dir: RunDir = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    xdgConfig: join(root, 'xdg', 'config'),
    xdgData: join(root, 'xdg', 'data'),
    browserProfile: join(root, 'chromium'),
  };
  for (const d of [dir.userData, dir.extensions, dir.xdgConfig, dir.xdgData, dir.browserProfile]) mkdirSync(d, { recursive: true });
  mkdirSync(join(dir.userData, 'User'), { recursive: true });
  writeFileSync(join(dir.userData, 'User', 'settings.json'), JSON.stringify(workbenchSettings, null, 2) + '\n');
  return dir;
}

/** Removes a run folder (call on success; keep it on failure for the logs). */
export function removeRunDir(dir: RunDir): void {
  rmSync(dir.root, { recursive: true, force: true });
}

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a small window before code-server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A running code-server. */
export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  readonly process: ChildProcess;
  /** The workbench URL for a folder, with an optional `payload` (extension development and test paths). */
  workbenchUrl(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  /** A `vscode-remote://` URI for a server-side path, as the payload wants. */
  remoteUri(path: string): string;
  /** Everything the server printed so far. */
  output(): string;
  /** Kills the server's process group and waits for it to exit. */
  stop(): Promise<void>;
}

/** Environment that keeps code-server's config and data out of the home folder. */
export function isolatedEnv(dir: RunDir, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: dir.xdgConfig, XDG_DATA_HOME: dir.xdgData, ...extra };
}

/** Installs a VSIX into the run's extensions folder (about 1.5 s). */
export function installVsix(dir: RunDir, vsix: string): void {
  const r = spawnSync(process.execPath, [codeServerEntry, '--user-data-dir', dir.userData, '--extensions-dir', dir.extensions, '--install-extension', vsix], {
    encoding: 'utf8',
    env: isolatedEnv(dir),
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`Installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  // Last resort if a caller forgot stop(): never leave a server behind.
  for (const p of live) killGroup(p, 'SIGKILL');
});

function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Options for `startCodeServer`. */
export interface StartOptions {
  readonly runDir: RunDir;
  /** Extra environment for the server, which the extension host inherits (e.g. a results-file path). */
  readonly env?: Record<string, string>;
  /** Port to bind; a free one by default. */
  readonly port?: number;
  /** Host to bind; 127.0.0.1 by default. */
  readonly host?: string;
  /** Folder opened when the URL names none. */
  readonly folder?: string;
  /** How long to wait for "HTTP server listening". */
  readonly startTimeoutMs?: number;
}

/** Starts code-server in its own process group and resolves once it listens. */
export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const { runDir } = options;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const args = [
    codeServerEntry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', runDir.userData,
    '--extensions-dir', runDir.extensions,
    ...(options.folder ? [options.folder] : []),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv(runDir, options.env) });
  live.add(child);
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${(options.startTimeoutMs ?? 30_000) / 1000} s:\n${output}`)), options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}, signal ${signal}) before listening:\n${output}`));
    });
  });
  const origin = `http://${host}:${port}`;
  const authority = `${host}:${port}`;
  return {
    port,
    origin,
    process: child,
    remoteUri: (path) => `vscode-remote://${authority}${path}`,
    workbenchUrl(folder, payload) {
      let url = `${origin}/?folder=${encodeURIComponent(folder)}`;
      if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return url;
    },
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      // The extension host and other children share the group; make sure none outlive the server.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* group gone */
      }
    },
  };
}
