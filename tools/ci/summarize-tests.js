// Sums the totals that jest-results-reporter.js wrote and prints the suite's closing line.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.argv[2];
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const run = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const key of Object.keys(totals)) totals[key] += run[key];
}
if (totals.passed + totals.failed === 0) {
  console.error('no test ran: the suite is misconfigured');
  process.exit(1);
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.skipped > 0 ? 1 : 0);
