// Generates services in a copy of the workspace and runs their lint, typecheck and tests.
module.exports = {
  displayName: 'generators:int',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 600_000,
};
