/**
 * What the UI helpers did in the current test, with the time of each step since the test began.
 * The runner prints it for a failed test, so a timeout says which step was waiting and for how long,
 * and which key presses were retried (the output of a CI run is often all there is to go on).
 *
 * A test that mocha timed out keeps running in the background; left alone it would go on pressing
 * keys in the next test's workbench. Each test runs inside its own context ({@link runAsTest}), and
 * a step of a test that has ended throws, so such a test stops at its next helper call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Step {
  at: number;
  what: string;
}

const steps: Step[] = [];
let start = Date.now();
/** The number of the test now running; a test's context holds the number it started with. */
let current = 0;
const owner = new AsyncLocalStorage<number>();

/** Records `what` as the current step; throws when called by a test that has already ended. */
export function step(what: string): void {
  const mine = owner.getStore();
  if (mine !== undefined && mine !== current) throw new Error(`a test that already ended (it timed out) tried to go on: ${what}`);
  steps.push({ at: Date.now(), what });
}

/** Records a retry or a workaround as a step and prints it at once, so passing runs show how often they happen too. */
export function retried(what: string): void {
  step(what);
  console.log(`      (retried: ${what})`);
}

/** Starts the record of a new test; any earlier test still running can no longer take a step. */
export function resetSteps(): void {
  current++;
  steps.length = 0;
  start = Date.now();
}

/** Runs `fn`, a test's body, as the test now running. */
export function runAsTest<T>(fn: () => T): T {
  return owner.run(current, fn);
}

/** The last `max` steps, one per line: `+12.3 s  runCommand "Loss Lens: Compute Loss…"`, and the time since the last one. */
export function stepsText(max = 60): string {
  const shown = steps.slice(-max);
  const lines = shown.map((s) => `+${((s.at - start) / 1000).toFixed(1)} s  ${s.what}`);
  if (steps.length > shown.length) lines.unshift(`(${steps.length - shown.length} earlier steps left out)`);
  lines.push(`+${((Date.now() - start) / 1000).toFixed(1)} s  (the test ended)`);
  return lines.join('\n');
}
