// Unit tests: no I/O, run everywhere (*.unit.spec.ts).
module.exports = {
  displayName: 'postgres',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/libs/postgres',
};
