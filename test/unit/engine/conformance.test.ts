/**
 * The oracle corpus, case by case: every vendored case of every registered op must match PyTorch
 * under FORMAT.md's comparison rule. Ops not yet registered are reported as pending suites.
 */
import * as assert from 'assert';
import { registry } from '../../../src/engine/registry';
import { loadCases, runCase, OracleCase } from '../../support/oracle';

const byOp = new Map<string, OracleCase[]>();
for (const c of loadCases()) {
  const list = byOp.get(c.op) ?? [];
  list.push(c);
  byOp.set(c.op, list);
}

describe('oracle conformance', () => {
  for (const [op, cases] of [...byOp.entries()].sort()) {
    const registered = registry.has(op);
    (registered ? describe : describe.skip)(`${op} (${cases.length} cases)`, () => {
      for (const c of cases) {
        it(c.id, () => {
          const r = runCase(c);
          assert.ok(r.ok, `${c.id}: ${r.detail}`);
        });
      }
    });
  }

  it('has a case file for every registered op', () => {
    const missing = registry.list().map((o) => o.name).filter((n) => !byOp.has(n));
    assert.deepStrictEqual(missing, []);
  });
});
