// End-to-end: the built apps as real processes, on the real servers (npm run infra:up first).
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 90_000,
};
