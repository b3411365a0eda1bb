// Unit tests of the infrastructure definitions: no servers, just the files agreeing with each other.
module.exports = {
  displayName: 'infra',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/**/*.unit.spec.ts'],
};
