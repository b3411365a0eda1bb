// Unit tests of the benchmarks' harness: no servers (*.unit.spec.ts).
module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/**/*.unit.spec.ts'],
};
