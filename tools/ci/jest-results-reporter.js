// Writes each Jest run's totals to $JEST_RESULTS_DIR so that tools/ci/test-all.sh can print one
// closing line for the whole suite, across every Nx project and test level.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

class JestResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.JEST_RESULTS_DIR;
    if (!dir) return;
    const name = (this.globalConfig.rootDir || 'jest').replace(/[^A-Za-z0-9]+/g, '_');
    const totals = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(join(dir, `${name}_${process.pid}.json`), JSON.stringify(totals));
  }
}

module.exports = JestResultsReporter;
