// Shared Jest settings for every project: Node environment, ts-jest with the project's tsconfig.spec.json.
const { join } = require('node:path');
const { nxPreset } = require('@nx/jest/preset');

// Packages that ship ES modules only, compiled to CommonJS for Jest (tools/jest/esm-to-cjs.transform.js).
// Node loads them as they are (`require` of an ES module); Jest's own module system cannot.
const esmOnly = '(?:@platformatic/(?:kafka|dynamic-buffer|wasm-utils)|jose|uuid|oidc-provider)';

module.exports = {
  ...nxPreset,
  transform: {
    [`node_modules/${esmOnly}/.+\\.js$`]: join(__dirname, 'tools/jest/esm-to-cjs.transform.js'),
    ...nxPreset.transform,
  },
  transformIgnorePatterns: [`/node_modules/(?!${esmOnly}/)`],
  testEnvironment: 'node',
  testEnvironmentOptions: {},
  coverageReporters: ['text-summary', 'html'],
  // The second reporter feeds the closing line of `npm test` (tools/ci/test-all.sh).
  reporters: ['default', join(__dirname, 'tools/ci/jest-results-reporter.js')],
};
