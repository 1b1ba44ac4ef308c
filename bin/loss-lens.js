#!/usr/bin/env node
// The `loss-lens` command: the bundled CLI (build it with `npm run build`).
require('../dist/cli.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
