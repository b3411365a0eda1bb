// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'dlq-consumer',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/dlq-consumer',
};
