// Integration tests against the real servers (*.int.spec.ts): npm run infra:up first.
module.exports = {
  displayName: 'postgres:int',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 60_000,
};
