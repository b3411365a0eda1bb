// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'notification-service',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/notification-service',
};
