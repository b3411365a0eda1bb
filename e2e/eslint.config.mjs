import baseConfig from '../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Command-line scripts (npm run fuzz:http) report on the terminal.
    files: ['**/*.script.ts'],
    rules: { 'no-console': 'off' },
  },
];
