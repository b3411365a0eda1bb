import nx from '@nx/eslint-plugin';

const SERVICES = [
  'api-gateway',
  'auth-service',
  'order-service',
  'notification-service',
  'analytics-ingest',
  'dlq-consumer',
];

/** Which tags may import which: types keep layers apart, scopes keep services apart. */
function boundaries({ inTests }) {
  const withTests = (tags) => (inTests ? [...tags, 'type:testing'] : tags);
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    // Shared config files that projects' own config files load (not code the apps run).
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^(\\.\\./)+tools/webpack/app\\.webpack$'],
    depConstraints: [
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: withTests(['type:domain', 'type:data-access', 'type:util']),
      },
      {
        sourceTag: 'type:tooling',
        onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:testing'],
      },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
      {
        sourceTag: 'type:data-access',
        onlyDependOnLibsWithTags: withTests(['type:data-access', 'type:util']),
      },
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: withTests(['type:util']) },
      { sourceTag: 'type:util', onlyDependOnLibsWithTags: withTests(['type:util']) },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ...SERVICES.map((service) => ({
        sourceTag: `scope:${service}`,
        onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
      })),
    ],
  };
}

/**
 * One lint policy for the workspace. The module-boundary rule is what keeps the architecture:
 * every project has one `type:*` and one `scope:*` tag (see docs/workspace.md), an app never
 * imports another app, a lib is entered only through its index.ts, and utils never reach up.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/coverage', '.nx', '.infra', 'tmp'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cts', '**/*.mjs'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inTests: false })] },
  },
  {
    // Tests of any project (and their *.spec-helper.ts) may also use @platform/testing (type:testing).
    files: ['**/*.spec.ts', '**/*.spec-helper.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inTests: true })] },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
];
