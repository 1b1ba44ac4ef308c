/**
 * `npm run bench`: speed and memory figures, each against a peer measured in the same run.
 * Inputs are built before timing; every timed result is checked inside the loop; figures are
 * elements/s (or MB/s) and ratios. Not part of `npm test`.
 */
import { benchCrossEntropy } from './crossEntropy.bench';

/** A bench section: a name and a function that prints its figures. */
export interface BenchSection {
  name: string;
  run(): Promise<void>;
}

async function loadOptional(modulePath: string, exportName: string): Promise<(() => Promise<void>) | null> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as Record<string, unknown>;
    const fn = mod[exportName];
    return typeof fn === 'function' ? (fn as () => Promise<void>) : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections: BenchSection[] = [{ name: 'cross_entropy', run: benchCrossEntropy }];
  for (const [name, file, fn] of [
    ['parsers', './parsers.bench', 'benchParsers'],
    ['hover', './hover.bench', 'benchHover'],
    ['panel', './panel.bench', 'benchPanel'],
    ['first_paint', './firstPaint.bench', 'benchFirstPaint'],
  ] as const) {
    const run = await loadOptional(file, fn);
    if (run) sections.push({ name, run });
  }
  for (const s of sections) {
    if (only.length && !only.includes(s.name)) continue;
    process.stdout.write(`\n## ${s.name}\n`);
    await s.run();
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
