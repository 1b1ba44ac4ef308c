/** The VSIX smoke suite's index: VS Code runs it in the extension host beside the installed Loss Lens. */
import { join } from 'node:path';
import { runSuites } from '../integration/index';

/** Runs test/vsix/smoke/*.test.js. */
export function run(): Promise<void> {
  return runSuites(join(__dirname, 'smoke'), '.test.js');
}
