// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'analytics-ingest',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/analytics-ingest',
};
