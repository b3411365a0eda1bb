// Integration and end-to-end tests against the real servers: npm run infra:up first.
module.exports = {
  displayName: 'api-gateway:int',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.int.spec.ts', '<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 60_000,
};
