// Shared Jest settings for every project: Node environment, ts-jest with the project's tsconfig.spec.json.
const { join } = require('node:path');
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testEnvironmentOptions: {},
  coverageReporters: ['text-summary', 'html'],
  // The second reporter feeds the closing line of `npm test` (tools/ci/test-all.sh).
  reporters: ['default', join(__dirname, 'tools/ci/jest-results-reporter.js')],
};
