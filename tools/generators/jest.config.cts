// Unit tests of the generators on a virtual file tree: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'generators',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
};
