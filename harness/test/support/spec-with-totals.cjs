// Mocha reporter: the usual `spec` output, then the title of every skipped test (each says which
// tool or image it needed), then one plain closing line that any CI log reader can parse without
// knowing mocha ("N passed, N failed, N skipped").
//
// When the environment variable CI is set (as `.ci/run` and most CI systems do), a skipped test
// fails the run: in CI every acceptance test must really run, so a missing tool cannot turn into
// a silent pass.
'use strict';
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;
const STRICT = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = this.stats;
      if (skipped.length > 0) {
        process.stdout.write(`\nskipped (a tool or image it needs is missing here):\n`);
        for (const t of skipped) process.stdout.write(`  - ${t}\n`);
      }
      process.stdout.write(`\nmocha: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
      if (STRICT && skipped.length > 0) {
        process.stdout.write(`mocha: CI is set, so ${skipped.length} skipped test(s) fail the run (run bash .ci/install-deps)\n`);
        // mocha's own run-end listener (added after this reporter's) hands runner.failures to the
        // exit code
        runner.failures += skipped.length;
      }
    });
  }
}

module.exports = SpecWithTotals;
