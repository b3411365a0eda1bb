// Integration tests (*.int.spec.ts): real sockets on loopback, servers the tests start themselves.
module.exports = {
  displayName: 'observability:int',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 30_000,
};
