// Unit tests: no I/O (*.unit.spec.ts).
module.exports = {
  displayName: 'api-gateway',
  preset: '../../jest.preset.js',
  // jose 6 ships ES modules only. Node >= 20.19 require()s them natively (the built app), Jest's
  // module loader does not: compile just that package to CommonJS for the tests.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  transform: {
    '/node_modules/jose/.+\\.js$': ['babel-jest', { plugins: ['@babel/plugin-transform-modules-commonjs'] }],
  },
  testMatch: ['<rootDir>/src/**/*.unit.spec.ts'],
  coverageDirectory: '../../coverage/apps/api-gateway',
};
