// Unit tests of the load generator's pure parts (no I/O).
module.exports = {
  displayName: 'load',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/**/*.unit.spec.ts'],
};
