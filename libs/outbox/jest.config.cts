// Unit tests: no I/O, run everywhere (*.unit.spec.ts).
module.exports = {
  displayName: 'outbox',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/libs/outbox',
};
