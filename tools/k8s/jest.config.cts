// Unit tests of the Kubernetes manifests against the sources they restate: no cluster, no servers.
module.exports = {
  displayName: 'k8s',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/*.unit.spec.ts'],
};
