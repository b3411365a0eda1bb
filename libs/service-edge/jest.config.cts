// Unit tests: no I/O, run everywhere (*.unit.spec.ts).
module.exports = {
  displayName: 'service-edge',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/libs/service-edge',
};
