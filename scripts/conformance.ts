/**
 * `npm run conformance -- DIR`: runs every case file in DIR (FORMAT.md's format, default the
 * vendored corpus) and prints per-op pass/fail counts, the first failures with their ids and the
 * differing values, and a last line `N passed, N failed`. Exits 1 on any failure; an op the
 * registry does not know counts as failed.
 */
import * as path from 'path';
import { FIXTURE_DIR, loadCases, runCase, CaseResult } from '../test/support/oracle';

function main(argv: string[]): number {
  const dir = path.resolve(argv[0] ?? FIXTURE_DIR);
  const maxShown = Number(process.env.CONFORMANCE_SHOW ?? 20);
  let cases;
  try {
    cases = loadCases(dir);
  } catch (e) {
    process.stderr.write(`conformance: cannot read cases from ${dir}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const perOp = new Map<string, { pass: number; fail: number }>();
  const failures: CaseResult[] = [];
  for (const c of cases) {
    const r = runCase(c);
    const s = perOp.get(r.op) ?? { pass: 0, fail: 0 };
    if (r.ok) s.pass++;
    else {
      s.fail++;
      failures.push(r);
    }
    perOp.set(r.op, s);
  }
  const width = Math.max(...[...perOp.keys()].map((k) => k.length), 2);
  process.stdout.write(`Oracle cases in ${dir}\n\n${'op'.padEnd(width)}  passed  failed\n`);
  for (const [op, s] of [...perOp.entries()].sort()) {
    process.stdout.write(`${op.padEnd(width)}  ${String(s.pass).padStart(6)}  ${String(s.fail).padStart(6)}\n`);
  }
  if (failures.length) {
    process.stdout.write(`\nFirst failures (${Math.min(maxShown, failures.length)} of ${failures.length}):\n`);
    for (const f of failures.slice(0, maxShown)) process.stdout.write(`  ${f.id}: ${f.detail}\n`);
  }
  const passed = cases.length - failures.length;
  process.stdout.write(`\n${passed} passed, ${failures.length} failed\n`);
  return failures.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
