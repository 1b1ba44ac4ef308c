/**
 * Test-only extensions the runs load next to Loss Lens. The workbench's `payload` keeps one
 * `extensionDevelopmentPath` (it is read into a Map), so these are copied as plain folders into the
 * run's extensions folder, where VS Code finds them at startup. They never enter the VSIX.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import type { RunDir } from './server';

/** test/fixtures/debug-adapter-extension: debug type `python` runs Debian's debugpy adapter. */
export const debugAdapterExtension = join(repoRoot, 'test', 'fixtures', 'debug-adapter-extension');

/** Copies each test extension into `runDir.extensions` as `<publisher>.<name>-<version>`. */
export function installTestExtensions(runDir: RunDir): void {
  cpSync(debugAdapterExtension, join(runDir.extensions, 'loss-lens-test.debug-adapter-0.0.1'), { recursive: true });
}
