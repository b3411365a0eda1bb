import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Benchmarks report on the terminal.
    files: ['**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
