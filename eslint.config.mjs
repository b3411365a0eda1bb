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
    // Type-aware rules: each file is checked with the types of the tsconfig that owns it (the
    // nearest tsconfig.json, or the project it references that includes the file).
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its rejection: await it, .catch() it, or `void` it with a
      // comment saying who handles its errors.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (an event listener, forEach, setInterval)
      // has its rejection dropped the same way.
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union names every member (its `default`, if any, assigns to `never`: the
      // compiler's proof), or has a `default` saying what happens to the rest. What it catches: a
      // switch with neither, where a member left out would silently do nothing.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        {
          allowDefaultCaseForExhaustiveSwitch: true,
          considerDefaultExhaustiveForUnions: true,
          requireDefaultForNonUnion: false,
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
];
