// Smoke tests: one per server of the infrastructure, against the real thing (npm run infra:up first).
module.exports = {
  displayName: 'infra:smoke',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/smoke/**/*.int.spec.ts'],
  testTimeout: 60_000,
};
