import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // A command-line tool: it reports on the terminal.
    files: ['**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
