// Shared Jest settings for every project: Node environment, ts-jest with the project's tsconfig.spec.json.
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testEnvironmentOptions: {},
  coverageReporters: ['text-summary', 'html'],
};
