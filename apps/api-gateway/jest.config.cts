// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'api-gateway',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/api-gateway',
};
