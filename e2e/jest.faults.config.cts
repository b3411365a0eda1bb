// The fault-injection suite: npm run test:faults (tools/faults/run.sh starts its own servers).
module.exports = {
  displayName: 'faults',
  preset: '../jest.preset.js',
  testMatch: ['<rootDir>/src/faults/**/*.faults.spec.ts'],
  testTimeout: 600_000,
};
