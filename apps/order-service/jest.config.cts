// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'order-service',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/order-service',
};
