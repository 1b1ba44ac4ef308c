// Mocha's spec reporter plus a closing line `<layer>: N passed, N failed[, N skipped]` that CI reads.
// The layer name comes from LOSS_LENS_LAYER (default "unit").
'use strict';
const Spec = require('mocha/lib/reporters/spec');

class CountingReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const layer = process.env.LOSS_LENS_LAYER || 'unit';
    runner.once('end', () => {
      const s = runner.stats || {};
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`${layer}: ${s.passes || 0} passed, ${s.failures || 0} failed${skipped}\n`);
    });
  }
}
module.exports = CountingReporter;
