// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'auth-service',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/auth-service',
};
