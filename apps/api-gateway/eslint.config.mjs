import baseConfig from '../../eslint.config.mjs';

const notAsHtml =
  'API data is written as text only (textContent, el()): a payload is whatever bytes someone produced.';
const notStored = 'the access token stays in memory: storage is readable by any script of the origin.';

export default [
  ...baseConfig,
  {
    // The DLQ console's browser script, bundled into console.js. Which globals exist (the DOM's,
    // no Node's) is checked by tsc with src/console/web/tsconfig.json (lib dom, no types).
    files: ['src/console/web/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({
          property,
          message: notAsHtml,
        })),
        { object: 'document', property: 'write', message: notAsHtml },
        { object: 'document', property: 'cookie', message: notStored },
        { object: 'window', property: 'localStorage', message: notStored },
        { object: 'window', property: 'sessionStorage', message: notStored },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'localStorage', message: notStored },
        { name: 'sessionStorage', message: notStored },
      ],
    },
  },
];
