// Unit tests of the end-to-end and fault suites' pure parts (no I/O).
module.exports = {
  displayName: 'e2e-unit',
  preset: '../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
};
